"""The real-world corpus: Keras agrees with the engine wherever an installed Keras can run a file,
and every other file is refused with a reason (Keras 1, weights only, Lambda, CuDNN without a GPU,
a file Keras itself cannot load)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from reference_cases import Batch, Case

from inspector.core.analysis.compare import compare_model
from inspector.core.engine import run as run_engine

CUDNN_FILES = ("k2_cudnnlstm_attention_220.h5", "k2_cudnnlstm_multi_input_attention_220.h5")
NAN_FILE = "tfk2_hdf5_with_keras_extension_2100.keras"


def refs(corpus_dir: Path) -> dict[str, dict]:
    return {entry["file"]: entry for entry in json.loads((corpus_dir / "refs" / "refs.json").read_text())}


def comparison_of(case: Case):
    engine = run_engine(case.model, case.inputs, record_trace=False)
    return compare_model(case.model, case.inputs, engine, case.result.layer_outputs, case.result.outputs)


def test_every_file_with_refs_gets_a_reference_from_the_same_keras(corpus_batch: Batch, corpus_dir: Path) -> None:
    for name, entry in refs(corpus_dir).items():
        result = corpus_batch.cases[name].result
        assert result.available, (name, result.reason)
        assert result.runtime == entry["runtime"], name
        with np.load(corpus_dir / "refs" / f"{name}.expected.npz", allow_pickle=False) as expected:
            for i, got in enumerate(result.outputs):
                np.testing.assert_allclose(got, expected[f"out{i}"], atol=1e-5, err_msg=name)


def test_engine_agrees_with_keras_on_every_file_keras_can_run(corpus_batch: Batch) -> None:
    ran = [case for case in corpus_batch.cases.values() if case.result.available]
    assert len(ran) >= 50  # 25 files with refs twice (refs input, seeded input), and any other Keras runs
    for case in ran:
        comparison = comparison_of(case)
        assert comparison.ok, (case.key, [(d.name, d.max_abs_err) for d in comparison.layers if not d.ok])
        assert comparison.layers and not comparison.unpaired, (case.key, comparison.unpaired)


def test_every_other_file_is_refused_with_a_reason(corpus_batch: Batch) -> None:
    refused = {key: case.result.reason for key, case in corpus_batch.cases.items() if not case.result.available}
    assert all(len(reason) > 20 for reason in refused.values()), refused
    for key, reason in refused.items():
        if key.startswith("k1_") and "weights" not in key:
            assert "Keras 1" in reason, key


@pytest.mark.parametrize("name", CUDNN_FILES)
def test_cudnn_without_gpu_is_no_reference_not_a_failure(corpus_batch: Batch, name: str) -> None:
    result = corpus_batch.cases[name].result
    assert not result.available
    assert "CuDNNLSTM" in result.reason and "GPU" in result.reason


def test_nan_weights_give_nan_in_keras_too_and_that_agrees(corpus_batch: Batch) -> None:
    case = corpus_batch.cases[NAN_FILE]
    assert all(np.isnan(out).all() for out in case.result.outputs)
    comparison = comparison_of(case)
    assert comparison.ok
    assert any("NaN" in note for note in comparison.notes)
