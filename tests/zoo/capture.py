"""What the child process does to one built model: random weights, inputs, outputs.

Imported only by the generator (a child process that has Keras); it never imports
Keras itself - the keras module is passed in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.zoo.spec import InputSpec, Recipe

WEIGHT_STD = 0.5


def random_weight(name: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A random value for one weight; variances (BatchNormalization, Normalization) and scales
    (RandomFourierFeatures kernel_scale) stay positive."""
    if "variance" in name or "kernel_scale" in name:
        return rng.uniform(0.5, 2.0, shape)
    return rng.normal(0.0, WEIGHT_STD, shape)


def weight_name(variable: Any) -> str:
    return str(getattr(variable, "path", None) or variable.name)


def randomize_weights(model: Any, rng: np.random.Generator) -> None:
    """Replace every weight of every top-level layer with random values."""
    for layer in model.layers:
        current = layer.get_weights()
        if not current:
            continue
        names = [weight_name(v) for v in layer.weights]
        layer.set_weights([random_weight(name, value.shape, rng).astype(value.dtype)
                           for name, value in zip(names, current, strict=True)])
        if hasattr(layer, "finalize_state"):  # Normalization derives its statistics from weights
            layer.finalize_state()


def make_input(spec: InputSpec, batch: int, rng: np.random.Generator) -> np.ndarray:
    shape = (batch, *spec.shape)
    if spec.token_range is not None:
        low, high = spec.token_range
        x = rng.integers(low, high, shape)
    else:
        x = rng.normal(0.0, spec.scale, shape)
    x = x.astype(spec.dtype)
    for sample, start, stop in spec.zero_steps:
        x[sample, start:stop] = 0
    return x


def make_inputs(recipe: Recipe, rng: np.random.Generator) -> list[np.ndarray]:
    return [make_input(spec, recipe.batch, rng) for spec in recipe.inputs]


def wrapped_layers(layer: Any) -> list[tuple[str, Any]]:
    """(attribute, layer) of the layers a wrapper holds: Bidirectional's two
    directions, TimeDistributed's inner layer."""
    names = ("forward_layer", "backward_layer") if hasattr(layer, "forward_layer") \
        else ("layer",)
    found = [(name, getattr(layer, name, None)) for name in names]
    return [(name, sub) for name, sub in found if hasattr(sub, "get_weights")]


def reset_states(model: Any) -> None:
    """Zero the state of every stateful layer, including wrapped ones."""
    for layer in model.layers:
        for candidate in [layer, *(sub for _, sub in wrapped_layers(layer))]:
            if getattr(candidate, "stateful", False) and getattr(candidate, "built", True) \
                    and hasattr(candidate, "reset_states"):
                candidate.reset_states()


def to_numpy(value: Any) -> np.ndarray:
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def run(model: Any, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """``model(x, training=False)`` from zero state, outputs as a flat list."""
    reset_states(model)
    feed: Any = inputs[0] if len(inputs) == 1 else list(inputs)
    result = model(feed, training=False)
    reset_states(model)
    if isinstance(result, dict):
        raise TypeError("dict outputs are not supported by the zoo")
    if isinstance(result, (list, tuple)):
        return [to_numpy(r) for r in result]
    return [to_numpy(result)]


def layer_weights(model: Any) -> dict[str, np.ndarray]:
    """``get_weights()`` of every layer with weights, keyed ``<layer>/<i>``."""
    arrays: dict[str, np.ndarray] = {}
    for layer in model.layers:
        add_weights(arrays, layer.name, layer)
        for inner, sub in wrapped_layers(layer):
            add_weights(arrays, f"{layer.name}/{inner}", sub)
    return arrays


def add_weights(arrays: dict[str, np.ndarray], prefix: str, layer: Any) -> None:
    for i, value in enumerate(layer.get_weights()):
        arrays[f"{prefix}/{i}"] = np.asarray(value)


def call_counts(model: Any) -> dict[str, int]:
    """How often each layer is called inside ``model`` (1 for Sequential layers)."""
    config = model.get_config()
    counts = {layer.name: 1 for layer in model.layers}
    if isinstance(config, dict) and isinstance(config.get("layers"), list):
        for entry in config["layers"]:
            nodes = entry.get("inbound_nodes")
            name = entry.get("config", {}).get("name", entry.get("name"))
            if isinstance(nodes, list) and name in counts:
                counts[name] = max(len(nodes), 1)
    return counts


def output_layers(model: Any) -> tuple[list[Any], list[dict[str, str]]]:
    """Layers whose output can be taken, and the skipped ones with the reason."""
    counts = call_counts(model)
    taken, skipped = [], []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        if counts.get(layer.name, 1) > 1:
            skipped.append({"name": layer.name,
                            "reason": f"layer is called {counts[layer.name]} times"})
            continue
        taken.append(layer)
    return taken, skipped


def layer_outputs(keras: Any, model: Any, inputs: list[np.ndarray]
                  ) -> tuple[dict[str, np.ndarray], list[dict[str, str]]]:
    """The output of every layer (``<name>`` or ``<name>/<i>``) and the skipped layers."""
    layers, skipped = output_layers(model)
    usable: list[tuple[Any, Any]] = []
    for layer in layers:
        try:
            usable.append((layer, reachable_output(keras, model, layer)))
        except Exception as exc:  # recorded, not fatal
            skipped.append({"name": layer.name, "reason": f"{type(exc).__name__}: {exc}"})
    tensors = [t for _, out in usable for t in as_list(out)]
    if not tensors:
        return {}, skipped
    values = run(keras.Model(model.inputs, tensors), inputs)
    counts = [(layer, len(out) if isinstance(out, (list, tuple)) else 0)
              for layer, out in usable]
    return name_outputs(counts, values), skipped


def as_list(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def reachable_output(keras: Any, model: Any, layer: Any) -> Any:
    """The layer's output in ``model``'s graph. A nested model in tf_keras reports its
    inner graph's output as ``output``; its call in the outer graph is the last node."""
    candidates = [lambda: layer.output]
    if hasattr(layer, "get_output_at"):
        candidates.append(lambda: layer.get_output_at(-1))
    error: Exception | None = None
    for candidate in candidates:
        try:
            out = candidate()
            keras.Model(model.inputs, as_list(out))
            return out
        except Exception as exc:  # try the next candidate
            error = exc
    assert error is not None
    raise error


def name_outputs(usable: list[tuple[Any, int]], values: list[np.ndarray]
                 ) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    position = 0
    for layer, count in usable:
        if count == 0:
            arrays[layer.name] = values[position]
            position += 1
            continue
        for i in range(count):
            arrays[f"{layer.name}/{i}"] = values[position + i]
        position += count
    return arrays
