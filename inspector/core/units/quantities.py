"""The arrays a unit analysis reads from one direction's trace, as [batch, time, units].

ConvLSTM positions x filters become units, as the time view's heatmaps number them
(`inspector.core.analysis.time_quantities.by_unit`), so unit k here is row k there.
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine import Result
from inspector.core.engine.trace import DirectionTrace
from inspector.core.errors import InspectorError
from inspector.core.model.activations import OUTPUT_RANGES
from inspector.core.model.canonical import Layer, Model

STATES = ("h", "c")


def unit_values(trace: DirectionTrace, name: str) -> np.ndarray:
    """h, c or a gate's activation ("i", "f", "c~", ...) as [batch, time, units]."""
    if name == "h":
        values = trace.h
    elif name == "c":
        if trace.c is None:
            raise KeyError(f"{trace.cell} has no cell state c")
        values = trace.c
    else:
        values = trace.gate(name)[1]
    return values.reshape(values.shape[0], values.shape[1], -1)


def quantity_names(trace: DirectionTrace) -> list[str]:
    """What a pattern can be selected on: h, c (LSTM), then every gate."""
    return ["h"] + (["c"] if trace.c is not None else []) + list(trace.gates)


def cell_layer(model: Model, trace: DirectionTrace) -> Layer | None:
    """The recurrent layer (one direction of it) that recorded `trace`; None if the model lacks it."""
    name = trace.layer.split("#")[0]
    try:
        layer = model.layer(name)
    except KeyError:
        return None
    return layer.directions().get(trace.direction)


def sigmoid_gates(trace: DirectionTrace, cell: Layer | None) -> list[str]:
    """The gates that use a 0..1 recurrent activation (LSTM i, f, o; GRU z, r): the saturating ones."""
    config = cell.config if cell is not None else {}
    function = str(config.get("recurrent_activation") or "sigmoid")
    if OUTPUT_RANGES.get(function) != (0.0, 1.0):
        return []
    return [g for g in trace.gates if not g.endswith("~")]


def valid_steps(trace: DirectionTrace) -> np.ndarray:
    """[batch, time] True where the step was processed (masked steps are left out of statistics)."""
    return np.asarray(trace.mask, dtype=bool)


def direction_trace(result: Result, layer: str = "", direction: str = "") -> DirectionTrace:
    """The trace of `layer` (default: the first traced) and `direction` (default: its first);
    InspectorError naming the choices when there is no such layer or direction."""
    traced = result.trace.layers if result.trace is not None else {}
    if not traced:
        raise InspectorError("the model has no recurrent layer the engine can trace")
    name = layer or next(iter(traced))
    if name not in traced:
        raise InspectorError(f"no recurrent layer {name!r}; the traced layers are {', '.join(traced)}")
    directions = traced[name]
    chosen = direction or next(iter(directions))
    if chosen not in directions:
        raise InspectorError(f"layer {name!r} has no direction {chosen!r}; it has {', '.join(directions)}")
    return directions[chosen]
