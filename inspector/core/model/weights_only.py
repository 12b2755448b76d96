"""Weights-only files (`save_weights`): infer the layers from weight names and shapes.

There is no architecture in such a file, so nothing can run; but the weights of every
recurrent layer can still be shown by gate. Assumed settings are the defaults of the Keras that
wrote the file, and the model says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from inspector.core.io import keras3_store
from inspector.core.io.containers import RawFile, StoredWeight
from inspector.core.model.canonical import Layer, Model, frozen_mapping, keras_major
from inspector.core.model.layer_build import build_layer
from inspector.core.model.layer_weights import KERAS1_SPLIT, short_name
from inspector.core.model.model_warnings import model_warnings

NO_ARCHITECTURE = "weights-only file: no architecture in file, so the layer cannot run"
KERAS3_CLASSES = {
    "lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN", "dense": "Dense", "embedding": "Embedding",
    "bidirectional": "Bidirectional", "time_distributed": "TimeDistributed", "conv1d": "Conv1D",
    "batch_normalization": "BatchNormalization", "layer_normalization": "LayerNormalization",
    "conv_lstm1d": "ConvLSTM1D", "conv_lstm2d": "ConvLSTM2D",
}


@dataclass(frozen=True)
class Writer:
    """The Keras that wrote the file, which decides the defaults we assume."""

    major: int
    version: str | None

    @property
    def gate_activation(self) -> str:
        """recurrent_activation's default: hard_sigmoid up to Keras 2.2 / tf.keras 1.x, sigmoid from TF 2."""
        parts = (self.version or "").split("-")[0].split(".")
        minor = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        return "sigmoid" if self.major >= 3 or (self.major == 2 and minor >= 3) else "hard_sigmoid"


def infer_weights_only(raw: RawFile) -> Model:
    keras3 = raw.keras3_vars is not None
    writer = Writer(3 if keras3 else keras_major(raw.keras_version, ""), raw.keras_version)
    if raw.keras3_vars is not None:
        layers = [_keras3_layer(key, raw.keras3_vars, writer) for key in keras3_store.top_level_keys(raw.keras3_vars)]
    else:
        layers = [layer for name, stored in raw.layer_weights.items() if stored
                  for layer in _legacy_layers(name, stored, writer)]
    model = Model(path=raw.path, format="weights-only", keras_version=raw.keras_version, backend=raw.backend,
                  layers=tuple(layers), has_architecture=False, name="weights")
    return replace(model, warnings=tuple(model_warnings(model)))


def _legacy_layers(group: str, stored: list[StoredWeight], writer: Writer) -> list[Layer]:
    parts = _split_by_owner(group, stored)
    directions = {_direction(owner): arrays for owner, arrays in parts.items()}
    if len(parts) == 2 and set(directions) == {"forward", "backward"}:
        children = [_infer(f"{d}_{group}", directions[d], writer) for d in ("forward", "backward")]
        return [_wrapper(group, "Bidirectional", children)]
    if len(parts) == 1:
        return [_infer(group, stored, writer)]
    return [_infer(f"{group}/{owner}", arrays, writer, inside=group) for owner, arrays in parts.items()]


def _split_by_owner(group: str, stored: list[StoredWeight]) -> dict[str, list[StoredWeight]]:
    """Group arrays by the path before their short name ('bidirectional_1/forward_lstm_1')."""
    parts: dict[str, list[StoredWeight]] = {}
    for w in stored:
        path = w.name.replace("\\", "/")
        owner = path.rsplit("/", 1)[0] if "/" in path else _keras1_owner(group, path)
        if owner.startswith(group + "/"):
            owner = owner[len(group) + 1:]
        parts.setdefault(owner, []).append(w)
    return parts


def _keras1_owner(group: str, name: str) -> str:
    """Keras 1 Bidirectional: 'forward_lstm_1_W_i:0' has no '/'; its owner is the name before _W_i."""
    match = KERAS1_SPLIT.search(name) or re.search(r"_([WUb])(?::\d+)?$", name)
    return name[: match.start()] if match and name.startswith(("forward_", "backward_")) else group


def _direction(owner: str) -> str:
    """'forward_lstm_1', or (tf.keras 2.3+) 'both_ways/forward_gru/gru_cell': the part naming the direction."""
    for part in reversed(owner.split("/")):
        if part.startswith(("forward", "backward")):
            return "forward" if part.startswith("forward") else "backward"
    return owner


