"""LSTM, GRU and SimpleRNN cells and the one time loop that drives every recurrent cell.

Cell maths as in Keras (keras/src/layers/rnn/lstm.py, gru.py, simple_rnn.py):
LSTM z = x K + h U + b; i, f, o = rec_act(z_i, z_f, z_o); c = f c_prev + i act(z_c); h = o act(c).
GRU z, r = rec_act(x K_zr + h U_zr + b); h~ = act(x K_h + r * (h U_h + b_rh)) with
reset_after, act(x K_h + (r * h) U_h) without; h = z h_prev + (1 - z) h~.
SimpleRNN h = act(x K + h U + b).

Speed: the input part `x @ kernel + bias` is computed for all time steps at once
(`Cell.project`); inside the loop only the recurrent product and the element-wise gate maths
remain, written into preallocated arrays (no allocation per step); sigmoid gates go through
one tanh (gate_layout.py).

Buffers are time-major inside the loop ([time, batch, ...]) and indexed by INPUT time step,
also when the cell runs backwards; `trace.py` documents the layout handed to users.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from inspector.core.engine.activation_into import activation_into
from inspector.core.engine.control import RunControl
from inspector.core.engine.gate_layout import GateLayout, finish_sigmoid, sigmoid_from_half
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer

Array = np.ndarray
Product = Callable[[Array, Array], None]


def gate_slices(units: int, count: int) -> list[tuple]:
    """Index expressions selecting gate k on the last axis of a [..., count*units] array."""
    return [(Ellipsis, slice(k * units, (k + 1) * units)) for k in range(count)]


def matmul_product(recurrent_kernel: Array) -> Product:
    def product(h: Array, out: Array) -> None:
        np.matmul(h, recurrent_kernel, out=out)

    return product


class Cell:
    """A recurrent cell: the input projection for all steps, then one step at a time.

    `sigmoid_gates` are the canonical gates that use recurrent_activation; `fast_order` is the
    internal gate order used when that activation is sigmoid (see gate_layout.py).
    """

    kind = ""
    gates: tuple[str, ...] = ()
    state_names: tuple[str, ...] = ("h",)
    sigmoid_gates: tuple[int, ...] = ()
    fast_order: tuple[int, ...] = ()

    def __init__(self, layer: Layer, dtype: np.dtype) -> None:
        config = layer.config
        self.name = layer.name
        self.dtype = np.dtype(dtype)
        units = config.get("units") or config.get("filters")
        if units is None:
            raise UnsupportedModel(f"layer {layer.name!r} has no units or filters in its config")
        self.units = int(units)
        self.activation_name = config.get("activation", "tanh")
        self.activation = activation_into(self.activation_name)
        recurrent_name = config.get("recurrent_activation", "sigmoid")
        self.recurrent_activation = activation_into(recurrent_name)
        count = len(self.gates)
        self.fast_sigmoid = recurrent_name == "sigmoid" and bool(self.sigmoid_gates)
        self.layout = (
            GateLayout(self.fast_order or tuple(range(count)), self.sigmoid_gates, self.units)
            if self.fast_sigmoid
            else GateLayout.canonical(count, self.units)
        )
        self.kernel = self._weight(layer, "kernel")
        self.recurrent_kernel = self._weight(layer, "recurrent_kernel")
        self.bias = self._optional_weight(layer, "bias")
        self.slices = gate_slices(self.units, count)
        self.at = [self.slices[self.layout.position(g)] for g in range(count)]  # canonical gate -> slice
        self.recurrent_product: Product = matmul_product(self.recurrent_kernel)

    def _weight(self, layer: Layer, role: str) -> Array:
        if role not in layer.weights:
            raise UnsupportedModel(f"layer {layer.name!r} has no {role} weights")
        return self.layout.arrange(np.asarray(layer.weights[role], dtype=self.dtype))

    def _optional_weight(self, layer: Layer, role: str) -> Array | None:
        return self._weight(layer, role) if role in layer.weights else None

    def project(self, x: Array) -> Array:
        """x [batch, time, features] -> x @ kernel + bias, time-major [time, batch, G*units]."""
        batch, steps, features = x.shape
        flat = np.ascontiguousarray(np.swapaxes(x, 0, 1)).reshape(steps * batch, features)
        projected = flat @ self.kernel
        if self.bias is not None:
            projected += self.bias
        return projected.reshape(steps, batch, -1)

    def state_in(self, state: Array) -> Array:
        """A state as the layer receives it [batch, ...] -> the loop's layout."""
        return state

    def layer_out(self, a: Array, first_spatial_axis: int) -> Array:
        """The loop's layout -> the layer's (ConvLSTM channels_first moves channels back)."""
        return a

    def begin(self, batch_shape: tuple[int, ...]) -> None:
        """Allocate per-run scratch space; batch_shape is (batch, *state_shape)."""

    def step(self, x_t: Array, prev: Sequence[Array], pre: Array, act: Array, out: Sequence[Array]) -> None:
        raise NotImplementedError


