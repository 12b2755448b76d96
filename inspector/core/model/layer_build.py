"""Build canonical Layers from a config entry and its stored arrays.

Wrappers are resolved here: Bidirectional becomes forward + backward recurrent children,
TimeDistributed a child "layer". Activations are bound to the writing Keras; anything the
engine cannot run is kept, with runnable=False and the reason in the user's words.
"""

from __future__ import annotations

import re
from typing import Any

from inspector.core.errors import InspectorError, UnsupportedModel
from inspector.core.io.containers import StoredWeight
from inspector.core.model.activations import activation_name
from inspector.core.model.builtin_layers import (
    CODE_CLASSES,
    REFUSED,
    RUNNABLE_CLASSES,
    operation_refusal,
    option_refusal,
    refusal,
)
from inspector.core.model.canonical import NESTED_MODELS, Call, Layer, frozen_mapping
from inspector.core.model.dialects import normalize_layer
from inspector.core.model.layer_weights import assign, raw_roles
from inspector.core.model.nested import nested_layers

ACTIVATION_KEYS = ("activation", "recurrent_activation")


def build_layer(class_name: str, stored_class: str, config: dict[str, Any], stored: list[StoredWeight],
                keras_major: int, calls: tuple[Call, ...] = ()) -> Layer:
    name = str(config.get("name"))
    as_stored = tuple((w.name, tuple(w.array.shape)) for w in stored)
    try:
        children = _children(class_name, config, stored, keras_major)
        weights, names = ({}, {}) if children else assign(class_name, config, stored, stored_class)
    except InspectorError as exc:  # a class that cannot run says why first; else what is wrong with its weights
        weights, names = raw_roles(stored)
        reason = _why_not_runnable(class_name, stored_class, config) or str(exc)
        return Layer(name, class_name, frozen_mapping(config), frozen_mapping(weights), frozen_mapping(names),
                     calls=calls, stored_class=stored_class, stored=as_stored, runnable=False, reason=reason)
    reason = _bind_activations(config, keras_major) or _why_not_runnable(class_name, stored_class, config)
    reason = reason or next((f"{key}: {c.reason}" for key, c in children.items() if not c.runnable), "")
    return Layer(name, class_name, frozen_mapping(config), frozen_mapping(weights), frozen_mapping(names),
                 frozen_mapping(children), calls, stored_class, as_stored, runnable=not reason, reason=reason)


def _bind_activations(config: dict[str, Any], keras_major: int) -> str:
    """Replace stored activation names with canonical ones; the reason if one is unknown."""
    for key in ACTIVATION_KEYS:
        if key in config:
            try:
                config[key] = activation_name(config[key], keras_major)
            except UnsupportedModel as exc:
                return str(exc)
    return ""


def _why_not_runnable(class_name: str, stored_class: str, config: dict[str, Any]) -> str:
    if stored_class in CODE_CLASSES or class_name in CODE_CLASSES:
        return CODE_CLASSES.get(stored_class) or CODE_CLASSES[class_name]
    if config.get("keras_operation"):
        return refusal(class_name) if class_name in REFUSED else operation_refusal(str(config["keras_operation"]))
    if class_name in NESTED_MODELS:  # a model used as a layer runs when its layers do (see the children)
        return str(config.get("unsupported") or "")
    if config.get("unsupported"):
        return str(config["unsupported"])
    if class_name not in RUNNABLE_CLASSES:
        return refusal(class_name)
    if config.get("time_major"):
        return "time_major=True is not supported"
    return option_refusal(class_name, config)


def _children(class_name: str, config: dict[str, Any], stored: list[StoredWeight],
              keras_major: int) -> dict[str, Layer]:
    if class_name == "Bidirectional":
        return _bidirectional(config, stored, keras_major)
    if class_name == "TimeDistributed":
        return {"layer": _inner(config.get("layer"), stored, keras_major)}
    if class_name == "SpectralNormalization":
        return {"layer": _inner(config.get("layer"), _spectral_inner(stored), keras_major)}
    if class_name in NESTED_MODELS:
        return nested_layers(class_name, config, stored, keras_major, build_layer)
    return {}


def _spectral_inner(stored: list[StoredWeight]) -> list[StoredWeight]:
    """The wrapped layer's arrays: a Keras 3 zip keeps them under `layer/` (the wrapper's own vars are a copy
    of the kernel and vector_u); legacy HDF5 lists them before `vector_u`, which only training uses."""
    names = [w.name.replace("\\", "/") for w in stored]
    if any("/layer/" in name for name in names):
        return [w for w, name in zip(stored, names, strict=True) if "/layer/" in name]
    return [w for w, name in zip(stored, names, strict=True) if not re.search(r"vector_u(:\d+)?$", name)]


def _inner(spec: Any, stored: list[StoredWeight], keras_major: int, **overrides: Any) -> Layer:
    if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
        raise UnsupportedModel("a wrapper layer has no inner layer config")
    stored_class = str(spec.get("class_name"))
    class_name, config = normalize_layer(stored_class, spec["config"], keras_major)
    config.update(overrides)
    return build_layer(class_name, stored_class, config, stored, keras_major)


def _bidirectional(config: dict[str, Any], stored: list[StoredWeight], keras_major: int) -> dict[str, Layer]:
    """Keras stores forward weights, then backward weights, in one list."""
    half = len(stored) // 2
    forward_spec = config.get("layer")
    backward_spec = config.get("backward_layer")
    forward_name = "forward_" + _inner_name(forward_spec)
    forward = _inner(forward_spec, stored[:half], keras_major, name=forward_name)
    if isinstance(backward_spec, dict):
        backward = _inner(backward_spec, stored[half:], keras_major)
    else:
        go_backwards = not forward.config.get("go_backwards", False)
        backward = _inner(forward_spec, stored[half:], keras_major,
                          name="backward_" + _inner_name(forward_spec), go_backwards=go_backwards)
    return {"forward": forward, "backward": backward}


def _inner_name(spec: Any) -> str:
    if isinstance(spec, dict) and isinstance(spec.get("config"), dict):
        name = str(spec["config"].get("name", "layer"))
        return name.removeprefix("forward_")
    return "layer"
