"""Self-check property (not a measurement against Keras): every legacy HDF5 model of the real-world corpus,
read as weights plus its own config saved as to_json() wrote it, gives the layers and arrays the full
file gives. It exercises matching by position on every Keras 1/2/tf.keras/Keras 3 layout of the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from inspector.core.model.load import open_model


def as_to_json(model_file: Path, target: Path) -> bool:
    with h5py.File(model_file, "r") as handle:
        if "model_config" not in handle.attrs:
            return False
        config = json.loads(handle.attrs["model_config"])
        version = handle.attrs.get("keras_version")
    config["keras_version"] = version.decode() if isinstance(version, bytes) else version
    target.write_text(json.dumps(config))
    return True


def test_property_full_models_read_the_same_as_weights_plus_architecture(corpus_dir: Path, tmp_path: Path) -> None:
    checked = 0
    for path in sorted((corpus_dir / "models").iterdir()):
        if path.read_bytes()[:4] != b"\x89HDF" or not as_to_json(path, tmp_path / "model.json"):
            continue
        full, pair = open_model(path), open_model(path, tmp_path / "model.json")
        assert [layer.name for layer in pair.layers] == [layer.name for layer in full.layers], path.name
        assert [layer.runnable for layer in pair.layers] == [layer.runnable for layer in full.layers], path.name
        for ours, theirs in zip(pair.layers, full.layers):
            arrays = [(p, r, a) for p, r, a in ours.all_weights()]
            expected = [(p, r, a) for p, r, a in theirs.all_weights()]
            assert [(p, r) for p, r, _ in arrays] == [(p, r) for p, r, _ in expected], f"{path.name}:{ours.name}"
            for (_, role, a), (_, _, b) in zip(arrays, expected):
                np.testing.assert_array_equal(a, b, err_msg=f"{path.name}:{ours.name}:{role}")
        checked += 1
    assert checked >= 30
