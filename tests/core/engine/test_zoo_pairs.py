"""Weights-only zoo files read with their architecture (to_json() output or the full-model file that real
Keras saved from the same model) run as Keras ran the model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.model.load import open_model
from tests.zoo.cache import load_arrays

ATOL = 1e-5
WEIGHTS = ("weights_h5", "weights_only_h5")
ARCHITECTURES = ("architecture_json", "keras", "h5")



def test_every_weights_only_file_runs_with_its_architecture(keras_zoo: list[dict[str, Any]]) -> None:
    tried = 0
    for entry in keras_zoo:
        files = entry["files"]
        for weights in (kind for kind in WEIGHTS if kind in files):
            for architecture in (kind for kind in ARCHITECTURES if kind in files):
                where = f"{entry['id']}.{entry['runtime']}: {weights} + {architecture}"
                model = open_model(files[weights], files[architecture])
                assert model.has_architecture and model.architecture, where
                ours = run(model, load_arrays(files["input"])).outputs
                for k, (a, b) in enumerate(zip(ours, load_arrays(files["expected"]), strict=True)):
                    np.testing.assert_allclose(a, b, atol=ATOL, rtol=0, err_msg=f"{where} output {k}")
                tried += 1
    if not tried:
        pytest.skip("the zoo has no weights-only files")
    assert any("architecture_json" in e["files"] for e in keras_zoo), "the zoo wrote no to_json() files"
