"""Convolutions, pooling, padding, cropping and up-sampling of every rank for the numpy port.

Each layer becomes a few lines computing `y` from `x`, channels_last (a channels_first layer
moves its channels last first and back after). Semantics as TensorFlow computes them (the engine's
convolution.py, checked against Keras): `same` pads the smaller half before, average pooling
divides by the real (not padded) values, a transposed convolution is the gradient of the forward one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from inspector.core.engine.convolution import as_tuple
from inspector.core.engine.layers.reshaping import side_pairs
from inspector.core.model.canonical import Layer

RANKS = (1, 2, 3)
CONVOLUTIONS = (*(f"Conv{r}D" for r in RANKS), *(f"Conv{r}DTranspose" for r in RANKS),
                "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D")
SPATIAL = (*CONVOLUTIONS, *(f"{kind}Pooling{r}D" for kind in ("Max", "Average", "GlobalMax") for r in RANKS),
           "GlobalAveragePooling2D", "GlobalAveragePooling3D",
           *(f"{kind}{r}D" for kind in ("ZeroPadding", "Cropping", "UpSampling") for r in RANKS),
           *(f"Adaptive{kind}Pooling{r}D" for kind in ("Average", "Max") for r in RANKS), "Resizing", "CenterCrop",
           "LocallyConnected1D", "LocallyConnected2D")


def rank_of(class_name: str) -> int:
    found = re.search(r"([123])D", class_name)
    return int(found[1]) if found else 1


def spatial_lines(layer: Layer, weight: Callable[[str], str]) -> list[str]:
    """Lines computing y from x for a layer of SPATIAL ([] for any other class)."""
    name = layer.class_name
    if name not in SPATIAL:
        return []
    if name.startswith("Global"):
        keepdims = bool(layer.config.get("keepdims", False))
        axes = "tuple(range(2, x.ndim))" if _first(layer) else "tuple(range(1, x.ndim - 1))"
        reduce = "np.max" if name.startswith("GlobalMax") else "np.mean"
        return [f"y = {reduce}(x, axis={axes}, keepdims={keepdims})  # over every spatial position"]
    rank = rank_of(name)
    if name.startswith("LocallyConnected"):
        lines = _locally_connected(layer, rank, weight)
    elif name in ("Resizing", "CenterCrop") or name.startswith("Adaptive"):
        lines = _resizing(layer, rank)
    elif name in CONVOLUTIONS:
        lines = _convolution(layer, rank, weight)
    elif "Pooling" in name:
        lines = _pooling(layer, rank)
    else:
        lines = _reshaping(layer, rank)
    if not _first(layer):
        return lines
    return (["x = np.moveaxis(x, 1, -1)  # channels_first: computed with the channels last"] + lines
            + ["y = np.moveaxis(y, -1, 1)  # back to channels_first"])


def _first(layer: Layer) -> bool:
    return layer.config.get("data_format") == "channels_first"


def _convolution(layer: Layer, rank: int, weight: Callable[[str], str]) -> list[str]:
    config, name = layer.config, layer.class_name
    strides = as_tuple(config.get("strides"), rank, "strides")
    dilation = as_tuple(config.get("dilation_rate"), rank, "dilation_rate")
    options = f"{strides}, {str(config.get('padding', 'valid')).lower()!r}, {dilation}"
    if name.endswith("Transpose"):
        extra = config.get("output_padding")
        extra = None if extra is None else as_tuple(extra, rank, "output_padding")
        lines = [f"y = convolve_transpose(x, {weight('kernel')}, {options}, {extra})"]
    elif name.startswith("Depthwise"):
        lines = [f"y = depthwise(x, {weight('depthwise_kernel')}, {options})"]
    elif name.startswith("Separable"):
        lines = [f"y = depthwise(x, {weight('depthwise_kernel')}, {options})",
                 f"pointwise = {weight('pointwise_kernel')}",
                 "y = y @ pointwise.reshape(pointwise.shape[-2:])  # 1x1 convolution mixing the channels"]
    else:
        groups = int(config.get("groups") or 1)
        lines = [f"y = convolve(x, {weight('kernel')}, {options})"] if groups == 1 else [
            f"kernel, groups = {weight('kernel')}, {groups}  # each group of channels convolved on its own",
            "a, b = x.shape[-1] // groups, kernel.shape[-1] // groups",
            f"y = np.concatenate([convolve(x[..., g * a:(g + 1) * a], kernel[..., g * b:(g + 1) * b], {options})",
            "                     for g in range(groups)], axis=-1)"]
    bias = f" + {weight('bias')}" if "bias" in layer.weights else ""
    return lines + [f"y = {config.get('activation') or 'linear'}(y{bias})"]


def _pooling(layer: Layer, rank: int) -> list[str]:
    config = layer.config
    size = as_tuple(config.get("pool_size", 2), rank, "pool_size")
    strides = as_tuple(config.get("strides") or size, rank, "strides")
    options = f"{size}, {strides}, {(1,) * rank}, {str(config.get('padding', 'valid')).lower()!r}"
    axes = tuple(range(-rank, 0))
    if layer.class_name.startswith("Max"):
        return [f"y = windows_nd(x, {options}, -np.inf).max(axis={axes})"]
    return [f"total = windows_nd(x, {options}, 0.0).sum(axis={axes})",
            f"count = windows_nd(np.ones_like(x[..., :1]), {options}, 0.0).sum(axis={axes})",
            "y = total / count  # TensorFlow divides by the real (not padded) values"]


def _reshaping(layer: Layer, rank: int) -> list[str]:
    config, name = layer.config, layer.class_name
    if name.startswith("ZeroPadding"):
        pads = side_pairs(config.get("padding", 1), rank, "padding")
        return [f"y = np.pad(x, [(0, 0), *{pads}, (0, 0)])  # (before, after) zeros per spatial axis"]
    if name.startswith("Cropping"):
        crops = side_pairs(config.get("cropping", 1), rank, "cropping")
        kept = ", ".join(f"{before}:x.shape[{axis}] - {after}" for axis, (before, after) in enumerate(crops, 1))
        return [f"y = x[:, {kept}]  # (before, after) cut per spatial axis"]
    sizes = as_tuple(config.get("size", 2), rank, "size")
    if str(config.get("interpolation", "nearest")) == "bilinear":
        return ["y = x", *(f"y = resize_linear(y, {axis}, y.shape[{axis}] * {factor})"
                           for axis, factor in reversed(list(enumerate(sizes, 1))))]
    return ["y = x", *(f"y = np.repeat(y, {factor}, axis={axis})  # each position repeated"
                       for axis, factor in enumerate(sizes, 1))]


def _locally_connected(layer: Layer, rank: int, weight: Callable[[str], str]) -> list[str]:
    """Unshared convolution (valid padding): every output position has its own kernel. implementation 1
    stores one [window * channels, filters] matrix per position; 2 a dense [*in, channels, *out, filters]
    kernel of which only each output's window counts."""
    size = as_tuple(layer.config.get("kernel_size"), rank, "kernel_size")
    strides = as_tuple(layer.config.get("strides"), rank, "strides")
    lines = [f"kernel, rank = {weight('kernel')}, {rank}",
             f"patches = windows_nd(x, {size}, {strides}, {(1,) * rank}, 'valid', 0.0)  # [b, *out, c, *k]",
             "outs = patches.shape[1:1 + rank]",
             "if kernel.ndim == 2 * rank + 2:  # implementation 2: the dense kernel, masked to each window",
             f"    mask = window_mask(x.shape[1:1 + rank], outs, {size}, {strides}).astype(np.float32)",
             "    y = np.tensordot(x, kernel * mask, axes=(list(range(1, rank + 2)), list(range(rank + 1))))",
             "else:  # implementation 1: one matrix per output position",
             "    flat = np.moveaxis(patches, 1 + rank, -1).reshape(x.shape[0], int(np.prod(outs)), -1)",
             "    y = np.einsum('bpf,pfo->bpo', flat, kernel).reshape(x.shape[0], *outs, kernel.shape[-1])"]
    bias = f" + {weight('bias')}" if "bias" in layer.weights else ""
    return lines + [f"y = {layer.config.get('activation') or 'linear'}(y{bias})"]


