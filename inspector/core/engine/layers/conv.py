"""Conv1D, MaxPooling1D/AveragePooling1D and the global 1-d poolings."""

from __future__ import annotations

import numpy as np

from inspector.core.engine.activation_into import apply
from inspector.core.engine.context import Context
from inspector.core.engine.convolution import as_tuple, convolve, from_channels_last, to_channels_last, windows
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.model.canonical import Layer


@register("Conv1D", mask="drop")
def conv1d(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    config = layer.config
    data_format = config.get("data_format")
    x = to_channels_last(ctx.floats(inputs[0]), data_format, 1)
    y = convolve(
        x,
        ctx.weight(layer, "kernel"),
        as_tuple(config.get("strides"), 1, "strides"),
        str(config.get("padding", "valid")).lower(),
        as_tuple(config.get("dilation_rate"), 1, "dilation_rate"),
        int(config.get("groups") or 1),
    )
    bias = ctx.weight(layer, "bias", required=False)
    if bias is not None:
        y += bias
    y = apply(config.get("activation") or "linear", y)
    return from_channels_last(y, data_format, 1)


def _pool_windows(layer: Layer, x: Array, fill: float) -> Array:
    config = layer.config
    size = as_tuple(config.get("pool_size", 2), 1, "pool_size")
    strides = as_tuple(config.get("strides") or size, 1, "strides")
    padding = str(config.get("padding", "valid")).lower()
    return windows(x, size, strides, (1,), padding, fill=fill)  # [batch, steps, channels, size]


@register("MaxPooling1D", mask="drop")
def max_pooling1d(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    data_format = layer.config.get("data_format")
    x = to_channels_last(ctx.floats(inputs[0]), data_format, 1)
    y = _pool_windows(layer, x, -np.inf).max(axis=-1)
    return from_channels_last(y, data_format, 1)


@register("AveragePooling1D", mask="drop")
def average_pooling1d(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """TensorFlow divides by the number of real (not padded) values in each window."""
    data_format = layer.config.get("data_format")
    x = to_channels_last(ctx.floats(inputs[0]), data_format, 1)
    total = _pool_windows(layer, x, 0.0).sum(axis=-1)
    ones = np.ones(x.shape[:2] + (1,), x.dtype)
    count = _pool_windows(layer, ones, 0.0).sum(axis=-1)
    return from_channels_last(total / count, data_format, 1)


def _steps_axis(layer: Layer) -> int:
    return 2 if layer.config.get("data_format") == "channels_first" else 1


@register("GlobalAveragePooling1D", mask="drop")
def global_average_pooling1d(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Mean over time; with a mask, the mean over the unmasked steps only (Keras)."""
    x, axis = ctx.floats(inputs[0]), _steps_axis(layer)
    keepdims = bool(layer.config.get("keepdims", False))
    mask = masks[0] if masks else None
    if mask is None:
        return np.mean(x, axis=axis, keepdims=keepdims)
    weights = np.expand_dims(np.asarray(mask, bool), 2 if axis == 1 else 1)
    total = np.sum(np.where(weights, x, 0), axis=axis, keepdims=keepdims)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / np.sum(weights.astype(x.dtype), axis=axis, keepdims=keepdims)


@register("GlobalMaxPooling1D", mask="drop")
def global_max_pooling1d(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x, axis = ctx.floats(inputs[0]), _steps_axis(layer)
    return np.max(x, axis=axis, keepdims=bool(layer.config.get("keepdims", False)))
