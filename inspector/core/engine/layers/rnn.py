"""Recurrent layers (LSTM, GRU, SimpleRNN, ConvLSTM*) and Bidirectional, with Keras masking.

Keras semantics reproduced (keras/src/backend/tensorflow/rnn.py, tf_keras backend.rnn):
- a masked step keeps the previous states;
- the sequence output at a masked step is zero when `zero_output_for_mask` is set
  (Bidirectional forces it to `return_sequences`), else the previous step's output
  (zero before the first unmasked step);
- `go_backwards` returns the sequence in processing order (reversed); Bidirectional flips the
  backward sequence back to input order;
- output mask: the input mask when return_sequences, else None; states never carry a mask;
- Keras 3 ignores the input mask of an RNN or Bidirectional called with initial states (its
  `Layer.__call__` fills `mask` only for a single tensor argument, keras/src/layers/layer.py
  step 6) but still passes the mask on; tf_keras applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.conv_recurrent import ConvLSTMCell
from inspector.core.engine.recurrent import Cell, CellRun, GRUCell, LSTMCell, SimpleRNNCell, run_cell
from inspector.core.engine.registry import Array, Mask, Outputs, register
from inspector.core.engine.trace import DirectionTrace
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer

CELLS = {"LSTM": LSTMCell, "GRU": GRUCell, "SimpleRNN": SimpleRNNCell}
CONV_CELLS = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")


@dataclass(eq=False)
class DirectionResult:
    sequence: Array  # [batch, time, ...] in Keras order (processing order)
    last: Array  # [batch, ...] output of the last processed step
    states: list[Array]  # final states (h, c for LSTM)


def make_cell(layer: Layer, dtype: np.dtype) -> Cell:
    if layer.class_name in CONV_CELLS:
        return ConvLSTMCell(layer, dtype)
    if layer.class_name not in CELLS:
        raise UnsupportedModel(f"layer {layer.name!r}: {layer.class_name} is not a recurrent layer")
    return CELLS[layer.class_name](layer, dtype)


def run_direction(
    layer: Layer,
    x: Array,
    initial: list[Array] | None,
    mask: Mask,
    zero_output: bool,
    ctx: Context,
    direction: str,
) -> DirectionResult:
    cell = make_cell(layer, ctx.dtype)
    backwards = bool(layer.config.get("go_backwards", False))
    x = ctx.floats(x)
    if x.ndim < 3 or x.shape[1] == 0:
        raise UnsupportedModel(f"layer {layer.name!r} needs [batch, time, ...] input, got {x.shape}")
    mask = _checked_mask(layer, mask, x)
    run = run_cell(cell, x, initial, mask, backwards, ctx.record, ctx.control)
    outputs = _masked_outputs(run.states[0], mask, zero_output, backwards)
    if ctx.trace is not None:
        ctx.trace.add(_direction_trace(cell, run, mask, ctx.call_name, direction, backwards))
    ordered = outputs[::-1] if backwards else outputs
    sequence = cell.layer_out(np.swapaxes(ordered, 0, 1), 2)
    states = [cell.layer_out(s, 1) for s in run.final_states]
    return DirectionResult(sequence, cell.layer_out(ordered[-1], 1), states)


def _checked_mask(layer: Layer, mask: Mask, x: Array) -> Mask:
    if mask is None:
        return None
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != x.shape[:2]:
        raise UnsupportedModel(
            f"layer {layer.name!r}: mask of shape {mask.shape} does not fit input {x.shape}"
        )
    return None if mask.all() else mask


def _masked_outputs(h: Array, mask: Mask, zero_output: bool, backwards: bool) -> Array:
    """The per-step outputs Keras emits, time-major and indexed by input time step."""
    if mask is None:
        return h
    valid = mask.T.reshape(mask.shape[::-1] + (1,) * (h.ndim - 2))
    if not zero_output:  # carried output: equals h once any step was valid, 0 before
        order = valid[::-1] if backwards else valid
        started = np.logical_or.accumulate(order, axis=0)
        valid = started[::-1] if backwards else started
        if valid.all():
            return h
    return np.where(valid, h, h.dtype.type(0))


def _direction_trace(
    cell: Cell, run: CellRun, mask: Mask, name: str, direction: str, backwards: bool
) -> DirectionTrace:
    steps, batch = run.states[0].shape[:2]
    gates = len(cell.gates)

    def batch_major(a: Array) -> Array:
        return np.ascontiguousarray(np.swapaxes(a, 0, 1))

    def by_gate(a: Array, pre_activation: bool) -> Array:  # [T, B, *s, G*u] -> [B, T, G, *s, u]
        split = a.reshape(a.shape[:-1] + (gates, cell.units))
        batch_first = np.ascontiguousarray(np.moveaxis(np.swapaxes(split, 0, 1), -2, 2))
        return cell.layout.restore(batch_first, 2, pre_activation)

    states = [batch_major(s) for s in run.states]
    assert run.pre is not None and run.act is not None  # recorded: the trace asked for them
    return DirectionTrace(
        layer=name,
        direction=direction,
        cell=cell.kind,
        gates=cell.gates,
        pre=by_gate(run.pre, True),
        act=by_gate(run.act, False),
        h=states[0],
        c=states[1] if len(states) > 1 else None,
        mask=np.ones((batch, steps), bool) if mask is None else mask.copy(),
        go_backwards=backwards,
    )


def applied_mask(inputs: list[Array], masks: list[Mask], ctx: Context) -> Mask:
    """The mask the recurrence uses: none in Keras 3 when initial states are passed too."""
    if ctx.keras_major >= 3 and len(inputs) > 1:
        return None
    return masks[0]


@register("LSTM", "GRU", "SimpleRNN", *CONV_CELLS, mask="custom")
def recurrent(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    config = layer.config
    zero_output = bool(config.get("zero_output_for_mask", False))
    direction = next(iter(layer.directions()), "forward")
    mask = applied_mask(inputs, masks, ctx)
    result = run_direction(layer, inputs[0], inputs[1:], mask, zero_output, ctx, direction)
    sequences = bool(config.get("return_sequences", False))
    values = [result.sequence if sequences else result.last]
    if config.get("return_state"):
        values += result.states
    return values, [masks[0] if sequences else None] + [None] * (len(values) - 1)


def merge_directions(mode: str | None, y: Array, y_rev: Array) -> list[Array]:
    if mode == "concat":
        return [np.concatenate([y, y_rev], axis=-1)]
    if mode == "sum":
        return [y + y_rev]
    if mode == "ave":
        return [(y + y_rev) / y.dtype.type(2)]
    if mode == "mul":
        return [y * y_rev]
    if mode is None:
        return [y, y_rev]
    raise UnsupportedModel(f"Bidirectional merge_mode {mode!r} is not supported")


@register("Bidirectional", mask="custom")
def bidirectional(layer: Layer, inputs: list[Array], masks: list[Mask], ctx: Context) -> Outputs:
    forward, backward = layer.children["forward"], layer.children["backward"]
    sequences = bool(forward.config.get("return_sequences", False))
    initial = inputs[1:]
    half = len(initial) // 2
    mask = applied_mask(inputs, masks, ctx)
    a = run_direction(forward, inputs[0], initial[:half], mask, sequences, ctx, "forward")
    b = run_direction(backward, inputs[0], initial[half:], mask, sequences, ctx, "backward")
    y_rev = np.flip(b.sequence, axis=1) if sequences else b.last
    merged = merge_directions(layer.config.get("merge_mode", "concat"), a.sequence if sequences else a.last, y_rev)
    values = merged + (a.states + b.states if forward.config.get("return_state") else [])
    out_mask = masks[0] if sequences else None
    return values, [out_mask] * len(merged) + [None] * (len(values) - len(merged))
