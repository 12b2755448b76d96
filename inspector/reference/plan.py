"""Which Keras may compute the reference for a model, or why none may.

The child process loads the file with real Keras, and tf_keras `load_model` executes the
Python bytecode a Lambda layer carries. So the child is started only when every class in
the file, nested wrappers and nested models included, is a built-in Keras layer that holds
no code. This module decides that from the canonical model alone; it never imports Keras.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from inspector.core.model.builtin_layers import BUILTIN_CLASSES, CODE_CLASSES  # built in: Keras can load them
from inspector.core.model.canonical import Layer, Model
from inspector.core.model.load import version_tuple

KERAS3 = "keras3"
TF_KERAS = "tf_keras"

RUNTIME_BY_FORMAT = {
    "keras3-zip": KERAS3, "keras3-h5": KERAS3, "keras2-h5": TF_KERAS, "tfkeras-h5": TF_KERAS, "tfkeras-zip": TF_KERAS,
}
NO_RUNTIME = {
    "keras1-h5": "the file was written by Keras 1, which no installed Keras can load "
                 "(Keras 3 and tf_keras 2.x both refuse Keras 1 configs)",
    "weights-only": "the file holds weights only (save_weights): there is no architecture for Keras to run",
}
CODE_MARKERS = ("__lambda__", "function_type", "output_shape_type")
NESTED_KEYS = ("layers", "layer", "backward_layer", "cell", "cells")


@dataclass(frozen=True)
class Plan:
    """The Keras to use ("keras3" or "tf_keras"), or None and the reason in the user's words."""

    runtime: str | None
    reason: str = ""

    @property
    def possible(self) -> bool:
        return self.runtime is not None


def plan_reference(model: Model) -> Plan:
    """Decide whether a Keras child may load `model`'s file, and which Keras."""
    if model.format in NO_RUNTIME or not model.has_architecture:
        return Plan(None, NO_RUNTIME.get(model.format, NO_RUNTIME["weights-only"]))
    runtime = RUNTIME_BY_FORMAT.get(model.format)
    if model.format == "tfkeras-zip" and version_tuple(model.keras_version or "") < (2, 15):
        return Plan(None, f"the file is a .keras zip of tf.keras {model.keras_version}, whose weight layout "
                          "(_layer_checkpoint_dependencies) no installed Keras loads; LSTM Inspector reads it, "
                          "and tests that reading against tf.keras 2.13's own outputs")
    if runtime is None:
        return Plan(None, f"no installed Keras reads files of format {model.format!r}")
    unsafe = unsafe_reason(model)
    if unsafe:
        return Plan(None, f"{unsafe}, so LSTM Inspector does not let Keras load it (no reference)")
    return Plan(runtime)


def unsafe_reason(model: Model) -> str:
    """Why loading this file in Keras could run code stored in it; "" when it cannot."""
    for path, layer in walk_layers(model.layers):
        found = _layer_code(layer)
        if found:
            return f"layer {path!r} {found}"
    return ""


def walk_layers(layers: tuple[Layer, ...] | list[Layer], prefix: str = "") -> Iterator[tuple[str, Layer]]:
    """Every layer with its path, children (Bidirectional, TimeDistributed) included."""
    for layer in layers:
        path = f"{prefix}{layer.name}"
        yield path, layer
        yield from walk_layers(list(layer.children.values()), prefix=path + "/")


def _layer_code(layer: Layer) -> str:
    classes = [layer.stored_class or layer.class_name, layer.class_name, *nested_classes(layer.config)]
    operation = layer.class_name if layer.config.get("keras_operation") else None  # built-in keras.ops
    for name in classes:
        if name in CODE_CLASSES or name == "Lambda":
            return f"is a {name} layer: it holds Python code that Keras would execute when loading the file"
        if name not in BUILTIN_CLASSES and name != operation:
            return f"has class {name!r}, which is not a built-in Keras layer (custom or unknown code)"
    marker = _code_marker(layer.config)
    return f"has serialized Python code in its config ({marker})" if marker else ""


def nested_classes(config: Any) -> Iterator[str]:
    """Class names of layer configs nested in a config (nested models, wrappers, cells)."""
    if not isinstance(config, Mapping):
        return
    for key in NESTED_KEYS:
        value = config.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, Mapping) and "class_name" in item:
                yield str(item["class_name"])
                yield from nested_classes(item.get("config"))


def _code_marker(value: Any) -> str:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in CODE_MARKERS:
                return key
            found = _code_marker(item)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        return next((m for m in (_code_marker(v) for v in value) if m), "")
    elif isinstance(value, str) and value in CODE_MARKERS:
        return value
    return ""