def _infer(name: str, stored: list[StoredWeight], writer: Writer, inside: str = "") -> Layer:
    names = [short_name(w.name) for w in stored]
    class_name, config = guess_class(names, [w.array for w in stored], name, writer)
    layer = build_layer(class_name, class_name, {"name": name, **config}, stored, writer.major)
    reason = f"{NO_ARCHITECTURE} (inside custom layer {inside})" if inside else NO_ARCHITECTURE
    return replace(layer, runnable=False, reason=layer.reason or reason)


def guess_class(names: list[str], arrays: list[np.ndarray], layer_name: str,
                writer: Writer) -> tuple[str, dict[str, Any]]:
    """(class, config) from short weight names ('kernel', 'W_i', '0', ...) and shapes."""
    recurrent = _recurrent_kernel(names, arrays)
    if recurrent is not None:
        return _recurrent_guess(recurrent, arrays, writer)
    if "embeddings" in names or ("embedding" in layer_name.lower() and len(arrays) == 1):
        return "Embedding", {"input_dim": arrays[0].shape[0], "output_dim": arrays[0].shape[1]}
    if set(names) >= {"moving_mean", "moving_variance"}:
        return "BatchNormalization", {"scale": "gamma" in names, "center": "beta" in names}
    if names and set(names) <= {"gamma", "beta"}:
        return "LayerNormalization", {"scale": "gamma" in names, "center": "beta" in names}
    kernel = arrays[0] if arrays else None
    if kernel is not None and len(arrays) <= 2 and kernel.ndim in (2, 3, 4) and _plain_names(names):
        use_bias = len(arrays) == 2
        if kernel.ndim == 4:
            return "Conv2D", {"filters": kernel.shape[-1], "kernel_size": kernel.shape[:2], "use_bias": use_bias}
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
    if len(arrays) in (2, 3) and all(n.isdigit() for n in names) and arrays[0].ndim == 2 and arrays[1].ndim == 2:
        units, width = arrays[1].shape  # Keras 3 vars: kernel, recurrent_kernel, bias
        return arrays[1] if width % units == 0 and width // units in (1, 3, 4) else None
    return None


def _recurrent_guess(recurrent: np.ndarray, arrays: list[np.ndarray], writer: Writer) -> tuple[str, dict[str, Any]]:
    units = recurrent.shape[0]
    split_gates = {9: 3, 12: 4}.get(len(arrays))  # Keras 1 per-gate arrays
    gates = split_gates or recurrent.shape[1] // units
    class_name = {4: "LSTM", 3: "GRU", 1: "SimpleRNN"}.get(gates, "Unknown")
    bias = arrays[2] if len(arrays) == 3 else None
    config: dict[str, Any] = {"units": units, "activation": "tanh", "use_bias": bias is not None or bool(split_gates)}
    if class_name in ("LSTM", "GRU"):
        cudnn = bias is not None and bias.ndim == 1 and bias.shape[0] == 2 * gates * units
        config["recurrent_activation"] = "sigmoid" if cudnn else writer.gate_activation  # CuDNN gates are sigmoid
    if class_name == "GRU":
        config["reset_after"] = bias is not None and (bias.ndim == 2 or bias.shape[0] == 6 * units)
    return class_name, config


def _wrapper(name: str, class_name: str, children: list[Layer]) -> Layer:
    keys = ("forward", "backward") if class_name == "Bidirectional" else ("layer",)
    config = {"name": name, "merge_mode": "concat"} if class_name == "Bidirectional" else {"name": name}
    return Layer(name, class_name, frozen_mapping(config), children=frozen_mapping(dict(zip(keys, children))),
                 stored_class=class_name, runnable=False, reason=NO_ARCHITECTURE)


def _keras3_layer(key: str, store: dict[str, list[StoredWeight]], writer: Writer) -> Layer:
    name = key.split("/", 1)[1]
    class_name = KERAS3_CLASSES.get(re.sub(r"_\d+$", "", name), "Unknown")
    if class_name == "Bidirectional":
        children = [_infer(f"{d}_{name}", keras3_store.layer_arrays(store, f"{key}/{d}_layer"), writer)
                    for d in ("forward", "backward")]
        return _wrapper(name, class_name, children)
    if class_name == "TimeDistributed":
        return _wrapper(name, class_name, [_infer(f"{name}/layer", keras3_store.layer_arrays(store, f"{key}/layer"), writer)])
    return _infer(name, keras3_store.layer_arrays(store, key), writer)