def _resizing(layer: Layer, rank: int) -> list[str]:
    config, name = layer.config, layer.class_name
    if name.startswith("Adaptive"):  # output position i reduces [floor(i * n / out), ceil((i + 1) * n / out))
        reduce = "np.mean" if name.startswith("AdaptiveAverage") else "np.max"
        sizes = as_tuple(config.get("output_size"), rank, "output_size")
        return ["y = x", *(f"y = adaptive(y, {axis}, {out}, {reduce})" for axis, out in enumerate(sizes, 1))]
    height, width = int(config["height"]), int(config["width"])
    if name == "CenterCrop":
        return [f"if x.shape[1] < {height} or x.shape[2] < {width}:",
                '    raise ValueError("an image smaller than the crop is resized by Keras: not generated")',
                f"top, left = (x.shape[1] - {height}) // 2, (x.shape[2] - {width}) // 2  # the centre window",
                f"y = x[:, top:top + {height}, left:left + {width}]"]
    if str(config.get("interpolation", "bilinear")) == "nearest":
        return [f"y = np.take(x, resize_nearest(x.shape[1], {height}), axis=1)",
                f"y = np.take(y, resize_nearest(x.shape[2], {width}), axis=2)"]
    return [f"y = resize_linear(x, 2, {width})  # across, then down: TensorFlow's order",
            f"y = resize_linear(y, 1, {height})"]


def needs_spatial(layers: list[Layer]) -> bool:
    todo = list(layers)
    while todo:
        layer = todo.pop()
        if layer.class_name in SPATIAL:
            return True
        todo += list(layer.children.values())
    return False


