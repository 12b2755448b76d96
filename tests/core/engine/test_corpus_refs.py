"""Real-world files against outputs computed by real Keras (../shared/realworld, see its README).

refs/: 25 models with `<file>.input.npz` / `<file>.expected.npz` computed by tf_keras 2.21
(Keras 1/2 files) or keras 3.15.1 (Keras 3 files). Tolerance 1e-4 absolute: sequences run up
to 1,000 steps and float32 rounding differences between Eigen and OpenBLAS accumulate along
the recurrence (the README expects up to ~1e-4; measured worst 2.1e-5, countnet, 500 steps).

Deeplearning4j companions: `predictions/<name>` and per-layer `activations/<layer>` were
computed by the original Keras 1.2 / 2.1 (Theano or TensorFlow backend) when the fixture was
made; `outputs/` are training targets and are not used.
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.model.load import open_model
from tests.corpus import companions, ref_arrays, ref_files

ATOL = 1e-4


@pytest.mark.parametrize("name", ref_files())
def test_reference_output(name: str, corpus_dir: Path) -> None:
    refs = corpus_dir / "refs"
    model = open_model(corpus_dir / "models" / name)
    result = run(model, ref_arrays(refs / f"{name}.input.npz", "in"), record_trace=True)
    expected = ref_arrays(refs / f"{name}.expected.npz", "out")
    assert len(result.outputs) == len(expected)
    for ours, keras in zip(result.outputs, expected, strict=True):
        assert ours.shape == keras.shape
        # a diverged model (NaN weights) must give NaN exactly where Keras does
        np.testing.assert_allclose(ours, keras, atol=ATOL, rtol=0, equal_nan=True)


@pytest.mark.parametrize("model_file, companion", companions())
def test_deeplearning4j_companion(model_file: str, companion: str, corpus_dir: Path) -> None:
    with h5py.File(corpus_dir / "models" / companion, "r") as f:
        inputs = [f["inputs"][n][()] for n in json.loads(f.attrs["inputs"])["inputs"]]
        names = json.loads(f.attrs["outputs"])["outputs"]
        predictions = [f["predictions"][n][()] for n in names]
        activations = {n: f["activations"][n][()] for n in f.get("activations", {})}
    result = run(open_model(corpus_dir / "models" / model_file), inputs)
    for ours, keras in zip(result.outputs, predictions, strict=True):
        np.testing.assert_allclose(ours, keras, atol=ATOL, rtol=1e-5)
    assert activations, "the companion file records per-layer activations"
    for layer, keras in activations.items():
        np.testing.assert_allclose(result.layer_outputs[layer][0], keras, atol=ATOL, rtol=1e-5,
                                   err_msg=f"layer {layer}")
