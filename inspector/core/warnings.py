"""What a user must know about a model before trusting any number from it."""

from __future__ import annotations

import numpy as np

from .model import Layer, Model


def model_warnings(model: Model) -> list[str]:
    found: list[str] = []
    if not model.has_architecture:
        found.append("no architecture in file: layers were inferred from weight names and shapes; "
                     "activations are assumed to be the defaults of the Keras that wrote the file")
    found += _non_finite(model)
    for layer in model.layers:
        found += _layer_warnings(layer)
    return found


def _non_finite(model: Model) -> list[str]:
    arrays = [(layer.name, a) for layer in model.layers for _, _, a in layer.all_weights() if a.dtype.kind == "f"]
    total = sum(a.size for _, a in arrays)
    bad_by_layer: dict[str, int] = {}
    for name, array in arrays:
        bad = int(np.count_nonzero(~np.isfinite(array)))
        if bad:
            bad_by_layer[name] = bad_by_layer.get(name, 0) + bad
    if not bad_by_layer:
        return []
    bad_total = sum(bad_by_layer.values())
    if bad_total == total:
        return ["every weight is NaN or Inf: the training diverged before the file was saved; "
                "Keras's own output for this model is NaN"]
    return [f"layer {name}: {count} weight values are NaN or Inf" for name, count in bad_by_layer.items()]


def _layer_warnings(layer: Layer) -> list[str]:
    found = []
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
