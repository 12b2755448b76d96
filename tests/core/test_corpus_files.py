"""Every real-world file in the corpus opens, and what we read matches the corpus manifest.

The manifest was written from the files by other tools (h5py listings, Keras configs); here we
check our reader against it: format, Keras version, layer classes, every stored weight with its
shape, the units of every recurrent direction, and the canonical layout of every gate split.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from inspector.core.analysis.gate_views import layer_gate_views
from inspector.core.model.canonical import Layer, Model
from inspector.core.model.gates import GATES
from inspector.core.model.load import open_model

WRAPPERS_AND_CELLS = {"Sequential", "Model", "Functional", "LSTMCell", "GRUCell", "SimpleRNNCell"}
FORMATS = {"weights-only-h5": "weights-only"}


def manifest_entries() -> list[dict]:
    from tests.corpus import corpus_path

    path = corpus_path() / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else []


ENTRIES = manifest_entries()


@pytest.fixture(scope="module")
def models(corpus_dir: Path) -> dict[str, Model]:
    return {}


def _open(corpus_dir: Path, cache: dict[str, Model], name: str) -> Model:
    if name not in cache:
        cache[name] = open_model(corpus_dir / "models" / name)
    return cache[name]


def test_manifest_lists_56_models(corpus_dir: Path) -> None:
    assert len(json.loads((corpus_dir / "manifest.json").read_text())) == 56


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_file_facts(entry: dict, corpus_dir: Path, models: dict[str, Model]) -> None:
    model = _open(corpus_dir, models, entry["file"])
    assert model.format == FORMATS.get(entry["format"], entry["format"])
    assert model.keras_version == entry["keras_version"]
    assert model.has_architecture == (entry["model_class"] is not None)
    assert model.layers, "a model with no layers"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e["layers"]], ids=lambda e: e["file"])
def test_layer_classes(entry: dict, corpus_dir: Path, models: dict[str, Model]) -> None:
    model = _open(corpus_dir, models, entry["file"])
    ours = {cls for layer in model.layers for cls in _stored_classes(layer)}
    expected = set(entry["layers"]) - WRAPPERS_AND_CELLS
    if "InputLayer" not in expected:
        ours.discard("InputLayer")  # Keras 1/2 Sequential models have an implicit input
    assert ours == expected


def _stored_classes(layer: Layer) -> list[str]:
    if layer.stored_class == "TimeDistributedDense":  # Keras 1's one class for TimeDistributed(Dense)
        return [layer.stored_class]
    return [layer.stored_class] + [c for child in layer.children.values() for c in _stored_classes(child)]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_every_stored_weight_is_read_with_its_shape(entry: dict, corpus_dir: Path, models: dict[str, Model]) -> None:
    model = _open(corpus_dir, models, entry["file"])
    ours = Counter((_plain(name), shape) for layer in model.layers for name, shape in _stored(layer))
    assert ours == _manifest_weights(entry)


def _stored(layer: Layer) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return layer.stored or tuple(w for child in layer.children.values() for w in _stored(child))


def _manifest_weights(entry: dict) -> Counter:
    weights = entry["weights"]
    if "keras3_vars" in weights:
        pairs = [(name, shape) for name, shape in weights["keras3_vars"] if name.replace("\\", "/").startswith("layers/")]
    else:
        pairs = [pair for per_layer in weights["per_layer"].values() for pair in per_layer]
    return Counter((_plain(name), tuple(shape)) for name, shape in pairs)


def _plain(name: str) -> str:
    return name.replace("\\", "/")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_recurrent_units_and_gate_layout(entry: dict, corpus_dir: Path, models: dict[str, Model]) -> None:
    model = _open(corpus_dir, models, entry["file"])
    cells = [cell for layer in _all_layers(model) for cell in layer.directions().values()]
    expected_units = Counter(r["units"] for r in entry["weights"].get("inferred_recurrent") or [])
    assert Counter(int(c.weights["recurrent_kernel"].shape[-2]) for c in cells) == expected_units
    for cell in cells:
        _assert_canonical_layout(cell)


def _all_layers(model: Model) -> list[Layer]:
    return [layer for layer in model.layers if layer.directions()]


def _assert_canonical_layout(cell: Layer) -> None:
    gates = len(GATES[cell.class_name])
    recurrent = cell.weights["recurrent_kernel"]
    units = recurrent.shape[-2]
    assert recurrent.shape[-1] == gates * units
    assert cell.weights["kernel"].shape[-1] == gates * units
    for role in ("bias", "recurrent_bias"):
        if role in cell.weights:
            assert cell.weights[role].shape == (gates * units,), role
    for blocks in layer_gate_views(cell).values():
        assert [b.gate for b in blocks if b.role == "kernel"] == list(GATES[cell.class_name])
        assert all(b.values.ndim == 2 and b.values.shape[1] == units for b in blocks)


def test_keras1_lstm_gates_are_reordered_to_ifco(corpus_dir: Path) -> None:
    """Keras 1 stored W_i, W_c, W_f, W_o; the canonical kernel is i, f, c, o."""
    import h5py

    path = corpus_dir / "models" / "k1_dl4j_simple_lstm_tf_keras_1_model.h5"
    model = open_model(path)
    kernel = model.layer("lstm_1").weights["kernel"]
    with h5py.File(path, "r") as handle:
        group = handle["model_weights/lstm_1"]
        stored = [group[f"lstm_1_W_{g}:0"][()] for g in "ifco"]
    np.testing.assert_array_equal(kernel, np.concatenate(stored, axis=1))


def test_nan_only_model_says_so_first(corpus_dir: Path) -> None:
    model = open_model(corpus_dir / "models" / "tfk2_hdf5_with_keras_extension_2100.keras")
    assert "NaN" in model.warnings[0]


def test_cudnn_weights_are_converted_like_keras(corpus_dir: Path) -> None:
    """CuDNN's 8u bias is summed into 4u, as Keras's own converter does."""
    model = open_model(corpus_dir / "models" / "k2_cudnnlstm_attention_220.h5")
    layer = next(layer for layer in model.layers if layer.stored_class == "CuDNNLSTM")
    assert layer.class_name == "LSTM"
    assert layer.config["recurrent_activation"] == "sigmoid"
    assert layer.weights["bias"].shape == (4 * layer.config["units"],)
