"""Convolutions of every rank: Conv1D/2D/3D, Conv1D/2D/3DTranspose, SeparableConv1D/2D and
DepthwiseConv1D/2D, channels_last or channels_first, with TensorFlow's padding rules; and the
unshared LocallyConnected1D/2D.

Kernels as Keras stores them: Conv [*k, in/groups, filters], transposed [*k, filters, in],
depthwise [*k, in, depth_multiplier], separable = depthwise then a pointwise [1.., in*m, filters].
"""

from __future__ import annotations

import re

import numpy as np

from inspector.core.engine.activation_into import apply
from inspector.core.engine.context import Context
from inspector.core.engine.convolution import (
    as_tuple,
    convolve,
    convolve_transpose,
    depthwise,
    from_channels_last,
    to_channels_last,
    windows,
)
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.model.canonical import Layer

RANKS = (1, 2, 3)


def rank_of(class_name: str) -> int:
    """1, 2 or 3 from the class name ('Conv2DTranspose' -> 2)."""
    found = re.search(r"([123])D", class_name)
    return int(found[1]) if found else 1


def _options(layer: Layer, rank: int) -> tuple[tuple[int, ...], str, tuple[int, ...]]:
    config = layer.config
    return (as_tuple(config.get("strides"), rank, "strides"), str(config.get("padding", "valid")).lower(),
            as_tuple(config.get("dilation_rate"), rank, "dilation_rate"))


def _finish(layer: Layer, y: Array, ctx: Context) -> Array:
    """+ bias, activation, back to the layer's data format."""
    bias = ctx.weight(layer, "bias", required=False)
    if bias is not None:
        y = y + bias
    y = apply(layer.config.get("activation") or "linear", y)
    return from_channels_last(y, layer.config.get("data_format"), 1)


def _channels_last(layer: Layer, x: Array, ctx: Context) -> Array:
    return to_channels_last(ctx.floats(x), layer.config.get("data_format"), 1)


@register(*(f"Conv{r}D" for r in RANKS), mask="drop")
def conv(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    strides, padding, dilation = _options(layer, rank_of(layer.class_name))
    x = _channels_last(layer, inputs[0], ctx)
    y = convolve(x, ctx.weight(layer, "kernel"), strides, padding, dilation, int(layer.config.get("groups") or 1))
    return _finish(layer, y, ctx)


@register(*(f"Conv{r}DTranspose" for r in RANKS), mask="drop")
def conv_transpose(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    rank = rank_of(layer.class_name)
    strides, padding, dilation = _options(layer, rank)
    extra = layer.config.get("output_padding")
    output_padding = None if extra is None else as_tuple(extra, rank, "output_padding")
    x = _channels_last(layer, inputs[0], ctx)
    y = convolve_transpose(x, ctx.weight(layer, "kernel"), strides, padding, dilation, output_padding)
    return _finish(layer, y, ctx)


@register("DepthwiseConv1D", "DepthwiseConv2D", mask="drop")
def depthwise_conv(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    strides, padding, dilation = _options(layer, rank_of(layer.class_name))
    x = _channels_last(layer, inputs[0], ctx)
    return _finish(layer, depthwise(x, ctx.weight(layer, "depthwise_kernel"), strides, padding, dilation), ctx)


@register("SeparableConv1D", "SeparableConv2D", mask="drop")
def separable_conv(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """tf.nn.separable_conv2d: strides, padding and dilation apply to the depthwise step."""
    strides, padding, dilation = _options(layer, rank_of(layer.class_name))
    x = _channels_last(layer, inputs[0], ctx)
    y = depthwise(x, ctx.weight(layer, "depthwise_kernel"), strides, padding, dilation)
    pointwise = ctx.weight(layer, "pointwise_kernel")
    y = np.matmul(y, pointwise.reshape(pointwise.shape[-2:]))
    return _finish(layer, y, ctx)


def _window_mask(sizes: tuple[int, ...], outs: tuple[int, ...], kernel: tuple[int, ...],
                 strides: tuple[int, ...]) -> Array:
    """[*in, 1, *out, 1]: input position i feeds output position o when o*stride <= i < o*stride + k."""
    mask = np.ones((), bool)
    for n, out, k, s in zip(sizes, outs, kernel, strides, strict=True):
        starts = np.arange(out) * s
        axis = (np.arange(n)[:, None] >= starts) & (np.arange(n)[:, None] < starts + k)  # [n, out]
        mask = np.multiply.outer(mask, axis)
    rank = len(sizes)
    order = tuple(range(0, 2 * rank, 2)) + tuple(range(1, 2 * rank, 2))
    mask = np.transpose(mask, order)  # [*in, *out]
    return np.expand_dims(np.expand_dims(mask, rank), -1)


@register("LocallyConnected1D", "LocallyConnected2D", mask="drop")
def locally_connected(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Unshared convolution, channels_last and valid padding. implementation 1 stores one
    [window * channels, filters] matrix per output position; 2 a dense [*in, channels, *out, filters]
    kernel of which only each output's window counts."""
    rank = rank_of(layer.class_name)
    size = as_tuple(layer.config.get("kernel_size"), rank, "kernel_size")
    strides = as_tuple(layer.config.get("strides"), rank, "strides")
    x, kernel = ctx.floats(inputs[0]), ctx.weight(layer, "kernel")
    patches = windows(x, size, strides, (1,) * rank, "valid")  # [b, *out, c, *k]
    outs = patches.shape[1:1 + rank]
    if kernel.ndim == 2 * rank + 2:
        mask = _window_mask(x.shape[1:1 + rank], outs, size, strides)
        y = np.tensordot(x, kernel * mask.astype(kernel.dtype), axes=(range(1, rank + 2), range(rank + 1)))
    else:
        flat = np.moveaxis(patches, 1 + rank, -1).reshape(x.shape[0], int(np.prod(outs)), -1)
        y = np.einsum("bpf,pfo->bpo", flat, kernel).reshape(x.shape[0], *outs, kernel.shape[-1])
    bias = ctx.weight(layer, "bias", required=False)
    if bias is not None:
        y = y + bias
    return apply(layer.config.get("activation") or "linear", y)
