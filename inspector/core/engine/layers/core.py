"""Core layers: Dense, EinsumDense, RandomFourierFeatures, Embedding, Masking, Activation, identities and
shape changes."""

from __future__ import annotations

import re

import numpy as np

from inspector.core.engine.activation_into import apply
from inspector.core.engine.context import Context
from inspector.core.engine.registry import Array, Mask, Outputs, register
from inspector.core.errors import BadSequence, UnsupportedModel
from inspector.core.model.canonical import Layer

KERAS3_AUGMENTATION = (
    "AugMix", "CutMix", "MixUp", "RandAugment", "RandomColorDegeneration", "RandomColorJitter",
    "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
    "RandomPerspective", "RandomPosterization", "RandomSaturation", "RandomSharpness", "RandomShear", "Solarization",
    "MaxNumBoundingBoxes",  # pads bounding boxes only; images pass through
)
IDENTITIES = (
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Identity",
    # random augmentation: Keras applies it only when training
    "RandomFlip",
    "RandomRotation",
    "RandomZoom",
    "RandomTranslation",
    "RandomContrast",
    "RandomBrightness",
    "RandomHeight",
    "RandomWidth",
    *KERAS3_AUGMENTATION,
)
EINSUM_EQUATION = re.compile(r"^[a-z.]+,[a-z]+->[a-z.]+$")


@register(*IDENTITIES)
def identity(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """Inert at inference (Keras calls them with training=False)."""
    return inputs[0]


@register("Dense")
def dense(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """activation(x @ kernel + bias) on the last axis of an input of any rank."""
    y = np.matmul(ctx.floats(inputs[0]), ctx.weight(layer, "kernel"))
    bias = ctx.weight(layer, "bias", required=False)
    if bias is not None:
        y += bias
    return apply(layer.config.get("activation") or "linear", y)


@register("EinsumDense")
def einsum_dense(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """activation(einsum(equation, x, kernel) + bias); the stored bias already has the broadcast shape."""
    equation = str(layer.config.get("equation", "")).replace(" ", "")
    if not EINSUM_EQUATION.match(equation):
        raise UnsupportedModel(f"layer {layer.name!r}: einsum equation {equation[:40]!r} is not one of Keras's forms")
    y = np.einsum(equation, ctx.floats(inputs[0]), ctx.weight(layer, "kernel"))
    bias = ctx.weight(layer, "bias", required=False)
    if bias is not None:
        y = y + bias
    return apply(layer.config.get("activation") or "linear", y)


@register("RandomFourierFeatures")
def random_fourier_features(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    """tf.keras: cos(x @ (unscaled_kernel / kernel_scale) + bias), the stored random features."""
    kernel = (1 / ctx.weight(layer, "kernel_scale")) * ctx.weight(layer, "unscaled_kernel")
    return np.cos(np.matmul(ctx.floats(inputs[0]), kernel) + ctx.weight(layer, "bias"))


@register("Activation")
def activation(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    return apply(layer.config.get("activation") or "linear", ctx.floats(inputs[0]))


@register("Embedding", mask="custom")
def embedding(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    """embeddings[ids]; with mask_zero the output mask is ids != 0."""
    table = ctx.weight(layer, "embeddings")
    ids = token_ids(layer, inputs[0], table.shape[0])
    mask = ids != 0 if layer.config.get("mask_zero") else None
    return [table[ids]], [mask]


def token_ids(layer: Layer, x: Array, input_dim: int) -> Array:
    """Keras casts non-integer ids to int32 (truncation); out-of-range ids are an error."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        if not np.all(np.isfinite(x)):
            raise BadSequence(f"layer {layer.name!r} needs token ids, got NaN or Inf")
        x = x.astype(np.int64)
    if x.size and (x.min() < 0 or x.max() >= input_dim):
        raise BadSequence(
            f"layer {layer.name!r} takes token ids 0..{input_dim - 1}, "
            f"got values from {x.min()} to {x.max()}"
        )
    return x


@register("Masking", mask="custom")
def masking(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    """A step is masked when every feature equals mask_value; masked steps become 0."""
    x = ctx.floats(inputs[0])
    mask_value = x.dtype.type(layer.config.get("mask_value", 0.0))
    keep = np.any(x != mask_value, axis=-1)
    return [x * keep[..., None].astype(x.dtype)], [keep]


@register("Flatten", mask="drop")
def flatten(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    x = inputs[0]
    if layer.config.get("data_format") == "channels_first" and x.ndim > 2:
        x = np.moveaxis(x, 1, -1)
    return np.reshape(x, (x.shape[0], -1))


@register("Reshape", mask="drop")
def reshape(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    target = tuple(int(v) for v in layer.config["target_shape"])
    x = inputs[0]
    try:
        return np.reshape(x, (x.shape[0],) + target)
    except ValueError as error:
        raise UnsupportedModel(
            f"layer {layer.name!r} cannot reshape {x.shape[1:]} to {target}"
        ) from error


@register("Permute", mask="drop")
def permute(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    dims = tuple(int(d) for d in layer.config["dims"])
    return np.transpose(inputs[0], (0,) + dims)


@register("RepeatVector", mask="drop")
def repeat_vector(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Array:
    n = int(layer.config["n"])
    x = inputs[0]
    return np.repeat(x[:, None, :], n, axis=1)
