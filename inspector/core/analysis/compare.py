"""Compare the engine's outputs with Keras's, layer by layer (pure numpy).

Agreement: every element satisfies |engine - keras| <= tol * max(1, |keras|), i.e. an absolute
error of `tol` for values up to 1 and a relative one above. `tol` is 1e-5 for sequences of up to
100 time steps and grows linearly with the length beyond that, to 1e-4 at 1,000 steps and
more (float32 rounding accumulates through the recurrence; measured on the real-world
corpus: 2e-5 after 500 steps). NaN at the same position on both sides counts as agreement
(a model with NaN weights gives NaN in Keras too); NaN on one side only never does.

Some models amplify float32 rounding far beyond that (large weights: one corpus model shows
1.5e-5 after 20 steps, in Keras and in the engine alike). When a layer fails at `tol`,
`compare_model` runs the engine again in float64: the distance between the float32 and float64
results is this model's rounding noise on this input, and that output's tolerance becomes
max(tol, 4 x noise). Keras rounds in float32 too, by the same amount; a real difference is
orders of magnitude larger and still fails.

`max_rel_err` is |engine - keras| / |keras| over elements with |keras| >= 1e-3 (a relative
error of values near zero says nothing). Recurrent layers that return sequences also get
the largest absolute error at each time step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inspector.core.engine import run as run_engine
from inspector.core.model.canonical import Layer, Model

BASE_TOLERANCE = 1e-5
MAX_TOLERANCE = 1e-4
SHORT_SEQUENCE = 100  # time steps compared at BASE_TOLERANCE
RELATIVE_FLOOR = 1e-3
NOISE_FACTOR = 4.0  # times the engine's own float32-versus-float64 distance


def tolerance_for(steps: int) -> float:
    """The agreement tolerance for sequences of `steps` time steps (see the module docstring)."""
    return float(min(MAX_TOLERANCE, BASE_TOLERANCE * max(1.0, steps / SHORT_SEQUENCE)))


def sequence_steps(inputs: Sequence[np.ndarray]) -> int:
    """The longest time axis (axis 1) among the model inputs; 1 for inputs without one."""
    return max((int(np.shape(x)[1]) for x in inputs if np.ndim(x) >= 2), default=1)


@dataclass(frozen=True)
class ArrayDiff:
    """How one engine array differs from the Keras array at the same place."""

    shape: tuple[int, ...]
    ok: bool
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    worst_index: tuple[int, ...] | None = None
    engine_value: float | None = None
    keras_value: float | None = None
    nan_positions: int = 0  # NaN on both sides (agreement)
    nan_mismatch: int = 0  # NaN on one side only
    per_step: tuple[float, ...] | None = None  # max abs error per time step (axis 1)
    problem: str = ""  # shapes or output counts that do not match
    tolerance: float = BASE_TOLERANCE  # the one applied (raised above the base by float32 noise)


@dataclass(frozen=True)
class LayerDiff:
    """One layer call: its outputs compared in order."""

    name: str
    class_name: str
    outputs: tuple[ArrayDiff, ...]

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.outputs)

    @property
    def max_abs_err(self) -> float:
        return max((d.max_abs_err for d in self.outputs), default=0.0)

    @property
    def max_rel_err(self) -> float:
        return max((d.max_rel_err for d in self.outputs), default=0.0)

    @property
    def tolerance(self) -> float:
        return max((d.tolerance for d in self.outputs), default=BASE_TOLERANCE)

    @property
    def worst(self) -> ArrayDiff | None:
        return max(self.outputs, key=lambda d: (not d.ok, d.max_abs_err), default=None)

    def to_json(self) -> dict[str, Any]:
        worst = self.worst
        data: dict[str, Any] = {
            "name": self.name, "class_name": self.class_name, "ok": self.ok,
            "max_abs_err": json_number(self.max_abs_err), "max_rel_err": json_number(self.max_rel_err),
            "outputs": len(self.outputs), "tolerance": self.tolerance,
        }
        if worst is not None:
            data.update(worst_output=self.outputs.index(worst),
                        worst_index=list(worst.worst_index) if worst.worst_index is not None else None,
                        engine_value=json_number(worst.engine_value), keras_value=json_number(worst.keras_value),
                        shape=list(worst.shape), nan_positions=worst.nan_positions,
                        nan_mismatch=worst.nan_mismatch, problem=worst.problem)
        steps = self.outputs[0].per_step if self.outputs else None
        if steps is not None:
            data["per_step_max_abs_err"] = [json_number(v) for v in steps]
        return data


@dataclass(frozen=True)
class Comparison:
    """Every layer both sides computed, the model outputs, and what could not be paired."""

    layers: tuple[LayerDiff, ...]
    outputs: tuple[ArrayDiff, ...]
    tolerance: float
    unpaired: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.outputs) and all(layer.ok for layer in self.layers)

    @property
    def max_abs_err(self) -> float:
        errors = [d.max_abs_err for d in self.outputs] + [layer.max_abs_err for layer in self.layers]
        return max(errors, default=0.0)

    @property
    def first_disagreement(self) -> LayerDiff | None:
        """The first layer (in execution order) that disagrees: where the search for a cause starts."""
        return next((layer for layer in self.layers if not layer.ok), None)


def json_number(value: float | None) -> float | None:
    """JSON has no NaN or Infinity: those become null (the diff's counts say why)."""
    if value is None or not np.isfinite(value):
        return None
    return float(value)


def compare_arrays(engine: np.ndarray, keras: np.ndarray, tolerance: float, time_axis: bool = False) -> ArrayDiff:
    """Compare two arrays element by element (see the module docstring for the rules)."""
    e = np.asarray(engine, dtype=np.float64)
    k = np.asarray(keras, dtype=np.float64)
    if e.shape != k.shape:
        return ArrayDiff(tuple(k.shape), False, np.inf, np.inf, problem=f"engine shape {e.shape}, Keras shape {k.shape}",
                         tolerance=tolerance)
    both_nan = np.isnan(e) & np.isnan(k)
    one_nan = np.isnan(e) ^ np.isnan(k)
    same = (e == k) | both_nan  # equal infinities included
    error = np.where(same, 0.0, np.abs(e - k))
    error = np.where(one_nan, np.inf, error)
    if error.size == 0:
        return ArrayDiff(tuple(k.shape), True, tolerance=tolerance)
    bad = error > tolerance * np.maximum(1.0, np.abs(np.nan_to_num(k)))
    flat = int(np.argmax(np.where(bad, np.inf, error)) if bad.any() else np.argmax(error))
    index = tuple(int(i) for i in np.unravel_index(flat, k.shape))
    scale = np.abs(k)
    relative = np.where(scale >= RELATIVE_FLOOR, error / np.where(scale >= RELATIVE_FLOOR, scale, 1.0), 0.0)
    per_step = None
    if time_axis and error.ndim >= 3:
        per_step = tuple(float(v) for v in error.max(axis=tuple(a for a in range(error.ndim) if a != 1)))
    return ArrayDiff(
        tuple(k.shape), not bad.any(), float(error.max()), float(np.nan_to_num(relative, posinf=np.inf).max()),
        index, float(e[index]), float(k[index]), int(both_nan.sum()), int(one_nan.sum()), per_step, "", tolerance,
    )


def compare_model(model: Model, inputs: Sequence[np.ndarray], engine: Any,
                  keras_layers: Mapping[str, Sequence[np.ndarray]], keras_outputs: Sequence[np.ndarray],
                  runner: Any = None) -> Comparison:
    """Compare an engine `Result` with Keras at the tolerance for these inputs; if a layer fails,
    compare again with each output's float32 noise floor (one extra float64 engine run)."""
    tolerance = tolerance_for(sequence_steps(inputs))
    plain = compare_layers(model, engine.layer_outputs, keras_layers, engine.outputs, keras_outputs, tolerance)
    if plain.ok:
        return plain
    exact = (runner or run_engine)(model, list(inputs), dtype=np.float64, record_trace=False)
    return compare_layers(model, engine.layer_outputs, keras_layers, engine.outputs, keras_outputs, tolerance,
                          exact.layer_outputs, exact.outputs)


def compare_layers(model: Model, engine_layers: Mapping[str, Sequence[np.ndarray]],
                   keras_layers: Mapping[str, Sequence[np.ndarray]], engine_outputs: Sequence[np.ndarray],
                   keras_outputs: Sequence[np.ndarray], tolerance: float,
                   exact_layers: Mapping[str, Sequence[np.ndarray]] | None = None,
                   exact_outputs: Sequence[np.ndarray] | None = None) -> Comparison:
    """Pair layer calls by name ("lstm_1", "lstm_1#1" for a second call) and compare each one.

    With `exact_*` (the engine's float64 results) each output's tolerance is raised to its
    float32 noise floor (see the module docstring)."""
    inputs = {spec.name for spec in model.inputs}
    layers = []
    for name, values in engine_layers.items():
        if name in inputs or name not in keras_layers:
            continue
        layer = _layer_of(model, name)
        sequences = layer is not None and returns_sequences(layer)
        diffs = compare_lists(values, keras_layers[name], tolerance, sequences, (exact_layers or {}).get(name))
        layers.append(LayerDiff(name, layer.class_name if layer is not None else "?", diffs))
    outputs = compare_lists(engine_outputs, keras_outputs, tolerance, exact=exact_outputs)
    unpaired = _unpaired(engine_layers, keras_layers, inputs)
    return Comparison(tuple(layers), outputs, tolerance, unpaired, _notes(layers, outputs, tolerance))


def compare_lists(engine: Sequence[np.ndarray], keras: Sequence[np.ndarray], tolerance: float,
                  first_is_sequence: bool = False, exact: Sequence[np.ndarray] | None = None) -> tuple[ArrayDiff, ...]:
    """Outputs compared in order; a different number of outputs is one more failed diff."""
    count = min(len(engine), len(keras))
    diffs = [compare_arrays(engine[i], keras[i], noise_tolerance(tolerance, engine[i], exact, i),
                            time_axis=first_is_sequence and i == 0) for i in range(count)]
    if len(engine) != len(keras):
        diffs.append(ArrayDiff((), False, np.inf, np.inf, tolerance=tolerance,
                               problem=f"the engine gave {len(engine)} outputs, Keras {len(keras)}"))
    return tuple(diffs)


def noise_tolerance(tolerance: float, value: np.ndarray, exact: Sequence[np.ndarray] | None, index: int) -> float:
    """max(tolerance, NOISE_FACTOR x the largest float32-versus-float64 distance of this output)."""
    if exact is None or index >= len(exact) or np.shape(exact[index]) != np.shape(value):
        return tolerance
    distance = np.abs(np.asarray(value, np.float64) - np.asarray(exact[index], np.float64))
    finite = distance[np.isfinite(distance)]
    return float(max(tolerance, NOISE_FACTOR * finite.max())) if finite.size else tolerance


def returns_sequences(layer: Layer) -> bool:
    """A recurrent layer (or a wrapper of one) whose first output has a time axis."""
    directions = layer.directions()
    return bool(directions) and all(bool(d.config.get("return_sequences")) for d in directions.values())


def _layer_of(model: Model, call_name: str) -> Layer | None:
    try:
        return model.layer(call_name.split("#")[0])
    except KeyError:
        return None


def _unpaired(engine: Mapping[str, Any], keras: Mapping[str, Any], inputs: set[str]) -> tuple[str, ...]:
    only_keras = [f"{n} (Keras only: the engine skips layers the outputs do not need)" for n in keras if n not in engine]
    only_engine = [f"{n} (engine only)" for n in engine if n not in keras and n not in inputs]
    return tuple(only_keras + only_engine)


def _notes(layers: list[LayerDiff], outputs: tuple[ArrayDiff, ...], tolerance: float) -> tuple[str, ...]:
    notes = []
    nan = sum(d.nan_positions for layer in layers for d in layer.outputs) + sum(d.nan_positions for d in outputs)
    if nan:
        notes.append(f"{nan} values are NaN in both the engine and Keras at the same positions; they count as "
                     "agreement (NaN weights or inputs give NaN in Keras too)")
    raised = [f"{layer.name} {layer.tolerance:.1e}" for layer in layers if layer.tolerance > tolerance]
    if raised:
        notes.append(f"float32 rounding noise of this model (engine float32 versus float64, x{NOISE_FACTOR:g}) "
                     f"raised the tolerance of: {', '.join(raised)}")
    return tuple(notes)
