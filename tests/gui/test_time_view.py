"""The Time steps view: the cursor (slider, buttons, keys, play), and that everything shown at step t
is the engine's trace at t (heatmaps, bars, unit lines, masked steps, both directions)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt

from inspector.core.analysis.per_step import PerStep
from inspector.core.engine import run
from inspector.gui.time.figures import MASKED_BAR_COLOUR
from inspector.gui.time.view import TimeView
from inspector.gui.widgets.heatmaps import MASK_RGBA
from inspector.gui.workers.opening import load_document
from inspector.reference import seeded_inputs


def show(qtbot, document, inputs=None, size=(1200, 900)) -> TimeView:
    """A TimeView on its own state, with the document's demo sequence (or `inputs`) traced."""
    from inspector.gui.state import InspectorState

    state = InspectorState()
    view = TimeView(state)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    state.set_document(document)
    inputs = inputs if inputs is not None else [document.sequence[None]]
    state.set_inputs(inputs)
    state.set_result(run(document.model, inputs, record_trace=True))
    qtbot.waitUntil(lambda: not view.job.pending and view.drawing.done, timeout=30000)  # it draws in steps
    return view


@pytest.fixture
def lstm_view(qtbot):
    return show(qtbot, load_document(_demo("sine_lstm"), demo="sine_lstm"))


@pytest.fixture
def bilstm_view(qtbot):
    document = load_document(_demo("bilstm_classifier"), demo="bilstm_classifier")
    x = document.sequence[None]
    return show(qtbot, document, [np.concatenate([x, -x])])  # two sequences


def _demo(name: str) -> Path:
    from inspector.demo import demo_model

    return demo_model(name)


def trace_of(view: TimeView):
    return view.state.result.trace[view.state.layer_name][view.state.direction]


def assert_shows_trace_at(view: TimeView, t: int) -> None:
    trace, sequence = trace_of(view), view.state.sequence
    pre = view.state.value_mode == "pre-activation"
    names = [row.series.name for row in view.figure.rows]
    assert names == list(trace.gates) + (["c"] if trace.c is not None else []) + ["h"]
    for k, row in enumerate(view.figure.rows[: len(trace.gates)]):
        expected = (trace.pre if pre else trace.act)[sequence, t, k]
        np.testing.assert_array_equal(row.bars.opts["width"], expected)
        assert row.cursor.value() == t
    states = {"h": trace.h[sequence, t]} | ({"c": trace.c[sequence, t]} if trace.c is not None else {})
    for row in view.figure.rows[len(trace.gates):]:
        np.testing.assert_array_equal(row.bars.opts["width"], states[row.series.name])


def test_slider_buttons_and_keys_move_the_shared_cursor(qtbot, lstm_view: TimeView) -> None:
    state, controls = lstm_view.state, lstm_view.controls
    last = state.time_steps - 1
    lstm_view.setFocus()
    state.set_time_step(0)
    for key, expected in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_Right, 2), (Qt.Key.Key_Left, 1),
                          (Qt.Key.Key_End, last), (Qt.Key.Key_Right, last), (Qt.Key.Key_Home, 0),
                          (Qt.Key.Key_PageDown, 10), (Qt.Key.Key_PageUp, 0)):
        qtbot.keyClick(lstm_view, key)
        assert state.time_step == expected, key
    controls.slider.setValue(7)
    assert state.time_step == 7
    qtbot.mouseClick(controls.forward_button, Qt.MouseButton.LeftButton)
    assert state.time_step == 8 and controls.slider.value() == 8
    qtbot.mouseClick(controls.last_button, Qt.MouseButton.LeftButton)
    assert state.time_step == last
    state.set_time_step(3)  # another view moves the cursor: the slider follows
    assert controls.slider.value() == 3 and "t = 3" in controls.position.text()


