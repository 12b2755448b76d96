"""TimeDistributed: the wrapped layer applied to every time step (batch and time folded); and
SpectralNormalization, which at inference is the layer it wraps.

Every step is computed independently and the output mask is the input mask. (tf_keras runs
the wrapper as a masked RNN only for custom inner layers, which cannot run here anyway; for
built-in layers it always reshapes: tf_keras/src/layers/rnn/time_distributed.py
`_always_use_reshape`.)
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, Outputs, apply_layer, register
from inspector.core.model.canonical import Layer


@register("TimeDistributed", mask="custom")
def time_distributed(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    child = layer.children["layer"]
    x = inputs[0]
    batch, steps = x.shape[:2]
    folded = np.reshape(x, (batch * steps,) + x.shape[2:])
    values, _ = apply_layer(child, [folded], [None], ctx)
    outputs = [np.reshape(v, (batch, steps) + v.shape[1:]) for v in values]
    mask = masks[0] if masks else None
    return outputs, [mask] * len(outputs)



@register("SpectralNormalization", mask="custom")
def spectral_normalization(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    """At inference Keras calls the wrapped layer with its stored (already normalised) kernel."""
    return apply_layer(layer.children["layer"], inputs, masks, ctx)
