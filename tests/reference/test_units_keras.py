"""The per-unit statistics and occlusion against real Keras (one child process for every case).

Statistics: zoo models with return_sequences and return_state run by Keras on an input scaled until
the gates saturate; the trace's h over time, final h and final c are checked against Keras's outputs,
then the table against the plain computation from them (tests/core/units/units_expected.py).
Occlusion: Keras's outputs for the input with step t replaced by the baseline equal the original
output plus the change occlusion reports (resumed from the saved states, or re-run whole).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from reference_cases import Case, keras_or_skip, run_batch

from inspector.core.engine import run
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.load import open_model
from inspector.core.units.occlusion import MEAN, RESUMED, WHOLE, ZERO, baseline_values, occlusion
from inspector.core.units.quantities import unit_values
from inspector.core.units.statistics import unit_table
from inspector.demo import demo_model, demo_sequence
from tests.core.units.units_expected import plain_fractions, plain_mean_std, plain_memory

ATOL = 1e-5
STATE_MODELS = ("lstm_state", "gru_state")
SCALE = 6.0
OCCLUDED_STEPS = (0, 2, 5)


def _zoo_entry(keras_zoo: list[dict[str, Any]], recipe: str) -> dict[str, Any] | None:
    return next((e for e in keras_zoo if e["id"] == recipe and "keras" in e["files"]), None) or next(
        (e for e in keras_zoo if e["id"] == recipe), None)


def _saturating_input(entry: dict[str, Any]) -> np.ndarray:
    with np.load(entry["files"]["input"]) as data:
        x = data[data.files[0]]
    return np.concatenate([x, x * SCALE]).astype(np.float32)


def _occlusion_cases(key: str, model, x: np.ndarray, baseline: str) -> list[Case]:
    cases = []
    for t in OCCLUDED_STEPS:
        occluded = x.copy()
        occluded[:, t] = baseline_values(x, baseline)
        cases.append(Case(f"{key}/occluded@{t}", model, [occluded], extra={"t": t, "baseline": baseline, "x": x}))
    return cases


@pytest.fixture(scope="module")
def keras_cases(keras_zoo: list[dict[str, Any]]) -> dict[str, Case]:
    keras_or_skip()
    cases: list[Case] = []
    for recipe in STATE_MODELS:
        entry = _zoo_entry(keras_zoo, recipe)
        if entry is None:
            continue
        model = open_model(entry["files"].get("keras") or entry["files"]["h5"])
        x = _saturating_input(entry)
        cases.append(Case(recipe, model, [x]))
        cases += _occlusion_cases(recipe, model, x, MEAN)
    sine = open_model(demo_model("sine_lstm"))
    cases += _occlusion_cases("sine_lstm", sine, read_inputs(demo_sequence("sine_lstm"), sine)[0], ZERO)
    bilstm = open_model(demo_model("bilstm_classifier"))
    cases += _occlusion_cases("bilstm", bilstm, read_inputs(demo_sequence("bilstm_classifier"), bilstm)[0], ZERO)
    run_batch(cases)
    for case in cases:
        assert case.result is not None and case.result.available, (case.key, case.result and case.result.reason)
    return {case.key: case for case in cases}


@pytest.mark.parametrize("recipe", STATE_MODELS)
def test_statistics_on_a_saturating_input_equal_the_plain_computation(keras_cases, recipe: str) -> None:
    case = keras_cases.get(recipe)
    if case is None:
        pytest.skip(f"the zoo has no {recipe}")
    result = run(case.model, case.inputs)
    (directions,) = result.trace.layers.values()
    trace = directions["forward"]
    keras = case.result.outputs
    np.testing.assert_allclose(trace.h, keras[0], atol=ATOL, rtol=0)
    np.testing.assert_allclose(trace.h[:, -1], keras[1], atol=ATOL, rtol=0)
    if trace.c is not None:
        np.testing.assert_allclose(trace.c[:, -1], keras[2], atol=ATOL, rtol=0)
    (table,) = unit_table(case.model, result, case.inputs)
    assert max(float(f.max()) for f in table.saturation.values()) > 0.2, "the scaled input saturates gates"
    memory_gate = "f" if trace.cell == "LSTM" else "z"
    for u in range(table.units):
        assert (table.mean_abs_h[u], table.std_h[u]) == pytest.approx(plain_mean_std(trace.h, trace.mask, u), rel=1e-5)
        for gate, fractions in table.saturation.items():
            assert tuple(fractions[u]) == plain_fractions(unit_values(trace, gate), trace.mask, u)
        assert table.memory_steps[u] == pytest.approx(plain_memory(unit_values(trace, memory_gate), trace.mask, u))


@pytest.mark.parametrize("key, method", [("lstm_state", RESUMED), ("gru_state", RESUMED),
                                         ("sine_lstm", RESUMED), ("bilstm", WHOLE)])
def test_occluded_outputs_equal_keras(keras_cases, key: str, method: str) -> None:
    occluded = [case for name, case in keras_cases.items() if name.startswith(f"{key}/occluded@")]
    if not occluded:
        pytest.skip(f"the zoo has no {key}")
    model, original = occluded[0].model, occluded[0].extra["x"]
    found = occlusion(model, run(model, [original]), [original], occluded[0].extra["baseline"])
    assert found.method == method
    for case in occluded:
        t = case.extra["t"]
        for k, keras in enumerate(case.result.outputs):
            final = keras[:, -1] if keras.ndim >= 3 and keras.shape[1] == original.shape[1] else keras
            np.testing.assert_allclose(found.original[k] + found.changes[k][:, t], final, atol=ATOL, rtol=0,
                                       err_msg=f"{case.key} output {k}")

