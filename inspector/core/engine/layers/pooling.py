"""Max and average pooling of every rank (1D/2D/3D), the global and the adaptive poolings.

Average pooling divides by the number of real (not padded) values in each window, as
TensorFlow does; global average pooling over time with a Keras mask averages the unmasked
steps only (GlobalAveragePooling1D is the only pooling that takes a mask). Adaptive pooling
(Keras 3) reduces, along each spatial axis, output position i over [floor(i*n/out), ceil((i+1)*n/out)).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.convolution import as_tuple, from_channels_last, to_channels_last, windows
from inspector.core.engine.layers.conv import RANKS, rank_of
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.model.canonical import Layer


def _windows(layer: Layer, x: Array, rank: int, fill: float) -> Array:
    """[batch, *out, channels, *pool_size] windows of a channels_last input."""
    config = layer.config
    size = as_tuple(config.get("pool_size", 2), rank, "pool_size")
    strides = as_tuple(config.get("strides") or size, rank, "strides")
    padding = str(config.get("padding", "valid")).lower()
    return windows(x, size, strides, (1,) * rank, padding, fill=fill)


def _window_axes(rank: int) -> tuple[int, ...]:
    return tuple(range(-rank, 0))


@register(*(f"MaxPooling{r}D" for r in RANKS), mask="drop")
def max_pooling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    rank, data_format = rank_of(layer.class_name), layer.config.get("data_format")
    x = to_channels_last(ctx.floats(inputs[0]), data_format, 1)
    y = _windows(layer, x, rank, -np.inf).max(axis=_window_axes(rank))
    return from_channels_last(y, data_format, 1)


@register(*(f"AveragePooling{r}D" for r in RANKS), mask="drop")
def average_pooling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    rank, data_format = rank_of(layer.class_name), layer.config.get("data_format")
    x = to_channels_last(ctx.floats(inputs[0]), data_format, 1)
    total = _windows(layer, x, rank, 0.0).sum(axis=_window_axes(rank))
    ones = np.ones(x.shape[:-1] + (1,), x.dtype)
    count = _windows(layer, ones, rank, 0.0).sum(axis=_window_axes(rank))
    return from_channels_last(total / count, data_format, 1)


def _spatial_axes(layer: Layer, ndim: int) -> tuple[int, ...]:
    if layer.config.get("data_format") == "channels_first":
        return tuple(range(2, ndim))
    return tuple(range(1, ndim - 1))


@register(*(f"GlobalAveragePooling{r}D" for r in RANKS), mask="drop")
def global_average_pooling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Mean over the spatial axes; over time with a mask, the mean over unmasked steps only (Keras)."""
    x = ctx.floats(inputs[0])
    axes = _spatial_axes(layer, x.ndim)
    keepdims = bool(layer.config.get("keepdims", False))
    mask = masks[0] if masks and rank_of(layer.class_name) == 1 else None
    if mask is None:
        return np.mean(x, axis=axes, keepdims=keepdims)
    weights = np.expand_dims(np.asarray(mask, bool), 2 if axes == (1,) else 1)
    total = np.sum(np.where(weights, x, 0), axis=axes, keepdims=keepdims)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / np.sum(weights.astype(x.dtype), axis=axes, keepdims=keepdims)


@register(*(f"GlobalMaxPooling{r}D" for r in RANKS), mask="drop")
def global_max_pooling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    return np.max(x, axis=_spatial_axes(layer, x.ndim), keepdims=bool(layer.config.get("keepdims", False)))


def _adaptive(x: Array, axis: int, out: int, reduce: Callable[..., Array]) -> Array:
    size = x.shape[axis]
    parts = [reduce(np.take(x, range(i * size // out, -((i + 1) * size // -out)), axis=axis), axis=axis)
             for i in range(out)]
    return np.stack(parts, axis=axis)


@register(*(f"Adaptive{kind}Pooling{r}D" for kind in ("Average", "Max") for r in RANKS), mask="drop")
def adaptive_pooling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    rank, data_format = rank_of(layer.class_name), layer.config.get("data_format")
    y = to_channels_last(ctx.floats(inputs[0]), data_format, 1)
    reduce = np.mean if layer.class_name.startswith("AdaptiveAverage") else np.max
    for axis, out in enumerate(as_tuple(layer.config.get("output_size"), rank, "output_size"), start=1):
        y = _adaptive(y, axis, out, reduce)
    return from_channels_last(y, data_format, 1)
