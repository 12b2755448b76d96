"""The canonical weights are exactly what Keras's own layer.get_weights() returns.

Models come from the Keras zoo: built and saved by real Keras 3 (.keras, legacy .h5,
.weights.h5) and tf_keras (.h5, save_weights .h5) in a child process, which also recorded
`layer.get_weights()` of every layer. Reading is lossless, so arrays must be identical.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import numpy as np
import pytest

from inspector.core.model.canonical import Layer
from inspector.core.model.layer_weights import roles_for
from inspector.core.model.load import open_model

FULL_MODEL_FILES = ("keras", "h5")
WEIGHTS_ONLY_FILES = ("weights_h5", "weights_only_h5")
# SpectralNormalization's own get_weights() adds vector_u, which only training uses and the reader leaves out
WRAPPED = {"Bidirectional": ("forward_layer", "backward_layer"), "TimeDistributed": ("layer",),
           "SpectralNormalization": ("layer",)}
CHILD_KEY = {"forward_layer": "forward", "backward_layer": "backward", "layer": "layer"}


def keras_order(layer: Layer) -> list[np.ndarray]:
    """A canonical layer's arrays in get_weights() order and layout (GRU biases stacked back)."""
    arrays = []
    for role in roles_for(layer.class_name, dict(layer.config)):
        if role == "bias" and "recurrent_bias" in layer.weights:
            arrays.append(np.stack([layer.weights["bias"], layer.weights["recurrent_bias"]]))
        else:
            arrays.append(layer.weights[role])
    return arrays


def recorded(weights: Any, prefix: str) -> list[np.ndarray]:
    keys = sorted((k for k in weights.files if k.rpartition("/")[0] == prefix), key=lambda k: int(k.rpartition("/")[2]))
    return [weights[k] for k in keys]


def assert_same_arrays(ours: list[np.ndarray], keras: list[np.ndarray], where: str) -> None:
    assert len(ours) == len(keras), f"{where}: {len(ours)} arrays, Keras has {len(keras)}"
    for i, (a, b) in enumerate(zip(ours, keras)):
        assert a.shape == b.shape, f"{where}[{i}]: shape {a.shape}, Keras {b.shape}"
        np.testing.assert_array_equal(a, b, err_msg=f"{where}[{i}]")


def _cases(zoo: list[dict[str, Any]], kinds: tuple[str, ...]) -> list[tuple[dict[str, Any], str]]:
    return [(entry, kind) for entry in zoo for kind in kinds if kind in entry["files"]]


def test_full_models_match_get_weights(keras_zoo: list[dict[str, Any]]) -> None:
    checked = 0
    for entry, kind in _cases(keras_zoo, FULL_MODEL_FILES):
        model = open_model(entry["files"][kind])
        weights = np.load(entry["files"]["weights"], allow_pickle=False)
        for spec in entry["layers"]:
            if not any(k.startswith(spec["name"] + "/") for k in weights.files):
                continue
            layer = model.layer(spec["name"])
            where = f"{entry['id']}.{entry['runtime']}.{kind}:{layer.name}"
            if _holds_a_model(layer):
                assert_same_arrays(get_weights_order(layer), recorded(weights, spec["name"]), where)
                checked += 1
                continue
            for sub in WRAPPED.get(layer.class_name, ()):
                child = layer.children[CHILD_KEY[sub]]
                assert_same_arrays(keras_order(child), recorded(weights, f"{spec['name']}/{sub}"), f"{where}/{sub}")
            if layer.class_name not in WRAPPED:
                assert_same_arrays(keras_order(layer), recorded(weights, spec["name"]), where)
            checked += 1
    assert checked > 100


NESTED = ("Sequential", "Functional")


def _holds_a_model(layer: Layer) -> bool:
    """A model used as a layer (RNN(StackedRNNCells) is read as one), alone or in a wrapper."""
    return any(part.class_name in NESTED for part in [layer, *layer.children.values()])


def get_weights_order(layer: Layer) -> list[np.ndarray]:
    """What layer.get_weights() returns: a nested model's layers in order, a wrapper's inner layers."""
    if layer.class_name in NESTED or layer.class_name in WRAPPED:
        return [a for child in layer.children.values() for a in get_weights_order(child)]
    return keras_order(layer)


def _digest(array: np.ndarray) -> tuple[tuple[int, ...], str]:
    return array.shape, hashlib.sha1(np.ascontiguousarray(array).tobytes()).hexdigest()


def test_weights_only_files_hold_the_same_arrays(keras_zoo: list[dict[str, Any]]) -> None:
    """No architecture: layers are inferred, and every get_weights() array is found again."""
    cases = _cases(keras_zoo, WEIGHTS_ONLY_FILES)
    assert cases
    for entry, kind in cases:
        model = open_model(entry["files"][kind])
        assert model.format == "weights-only" and not model.has_architecture
        weights = np.load(entry["files"]["weights"], allow_pickle=False)
        top_level = [weights[k] for k in weights.files if k.count("/") == 1]
        ours = [a for layer in model.layers for cell in _leaves(layer) for a in keras_order(cell)]
        assert Counter(map(_digest, ours)) == Counter(map(_digest, top_level)), f"{entry['id']}.{kind}"


def _leaves(layer: Layer) -> list[Layer]:
    return [leaf for child in layer.children.values() for leaf in _leaves(child)] if layer.children else [layer]


@pytest.mark.parametrize("runtime", ["keras3", "tf_keras"])
def test_hard_sigmoid_is_bound_to_the_writing_keras(keras_zoo: list[dict[str, Any]], runtime: str) -> None:
    entry = next(e for e in keras_zoo if e["id"] == "lstm_hard_sigmoid" and e["runtime"] == runtime)
    layer = next(layer for layer in open_model(entry["files"]["h5"]).layers if layer.class_name == "LSTM")
    expected = "hard_sigmoid_keras3" if runtime == "keras3" else "hard_sigmoid_keras2"
    assert layer.config["recurrent_activation"] == expected