class LSTMCell(Cell):
    kind = "LSTM"
    gates = ("i", "f", "c~", "o")
    state_names = ("h", "c")
    sigmoid_gates = (0, 1, 3)
    fast_order = (0, 1, 3, 2)  # i, f, o, c~: the sigmoid gates side by side

    def __init__(self, layer: Layer, dtype: np.dtype) -> None:
        super().__init__(layer, dtype)
        self.sigmoid_block = (Ellipsis, slice(0, 3 * self.units))
        self.one_tanh = self.fast_sigmoid and self.activation_name == "tanh"

    def gate_activations(self, pre: Array, act: Array) -> None:
        gate_c = self.at[2]
        if self.one_tanh:
            np.tanh(pre, out=act)
            finish_sigmoid(act[self.sigmoid_block])
            return
        if self.fast_sigmoid:
            sigmoid_from_half(pre[self.sigmoid_block], act[self.sigmoid_block])
        else:
            self.recurrent_activation(pre, act)
        self.activation(pre[gate_c], act[gate_c])

    def step(self, x_t: Array, prev: Sequence[Array], pre: Array, act: Array, out: Sequence[Array]) -> None:
        h_prev, c_prev = prev
        h, c = out
        gate_i, gate_f, gate_c, gate_o = self.at
        self.recurrent_product(h_prev, pre)
        pre += x_t
        self.gate_activations(pre, act)
        np.multiply(act[gate_f], c_prev, out=c)
        np.multiply(act[gate_i], act[gate_c], out=h)  # h as scratch
        c += h
        self.activation(c, h)
        h *= act[gate_o]


class GRUCell(Cell):
    """Keras GRU: reset_after=True applies r to (h @ U_h + recurrent_bias_h), else to h."""

    kind = "GRU"
    gates = ("z", "r", "h~")
    sigmoid_gates = (0, 1)

    def __init__(self, layer: Layer, dtype: np.dtype) -> None:
        super().__init__(layer, dtype)
        self.reset_after = bool(layer.config.get("reset_after", False))
        self.recurrent_bias = self._optional_weight(layer, "recurrent_bias")
        units = self.units
        self.update_reset = (Ellipsis, slice(0, 2 * units))
        self.kernel_zr = np.ascontiguousarray(self.recurrent_kernel[:, : 2 * units])
        self.kernel_h = np.ascontiguousarray(self.recurrent_kernel[:, 2 * units :])
        self.update_reset_activation = sigmoid_from_half if self.fast_sigmoid else self.recurrent_activation

    def begin(self, batch_shape: tuple[int, ...]) -> None:
        self.inner = np.empty(batch_shape[:-1] + (3 * self.units,), self.dtype)

    def step(self, x_t: Array, prev: Sequence[Array], pre: Array, act: Array, out: Sequence[Array]) -> None:
        (h_prev,), (h,) = prev, out
        gate_z, gate_r, gate_h = self.slices
        zr, inner = self.update_reset, self.inner
        if self.reset_after:
            self.recurrent_product(h_prev, inner)
            if self.recurrent_bias is not None:
                inner += self.recurrent_bias
        else:
            np.matmul(h_prev, self.kernel_zr, out=inner[zr])
        np.add(x_t[zr], inner[zr], out=pre[zr])
        self.update_reset_activation(pre[zr], act[zr])
        if self.reset_after:
            np.multiply(act[gate_r], inner[gate_h], out=pre[gate_h])
        else:
            np.multiply(act[gate_r], h_prev, out=inner[gate_h])
            np.matmul(inner[gate_h], self.kernel_h, out=pre[gate_h])
        pre[gate_h] += x_t[gate_h]
        self.activation(pre[gate_h], act[gate_h])
        np.multiply(act[gate_z], h_prev, out=h)
        scratch = inner[gate_z]
        np.subtract(1, act[gate_z], out=scratch)
        scratch *= act[gate_h]
        h += scratch