def test_space_plays_to_the_end_and_pauses(qtbot, lstm_view: TimeView) -> None:
    state, controls = lstm_view.state, lstm_view.controls
    controls.speed_box.setCurrentIndex(controls.speed_box.count() - 1)  # fastest
    state.set_time_step(20)
    qtbot.keyClick(lstm_view, Qt.Key.Key_Space)
    assert controls.playing
    qtbot.waitUntil(lambda: state.time_step == state.time_steps - 1 and not controls.playing, timeout=5000)
    qtbot.keyClick(lstm_view, Qt.Key.Key_Space)  # at the end: plays again from the start
    assert controls.playing and state.time_step == 0
    qtbot.waitUntil(lambda: state.time_step >= 2, timeout=5000)
    qtbot.keyClick(lstm_view, Qt.Key.Key_Space)
    assert not controls.playing


def test_values_shown_at_t_are_the_trace(lstm_view: TimeView) -> None:
    for t in (0, 5, lstm_view.state.time_steps - 1):
        lstm_view.state.set_time_step(t)
        assert_shows_trace_at(lstm_view, t)
    lstm_view.state.set_value_mode("pre-activation")
    assert lstm_view.mode_buttons[1].isChecked()
    for t in (0, 11):
        lstm_view.state.set_time_step(t)
        assert_shows_trace_at(lstm_view, t)
    assert "pre-activation" in lstm_view.figure.rows[0].series.title


def test_heatmaps_are_the_trace_transposed(lstm_view: TimeView) -> None:
    trace = trace_of(lstm_view)
    rows = lstm_view.figure.rows
    for k, row in enumerate(rows[:4]):
        np.testing.assert_array_equal(row.image.image, trace.act[0, :, k].T)
        if row.series.name != "c~":
            assert tuple(row.series.levels) == (0.0, 1.0)  # sigmoid gates: closed .. open
    limit = float(np.abs(trace.act[0, :, 2]).max())
    assert rows[2].series.levels == (-limit, limit)  # tanh c~: its own range, within -1..1
    np.testing.assert_array_equal(rows[4].image.image, trace.c[0].T)
    np.testing.assert_array_equal(rows[5].image.image, trace.h[0].T)
    assert [r.series.name for r in rows] == ["i", "f", "c~", "o", "c", "h"]


def test_backward_direction_and_second_sequence_show_their_own_trace(bilstm_view: TimeView) -> None:
    state = bilstm_view.state
    assert bilstm_view.direction_box.isVisible() and bilstm_view.sequence_box.isVisible()
    state.select_direction("backward")
    state.select_sequence(1)
    state.set_time_step(4)
    trace = trace_of(bilstm_view)
    assert trace.direction == "backward" and trace.go_backwards
    np.testing.assert_array_equal(bilstm_view.figure.rows[0].image.image, trace.act[1, :, 0].T)
    assert_shows_trace_at(bilstm_view, 4)
    assert "backward" in bilstm_view.grid.ci.getItem(0, 0).text
    forward = state.result.trace[state.layer_name]["forward"]
    assert not np.array_equal(forward.act[1, 4, 0], trace.act[1, 4, 0])


