"""Which numpy function runs which Keras class, and how each one treats the Keras mask.

A layer function takes (layer, inputs, masks, ctx) and returns its outputs. Mask policy:
- "pass": outputs carry the first input's mask (Keras `supports_masking` with the default
  `compute_mask`: Dense, Activation, Dropout, normalization, TimeDistributed, ...);
- "drop": outputs carry no mask (layers without mask support: convolutions, pooling, Flatten, ...;
  both Keras 3 and tf_keras silently drop the mask there);
- "custom": the function returns (outputs, masks) itself (Embedding, Masking, merges, RNNs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer

Array = np.ndarray
Mask = Array | None
Outputs = tuple[list[Array], list[Mask]]
LayerFn = Callable[[Layer, list[Array], list[Mask], Context], Outputs]

LAYERS: dict[str, LayerFn] = {}
_loaded = False  # not `if not LAYERS`: importing one layers module first would leave the rest unloaded
_MODULES = (
    "core",
    "activation",
    "conv",
    "pooling",
    "reshaping",
    "preprocessing",
    "audio",
    "merge",
    "norm",
    "attention",
    "rnn",
    "wrappers",
)


def register(*class_names: str, mask: str = "pass") -> Callable:
    """Decorator: run `class_names` with the function, applying mask policy `mask`."""

    def decorate(fn: Callable) -> Callable:
        def run(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
            result = fn(layer, inputs, masks, ctx)
            if mask == "custom":
                return result
            values = result if isinstance(result, list) else [result]
            carried = masks[0] if mask == "pass" and masks else None
            return values, [carried] * len(values)

        for name in class_names:
            LAYERS[name] = run
        return fn

    return decorate


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in _MODULES:
            importlib.import_module(f"{__package__}.layers.{module}")
        _loaded = True


def supported_classes() -> set[str]:
    _load()
    return set(LAYERS)


def lookup(layer: Layer) -> LayerFn:
    """The function for `layer`, or UnsupportedModel naming the layer and the reason."""
    _load()
    if not layer.runnable:
        reason = layer.reason or "it cannot run from the file alone"
        raise UnsupportedModel(f"layer {layer.name!r} ({layer.class_name}) cannot run: {reason}")
    for child in layer.children.values():
        lookup(child)
    if layer.class_name not in LAYERS:
        raise UnsupportedModel(
            f"layer {layer.name!r}: class {layer.class_name} is not supported by the numpy engine"
        )
    return LAYERS[layer.class_name]


def apply_layer(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    return lookup(layer)(layer, inputs, masks, ctx)
