"""What a user must know about a model before trusting any number from it."""

from __future__ import annotations

import numpy as np

from inspector.core.model.canonical import Layer, Model
from inspector.core.model.weight_matching import NO_WEIGHTS


def model_warnings(model: Model) -> list[str]:
    found: list[str] = []
    if not model.has_architecture:
        found.append("no architecture in file: layers were inferred from weight names and shapes; "
                     "activations are assumed to be the defaults of the Keras that wrote the file")
    found += _non_finite(model)
    for layer in model.layers:
        found += _layer_warnings(layer) + _stored_types(layer)
    return found


def non_finite_count(layer: Layer) -> int:
    """How many weight values of the layer (and its children) are NaN or Inf."""
    return sum(int(np.count_nonzero(~np.isfinite(a))) for _, _, a in layer.all_weights() if a.dtype.kind == "f")


def _non_finite(model: Model) -> list[str]:
    bad_by_layer = {layer.name: non_finite_count(layer) for layer in model.layers}
    bad_by_layer = {name: count for name, count in bad_by_layer.items() if count}
    if not bad_by_layer:
        return []
    total = sum(a.size for layer in model.layers for _, _, a in layer.all_weights() if a.dtype.kind == "f")
    if sum(bad_by_layer.values()) == total:
        return ["every weight is NaN or Inf: the training diverged before the file was saved; "
                "Keras's own output for this model is NaN"]
    return [f"layer {name}: {count} weight values are NaN or Inf; outputs that depend on them are NaN too"
            for name, count in bad_by_layer.items()]


def _stored_types(layer: Layer) -> list[str]:
    """float16 or integer weights are widened when the engine runs: say so, once per layer."""
    narrow = sorted({str(a.dtype) for _, _, a in layer.all_weights() if a.dtype.kind in "iub" or a.dtype.itemsize < 4})
    if not narrow:
        return []
    return [f"layer {layer.name} stores weights as {', '.join(narrow)}; LSTM Inspector computes with them in "
            "float32 (float64 with --float64), not in their stored type"]


def _layer_warnings(layer: Layer) -> list[str]:
    found = []
    if layer.reason == NO_WEIGHTS:
        found.append(f"layer {layer.name} ({layer.stored_class or layer.class_name}): {NO_WEIGHTS}")
    if layer.stored_class in ("Lambda", "TFOpLambda", "SlicingOpLambda"):
        found.append(f"layer {layer.name} is a {layer.stored_class} layer: listed with its weights, "
                     "its code is never loaded or run")
    elif not layer.runnable and layer.reason and "custom" in layer.reason:
        found.append(f"layer {layer.name} ({layer.stored_class}) is a custom layer: listed with its weights, "
                     "its code is not in the file and cannot run")
    activations = {cell.config.get(key) for cell in layer.directions().values()
                   for key in ("activation", "recurrent_activation")}
    if "hard_sigmoid_keras2" in activations:
        found.append(f"layer {layer.name} uses hard_sigmoid as Keras 1/2 computed it, clip(0.2x + 0.5); "
                     "Keras 3 would compute clip(x/6 + 0.5) and give different numbers")
    return found
