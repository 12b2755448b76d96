"""Weights-only files (`save_weights`): infer the layers from weight names and shapes.

There is no architecture in such a file, so nothing can run; but the weights of every
recurrent layer can still be shown by gate. Assumed settings are the defaults of the Keras that
wrote the file, and the model says so.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from . import keras3_store
from .layer_build import build_layer
from .layer_weights import KERAS1_SPLIT, short_name
from .model import Layer, Model, keras_major
from .read_files import RawFile, StoredWeight
from .warnings import model_warnings

NO_ARCHITECTURE = "weights-only file: no architecture in file, so the layer cannot run"
KERAS3_CLASSES = {
    "lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN", "dense": "Dense", "embedding": "Embedding",
    "bidirectional": "Bidirectional", "time_distributed": "TimeDistributed", "conv1d": "Conv1D",
    "batch_normalization": "BatchNormalization", "layer_normalization": "LayerNormalization",
    "conv_lstm1d": "ConvLSTM1D", "conv_lstm2d": "ConvLSTM2D", "rnn": "RNN",
}


def infer_weights_only(raw: RawFile) -> Model:
    major = 3 if raw.keras3_vars is not None else keras_major(raw.keras_version, "")
    if raw.keras3_vars is not None:
        layers = [_keras3_layer(key, raw.keras3_vars, major) for key in keras3_store.top_level_keys(raw.keras3_vars)]
    else:
        layers = [layer for name, stored in raw.layer_weights.items() if stored
                  for layer in _legacy_layers(name, stored, major)]
    model = Model(path=raw.path, format="weights-only", keras_version=raw.keras_version, backend=raw.backend,
                  layers=tuple(layers), has_architecture=False, name="weights")
    from dataclasses import replace

    return replace(model, warnings=tuple(model_warnings(model)))


def _legacy_layers(group: str, stored: list[StoredWeight], major: int) -> list[Layer]:
    parts = _split_by_owner(group, stored)
    directions = {_direction(owner): arrays for owner, arrays in parts.items()}
    if len(parts) == 2 and set(directions) == {"forward", "backward"}:
        children = [_infer(f"{d}_{group}", directions[d], major) for d in ("forward", "backward")]
        return [_wrapper(group, "Bidirectional", children, major)]
    if len(parts) == 1:
        return [_infer(group, stored, major)]
    return [_infer(f"{group}/{owner}", arrays, major, inside=group) for owner, arrays in parts.items()]


def _split_by_owner(group: str, stored: list[StoredWeight]) -> dict[str, list[StoredWeight]]:
    """Group arrays by the path before their short name ('bidirectional_1/forward_lstm_1')."""
    parts: dict[str, list[StoredWeight]] = {}
    for w in stored:
        path = w.name.replace("\\", "/")
        owner = path.rsplit("/", 1)[0] if "/" in path else group
        owner = owner.split("/", 1)[1] if owner.startswith(group + "/") and owner.count("/") else owner
        parts.setdefault(_keras1_owner(owner, path), []).append(w)
    return parts


def _keras1_owner(owner: str, path: str) -> str:
    """Keras 1 Bidirectional: 'forward_lstm_1_W_i:0' has no '/'; its owner is the name before _W_i."""
    if "/" in path:
        return owner
    match = KERAS1_SPLIT.search(path) or re.search(r"_([WUb])(?::\d+)?$", path)
    return path[: match.start()] if match and path.startswith(("forward_", "backward_")) else owner


def _direction(owner: str) -> str:
    last = owner.rsplit("/", 1)[-1]
    return "forward" if last.startswith("forward") else "backward" if last.startswith("backward") else owner


def _infer(name: str, stored: list[StoredWeight], major: int, inside: str = "") -> Layer:
    class_name, config = guess_class([short_name(w.name) for w in stored], [w.array for w in stored], name, major)
    layer = build_layer(class_name, class_name, {"name": name, **config}, _keras_order(class_name, stored), major)
    reason = f"{NO_ARCHITECTURE} (inside custom layer {inside})" if inside else NO_ARCHITECTURE
    return _not_runnable(layer, reason)


def _keras_order(class_name: str, stored: list[StoredWeight]) -> list[StoredWeight]:
    """Keras 1 gpu-mode and Keras 2 names are already in role order; Keras 1 split gates are merged later."""
    return stored


def guess_class(names: list[str], arrays: list[np.ndarray], layer_name: str, major: int) -> tuple[str, dict[str, Any]]:
    """(class, config) from short weight names ('kernel', 'W_i', ...) and shapes."""
    recurrent = _recurrent_kernel(names, arrays)
    if recurrent is not None:
        return _recurrent_guess(recurrent, arrays, major)
    if "embeddings" in names or ("embedding" in layer_name.lower() and len(arrays) == 1):
        return "Embedding", {"input_dim": arrays[0].shape[0], "output_dim": arrays[0].shape[1]}
    if set(names) >= {"moving_mean", "moving_variance"}:
        return "BatchNormalization", {"scale": "gamma" in names, "center": "beta" in names}
    if set(names) <= {"gamma", "beta"} and names:
        return "LayerNormalization", {"scale": "gamma" in names, "center": "beta" in names}
    kernel = arrays[0] if arrays else None
    if kernel is not None and len(arrays) <= 2 and kernel.ndim in (2, 3) and _plain_names(names):
        use_bias = len(arrays) == 2
        if kernel.ndim == 3:
            return "Conv1D", {"filters": kernel.shape[-1], "kernel_size": (kernel.shape[0],), "use_bias": use_bias}
        return "Dense", {"units": kernel.shape[1], "use_bias": use_bias, "activation": "linear"}
    return "Unknown", {}


def _plain_names(names: list[str]) -> bool:
    return all(re.fullmatch(r"(kernel|bias|W|b|\d+|.*_W|.*_b)", n) for n in names)


def _recurrent_kernel(names: list[str], arrays: list[np.ndarray]) -> np.ndarray | None:
    for name, array in zip(names, arrays):
        if name == "recurrent_kernel" or re.fullmatch(r"(.*_)?U(_[a-z])?", name):
            return array
    if len(arrays) in (2, 3) and all(re.fullmatch(r"\d+", n) for n in names) and arrays[1].ndim == 2:
        units, width = arrays[1].shape  # Keras 3 vars: kernel, recurrent_kernel, bias
        return arrays[1] if width % units == 0 and width // units in (1, 3, 4) and arrays[0].ndim == 2 else None
    return None


def _recurrent_guess(recurrent: np.ndarray, arrays: list[np.ndarray], major: int) -> tuple[str, dict[str, Any]]:
    units = recurrent.shape[0]
    split_gates = len(arrays) in (9, 12)
    gates = {9: 3, 12: 4}[len(arrays)] if split_gates else recurrent.shape[1] // units
    class_name = {4: "LSTM", 3: "GRU", 1: "SimpleRNN"}.get(gates, "Unknown")
    bias = arrays[2] if len(arrays) == 3 else None
    config: dict[str, Any] = {"units": units, "activation": "tanh", "use_bias": bias is not None or split_gates}
    if class_name in ("LSTM", "GRU"):
        cudnn = bias is not None and bias.ndim == 1 and bias.shape[0] == 2 * gates * units
        config["recurrent_activation"] = "sigmoid" if cudnn or major >= 3 or major == 2 and False else _default_gate(major)
    if class_name == "GRU":
        config["reset_after"] = bias is not None and (bias.ndim == 2 or bias.shape[0] == 6 * units)
    return class_name, config


def _default_gate(major: int) -> str:
    return "hard_sigmoid" if major <= 2 else "sigmoid"


def _wrapper(name: str, class_name: str, children: list[Layer], major: int) -> Layer:
    keys = ("forward", "backward") if class_name == "Bidirectional" else ("layer",)
    layer = Layer(name, class_name, stored_class=class_name)
    from dataclasses import replace

    from .model import frozen_mapping

    return replace(layer, config=frozen_mapping({"name": name, "merge_mode": "concat"} if keys[0] == "forward" else {"name": name}),
                   children=frozen_mapping(dict(zip(keys, children))), runnable=False, reason=NO_ARCHITECTURE)


def _not_runnable(layer: Layer, reason: str) -> Layer:
    from dataclasses import replace

    return replace(layer, runnable=False, reason=layer.reason or reason)


def _keras3_layer(key: str, store: dict[str, list[StoredWeight]], major: int) -> Layer:
    name = key.split("/", 1)[1]
    class_name = KERAS3_CLASSES.get(re.sub(r"_\d+$", "", name), "Unknown")
    if class_name in ("Bidirectional", "TimeDistributed"):
        subs = ["forward_layer", "backward_layer"] if class_name == "Bidirectional" else ["layer"]
        children = [_infer(f"{sub}", keras3_store.layer_arrays(store, f"{key}/{sub}"), major) for sub in subs]
        if class_name == "Bidirectional":
            children = [_renamed(c, f"{d}_{name}") for c, d in zip(children, ("forward", "backward"))]
        return _wrapper(name, class_name, children, major)
    return _infer(name, keras3_store.layer_arrays(store, key), major)


def _renamed(layer: Layer, name: str) -> Layer:
    from dataclasses import replace

    return replace(layer, name=name)
