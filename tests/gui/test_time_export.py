"""Time-view plots to PNG: every file drawn (not blank), without a window and from the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inspector.core.engine import run
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.load import open_model
from inspector.demo import demo_model, demo_sequence
from inspector.gui.time.export import export_time_plots
from tests.gui.images import is_drawn, png_size


def demo_result(name: str):
    model = open_model(demo_model(name))
    inputs = read_inputs(demo_sequence(name), model)
    return model, run(model, inputs, record_trace=True)


def test_export_writes_every_time_plot_of_a_layer(tmp_path: Path) -> None:
    model, result = demo_result("sine_lstm")
    written = export_time_plots(model, result, "lstm", "forward", tmp_path, units=[2, 5])
    names = sorted(p.name for p in written)
    assert names == sorted(["lstm_time_steps.png", "lstm_time_i.png", "lstm_time_f.png", "lstm_time_c_tilde.png",
                            "lstm_time_o.png", "lstm_time_c.png", "lstm_time_h.png", "lstm_time_bars_t29.png",
                            "lstm_time_units.png", "lstm_time_output_per_step.png"])
    for path in written:
        assert is_drawn(path), path.name
    assert png_size(tmp_path / "lstm_time_steps.png")[0] == 1600


def test_export_of_a_backward_direction_in_pre_activations(tmp_path: Path) -> None:
    model, result = demo_result("bilstm_classifier")
    written = export_time_plots(model, result, "bidirectional", "backward", tmp_path, value_mode="pre-activation",
                                time_step=3)
    names = {p.name for p in written}
    assert "bidirectional_backward_time_steps.png" in names and "bidirectional_backward_time_bars_t3.png" in names
    assert "bidirectional_backward_time_output_per_step.png" in names  # prefix runs, 40 steps
    assert all(is_drawn(p) for p in written)


def test_no_trace_no_files(tmp_path: Path) -> None:
    model, result = demo_result("sine_lstm")
    assert export_time_plots(model, result, "dense", "", tmp_path) == []
    assert export_time_plots(model, None, "lstm", "forward", tmp_path) == []


def test_window_exports_the_selected_layer(window, open_and_wait, tmp_path: Path) -> None:
    open_and_wait(demo="sine_gru")
    state = window.state
    if state.result is None:  # the sequence panel traces the demo sequence; without it, trace here
        inputs = [state.document.sequence[None]]
        state.set_inputs(inputs)
        state.set_result(run(state.document.model, inputs))
    state.set_time_step(4)
    written = window.time_view.export_gate_plots(tmp_path)
    assert {"gru_time_z.png", "gru_time_h_tilde.png", "gru_time_bars_t4.png"} <= {p.name for p in written}
    assert all(is_drawn(p) for p in written)
    assert np.isfinite(state.result.outputs[0]).all()
