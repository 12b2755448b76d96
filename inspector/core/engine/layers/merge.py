"""Merge layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot.

Their output masks differ between Keras versions: for Add..Minimum, Keras 3 ORs the input
masks (None if any is None) while tf_keras / Keras 2 AND the masks that exist; for
Concatenate, Keras 3 reduces the concatenated masks with `any`, tf_keras with `all`.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.layers.norm import l2_normalize
from inspector.core.engine.registry import Array, Mask, Outputs, register
from inspector.core.model.canonical import Layer

_ELEMENTWISE = {
    "Add": lambda xs: reduce(np.add, xs),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: reduce(np.multiply, xs),
    "Average": lambda xs: reduce(np.add, xs) / xs[0].dtype.type(len(xs)),
    "Maximum": lambda xs: reduce(np.maximum, xs),
    "Minimum": lambda xs: reduce(np.minimum, xs),
}


def merged_mask(masks: list[Mask], keras_major: int) -> Mask:
    present = [np.asarray(m, bool) for m in masks if m is not None]
    if not present:
        return None
    if keras_major >= 3:
        if len(present) < len(masks):
            return None
        return reduce(np.logical_or, present)
    return reduce(np.logical_and, present)


@register(*_ELEMENTWISE, mask="custom")
def elementwise(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    xs = [ctx.floats(x) for x in inputs]
    y = _ELEMENTWISE[layer.class_name](xs)
    return [y], [merged_mask(masks, ctx.keras_major)]


@register("Concatenate", mask="custom")
def concatenate(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    axis = int(layer.config.get("axis", -1))
    xs = [ctx.floats(x) for x in inputs]
    return [np.concatenate(xs, axis=axis)], [_concatenated_mask(xs, masks, axis, ctx.keras_major)]


def _concatenated_mask(xs: list[Array], masks: list[Mask], axis: int, keras_major: int) -> Mask:
    if all(m is None for m in masks):
        return None
    full = []
    for x, m in zip(xs, masks, strict=True):
        if m is None:
            full.append(np.ones(x.shape, bool))
        elif m.ndim < x.ndim:
            expanded = np.expand_dims(np.asarray(m, bool), -1)
            full.append(np.broadcast_to(expanded, x.shape) if keras_major >= 3 else expanded)
        else:
            full.append(np.asarray(m, bool))
    joined = np.concatenate(full, axis=axis)
    return np.asarray(joined.any(axis=-1) if keras_major >= 3 else joined.all(axis=-1))


@register("Dot", mask="drop")
def dot(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x, y = (ctx.floats(v) for v in inputs)
    axes = layer.config.get("axes", -1)
    axes = [axes, axes] if isinstance(axes, (int, np.integer)) else list(axes)
    a, b = (int(ax) % v.ndim for ax, v in zip(axes, (x, y), strict=True))
    if layer.config.get("normalize"):
        epsilon = 1e-7 if ctx.keras_major >= 3 else 1e-12  # Keras 3 ops.normalize default; tf.math.l2_normalize
        x, y = l2_normalize(x, a, ctx.keras_major, epsilon), l2_normalize(y, b, ctx.keras_major, epsilon)
    return batch_dot(x, y, a, b)


def batch_dot(x: Array, y: Array, a: int, b: int) -> Array:
    """Keras batch_dot: contract x axis a with y axis b per sample; rank 1 -> (batch, 1)."""
    xm = np.moveaxis(x, a, -1)
    ym = np.moveaxis(y, b, -1)
    batch = x.shape[0]
    rest_x, rest_y = xm.shape[1:-1], ym.shape[1:-1]
    flat = np.matmul(
        xm.reshape(batch, -1, xm.shape[-1]), np.swapaxes(ym.reshape(batch, -1, ym.shape[-1]), 1, 2)
    )
    out = flat.reshape((batch,) + rest_x + rest_y)
    return out.reshape(batch, 1) if out.ndim == 1 else out
