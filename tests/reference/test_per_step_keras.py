"""The output after step t, checked against real Keras (in one child process) for every t of the sequence.

Keras refuses a shorter sequence for a model built with a fixed number of time steps, so:
- files with a free time axis run on the prefix x[:, :t+1] itself ("prefix" and "sequence" methods);
- the Masking model (fixed length, "head" method) runs on x with every step after t masked: an
  LSTM keeps its state over masked steps, so its output is the state after step t.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reference_cases import Case, keras_or_skip, run_batch

from inspector.core.analysis.per_step import PerStep, per_step_outputs
from inspector.core.engine import run
from inspector.core.model.load import open_model
from inspector.reference import seeded_inputs

FREE_LENGTH = {"tfk1_imdb_embedding_bigru_224tf.h5": "prefix", "tfk2_stateful_gru_resetafter_td_2150.h5": "sequence"}
MASKING = "k2_dl4j_masking_zero_lstm_220.h5"


def _cases(corpus_dir: Path) -> list[tuple[Case, np.ndarray, str]]:
    """(Keras case, our per-step output for it, method) for every step of every file."""
    cases = []
    for name in [*FREE_LENGTH, MASKING]:
        model = open_model(corpus_dir / "models" / name)
        x = seeded_inputs(model)
        per_step = per_step_outputs(model, x, run(model, x))
        assert isinstance(per_step, PerStep), (name, per_step)
        steps = x[0].shape[1]
        for t in range(steps):
            if name == MASKING:
                later_masked = x[0].copy()
                later_masked[:, t + 1:] = 0.0  # the Masking layer's mask_value
                keras_input = [later_masked]
            else:
                keras_input = [a[:, : t + 1] for a in x]
            cases.append((Case(f"{name}@{t}", model, keras_input), per_step.values[0][:, t], per_step.method))
    return cases


@pytest.fixture(scope="module")
def keras_cases(corpus_dir: Path) -> list[tuple[Case, np.ndarray, str]]:
    keras_or_skip()
    cases = _cases(corpus_dir)
    run_batch([case for case, _, _ in cases])
    return cases


def test_output_after_step_t_agrees_with_keras(keras_cases) -> None:
    methods = set()
    for case, ours, method in keras_cases:
        assert case.result is not None and case.result.available, (case.key, case.result and case.result.reason)
        keras = case.result.outputs[0]
        if method != "head" and keras.ndim >= 3:
            keras = keras[:, -1]  # a sequence output: its last step
        np.testing.assert_allclose(ours, keras, rtol=1e-5, atol=1e-5, err_msg=case.key)
        methods.add(method)
    assert methods == {"head", "prefix", "sequence"}
