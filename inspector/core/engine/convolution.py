"""N-d convolution and window extraction in numpy, channels_last, with TensorFlow's padding.

`same` pads total = max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0), the smaller
half before (TensorFlow's rule, also for even kernels); `causal` (1-d) pads (k-1)*dilation
before. Used by Conv1D, the pooling layers and ConvLSTM1D/2D/3D.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from inspector.core.errors import UnsupportedModel

Array = np.ndarray


def as_tuple(value: Any, rank: int, name: str = "value") -> tuple[int, ...]:
    """Keras stores sizes as an int, a list or a tuple: always a tuple of `rank` ints."""
    if value is None:
        return (1,) * rank
    if isinstance(value, (int, np.integer)):
        return (int(value),) * rank
    values = tuple(int(v) for v in value)
    if len(values) == 1 and rank > 1:
        return values * rank
    if len(values) != rank:
        raise UnsupportedModel(f"{name} {value!r} does not have {rank} entries")
    return values


def padding_amounts(size: int, kernel: int, stride: int, dilation: int, padding: str) -> tuple[int, int]:
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return effective - 1, 0
    if padding == "same":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + effective - size, 0)
        return total // 2, total - total // 2
    raise UnsupportedModel(f"padding {padding!r} is not supported")


def windows(
    x: Array,
    kernel_size: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
    padding: str,
    fill: float = 0.0,
) -> Array:
    """x [batch, *spatial, channels] -> [batch, *out_spatial, channels, *kernel_size] views."""
    rank = len(kernel_size)
    spatial = x.shape[1 : 1 + rank]
    pads = [padding_amounts(n, k, s, d, padding) for n, k, s, d in zip(spatial, kernel_size, strides, dilation, strict=True)]
    if any(p != (0, 0) for p in pads):
        x = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)
    effective = [(k - 1) * d + 1 for k, d in zip(kernel_size, dilation, strict=True)]
    if any(x.shape[1 + i] < effective[i] for i in range(rank)):
        raise UnsupportedModel(
            f"input of spatial size {tuple(spatial)} is smaller than the window {tuple(effective)}"
        )
    view = sliding_window_view(x, effective, axis=tuple(range(1, 1 + rank)))
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)
    index += tuple(slice(None, None, d) for d in dilation)
    return view[index]


def convolve(
    x: Array,
    kernel: Array,
    strides: Sequence[int],
    padding: str,
    dilation: Sequence[int],
    groups: int = 1,
) -> Array:
    """x [batch, *spatial, in] * kernel [*k, in/groups, out] -> [batch, *out_spatial, out]."""
    rank = kernel.ndim - 2
    if groups > 1:
        return _grouped(x, kernel, strides, padding, dilation, groups)
    patches = windows(x, kernel.shape[:rank], strides, dilation, padding)  # [b, *out, in, *k]
    rows = np.ascontiguousarray(np.moveaxis(patches, 1 + rank, -1))  # im2col rows in the kernel's (*k, in) order
    flat = rows.reshape(-1, int(np.prod(kernel.shape[:-1])))
    return (flat @ kernel.reshape(-1, kernel.shape[-1])).reshape(rows.shape[: 1 + rank] + (kernel.shape[-1],))


def _grouped(x: Array, kernel: Array, strides: Sequence[int], padding: str, dilation: Sequence[int],
             groups: int) -> Array:
    per_in, per_out = x.shape[-1] // groups, kernel.shape[-1] // groups
    parts = [
        convolve(
            x[..., g * per_in : (g + 1) * per_in],
            kernel[..., g * per_out : (g + 1) * per_out],
            strides,
            padding,
            dilation,
        )
        for g in range(groups)
    ]
    return np.concatenate(parts, axis=-1)


def to_channels_last(x: Array, data_format: str | None, first_spatial_axis: int) -> Array:
    """Move the channel axis from `first_spatial_axis` to the end for channels_first data."""
    if data_format == "channels_first":
        return np.moveaxis(x, first_spatial_axis, -1)
    return x


def from_channels_last(x: Array, data_format: str | None, first_spatial_axis: int) -> Array:
    if data_format == "channels_first":
        return np.moveaxis(x, -1, first_spatial_axis)
    return x


def depthwise(x: Array, kernel: Array, strides: Sequence[int], padding: str, dilation: Sequence[int]) -> Array:
    """x [batch, *spatial, in] with kernel [*k, in, multiplier] -> [batch, *out, in * multiplier].

    Output channel c * multiplier + m is input channel c filtered by kernel[..., c, m] (TensorFlow's order).
    """
    rank = kernel.ndim - 2
    channels, multiplier = kernel.shape[-2:]
    patches = windows(x, kernel.shape[:rank], strides, dilation, padding)  # [b, *out, c, *k]
    y = np.zeros(patches.shape[: 2 + rank] + (multiplier,), dtype=np.result_type(x, kernel))
    for tap in np.ndindex(*kernel.shape[:rank]):  # one multiply-add per kernel tap, over every channel
        y += patches[(Ellipsis, *tap)][..., None] * kernel[tap]
    return y.reshape(y.shape[: 1 + rank] + (channels * multiplier,))


def transposed_length(size: int, kernel: int, stride: int, dilation: int, padding: str,
                      output_padding: int | None) -> int:
    """Output length of a transposed convolution (Keras's deconv_output_length, tf_keras and Keras 3)."""
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return (size - 1) * stride + effective + extra
    if padding != "same":
        raise UnsupportedModel(f"padding {padding!r} is not supported by a transposed convolution")
    return size * stride if output_padding is None else (size - 1) * stride + effective % 2 + output_padding


def convolve_transpose(x: Array, kernel: Array, strides: Sequence[int], padding: str,
                       dilation: Sequence[int], output_padding: Sequence[int] | None) -> Array:
    """x [batch, *spatial, in] with kernel [*k, out, in] -> [batch, *out_spatial, out].

    The gradient of the forward convolution (tf.nn.conv_transpose): every input position adds
    kernel * x at stride * position + dilation * tap, and the output window starts after the
    padding the forward convolution of that output size would have put before its input.
    """
    rank = kernel.ndim - 2
    spatial, taps = x.shape[1:1 + rank], kernel.shape[:rank]
    extras = [None] * rank if output_padding is None else list(output_padding)
    sizes = [transposed_length(n, k, s, d, padding, e)
             for n, k, s, d, e in zip(spatial, taps, strides, dilation, extras, strict=True)]
    full = [(n - 1) * s + (k - 1) * d + 1 for n, k, s, d in zip(spatial, taps, strides, dilation, strict=True)]
    before = [0 if padding == "valid" else max(f - o, 0) // 2 for f, o in zip(full, sizes, strict=True)]
    room = [max(f, b + o) for f, b, o in zip(full, before, sizes, strict=True)]
    out = np.zeros((x.shape[0], *room, kernel.shape[-2]), dtype=np.result_type(x, kernel))
    contributions = np.tensordot(x, kernel, axes=([-1], [-1]))  # [batch, *spatial, *k, out]
    for tap in np.ndindex(*taps):
        target = tuple(slice(t * d, t * d + (n - 1) * s + 1, s)
                       for t, d, n, s in zip(tap, dilation, spatial, strides, strict=True))
        out[(slice(None), *target)] += contributions[(slice(None),) * (1 + rank) + tap]
    return out[(slice(None), *(slice(b, b + o) for b, o in zip(before, sizes, strict=True)))]
