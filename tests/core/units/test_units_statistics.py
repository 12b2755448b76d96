"""The per-unit table on Keras zoo models (built by real Keras 3 and tf_keras in child processes): the
trace's h over time and final c are first checked against Keras's return_sequences / return_state
outputs, then every statistic is checked against the same numbers computed the plain way from them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from units_expected import pairs, plain_correlation, plain_fractions, plain_mean_std, plain_memory

from inspector.core.engine import run
from inspector.core.model.load import open_model
from inspector.core.units.quantities import unit_values
from inspector.core.units.statistics import MEMORY_CAP, unit_table
from inspector.core.units.table import columns, csv_header_and_lines, rows

ATOL = 1e-5  # float32 engine against Keras, as tests/core/engine/test_zoo.py
# zoo id -> the gates with a 0..1 activation (the saturating ones)
CASES = {"lstm_state": ("i", "f", "o"), "gru_state": ("z", "r"), "mask_lstm_seq": ("i", "f", "o")}
SCALE = 6.0  # the zoo input times this as a second batch: gates reach saturation


def load(path) -> list[np.ndarray]:
    with np.load(path) as data:
        prefix = data.files[0].rstrip("0123456789")
        return [data[f"{prefix}{k}"] for k in range(len(data.files))]


@pytest.fixture(scope="module")
def zoo(keras_zoo: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["id"], e["runtime"]): e for e in keras_zoo if e["id"] in CASES}


def checked_run(entry: dict[str, Any]):
    """Model, inputs, result, after the trace's h (and final c) matched Keras's outputs."""
    model = open_model(entry["files"].get("keras") or entry["files"]["h5"])
    inputs = load(entry["files"]["input"])
    result = run(model, inputs)
    expected = load(entry["files"]["expected"])
    (directions,) = result.trace.layers.values()
    trace = directions["forward"]
    with np.load(entry["files"]["layers"]) as layers:
        keras_sequence = layers[trace.layer] if trace.layer in layers.files else expected[0]
    assert keras_sequence.shape == trace.h.shape
    np.testing.assert_allclose(trace.h[trace.mask], keras_sequence[trace.mask], atol=ATOL, rtol=0)
    if entry["id"].endswith("_state"):
        np.testing.assert_allclose(trace.h[:, -1], expected[1], atol=ATOL, rtol=0)
        if trace.c is not None:
            np.testing.assert_allclose(trace.c[:, -1], expected[2], atol=ATOL, rtol=0)
    return model, inputs, result, trace


@pytest.mark.parametrize("recipe", sorted(CASES))
@pytest.mark.parametrize("runtime", ["keras3", "tf_keras"])
def test_statistics_equal_the_plain_computation_from_a_keras_checked_trace(zoo, recipe, runtime) -> None:
    entry = zoo.get((recipe, runtime))
    if entry is None:
        pytest.skip(f"{runtime} did not build {recipe}")
    model, inputs, result, trace = checked_run(entry)
    (table,) = unit_table(model, result, inputs)
    h, mask = unit_values(trace, "h"), trace.mask
    assert table.samples == len(pairs(mask)) and table.units == h.shape[2]
    assert set(table.saturation) == set(CASES[recipe])
    memory_gate = "f" if trace.cell == "LSTM" else "z"
    assert table.memory_gate == memory_gate
    for u in range(table.units):
        mean_abs, std = plain_mean_std(h, mask, u)
        assert table.mean_abs_h[u] == pytest.approx(mean_abs, rel=1e-6)
        assert table.std_h[u] == pytest.approx(std, rel=1e-5, abs=1e-9)
        for gate in CASES[recipe]:
            assert tuple(table.saturation[gate][u]) == plain_fractions(unit_values(trace, gate), mask, u)
        assert table.memory_steps[u] == pytest.approx(plain_memory(unit_values(trace, memory_gate), mask, u), rel=1e-6)
        feature = [float(inputs[0][b, t, 0]) for b, t in pairs(mask)]
        unit_h = [float(h[b, t, u]) for b, t in pairs(mask)]
        assert table.input_correlation[f"{model.inputs[0].name}[0]"][u] == pytest.approx(
            plain_correlation(unit_h, feature), abs=1e-6)
    assert not table.dead.any()


def test_masked_steps_are_left_out(zoo) -> None:
    entry = zoo.get(("mask_lstm_seq", "keras3")) or zoo.get(("mask_lstm_seq", "tf_keras"))
    if entry is None:
        pytest.skip("no zoo build of mask_lstm_seq")
    model, inputs, result, trace = checked_run(entry)
    assert not trace.mask.all(), "the zoo recipe masks padding steps"
    (table,) = unit_table(model, result, inputs)
    h = unit_values(trace, "h")
    everything = np.abs(h.reshape(-1, h.shape[2])).mean(axis=0)
    assert table.samples == int(trace.mask.sum())
    assert not np.allclose(table.mean_abs_h, everything), "masked steps would change the mean"


def test_saturation_memory_and_dead_units_on_a_saturating_batch(zoo) -> None:
    """The zoo input scaled up: the same plain computation where gates do saturate."""
    entry = zoo.get(("lstm_state", "keras3")) or zoo.get(("lstm_state", "tf_keras"))
    if entry is None:
        pytest.skip("no zoo build of lstm_state")
    model, inputs, _, _ = checked_run(entry)
    x = np.concatenate([inputs[0], inputs[0] * SCALE]).astype(np.float32)
    result = run(model, [x])
    trace = result.trace.layers[next(iter(result.trace.layers))]["forward"]
    (table,) = unit_table(model, result, [x])
    fractions = np.stack([table.saturation[g] for g in "ifo"])
    assert fractions.max() > 0.2, "the scaled input should saturate some gate"
    for u in range(table.units):
        for gate in "ifo":
            assert tuple(table.saturation[gate][u]) == plain_fractions(unit_values(trace, gate), trace.mask, u)
    # out0 has a time axis: correlated per (sequence, step) with h
    out = result.outputs[0]
    h = unit_values(trace, "h")
    for u in range(table.units):
        expected = plain_correlation(list(h[:, :, u].ravel()), list(out[:, :, 0].ravel()))
        assert table.output_correlation["out0[0]"][u] == pytest.approx(expected, abs=1e-6)
    # out1 (final h) has no time axis: its value for the sequence stands at every step
    final = np.repeat(result.outputs[1][:, None, 1], x.shape[1], axis=1)
    expected = plain_correlation(list(h[:, :, 0].ravel()), list(final.ravel()))
    assert table.output_correlation["out1[1]"][0] == pytest.approx(expected, abs=1e-6)
    assert table.memory_steps.max() <= MEMORY_CAP


def test_rows_and_csv_carry_every_unit(zoo) -> None:
    entry = zoo.get(("lstm_state", "keras3")) or zoo.get(("lstm_state", "tf_keras"))
    if entry is None:
        pytest.skip("no zoo build of lstm_state")
    model, inputs, result, _ = checked_run(entry)
    tables = unit_table(model, result, inputs)
    objects = rows(tables)
    assert [o["unit"] for o in objects] == list(range(tables[0].units))
    assert set(objects[0]) >= {"layer", "direction", "unit", "mean_abs_h", "std_h", "saturation", "memory_steps", "dead"}
    assert objects[2]["saturation"]["f"] == list(tables[0].saturation["f"][2])
    header, lines = csv_header_and_lines(tables)
    assert header[:5] == ["layer", "direction", "unit", "mean |h|", "std h"]
    assert len(lines) == tables[0].units and all(len(line) == len(header) for line in lines)
    assert list(columns(tables[0]))[-1].startswith("r out")


def test_convlstm_units_are_numbered_as_the_time_view_numbers_them(corpus_dir) -> None:
    from inspector.core.analysis.time_quantities import by_unit

    name = "tfk1_dl4j_bidirectional_convlstm2d_gobackwards_224tf.h5"
    model = open_model(corpus_dir / "models" / name)
    with np.load(corpus_dir / "refs" / f"{name}.input.npz") as data:
        inputs = [data["in0"]]
    result = run(model, inputs)
    tables = unit_table(model, result, inputs)
    for table in tables:
        trace = result.trace[table.layer][table.direction]
        np.testing.assert_array_equal(unit_values(trace, "h")[1], by_unit(trace.h, 1))
        assert table.units == by_unit(trace.h, 0).shape[1] and table.samples == trace.mask.sum()
        assert set(table.saturation) == {"i", "f", "o"} and table.memory_gate == "f"
        assert not table.input_correlation, "an image sequence has no input features to correlate with"