SPATIAL_HELPERS = '''
def windows_nd(x, size, strides, dilation, padding, fill):
    """x [batch, *spatial, channels] -> [batch, *out, channels, *size] views of the padded x."""
    rank = len(size)
    pads = [padding_amounts(x.shape[1 + i], size[i], strides[i], dilation[i], padding) for i in range(rank)]
    x = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)
    effective = [(size[i] - 1) * dilation[i] + 1 for i in range(rank)]
    view = np.lib.stride_tricks.sliding_window_view(x, effective, axis=tuple(range(1, 1 + rank)))
    index = (slice(None),) + tuple(slice(None, None, s) for s in strides) + (slice(None),)
    return view[index + tuple(slice(None, None, d) for d in dilation)]


def depthwise(x, kernel, strides, padding, dilation):
    """kernel [*k, channels, multiplier]: output channel c * multiplier + m is input channel c
    filtered by kernel[..., c, m] (TensorFlow's order)."""
    rank = kernel.ndim - 2
    channels, multiplier = kernel.shape[-2:]
    patches = windows_nd(x, kernel.shape[:rank], strides, dilation, padding, 0.0)  # [b, *out, c, *k]
    y = np.zeros(patches.shape[:2 + rank] + (multiplier,), np.float32)
    for tap in np.ndindex(*kernel.shape[:rank]):
        y += patches[(Ellipsis, *tap)][..., None] * kernel[tap]
    return y.reshape(y.shape[:1 + rank] + (channels * multiplier,))


def transposed_length(size, kernel, stride, dilation, padding, output_padding):
    """Output length of a transposed convolution (Keras's deconv_output_length)."""
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return (size - 1) * stride + effective + extra
    return size * stride if output_padding is None else (size - 1) * stride + effective % 2 + output_padding


def convolve_transpose(x, kernel, strides, padding, dilation, output_padding):
    """kernel [*k, out, in]: the gradient of the forward convolution (tf.nn.conv_transpose). Input
    position p adds kernel[tap] @ x[p] at stride * p + dilation * tap; the output window starts after
    the padding the forward convolution of that output size would put before its input."""
    rank = kernel.ndim - 2
    spatial, taps = x.shape[1:1 + rank], kernel.shape[:rank]
    extras = output_padding or (None,) * rank
    sizes = [transposed_length(spatial[i], taps[i], strides[i], dilation[i], padding, extras[i]) for i in range(rank)]
    full = [(spatial[i] - 1) * strides[i] + (taps[i] - 1) * dilation[i] + 1 for i in range(rank)]
    before = [0 if padding == "valid" else max(f - o, 0) // 2 for f, o in zip(full, sizes)]
    room = [max(f, b + o) for f, b, o in zip(full, before, sizes)]
    out = np.zeros((x.shape[0], *room, kernel.shape[-2]), np.float32)
    contributions = np.tensordot(x, kernel, axes=([-1], [-1]))  # [batch, *spatial, *k, out]
    for tap in np.ndindex(*taps):
        target = tuple(slice(tap[i] * dilation[i], tap[i] * dilation[i] + (spatial[i] - 1) * strides[i] + 1, strides[i])
                       for i in range(rank))
        out[(slice(None), *target)] += contributions[(slice(None),) * (1 + rank) + tap]
    return out[(slice(None), *(slice(b, b + o) for b, o in zip(before, sizes)))]


def resize_linear(x, axis, target):
    """Bilinear along one axis as tf.image.resize: half-pixel centres, source positions in float32."""
    size = x.shape[axis]
    source = (np.arange(target, dtype=np.float32) + np.float32(0.5)) * np.float32(size / target) - np.float32(0.5)
    low = np.floor(source)
    weight = (source - low).astype(np.float32)
    a = np.take(x, np.clip(low, 0, size - 1).astype(int), axis=axis)
    b = np.take(x, np.clip(np.ceil(source), 0, size - 1).astype(int), axis=axis)
    return a + (b - a) * along(weight, axis, a.shape)


def resize_nearest(size, target):
    """Source index per target position as tf.image.resize nearest: floor((i + 0.5) * size / target)."""
    scale = np.float32(size / target)
    return np.minimum(np.floor((np.arange(target, dtype=np.float32) + np.float32(0.5)) * scale), size - 1).astype(int)


def window_mask(sizes, outs, kernel, strides):
    """[*in, 1, *out, 1]: input position i feeds output position o when o * stride <= i < o * stride + k."""
    mask = np.ones((), bool)
    for n, out, k, s in zip(sizes, outs, kernel, strides):
        starts = np.arange(out) * s
        mask = np.multiply.outer(mask, (np.arange(n)[:, None] >= starts) & (np.arange(n)[:, None] < starts + k))
    rank = len(sizes)
    mask = np.transpose(mask, tuple(range(0, 2 * rank, 2)) + tuple(range(1, 2 * rank, 2)))  # [*in, *out]
    return np.expand_dims(np.expand_dims(mask, rank), -1)


def adaptive(x, axis, out, reduce):
    """Adaptive pooling along one axis: output i reduces [floor(i * n / out), ceil((i + 1) * n / out))."""
    size = x.shape[axis]
    parts = [reduce(np.take(x, range(i * size // out, -((i + 1) * size // -out)), axis=axis), axis=axis)
             for i in range(out)]
    return np.stack(parts, axis=axis)
'''
