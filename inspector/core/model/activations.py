"""Keras activations in numpy, each bound to the semantics of the Keras that wrote the file.

`hard_sigmoid` changed meaning between Keras 2 and Keras 3 (keras-team/keras#19477), so the
canonical model never says plain "hard_sigmoid": the reader binds it to one of two names here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from inspector.core.errors import UnsupportedModel

Array = np.ndarray


def _sigmoid(x: Array) -> Array:
    # exp of a negative magnitude only: no overflow warnings, exact for both signs
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _softmax(x: Array) -> Array:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _log_softmax(x: Array) -> Array:
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _elu(x: Array) -> Array:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def _selu(x: Array) -> Array:
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return (scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))).astype(x.dtype)


def _softplus(x: Array) -> Array:
    return (np.logaddexp(0, x)).astype(x.dtype, copy=False)


def _gelu(x: Array) -> Array:
    from math import erf, sqrt

    verf = np.vectorize(erf, otypes=[np.float64])
    return (0.5 * x * (1 + verf(x / sqrt(2)))).astype(x.dtype)


def _hard_sigmoid_keras2(x: Array) -> Array:
    return np.clip(x * x.dtype.type(0.2) + x.dtype.type(0.5), 0, 1)


def _hard_sigmoid_keras3(x: Array) -> Array:
    # relu6(x + 3) / 6, in the order Keras 3 computes it (keras/src/backend/*/nn.py)
    return np.clip(x + x.dtype.type(3.0), 0, 6) / x.dtype.type(6.0)


def _sparse_plus(x: Array) -> Array:
    return np.where(x <= -1, 0, np.where(x < 1, (x + 1) ** 2 / 4, x)).astype(x.dtype, copy=False)


def _shrink(x: Array, soft: bool, threshold: float = 0.5) -> Array:
    keep = np.abs(x) > threshold
    shifted = x - np.sign(x) * x.dtype.type(threshold) if soft else x
    return np.where(keep, shifted, 0).astype(x.dtype, copy=False)


ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    "linear": lambda x: x,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "hard_sigmoid_keras2": _hard_sigmoid_keras2,
    "hard_sigmoid_keras3": _hard_sigmoid_keras3,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "softmax": _softmax,
    "log_softmax": _log_softmax,
    "elu": _elu,
    "selu": _selu,
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "exponential": np.exp,
    "swish": lambda x: x * _sigmoid(x),
    "silu": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * _hard_sigmoid_keras3(x),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "gelu": _gelu,
    "leaky_relu": lambda x: np.where(x >= 0, x, x * x.dtype.type(0.2)),
    # Keras 3 only
    "celu": lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0)),
    "log_sigmoid": lambda x: -_softplus(-x),
    "sparse_plus": _sparse_plus,
    "squareplus": lambda x: (x + np.sqrt(x * x + x.dtype.type(4.0))) / x.dtype.type(2.0),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "soft_shrink": lambda x: _shrink(x, soft=True),
    "hard_shrink": lambda x: _shrink(x, soft=False),
}

ALIASES = {"hard_swish": "hard_silu", None: "linear", "": "linear"}

DESCRIPTIONS = {
    "hard_sigmoid_keras2": "hard_sigmoid as Keras 1/2 and tf.keras compute it: clip(0.2x + 0.5, 0, 1)",
    "hard_sigmoid_keras3": "hard_sigmoid as Keras 3 computes it: clip(x/6 + 0.5, 0, 1)",
}


# activations whose output range is known (low, high): gates in [0, 1], tanh-like in [-1, 1]
OUTPUT_RANGES: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0), "hard_sigmoid_keras2": (0.0, 1.0), "hard_sigmoid_keras3": (0.0, 1.0),
    "tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0), "hard_tanh": (-1.0, 1.0), "relu6": (0.0, 6.0),
}


def activation_name(stored: Any, keras_major: int) -> str:
    """The canonical activation name for a stored config value, bound to the writing Keras."""
    name = _stored_name(stored)
    name = ALIASES.get(name, name)
    if name == "hard_sigmoid":
        return "hard_sigmoid_keras3" if keras_major >= 3 else "hard_sigmoid_keras2"
    if name not in ACTIVATIONS:
        raise UnsupportedModel(f"activation {name!r} is not a built-in Keras activation")
    return name


def _stored_name(stored: Any) -> str | None:
    # Keras 3 may serialize a function as {"class_name": "function", "config": "tanh", ...}
    if isinstance(stored, dict):
        inner = stored.get("config")
        if isinstance(inner, str):
            return inner
        if isinstance(inner, dict) and isinstance(inner.get("name"), str):
            return inner["name"]
        return str(stored.get("class_name"))
    return stored


def apply(name: str, x: Array) -> Array:
    """Apply the canonical activation `name` to `x`, keeping x's dtype."""
    return ACTIVATIONS[name](x)


def describe(name: str) -> str:
    return DESCRIPTIONS.get(name, name)
