"""Attention (Luong, dot or concat scores) and AdditiveAttention (Bahdanau), inference only.

inputs = [query, value] or [query, value, key]; the value mask hides key positions
(score - 1e9), the optional causal mask hides future positions, the query mask zeroes the
output rows; the output mask is the query mask (Keras `compute_mask`).
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.activation_into import apply
from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, Outputs, register
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
