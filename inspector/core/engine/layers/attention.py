"""Attention (Luong, dot or concat scores), AdditiveAttention (Bahdanau) and MultiHeadAttention,
inference only.

inputs = [query, value] or [query, value, key]; the value mask hides key positions
(score - 1e9), the optional causal mask hides future positions, the query mask zeroes the
output rows; the output mask is the query mask (Keras `compute_mask`). MultiHeadAttention
projects query, key and value per head (EinsumDense kernels [dim, heads, size]), scales the
query by 1/sqrt(key_dim) and combines the query, value and key masks and the causal mask.
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.activation_into import apply
from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, Outputs, register
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer


def _scores(layer: Layer, query: Array, key: Array, ctx: Context) -> Array:
    scale = ctx.weight(layer, "scale", required=False)
    if layer.class_name == "AdditiveAttention":
        summed = np.tanh(query[:, :, None, :] + key[:, None, :, :])
        if scale is not None and layer.config.get("use_scale", True):
            summed = summed * scale
        return summed.sum(axis=-1)
    if layer.config.get("score_mode", "dot") == "concat":
        joined = query[:, :, None, :] + key[:, None, :, :]
        if scale is not None:
            joined = joined * scale
        return ctx.weight(layer, "concat_score_weight") * np.tanh(joined).sum(axis=-1)
    scores = np.matmul(query, np.swapaxes(key, 1, 2))
    return scores * scale if scale is not None else scores


def _is_causal(layer: Layer) -> bool:
    return bool(layer.config.get("use_causal_mask") or layer.config.get("causal"))


@register("Attention", "AdditiveAttention", mask="custom")
def attention(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    query, value = ctx.floats(inputs[0]), ctx.floats(inputs[1])
    key = ctx.floats(inputs[2]) if len(inputs) > 2 else value
    query_mask = masks[0] if masks else None
    value_mask = masks[1] if len(masks) > 1 else None
    scores = _scores(layer, query, key, ctx)
    allowed = None if value_mask is None else np.asarray(value_mask, bool)[:, None, :]
    if _is_causal(layer):
        steps_q, steps_v = scores.shape[-2:]
        causal = np.tril(np.ones((steps_q, steps_v), bool))[None]
        allowed = causal if allowed is None else allowed & causal
    if allowed is not None:
        scores = np.where(allowed, scores, scores - scores.dtype.type(1e9))
    weights = apply("softmax", scores)
    output = np.matmul(weights, value)
    if query_mask is not None:
        output = np.where(np.asarray(query_mask, bool)[..., None], output, 0).astype(output.dtype)
    values = [output]
    if layer.config.get("return_attention_scores"):
        values.append(weights)
    return values, [None if query_mask is None else np.asarray(query_mask, bool)] * len(values)


def _project(layer: Layer, part: str, x: Array, ctx: Context) -> Array:
    """EinsumDense of MultiHeadAttention: x [b, t, dim] @ kernel [dim, heads, size] + bias [heads, size]."""
    y = np.tensordot(x, ctx.weight(layer, f"{part}_kernel"), axes=([-1], [0]))
    bias = ctx.weight(layer, f"{part}_bias", required=False)
    return y if bias is None else y + bias


def _attention_mask(masks: list[Mask], steps_q: int, steps_v: int, causal: bool) -> Array | None:
    """[b or 1, t, s] of allowed positions: query mask x value mask x key mask x causal (Keras's order)."""
    allowed = None
    for position, mask in enumerate(masks[:3]):
        if mask is None:
            continue
        m = np.asarray(mask, bool)
        m = m[:, :, None] if position == 0 else m[:, None, :]
        allowed = m if allowed is None else allowed & m
    if causal:
        lower = np.tril(np.ones((steps_q, steps_v), bool))[None]
        allowed = lower if allowed is None else allowed & lower
    return allowed


@register("MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention", mask="custom")
def multi_head_attention(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    """inputs = [query, value] or [query, value, key]; attention over the time axis (the default).
    GroupedQueryAttention repeats each key/value head for its group of query heads (Keras's ops.repeat)."""
    query, value = ctx.floats(inputs[0]), ctx.floats(inputs[1])
    key = ctx.floats(inputs[2]) if len(inputs) > 2 else value
    if query.ndim != 3:
        raise UnsupportedModel(f"layer {layer.name!r}: {layer.class_name} on {query.ndim - 1}-d items "
                               "is not implemented in the numpy engine yet")
    q, k, v = (_project(layer, part, x, ctx) for part, x in (("query", query), ("key", key), ("value", value)))
    if k.shape[2] != q.shape[2]:
        repeats = q.shape[2] // k.shape[2]
        k, v = np.repeat(k, repeats, axis=2), np.repeat(v, repeats, axis=2)
    key_dim = q.shape[-1]
    scores = np.einsum("bshd,bthd->bhts", k, q * q.dtype.type(1 / np.sqrt(key_dim)))
    allowed = _attention_mask(list(masks) + [None] * 3, q.shape[1], k.shape[1], _is_causal(layer))
    if allowed is not None:
        scores = np.where(allowed[:, None], scores, scores.dtype.type(-1e9))
    weights = apply("softmax", scores)
    if allowed is not None and ctx.keras_major >= 3 and layer.config.get("return_attention_scores"):
        weights = np.where(allowed[:, None], weights, 0).astype(weights.dtype)
    attended = np.einsum("bhts,bshd->bthd", weights, v)
    output = np.tensordot(attended, ctx.weight(layer, "attention_output_kernel"), axes=([2, 3], [0, 1]))
    bias = ctx.weight(layer, "attention_output_bias", required=False)
    output = output if bias is None else output + bias
    values = [output, weights] if layer.config.get("return_attention_scores") else [output]
    query_mask = None if not masks or masks[0] is None else np.asarray(masks[0], bool)
    return values, [query_mask] * len(values)
