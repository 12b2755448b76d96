"""The per-unit table: for every recurrent layer and direction, what each unit does over the batch.

For every unit: mean |h| and std of h; for each sigmoid gate the fraction of (sequence, step) pairs
where it is left-saturated (activation < 0.1) and right-saturated (> 0.9) (Karpathy, Johnson and
Fei-Fei 2015); memory in steps 1 / (1 - mean f) (LSTM forget gate, GRU update gate z; capped at 1e6);
the correlation of h with each input feature and with each model output (per step when the output
has a time axis, else with the final output of the sequence); and a "dead" flag (std of h below 1e-3
with a saturated or constant gate). Masked steps are left out of every statistic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from inspector.core.engine import Result
from inspector.core.engine.trace import DirectionTrace
from inspector.core.model.canonical import Model
from inspector.core.units.correlation import correlations
from inspector.core.units.quantities import cell_layer, sigmoid_gates, unit_values, valid_steps

LEFT, RIGHT = 0.1, 0.9  # saturation thresholds of a 0..1 gate
MEMORY_CAP = 1e6
DEAD_STD = 1e-3  # std of h below this ...
SATURATED_SHARE = 0.99  # ... with a gate saturated at this share of the steps or more, or constant
MEMORY_GATES = {"LSTM": "f", "GRU": "z", "ConvLSTM1D": "f", "ConvLSTM2D": "f", "ConvLSTM3D": "f"}
MAX_CORRELATED = 32  # columns of an input or output correlated with h (more are left out, said in notes)


@dataclass(frozen=True, eq=False)
class DirectionUnits:
    """The statistics of every unit of one direction of one recurrent layer (arrays indexed by unit)."""

    layer: str
    direction: str
    cell: str
    samples: int  # (sequence, step) pairs counted (masked steps left out)
    mean_abs_h: np.ndarray
    std_h: np.ndarray
    saturation: dict[str, np.ndarray]  # gate -> [units, 2]: left, right fraction
    memory_steps: np.ndarray | None  # None for SimpleRNN (no forget or update gate)
    memory_gate: str
    dead: np.ndarray
    input_correlation: dict[str, np.ndarray] = field(default_factory=dict)  # column name -> [units]
    output_correlation: dict[str, np.ndarray] = field(default_factory=dict)  # "out0[2]" -> [units]
    notes: tuple[str, ...] = ()

    @property
    def units(self) -> int:
        return int(self.mean_abs_h.shape[0])

    @property
    def title(self) -> str:
        return f"{self.layer} ({self.direction})" if self.direction != "forward" else self.layer


def unit_table(model: Model, result: Result, inputs: list[np.ndarray] | None = None) -> list[DirectionUnits]:
    """The table of every recurrent layer and direction the engine traced, in trace order."""
    if result.trace is None:
        return []
    inputs = inputs if inputs is not None else [result.layer_outputs[s.name][0] for s in model.inputs]
    names = [spec.name for spec in model.inputs]
    tables = []
    for directions in result.trace.layers.values():
        for trace in directions.values():
            tables.append(direction_units(model, trace, dict(zip(names, inputs, strict=False)), result.outputs))
    return tables


def direction_units(model: Model, trace: DirectionTrace, inputs: dict[str, np.ndarray],
                    outputs: list[np.ndarray]) -> DirectionUnits:
    """The statistics of one direction; `inputs` by input name and `outputs` in model order."""
    valid = valid_steps(trace)
    h = _samples(unit_values(trace, "h"), valid)
    cell = cell_layer(model, trace)
    saturation = {g: _saturation(_samples(unit_values(trace, g), valid)) for g in sigmoid_gates(trace, cell)}
    memory_gate = MEMORY_GATES.get(trace.cell, "") if saturation else ""
    memory = _memory(_samples(unit_values(trace, memory_gate), valid)) if memory_gate else None
    std = h.std(axis=0, dtype=np.float64) if h.shape[0] else np.full(h.shape[1], np.nan)
    notes: list[str] = []
    return DirectionUnits(
        layer=trace.layer, direction=trace.direction, cell=trace.cell, samples=int(h.shape[0]),
        mean_abs_h=np.abs(h).mean(axis=0, dtype=np.float64) if h.shape[0] else std.copy(),
        std_h=std, saturation=saturation, memory_steps=memory, memory_gate=memory_gate,
        dead=_dead(trace, valid, std, saturation),
        input_correlation=_input_correlation(h, valid, inputs, notes),
        output_correlation=_output_correlation(h, valid, outputs, notes),
        notes=tuple(notes),
    )


def _samples(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """[batch, time, units] -> [valid (sequence, step) pairs, units]."""
    return values[valid]


def _saturation(gate: np.ndarray) -> np.ndarray:
    if gate.shape[0] == 0:
        return np.full((gate.shape[1], 2), np.nan)
    return np.stack([(gate < LEFT).mean(axis=0), (gate > RIGHT).mean(axis=0)], axis=1)


def _memory(gate: np.ndarray) -> np.ndarray:
    """1 / (1 - mean gate), capped at MEMORY_CAP (a gate stuck at 1 remembers for ever)."""
    mean = gate.mean(axis=0, dtype=np.float64) if gate.shape[0] else np.full(gate.shape[1], np.nan)
    with np.errstate(divide="ignore"):
        steps = 1.0 / np.maximum(1.0 - mean, 0.0)
    return np.minimum(steps, MEMORY_CAP)


def _dead(trace: DirectionTrace, valid: np.ndarray, std: np.ndarray, saturation: dict[str, np.ndarray]) -> np.ndarray:
    """std of h below DEAD_STD with at least one gate saturated (nearly) always or constant."""
    stuck = np.zeros(std.shape, dtype=bool)
    for fractions in saturation.values():
        stuck |= (fractions >= SATURATED_SHARE).any(axis=1)
    for gate in trace.gates:
        values = _samples(unit_values(trace, gate), valid)
        if values.shape[0]:
            stuck |= values.std(axis=0, dtype=np.float64) < DEAD_STD
    return (std < DEAD_STD) & stuck


def _input_correlation(h: np.ndarray, valid: np.ndarray, inputs: dict[str, np.ndarray],
                       notes: list[str]) -> dict[str, np.ndarray]:
    """h against every feature of every model input shaped [batch, time, features] like the trace."""
    found: dict[str, np.ndarray] = {}
    for name, x in inputs.items():
        x = np.asarray(x)
        if x.ndim not in (2, 3) or x.shape[:2] != valid.shape:
            continue
        features = x[valid].reshape(int(valid.sum()), -1)
        found.update(_columns(h, features, name, notes, many=len(inputs) > 1))
    return found


def _output_correlation(h: np.ndarray, valid: np.ndarray, outputs: list[np.ndarray],
                        notes: list[str]) -> dict[str, np.ndarray]:
    """h against every model output: per step for outputs with this time axis, else the final output."""
    found: dict[str, np.ndarray] = {}
    batch, steps = valid.shape
    for k, out in enumerate(outputs):
        out = np.asarray(out)
        if out.ndim >= 3 and out.shape[:2] == (batch, steps):
            values = out[valid].reshape(int(valid.sum()), -1)
        elif out.ndim >= 1 and out.shape[0] == batch:
            per_sequence = out.reshape(batch, -1)
            values = np.repeat(per_sequence[:, None], steps, axis=1)[valid]
        else:
            continue
        found.update(_columns(h, values, f"out{k}", notes, many=True))
    return found


def _columns(h: np.ndarray, values: np.ndarray, name: str, notes: list[str], many: bool) -> dict[str, np.ndarray]:
    count = values.shape[1]
    if count > MAX_CORRELATED:
        notes.append(f"{name}: correlations with the first {MAX_CORRELATED} of {count} columns only")
        values = values[:, :MAX_CORRELATED]
    matrix = correlations(h, values)
    label = (lambda j: f"{name}[{j}]") if many or count > 1 else (lambda j: name)
    return {label(j): matrix[:, j] for j in range(matrix.shape[1])}
