"""What the time view shows for one direction of one recurrent layer and one sequence: a list of
quantities (every gate, then c and h), each a time x units array with its colour scale.

No Qt here: the window, the PNG export and the tests read the same `Quantity`. Values are views of
the engine's trace (no copy, no arithmetic), so what is drawn at step t is the trace at t.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.analysis.weight_stats import max_abs
from inspector.core.engine.trace import DirectionTrace
from inspector.core.model.activations import OUTPUT_RANGES
from inspector.core.model.canonical import Layer
from inspector.core.model.gates import GATE_TITLES

SEQUENTIAL, DIVERGING = "sequential", "diverging"
STATE_TITLES = {"c": "cell state c", "h": "hidden state h (output)"}


@dataclass(frozen=True, eq=False)
class Quantity:
    """One quantity over time: `values` is [time, units] (rows of the heatmap are units)."""

    name: str  # "i", "c~", "c", "h"
    title: str  # "i · input gate (sigmoid)"
    values: np.ndarray  # [time, units]
    levels: tuple[float, float]
    colour_kind: str  # SEQUENTIAL or DIVERGING
    is_gate: bool

    @property
    def units(self) -> int:
        return int(self.values.shape[1])

    @property
    def file_label(self) -> str:
        return self.name.replace("~", "_tilde")


def layer_quantities(trace: DirectionTrace, cell: Layer | None, sequence: int, value_mode: str) -> list[Quantity]:
    """Every gate (activations or pre-activations), then c (LSTM) and h, for one sequence."""
    config = cell.config if cell is not None else {}
    activation = str(config.get("activation") or "tanh")
    recurrent = str(config.get("recurrent_activation") or "sigmoid")
    pre = value_mode == "pre-activation"
    series = []
    for k, gate in enumerate(trace.gates):
        if trace.cell == "SimpleRNN" and not pre:
            continue  # its only gate's activation is h itself
        candidate = gate.endswith("~") or trace.cell == "SimpleRNN"
        function = activation if candidate else recurrent
        values = by_unit(trace.pre if pre else trace.act, sequence, k)
        title = f"{gate} · {GATE_TITLES[gate.rstrip('~')]}"
        title += " pre-activation" if pre else f" ({function})"
        levels, kind = (symmetric(values), DIVERGING) if pre else scale_of(function, values)
        series.append(Quantity(gate, title, values, levels, kind, True))
    if trace.c is not None:
        c = by_unit(trace.c, sequence)
        series.append(Quantity("c", STATE_TITLES["c"], c, symmetric(c), DIVERGING, False))
    h = by_unit(trace.h, sequence)
    series.append(Quantity("h", STATE_TITLES["h"], h, *scale_of(activation, h), False))
    return series


def by_unit(array: np.ndarray, sequence: int, gate: int | None = None) -> np.ndarray:
    """[time, units] of one sequence (and gate); ConvLSTM positions x filters become units."""
    values = array[sequence] if gate is None else array[sequence, :, gate]
    return values.reshape(values.shape[0], -1)


def scale_of(function: str, values: np.ndarray) -> tuple[tuple[float, float], str]:
    """Colour levels and map kind: the activation's own range when it has one, else the data's."""
    if function in OUTPUT_RANGES:
        low, high = OUTPUT_RANGES[function]
        if low < 0:  # tanh-like: the data's own range (within the bound), so small states show
            limit = min(symmetric(values)[1], high)
            return (-limit, limit), DIVERGING
        return (low, high), SEQUENTIAL  # gates: 0 closed .. 1 open, whatever the data
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0:
        return (0.0, float(finite.max()) or 1.0), SEQUENTIAL
    return symmetric(values), DIVERGING


def symmetric(values: np.ndarray) -> tuple[float, float]:
    limit = max_abs([values]) or 1.0
    return -limit, limit


def units_text(units: list[int]) -> str:
    return ", ".join(str(u) for u in units)


def parse_units(text: str, count: int) -> list[int]:
    """'3, 7 12-14' -> [3, 7, 12, 13, 14]; raises ValueError naming what does not fit."""
    units: list[int] = []
    for part in text.replace(",", " ").split():
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"{part!r} is not a unit number")
        for unit in range(int(low), int(high or low) + 1):
            if unit >= count:
                raise ValueError(f"unit {unit} does not exist (units 0..{count - 1})")
            if unit not in units:
                units.append(unit)
    return units
