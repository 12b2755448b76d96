"""Normalizations and feature layers of the numpy port: Normalization, GroupNormalization,
UnitNormalization, LayerNormalization over several axes, EinsumDense, RandomFourierFeatures,
Discretization, CategoryEncoding and IntegerLookup.

Each becomes lines computing `y` from `x` with Keras's equation (the engine's norm.py, core.py and
preprocessing.py hold the same semantics, checked against Keras). Numbers stored in a layer's config
(Normalization(mean=...), bin boundaries, vocabularies) are written into the code as literals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from inspector.core.engine.layers.core import EINSUM_EQUATION
from inspector.core.engine.layers.preprocessing import EPSILON, config_numbers
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer

STATISTICS = ("Normalization", "GroupNormalization", "UnitNormalization", "EinsumDense", "RandomFourierFeatures",
              "Discretization", "CategoryEncoding", "IntegerLookup")
Weight = Callable[[str], str]


def statistics_lines(layer: Layer, weight: Weight, keras_major: int) -> list[str]:
    """Lines computing y from x for a layer of STATISTICS ([] for any other class)."""
    name = layer.class_name
    if name == "Normalization":
        return _normalization(layer, weight)
    if name == "GroupNormalization":
        return _group_normalization(layer, weight)
    if name == "UnitNormalization":
        axes = _axes(layer.config.get("axis", -1))
        if keras_major >= 3:  # ops.normalize: x * min(rsqrt(sum x^2), 1 / 1e-12)
            return [f"y = x * np.minimum(1 / np.sqrt(np.sum(x * x, axis={axes}, keepdims=True)), np.float32(1e12))"]
        return [f"y = x / np.sqrt(np.maximum(np.sum(x * x, axis={axes}, keepdims=True), np.float32(1e-12)))"]
    if name == "EinsumDense":
        equation = str(layer.config.get("equation", "")).replace(" ", "")
        if not EINSUM_EQUATION.match(equation):
            raise UnsupportedModel(f"layer {layer.name!r}: einsum equation {equation[:40]!r} is not one of Keras's forms")
        bias = f" + {weight('bias')}" if "bias" in layer.weights else ""
        return [f"y = {layer.config.get('activation') or 'linear'}(np.einsum({equation!r}, x, {weight('kernel')}){bias})"]
    if name == "RandomFourierFeatures":
        return [f"kernel = (1 / {weight('kernel_scale')}) * {weight('unscaled_kernel')}  # the stored random features",
                f"y = np.cos(x @ kernel + {weight('bias')})"]
    return _lookup_lines(layer)


def _axes(axis: Any) -> tuple[int, ...]:
    return tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else (int(axis),)


def _literal(layer: Layer, key: str, dtype: type) -> str | None:
    value = config_numbers(layer, key, np.dtype(dtype))
    if value is None:
        return None
    if np.issubdtype(value.dtype, np.floating) and not np.all(np.isfinite(value)):
        raise UnsupportedModel(f"layer {layer.name!r} ({layer.class_name}): a non-finite {key} is not generated")
    return f"np.asarray({value.tolist()!r}, np.{np.dtype(dtype).name})"


def _normalization(layer: Layer, weight: Weight) -> list[str]:
    """(x - mean) / max(sqrt(variance), 1e-7), or mean + x * that with invert; the statistics aligned
    with the kept axes from the right."""
    mean, variance = _literal(layer, "mean", np.float32), _literal(layer, "variance", np.float32)
    if mean is None or variance is None:
        mean, variance = weight("mean"), weight("variance")
    axis = layer.config.get("axis", -1)
    kept = () if axis is None else _axes(axis)
    lines = [f"kept = sorted(a % x.ndim for a in {kept})  # the axes with their own statistics",
             f"mean, variance = np.asarray({mean}), np.asarray({variance})", "shape = [1] * x.ndim",
             "for i in range(1, min(mean.ndim, len(kept)) + 1):", "    shape[kept[-i]] = mean.shape[-i]",
             "mean, variance = mean.reshape(shape), variance.reshape(shape)",
             f"spread = np.maximum(np.sqrt(variance), np.float32({EPSILON!r}))"]
    if layer.config.get("invert"):
        return lines + ["y = mean + x * spread"]
    return lines + ["y = (x - mean) / spread"]


def _group_normalization(layer: Layer, weight: Weight) -> list[str]:
    """Channels split into `groups`; mean and variance over every axis but batch and group."""
    config = layer.config
    lines = [f"axis, groups = {int(config.get('axis', -1))} % x.ndim, {int(config.get('groups', 32))}",
             "grouped = x.reshape(x.shape[:axis] + (groups, x.shape[axis] // groups) + x.shape[axis + 1:])",
             "over = tuple(a for a in range(1, grouped.ndim) if a != axis)",
             "mean = np.mean(grouped, axis=over, keepdims=True)",
             f"inv = 1 / np.sqrt(np.var(grouped, axis=over, keepdims=True) + np.float32({float(config.get('epsilon', 1e-3))!r}))",
             "per_channel = [1] * grouped.ndim", "per_channel[axis:axis + 2] = [groups, x.shape[axis] // groups]"]
    if "gamma" in layer.weights:
        lines.append(f"inv = inv * {weight('gamma')}.reshape(per_channel)")
    lines.append("shift = -mean * inv")
    if "beta" in layer.weights:
        lines.append(f"shift = shift + {weight('beta')}.reshape(per_channel)")
    return lines + ["y = (grouped * inv + shift).reshape(x.shape)"]


def _lookup_lines(layer: Layer) -> list[str]:
    name, config = layer.class_name, layer.config
    if name == "Discretization":
        boundaries = config_numbers(layer, "bin_boundaries", np.dtype(np.float32))
        if boundaries is None:
            raise UnsupportedModel(f"layer {layer.name!r}: Discretization without bin_boundaries in its config")
        return [f"boundaries = np.asarray({np.sort(boundaries.ravel()).tolist()!r}, np.float32)",
                "y = np.digitize(x.astype(np.float32), boundaries, right=False).astype(np.int64)"
                "  # how many boundaries are <= x"]
    if name == "CategoryEncoding":
        size, mode = int(config["num_tokens"]), str(config.get("output_mode", "multi_hot"))
        lines = [f'ids = token_ids(x, {size}, "{name}")', f"table = np.eye({size}, dtype=np.float32)"]
        if mode == "one_hot":
            return lines + ["y = table[ids[..., 0] if ids.ndim > 1 and ids.shape[-1] == 1 else ids]"]
        lines += ["if ids.ndim != 2:", f'    raise ValueError("{mode} encoding takes ids shaped [batch, ids]")',
                  "counts = table[ids].sum(axis=1)  # per sample, how often each id occurs"]
        return lines + ["y = np.minimum(counts, 1)" if mode == "multi_hot" else "y = counts"]
    if name == "IntegerLookup":
        vocabulary = config_numbers(layer, "vocabulary", np.dtype(np.int64))
        if vocabulary is None:
            raise UnsupportedModel(f"layer {layer.name!r}: IntegerLookup without its vocabulary in the config")
        return [f"vocabulary = np.asarray({vocabulary.ravel().tolist()!r}, np.int64)",
                "ids = np.asarray(x).astype(np.int64)",
                "order = np.argsort(vocabulary, kind='stable')",
                "found = np.clip(np.searchsorted(vocabulary[order], ids), 0, len(vocabulary) - 1)",
                "known = vocabulary[order][found] == ids",
                "y = np.where(known, order[found] + 1, 0).astype(np.int64)  # 0: out of vocabulary"]
    return []
