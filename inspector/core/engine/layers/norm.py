"""Normalization layers: BatchNormalization (inference: moving statistics), LayerNormalization,
GroupNormalization, UnitNormalization, RMSNormalization; and the L2 normalization Dot shares."""

from __future__ import annotations

from typing import Any

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer


def _axes(value: Any, ndim: int) -> list[int]:
    values = [value] if isinstance(value, (int, np.integer)) else list(value)
    return sorted(int(v) % ndim for v in values)


def _broadcast(v: Array | None, axes: list[int], shape: tuple[int, ...]) -> Array | None:
    if v is None:
        return None
    target = [1] * len(shape)
    for axis in axes:
        target[axis] = shape[axis]
    return np.reshape(v, target)


@register("BatchNormalization")
def batch_normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """tf.nn.batch_normalization: inv = gamma / sqrt(var + eps); x * inv + (beta - mean * inv)."""
    x = ctx.floats(inputs[0])
    axes = _axes(layer.config.get("axis", -1), x.ndim)
    shape = x.shape
    mean = _broadcast(ctx.weight(layer, "moving_mean"), axes, shape)
    variance = _broadcast(ctx.weight(layer, "moving_variance"), axes, shape)
    gamma = _broadcast(ctx.weight(layer, "gamma", required=False), axes, shape)
    beta = _broadcast(ctx.weight(layer, "beta", required=False), axes, shape)
    epsilon = x.dtype.type(layer.config.get("epsilon", 1e-3))
    assert mean is not None and variance is not None  # required weights
    inv = 1 / np.sqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv if beta is None else beta - mean * inv
    return x * inv + shift


@register("LayerNormalization")
def layer_normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Keras 3 `_layer_normalization`; rms_scaling divides by sqrt(variance + eps) as Keras does."""
    x = ctx.floats(inputs[0])
    axes = _axes(layer.config.get("axis", -1), x.ndim)
    gamma = _broadcast(ctx.weight(layer, "gamma", required=False), axes, x.shape)
    beta = _broadcast(ctx.weight(layer, "beta", required=False), axes, x.shape)
    epsilon = x.dtype.type(layer.config.get("epsilon", 1e-3))
    variance = np.var(x, axis=tuple(axes), keepdims=True)
    inv = 1 / np.sqrt(variance + epsilon)
    if layer.config.get("rms_scaling"):
        y = x * inv
        return y if gamma is None else y * gamma
    mean = np.mean(x, axis=tuple(axes), keepdims=True)
    if gamma is not None:
        inv = inv * gamma
    shift = -mean * inv if beta is None else beta - mean * inv
    return x * inv + shift


@register("GroupNormalization")
def group_normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Channels split into `groups`; mean and variance over every axis but batch and group."""
    x = ctx.floats(inputs[0])
    axis = int(layer.config.get("axis", -1)) % x.ndim
    groups = int(layer.config.get("groups", 32))
    grouped_shape = x.shape[:axis] + (groups, x.shape[axis] // groups) + x.shape[axis + 1:]
    grouped = x.reshape(grouped_shape)
    reduce = tuple(a for a in range(1, grouped.ndim) if a != axis)
    mean = np.mean(grouped, axis=reduce, keepdims=True)
    variance = np.var(grouped, axis=reduce, keepdims=True)
    inv = 1 / np.sqrt(variance + x.dtype.type(layer.config.get("epsilon", 1e-3)))
    per_channel = [1] * grouped.ndim
    per_channel[axis:axis + 2] = [groups, x.shape[axis] // groups]
    gamma = ctx.weight(layer, "gamma", required=False)
    if gamma is not None:
        inv = inv * gamma.reshape(per_channel)
    shift = -mean * inv
    beta = ctx.weight(layer, "beta", required=False)
    if beta is not None:
        shift = shift + beta.reshape(per_channel)
    return (grouped * inv + shift).reshape(x.shape)


def l2_normalize(x: Array, axis: int | tuple[int, ...], keras_major: int, epsilon: float) -> Array:
    """Keras 3 ops.normalize: x * min(rsqrt(sum x^2), 1/eps); tf.math.l2_normalize: x * rsqrt(max(sum x^2, eps))."""
    square_sum = np.sum(np.square(x), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        if keras_major >= 3:
            return x * np.minimum(1 / np.sqrt(square_sum), x.dtype.type(1 / epsilon))
        return x / np.sqrt(np.maximum(square_sum, x.dtype.type(epsilon)))


@register("UnitNormalization")
def unit_normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    axes = tuple(_axes(layer.config.get("axis", -1), x.ndim))
    return l2_normalize(x, axes, ctx.keras_major, 1e-12)


@register("RMSNormalization")
def rms_normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Keras 3 `_rms_normalization`: the scale, [sizes along the sorted axes], multiplies by plain broadcasting
    (over trailing axes that is along them; for others Keras fails, or uses the trailing axes when sizes agree)."""
    x = ctx.floats(inputs[0])
    axes = tuple(_axes(layer.config.get("axis", -1), x.ndim))
    mean_square = np.mean(np.square(x), axis=axes, keepdims=True)
    y = x * (1 / np.sqrt(mean_square + x.dtype.type(layer.config.get("epsilon", 1e-6))))
    scale = ctx.weight(layer, "scale", required=False)
    if scale is None:
        return y
    try:
        return np.multiply(y, scale)
    except ValueError as error:  # as Keras: the scale does not broadcast onto the input
        raise UnsupportedModel(f"layer {layer.name!r}: scale {scale.shape} does not broadcast onto "
                               f"{x.shape} (Keras fails too)") from error
