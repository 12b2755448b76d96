"""How a cell lays its gates out inside the time loop, and how the trace gets them back.

Speed trick for the common `recurrent_activation="sigmoid"`: sigmoid(z) = 0.5 + 0.5*tanh(z/2).
The columns of the sigmoid gates in kernel, recurrent_kernel and biases are multiplied by 0.5
(exact in floating point: a power of two), so one `tanh` over the whole pre-activation block
yields every gate, and two in-place operations finish the sigmoid gates. LSTM gates are
also reordered to i, f, o, c~ so that the sigmoid gates are contiguous. This agrees with
`1/(1+exp(-z))` to about 1e-7 absolute and needs 3 array operations instead of 5 per step.

`restore` returns trace arrays in canonical gate order with true pre-activations
(the halved ones doubled, again exact).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import numpy as np

Array = np.ndarray
HALF = 0.5


@dataclass(frozen=True)
class GateLayout:
    """`order[k]` = canonical gate held at internal position k; `halved` = canonical gates
    whose columns carry a factor 0.5 (sigmoid computed through tanh)."""

    order: tuple[int, ...]
    halved: tuple[int, ...]
    units: int

    @classmethod
    def canonical(cls, gates: int, units: int) -> GateLayout:
        return cls(tuple(range(gates)), (), units)

    def position(self, gate: int) -> int:
        return self.order.index(gate)

    @overload
    def arrange(self, weights: Array) -> Array: ...

    @overload
    def arrange(self, weights: None) -> None: ...

    def arrange(self, weights: Array | None) -> Array | None:
        """Canonical [..., G*units] columns -> internal order, halved gates scaled by 0.5."""
        if weights is None or (self.order == tuple(range(len(self.order))) and not self.halved):
            return weights
        blocks = np.split(weights, len(self.order), axis=-1)
        arranged = [blocks[g] * weights.dtype.type(HALF) if g in self.halved else blocks[g] for g in self.order]
        return np.ascontiguousarray(np.concatenate(arranged, axis=-1))

    def restore(self, values: Array, gate_axis: int, pre_activation: bool) -> Array:
        """Internal gate order on `gate_axis` -> canonical; pre-activations of halved gates x2.

        Doubles in place: `values` must be a fresh array the caller owns.
        """
        if pre_activation and self.halved:
            positions = sorted(self.order.index(g) for g in self.halved)
            contiguous = positions == list(range(positions[0], positions[-1] + 1))
            index: list[slice | list[int]] = [slice(None)] * values.ndim
            index[gate_axis] = slice(positions[0], positions[-1] + 1) if contiguous else positions
            if contiguous:
                values[tuple(index)] *= values.dtype.type(2)
            else:
                values[tuple(index)] = values[tuple(index)] * values.dtype.type(2)
        inverse = [self.order.index(g) for g in range(len(self.order))]
        if inverse == list(range(len(inverse))):
            return values
        return np.take(values, inverse, axis=gate_axis)


def sigmoid_from_half(half_pre: Array, out: Array) -> None:
    """sigmoid(z) from half_pre = z/2: 0.5 + 0.5 * tanh(z/2), written into `out`."""
    np.tanh(half_pre, out=out)
    finish_sigmoid(out)


def finish_sigmoid(tanh_of_half: Array) -> None:
    """In place: tanh(z/2) -> sigmoid(z)."""
    tanh_of_half *= tanh_of_half.dtype.type(HALF)
    tanh_of_half += tanh_of_half.dtype.type(HALF)
