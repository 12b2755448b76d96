"""Activations written into a preallocated array: the time loop's hot path.

Same maths as `inspector.core.model.activations` (which stays the definition); the common gate
activations get in-place versions so one time step allocates nothing.
Call inside `np.errstate(over="ignore")`: exp overflow is the correct limit of sigmoid.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from inspector.core.model import activations

Array = np.ndarray
Into = Callable[[Array, Array], None]


def _sigmoid(x: Array, out: Array) -> None:
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def _tanh(x: Array, out: Array) -> None:
    np.tanh(x, out=out)


def _linear(x: Array, out: Array) -> None:
    np.copyto(out, x)


def _relu(x: Array, out: Array) -> None:
    np.maximum(x, 0, out=out)


def _hard_sigmoid(slope: float) -> Into:
    def apply(x: Array, out: Array) -> None:
        np.multiply(x, out.dtype.type(slope), out=out)
        out += out.dtype.type(0.5)
        np.clip(out, 0, 1, out=out)

    return apply


def _hard_sigmoid_keras3(x: Array, out: Array) -> None:
    # relu6(x + 3) / 6 in Keras 3's own order of operations
    np.add(x, out.dtype.type(3.0), out=out)
    np.clip(out, 0, 6, out=out)
    out /= out.dtype.type(6.0)


FAST: dict[str, Into] = {
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "linear": _linear,
    "relu": _relu,
    "hard_sigmoid_keras2": _hard_sigmoid(0.2),
    "hard_sigmoid_keras3": _hard_sigmoid_keras3,
}


def activation_into(name: str) -> Into:
    """A function f(x, out) that writes activation `name` of x into out."""
    if name in FAST:
        return FAST[name]
    if name not in activations.ACTIVATIONS:
        activations.activation_name(name, 3)  # raises UnsupportedModel with a clear message

    def apply(x: Array, out: Array) -> None:
        np.copyto(out, activations.apply(name, x))

    return apply


def apply(name: str, x: Array) -> Array:
    """Activation `name` of x as a new array (layers outside the time loop)."""
    out = np.empty_like(x)
    with np.errstate(over="ignore"):
        activation_into(name)(x, out)
    return out
