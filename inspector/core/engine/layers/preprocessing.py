"""Preprocessing layers with stored statistics that time-series models start with:
Normalization ((x - mean) / max(sqrt(variance), 1e-7), or its inverse), Rescaling
(x * scale + offset), Discretization (bucket ids, as TensorFlow's Bucketize: the number of
bin boundaries <= x, boundaries in float32), CategoryEncoding (one_hot, multi_hot, count) and
IntegerLookup with its vocabulary in the config.

Numbers given in the config (Normalization(mean=..., variance=...), Rescaling(scale=[...]))
are plain JSON numbers, or Keras 3's {"class_name": "__numpy__", "config": {"value": ...}}.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.layers.core import token_ids
from inspector.core.engine.registry import Array, Mask, register
from inspector.core.errors import UnsupportedModel
from inspector.core.model.builtin_layers import NOT_YET
from inspector.core.model.canonical import Layer

EPSILON = 1e-7  # keras.backend.epsilon()


def config_numbers(layer: Layer, key: str, dtype: np.dtype) -> Array | None:
    """A number or nested list of numbers from the config, as an array; None when absent."""
    value: Any = layer.config.get(key)
    if isinstance(value, dict) and isinstance(value.get("config"), dict):
        value = value["config"].get("value")
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise UnsupportedModel(f"layer {layer.name!r}: {key} in the config is not a number or list of numbers") from error


def _kept_axes(layer: Layer, ndim: int) -> list[int]:
    axis = layer.config.get("axis", -1)
    if axis is None:
        return []
    values = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    return sorted(int(v) % ndim for v in values)


def _on_axes(v: Array, kept: list[int], ndim: int) -> Array:
    """Keras aligns the statistics with the kept axes from the right."""
    shape = [1] * ndim
    for i in range(1, min(v.ndim, len(kept)) + 1):
        shape[kept[-i]] = v.shape[-i]
    return v.reshape(shape) if v.ndim else v


@register("Normalization")
def normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    mean = config_numbers(layer, "mean", ctx.dtype)
    variance = config_numbers(layer, "variance", ctx.dtype)
    if mean is None or variance is None:
        mean, variance = ctx.weight(layer, "mean"), ctx.weight(layer, "variance")
    kept = _kept_axes(layer, x.ndim)
    mean, variance = _on_axes(mean, kept, x.ndim), _on_axes(variance, kept, x.ndim)
    spread = np.maximum(np.sqrt(variance), x.dtype.type(EPSILON))
    if layer.config.get("invert"):
        return mean + x * spread
    return (x - mean) / spread


@register("Rescaling")
def rescaling(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = ctx.floats(inputs[0])
    scale = config_numbers(layer, "scale", ctx.dtype)
    offset = config_numbers(layer, "offset", ctx.dtype)
    return x * (x.dtype.type(1) if scale is None else scale) + (x.dtype.type(0) if offset is None else offset)


@register("Discretization", mask="drop")
def discretization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    boundaries = config_numbers(layer, "bin_boundaries", np.dtype(np.float32))
    if boundaries is None:
        raise UnsupportedModel(f"layer {layer.name!r}: Discretization without bin_boundaries in its config")
    x = np.asarray(inputs[0], dtype=np.float32)
    return np.digitize(x, np.sort(boundaries.ravel()), right=False).astype(np.int64)


@register("CategoryEncoding", mask="drop")
def category_encoding(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Token ids 0..num_tokens-1 -> one_hot ([..., ids] -> [..., ids, num_tokens], a last axis of 1 dropped),
    or per sample multi_hot (0/1) or count over the ids of [batch, ids] (Keras's encode_categorical_inputs)."""
    size = int(layer.config["num_tokens"])
    ids = token_ids(layer, inputs[0], size)
    mode = str(layer.config.get("output_mode", "multi_hot"))
    table = np.eye(size, dtype=ctx.dtype)
    if mode == "one_hot":
        return table[ids[..., 0] if ids.ndim > 1 and ids.shape[-1] == 1 else ids]
    if ids.ndim != 2:
        raise UnsupportedModel(f"layer {layer.name!r}: {mode} encoding of ids shaped {ids.shape[1:]} is {NOT_YET}")
    counts = table[ids].sum(axis=1)
    return np.minimum(counts, 1) if mode == "multi_hot" else counts


@register("IntegerLookup", mask="drop")
def integer_lookup(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Integer token -> index: 0 for a token not in the vocabulary (the one OOV index), 1 + its position."""
    vocabulary = config_numbers(layer, "vocabulary", np.dtype(np.int64))
    if vocabulary is None:
        raise UnsupportedModel(f"layer {layer.name!r}: IntegerLookup without its vocabulary in the config")
    x = np.asarray(inputs[0])
    if not np.issubdtype(x.dtype, np.integer):
        x = x.astype(np.int64)
    order = np.argsort(vocabulary, kind="stable")
    ordered = vocabulary.ravel()[order]
    found = np.clip(np.searchsorted(ordered, x), 0, len(ordered) - 1)
    known = ordered[found] == x
    return np.where(known, order[found] + 1, 0).astype(np.int64)
