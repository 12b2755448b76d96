"""Mask behaviour where Keras 3 and tf_keras differ, against outputs real Keras computed.

The files in keras_cases/ were written by keras_cases/make_cases.py with keras 3.15.1 and
tf_keras 2.21.0 (random weights, `model.predict`). Tolerance 1e-5 as for the zoo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.model.load import open_model

CASES = Path(__file__).resolve().parent / "keras_cases"
NAMES = ("initial_state_mask", "merge_masks", "td_masked", "attention_mask")


@pytest.mark.parametrize("runtime", ["keras3", "tf_keras"])
@pytest.mark.parametrize("name", NAMES)
def test_mask_semantics_match_keras(name: str, runtime: str) -> None:
    with np.load(CASES / f"{name}.{runtime}.npz") as data:
        inputs = [data[f"in{k}"] for k in range(sum(f.startswith("in") for f in data.files))]
        expected = [data[f"out{k}"] for k in range(sum(f.startswith("out") for f in data.files))]
    result = run(open_model(CASES / f"{name}.{runtime}.h5"), inputs)
    assert len(result.outputs) == len(expected)
    for k, (ours, keras) in enumerate(zip(result.outputs, expected, strict=True)):
        np.testing.assert_allclose(ours, keras, atol=1e-5, rtol=0, err_msg=f"output {k}")


def test_cases_exercise_the_difference() -> None:
    """Guard: sample 1 is masked from step 3 on; tf_keras carries the GRU output there,
    Keras 3 (initial state given, mask ignored) does not."""
    with np.load(CASES / "initial_state_mask.tf_keras.npz") as data:
        np.testing.assert_array_equal(data["out0"][1, 3], data["out0"][1, 2])
    with np.load(CASES / "initial_state_mask.keras3.npz") as data:
        assert np.abs(data["out0"][1, 3] - data["out0"][1, 2]).max() > 1e-3
