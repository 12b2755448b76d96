"""Activation layers with parameters: LeakyReLU, ReLU, ELU, PReLU, Softmax, ThresholdedReLU.

Formulas as Keras 3 `activations.relu` / tf_keras `backend.relu` compute them (config keys of
both: LeakyReLU `negative_slope` in Keras 3, `alpha` in tf_keras).
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.activation_into import apply
from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.model.canonical import Layer


def relu(x: Array, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Array:
    """keras.activations.relu: x above threshold, clipped at max_value, slope below threshold."""
    kind = x.dtype.type
    negative_part = np.maximum(kind(threshold) - x, 0) if negative_slope else None
    if threshold:
        y = x * (x > kind(threshold)).astype(x.dtype)
    else:
        y = np.maximum(x, 0)
    if max_value is not None:
        y = np.clip(y, 0, kind(max_value))
    if negative_part is not None:
        y = y - kind(negative_slope) * negative_part
    return y


@register("ReLU")
def relu_layer(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    config = layer.config
    return relu(ctx.floats(inputs[0]), float(config.get("negative_slope") or 0.0),
                config.get("max_value"), float(config.get("threshold") or 0.0))


@register("LeakyReLU")
def leaky_relu(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    config = layer.config
    slope = config.get("negative_slope", config.get("alpha", 0.3))
    x = ctx.floats(inputs[0])
    return np.where(x >= 0, x, x * x.dtype.type(slope))


@register("ELU")
def elu(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    alpha = x.dtype.type(layer.config.get("alpha", 1.0))
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@register("ThresholdedReLU")
def thresholded_relu(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    return x * (x > x.dtype.type(layer.config.get("theta", 1.0))).astype(x.dtype)


@register("PReLU")
def prelu(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """relu(x) - alpha * relu(-x), alpha [*input_shape[1:]] with shared axes of size 1."""
    x = ctx.floats(inputs[0])
    return np.maximum(x, 0) - ctx.weight(layer, "alpha") * np.maximum(-x, 0)


@register("Softmax")
def softmax(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    axis = layer.config.get("axis", -1)
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (int(axis),)
    if axes == (-1,) or axes == (x.ndim - 1,):
        return apply("softmax", x)
    shifted = np.exp(x - np.max(x, axis=axes, keepdims=True))
    return shifted / np.sum(shifted, axis=axes, keepdims=True)
