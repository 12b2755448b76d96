"""Spatial shape layers of every rank: ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D.

Sizes as Keras stores them: an int (every side), one int per axis (both sides of it) or a
(before, after) pair per axis; ZeroPadding1D and Cropping1D take one pair for time.
UpSampling2D interpolates `nearest` (repeat) or `bilinear` (tf.image.resize, half-pixel centres).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.convolution import as_tuple, from_channels_last, to_channels_last
from inspector.core.engine.layers.conv import RANKS, rank_of
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer


def side_pairs(value: Any, rank: int, name: str) -> list[tuple[int, int]]:
    """(before, after) per spatial axis from any Keras spelling of a padding or cropping."""
    if isinstance(value, (int, np.integer)):
        return [(int(value), int(value))] * rank
    items = list(value)
    if rank == 1 and len(items) == 2 and all(isinstance(v, (int, np.integer)) for v in items):
        return [(int(items[0]), int(items[1]))]
    if len(items) != rank:
        raise UnsupportedModel(f"{name} {value!r} does not have {rank} entries")
    return [(int(v), int(v)) if isinstance(v, (int, np.integer)) else (int(v[0]), int(v[1])) for v in items]


def _spatial(layer: Layer, x: Array) -> Array:
    return to_channels_last(x, layer.config.get("data_format"), 1)


def _back(layer: Layer, y: Array) -> Array:
    return from_channels_last(y, layer.config.get("data_format"), 1)


@register(*(f"ZeroPadding{r}D" for r in RANKS), mask="drop")
def zero_padding(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = _spatial(layer, inputs[0])
    pads = side_pairs(layer.config.get("padding", 1), rank_of(layer.class_name), "padding")
    return _back(layer, np.pad(x, [(0, 0), *pads, (0, 0)]))


@register(*(f"Cropping{r}D" for r in RANKS), mask="drop")
def cropping(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = _spatial(layer, inputs[0])
    crops = side_pairs(layer.config.get("cropping", 1), rank_of(layer.class_name), "cropping")
    kept = tuple(slice(before, n - after) for (before, after), n in zip(crops, x.shape[1:-1], strict=False))
    return _back(layer, x[(slice(None), *kept)])


@register(*(f"UpSampling{r}D" for r in RANKS), mask="drop")
def up_sampling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    rank = rank_of(layer.class_name)
    x = _spatial(layer, inputs[0])
    sizes = as_tuple(layer.config.get("size", 2), rank, "size")
    interpolation = str(layer.config.get("interpolation", "nearest"))
    if interpolation == "bilinear":
        y = ctx.floats(x)
        for axis, factor in reversed(list(enumerate(sizes, start=1))):  # across, then down: TF's order
            y = _linear(y, axis, factor)
    elif interpolation == "nearest":
        y = x
        for axis, factor in enumerate(sizes, start=1):
            y = np.repeat(y, factor, axis=axis)
    else:
        raise UnsupportedModel(f"layer {layer.name!r}: {interpolation} interpolation is not supported")
    return _back(layer, y)


def _linear(x: Array, axis: int, factor: int) -> Array:
    """tf.image.resize bilinear along one axis: source = (target + 0.5) / factor - 0.5, clamped."""
    size = x.shape[axis]
    source = (np.arange(size * factor, dtype=np.float64) + 0.5) / factor - 0.5
    source = np.clip(source, 0, size - 1)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, size - 1)
    shape = [1] * x.ndim
    shape[axis] = -1
    weight = (source - low).astype(x.dtype).reshape(shape)
    a, b = np.take(x, low, axis=axis), np.take(x, high, axis=axis)
    return a + (b - a) * weight
