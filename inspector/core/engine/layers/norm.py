"""BatchNormalization (inference: moving statistics) and LayerNormalization."""

from __future__ import annotations

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.model.canonical import Layer


def _axes(value, ndim: int) -> list[int]:
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