class SimpleRNNCell(Cell):
    kind = "SimpleRNN"
    gates = ("h~",)

    def step(self, x_t: Array, prev: Sequence[Array], pre: Array, act: Array, out: Sequence[Array]) -> None:
        self.recurrent_product(prev[0], pre)
        pre += x_t
        self.activation(pre, act)
        np.copyto(out[0], act)


@dataclass(eq=False)
class CellRun:
    """One direction's loop results, time-major and indexed by input time step."""

    states: list[Array]
    pre: Array | None
    act: Array | None
    final_states: list[Array]


def run_cell(
    cell: Cell,
    x: Array,
    initial: Sequence[Array] | None,
    mask: Array | None,
    go_backwards: bool,
    record: bool,
    control: RunControl,
) -> CellRun:
    """The time loop shared by every cell; masked steps carry the previous state (Keras)."""
    projected = cell.project(x)
    steps, batch = projected.shape[:2]
    state_shape = (batch,) + projected.shape[2:-1] + (cell.units,)
    prev = _initial_states(cell, initial, state_shape)
    states = [np.empty((steps,) + state_shape, cell.dtype) for _ in cell.state_names]
    scratch_shape = ((steps,) if record else (1,)) + projected.shape[1:]
    pre, act = np.empty(scratch_shape, cell.dtype), np.empty(scratch_shape, cell.dtype)
    keep = _keep_old(mask, steps, len(state_shape))
    cell.begin(state_shape)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    every = max(1, steps // 100) if control.active else 0
    with np.errstate(over="ignore", under="ignore"):
        for k, t in enumerate(order):
            j = t if record else 0
            cur = [s[t] for s in states]
            cell.step(projected[t], prev, pre[j], act[j], cur)
            if keep[t] is not None:
                for new, old in zip(cur, prev, strict=True):
                    np.copyto(new, old, where=keep[t])
            prev = cur
            if every and k % every == 0:
                control.inner(k / steps)
    return CellRun(states, pre if record else None, act if record else None, prev)


def _initial_states(cell: Cell, initial: Sequence[Array] | None, shape: tuple[int, ...]) -> list[Array]:
    if not initial:
        return [np.zeros(shape, cell.dtype) for _ in cell.state_names]
    if len(initial) != len(cell.state_names):
        raise UnsupportedModel(
            f"layer {cell.name!r} got {len(initial)} initial states, "
            f"expected {len(cell.state_names)} ({', '.join(cell.state_names)})"
        )
    states = [cell.state_in(np.asarray(s, dtype=cell.dtype)) for s in initial]
    for s in states:
        if s.shape != shape:
            raise UnsupportedModel(
                f"layer {cell.name!r}: initial state shape {s.shape} does not match {shape}"
            )
    return states


def _keep_old(mask: Array | None, steps: int, state_rank: int) -> list[Array | None]:
    """Per time step: where the state must keep its old value (None: no sample masked)."""
    keep: list[Array | None] = [None] * steps
    if mask is None:
        return keep
    masked = ~np.asarray(mask, dtype=bool)
    tail = (1,) * (state_rank - 1)
    for t in np.flatnonzero(masked.any(axis=0)):
        keep[t] = masked[:, t].reshape((masked.shape[0],) + tail)
    return keep
