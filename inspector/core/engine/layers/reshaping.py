"""Spatial shape layers: ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D, Resizing, CenterCrop.

Sizes as Keras stores them: an int (every side), one int per axis (both sides of it) or a
(before, after) pair per axis; ZeroPadding1D and Cropping1D take one pair for time.
UpSampling2D interpolates `nearest` (repeat) or `bilinear`; Resizing `nearest` or `bilinear`, both as
tf.image.resize does (half-pixel centres, source positions computed in float32).
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
    if interpolation == "nearest":
        y = x
        for axis, factor in enumerate(sizes, start=1):
            y = np.repeat(y, factor, axis=axis)
        return _back(layer, y)
    if interpolation != "bilinear":
        raise UnsupportedModel(f"layer {layer.name!r}: {interpolation} interpolation is not supported")
    targets = [n * f for n, f in zip(x.shape[1:-1], sizes, strict=True)]
    return _back(layer, resize(ctx.floats(x), targets, "bilinear"))


def resize(x: Array, sizes: list[int], interpolation: str) -> Array:
    """tf.image.resize (half-pixel centres, no antialiasing) of the spatial axes of channels_last x."""
    axes = list(enumerate(sizes, start=1))
    if interpolation == "nearest":
        for axis, size in axes:
            x = np.take(x, _nearest(x.shape[axis], size), axis=axis)
        return x
    for axis, size in reversed(axes):  # across, then down: TensorFlow's order
        x = _linear(x, axis, size)
    return x


def _nearest(size: int, target: int) -> Array:
    scale = np.float32(size / target)
    return np.minimum(np.floor((np.arange(target, dtype=np.float32) + np.float32(0.5)) * scale), size - 1).astype(int)


def _linear(x: Array, axis: int, target: int) -> Array:
    """Bilinear along one axis: source = (target + 0.5) * size / target - 0.5, clamped to the input."""
    size = x.shape[axis]
    scale = np.float32(size / target)
    source = (np.arange(target, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    low = np.floor(source)
    weight = (source - low).astype(x.dtype)
    low_index = np.clip(low, 0, size - 1).astype(int)
    high_index = np.clip(np.ceil(source), 0, size - 1).astype(int)
    shape = [1] * x.ndim
    shape[axis] = -1
    a, b = np.take(x, low_index, axis=axis), np.take(x, high_index, axis=axis)
    return a + (b - a) * weight.reshape(shape)


@register("Resizing", mask="drop")
def resizing(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = _spatial(layer, ctx.floats(inputs[0]))
    sizes = [int(layer.config["height"]), int(layer.config["width"])]
    return _back(layer, resize(x, sizes, str(layer.config.get("interpolation", "bilinear"))))


@register("CenterCrop", mask="drop")
def center_crop(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """The centre height x width window (offset (size - target) // 2); a smaller input is resized by Keras."""
    x = _spatial(layer, ctx.floats(inputs[0]))
    height, width = int(layer.config["height"]), int(layer.config["width"])
    if x.shape[1] < height or x.shape[2] < width:
        raise UnsupportedModel(f"layer {layer.name!r}: an image smaller than the crop is resized by Keras "
                               "(smart_resize), which is not implemented in the numpy engine yet")
    top, left = (x.shape[1] - height) // 2, (x.shape[2] - width) // 2
    return _back(layer, x[:, top:top + height, left:left + width])
