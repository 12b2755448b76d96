"""Re-run a model from step t on, starting from the states the trace saved at step t - 1.

Steps before t do not change when only x_t and later inputs change, so the layers run on x[:, t:]
with every recurrent layer started from its saved h (and c). This is exact when the model reads the
sequence strictly forwards: one input; every layer on a timed tensor works step by step or is a
forward LSTM/GRU/SimpleRNN called once without initial states; nothing masks steps. Anything else
(Bidirectional, masks, several inputs, layers that mix time steps) returns the reason instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from inspector.core.analysis.per_step import DENSE_CELLS, works_step_by_step
from inspector.core.engine import Result, run
from inspector.core.engine.graph import Step, call_order
from inspector.core.errors import InspectorError
from inspector.core.model.canonical import Call, InputSpec, Layer, Model, TensorRef


@dataclass(frozen=True, eq=False)
class Resumable:
    """The model with one extra input per saved state: (input name, layer, "h" or "c")."""

    model: Model
    input_name: str
    states: tuple[tuple[str, str, str], ...]
    timed_outputs: tuple[bool, ...]


def resumable(model: Model) -> Resumable | str:
    """The model prepared for resuming, or a one-line reason why it cannot be."""
    if len(model.inputs) != 1:
        return f"the model has {len(model.inputs)} inputs"
    if any(_masks(layer) for layer in model.layers):
        return "the model masks time steps"
    try:
        steps = call_order(model, needed_only=True)
    except InspectorError as error:
        return str(error)
    timed: dict[tuple[str, int], bool] = {(model.inputs[0].name, 0): True}  # call -> all outputs timed?
    recurrent: list[Step] = []
    for step in steps:
        reads = [_is_timed(r, timed) for r in step.call.inputs]
        if not any(reads):
            continue
        why = _why_not(step, all(reads))
        if why:
            return why
        recurrent_layer = step.layer.class_name in DENSE_CELLS
        if recurrent_layer:
            recurrent.append(step)
        if works_step_by_step(step.layer):  # a recurrent layer's sequence output is timed, its states are not
            timed[(step.layer.name, step.node)] = not recurrent_layer
    if not recurrent:
        return "the model has no forward recurrent layer"
    outputs = tuple(_is_timed(ref, timed) for ref in model.outputs)
    return _with_state_inputs(model, recurrent, outputs)


def _masks(layer: Layer) -> bool:
    return layer.class_name == "Masking" or bool(layer.config.get("mask_zero")) or any(
        _masks(child) for child in layer.children.values())


def _why_not(step: Step, only_timed: bool) -> str:
    layer = step.layer
    if not only_timed:
        return f"{layer.name} ({layer.class_name}) mixes the sequence with other tensors"
    if layer.class_name in DENSE_CELLS:
        if layer.config.get("go_backwards"):
            return f"{layer.name} reads the sequence backwards"
        if len(layer.calls) != 1 or len(step.call.inputs) != 1:
            return f"{layer.name} is called more than once or with initial states"
        return ""
    return "" if works_step_by_step(layer) else f"{layer.name} ({layer.class_name}) mixes time steps"


def _is_timed(ref: TensorRef, timed: dict[tuple[str, int], bool]) -> bool:
    """Whether a tensor has the sequence's time axis: every output of a timed call, or a recurrent
    layer's first output (its sequence) but not its states."""
    key = (ref.layer, ref.node)
    return key in timed and (timed[key] or ref.index == 0)


def _with_state_inputs(model: Model, recurrent: list[Step], timed_outputs: tuple[bool, ...]) -> Resumable:
    specs, states, changed = list(model.inputs), [], {}
    for step in recurrent:
        layer, units = step.layer, int(step.layer.config.get("units") or 0)
        names = ("h", "c") if layer.class_name == "LSTM" else ("h",)
        refs = []
        for state in names:
            name = f"{layer.name}:initial {state}"
            specs.append(InputSpec(name, (None, units)))
            states.append((name, layer.name, state))
            refs.append(TensorRef(name))
        changed[layer.name] = replace(layer, calls=(Call(step.call.inputs + tuple(refs)),))
    layers = tuple(changed.get(layer.name, layer) for layer in model.layers)
    variant = replace(model, layers=layers, inputs=tuple(specs))
    return Resumable(variant, model.inputs[0].name, tuple(states), timed_outputs)


def run_from(prepared: Resumable, result: Result, x: np.ndarray, t: int) -> list[np.ndarray]:
    """The model's final outputs for the input `x` [batch, time, ...] (equal to the traced input before
    step t), computed on x[:, t:] from the states saved at t - 1. Timed outputs give their last step."""
    if result.trace is None:
        raise InspectorError("resuming needs the trace of the original run")
    feeds: dict[str, np.ndarray] = {prepared.input_name: x[:, t:]}
    for name, layer, state in prepared.states:
        saved = getattr(result.trace[layer]["forward"], state)
        feeds[name] = saved[:, t - 1] if t > 0 else np.zeros_like(saved[:, 0])
    dtype = result.trace[prepared.states[0][1]]["forward"].h.dtype
    outputs = run(prepared.model, feeds, dtype=dtype, record_trace=False).outputs
    return [out[:, -1] if timed else out for out, timed in zip(outputs, prepared.timed_outputs, strict=True)]
