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
    patches = windows(x, kernel.shape[:rank], strides, dilation, padding)
    patch_axes = tuple(range(1 + rank, 2 + 2 * rank))
    kernel_axes = (rank,) + tuple(range(rank))
    return np.tensordot(patches, kernel, axes=(patch_axes, kernel_axes))


def _grouped(x, kernel, strides, padding, dilation, groups):
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