def scene_click(qtbot, view: TimeView, plot, x: float, y: float, double: bool = False) -> None:
    scene_point = plot.vb.mapViewToScene(QPointF(x, y))
    point = view.grid.mapFromScene(scene_point)
    if double:
        qtbot.mouseDClick(view.grid.viewport(), Qt.MouseButton.LeftButton, pos=point)
    else:
        qtbot.mouseClick(view.grid.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_clicking_a_heatmap_row_picks_the_unit_and_its_lines_are_the_trace(qtbot, lstm_view: TimeView) -> None:
    state, row = lstm_view.state, lstm_view.figure.rows[1]
    scene_click(qtbot, lstm_view, row.plot, 12, 5)
    assert state.units == [5]
    assert lstm_view.units_edit.text() == "5"
    trace = trace_of(lstm_view)
    curves = lstm_view.lines.plots[0].listDataItems()
    expected = [trace.act[0, :, k, 5] for k in range(4)] + [trace.c[0, :, 5], trace.h[0, :, 5]]
    for curve, values in zip(curves, expected, strict=True):
        np.testing.assert_array_equal(curve.getData()[1], values)
    scene_click(qtbot, lstm_view, row.plot, 3, 9)
    assert state.units == [5, 9] and len(lstm_view.lines.plots) == 2
    scene_click(qtbot, lstm_view, row.plot, 3, 5)  # again: removed
    assert state.units == [9]
    np.testing.assert_array_equal(row.unit_marks.data["y"], [9])


def test_typing_units_and_a_bad_unit(lstm_view: TimeView) -> None:
    lstm_view.units_edit.setText("1, 3-4")
    lstm_view.units_edit.editingFinished.emit()
    assert lstm_view.state.units == [1, 3, 4]
    lstm_view.units_edit.setText("99")
    lstm_view.units_edit.editingFinished.emit()
    assert lstm_view.state.units == [1, 3, 4]
    assert "unit 99 does not exist" in lstm_view.readout.text()


def test_masked_steps_are_greyed(qtbot, corpus_dir: Path) -> None:
    document = load_document(corpus_dir / "models" / "k2_dl4j_masking_zero_lstm_220.h5")
    x = seeded_inputs(document.model)[0]
    x[0, 2:4] = 0.0  # Masking(mask_value=0): steps 2 and 3 are skipped
    view = show(qtbot, document, [x])
    trace = trace_of(view)
    assert not trace.mask[0, 2] and trace.mask[0, 1]
    for row in view.figure.rows:
        alpha = row.mask_overlay.image[0, :, 3]
        np.testing.assert_array_equal(alpha > 0, ~trace.mask[0])
        assert alpha[2] == MASK_RGBA[3]
    view.state.set_time_step(3)
    assert view.figure.rows[0].bars.opts["brush"].color().name() == MASKED_BAR_COLOUR
    assert "masked" in view.controls.position.text()
    assert_shows_trace_at(view, 3)
    view.state.set_time_step(5)
    assert "masked" not in view.controls.position.text()


def test_per_step_output_is_drawn(qtbot, lstm_view: TimeView, bilstm_view: TimeView) -> None:
    answer = lstm_view.per_step
    assert isinstance(answer, PerStep) and answer.method == "head"
    curve = lstm_view.per_step_lines.plots[0].listDataItems()[0]
    np.testing.assert_array_equal(curve.getData()[1], answer.values[0][0, :, 0])
    assert "after every step" in lstm_view.per_step_note.text()
    classes = bilstm_view.per_step  # Bidirectional: the engine ran on every prefix (in the worker)
    assert isinstance(classes, PerStep) and classes.method == "prefix"
    bilstm_view.state.set_time_step(9)
    np.testing.assert_array_equal(bilstm_view.per_step_lines.highlight.getData()[1], classes.values[0][0, 9])


def test_messages_without_a_sequence_or_a_recurrent_layer(qtbot) -> None:
    from inspector.gui.state import InspectorState

    state = InspectorState()
    view = TimeView(state)
    qtbot.addWidget(view)
    assert "No model open" in view.message.text()
    document = load_document(_demo("sine_lstm"), demo="sine_lstm")
    state.set_document(document)
    assert view.stack.currentIndex() == 1 and "Enter a sequence" in view.message.text()
    state.set_inputs([document.sequence[None]])
    assert "Computing the trace" in view.message.text()
    state.set_result(None, "the engine cannot run layer 'x'")
    assert "the engine cannot run layer 'x'" in view.message.text()
    state.set_result(run(document.model, state.inputs))
    assert view.stack.currentIndex() == 0
    state.select_layer("dense")
    assert view.stack.currentIndex() == 1 and "Choose a recurrent layer: lstm" in view.message.text()


def test_window_has_the_tab_and_the_export_action(window) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles.index("Time steps") == titles.index("Weights") + 1
    actions = [a for a in window.findChildren(type(window.export_action)) if "Gate Plots" in a.text()]
    assert actions and actions[0].shortcut().toString() == "Ctrl+Shift+E"
