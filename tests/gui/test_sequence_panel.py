"""The Sequence dock: what is typed, pasted, loaded or generated reaches the engine, and what cannot
be fed stays as typed with a message - while the state keeps the last good inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from inspector.core.engine import run
from inspector.core.model.canonical import InputSpec
from inspector.gui.sequences.table import BAD_CELL
from inspector.gui.workers.opening import Document
from tests.gui.big_kernel import char_lstm_model


@pytest.fixture
def traced(qtbot, window):
    """traced(): wait until the trace runner has put the result (or its reason) for the current inputs."""

    def wait() -> None:
        state, runner = window.state, window.trace_runner
        qtbot.waitUntil(lambda: state.inputs is not None and not runner.pending
                        and (state.result is not None or bool(state.result_reason)), timeout=30000)

    return wait


@pytest.fixture
def demo(window, open_and_wait, traced):
    open_and_wait(demo="sine_lstm")
    traced()
    return window.sequence_panel


def edit(panel, row: int, col: int, text: str) -> None:
    panel.table.setData(panel.table.index(row, col), text, Qt.ItemDataRole.EditRole)


def assert_trace_is_the_engines(state) -> None:
    """What the window holds equals the engine (verified against Keras elsewhere) on the same inputs."""
    expected = run(state.document.model, state.inputs, record_trace=True)
    np.testing.assert_array_equal(state.result.outputs[0], expected.outputs[0])
    for layer, directions in expected.trace.layers.items():
        for direction, record in directions.items():
            ours = state.result.trace[layer][direction]
            np.testing.assert_array_equal(ours.act, record.act)
            np.testing.assert_array_equal(ours.h, record.h)


def test_the_demo_sequence_is_fed_and_traced(window, demo) -> None:
    state = window.state
    np.testing.assert_array_equal(state.inputs[0][0], state.document.sequence.astype(np.float32))
    assert demo.table.rowCount() == 30 and demo.table.columnCount() == 1
    assert_trace_is_the_engines(state)
    assert window.dockWidgetArea(window.sequence_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert not window.sequence_dock.isHidden() and window.sequence_dock.toggleViewAction() in window.view_menu.actions()


def test_editing_a_cell_updates_inputs_then_result(window, demo, traced) -> None:
    state = window.state
    edit(demo, 3, 0, "0.75")
    assert state.inputs[0][0, 3, 0] == np.float32(0.75)
    traced()
    assert_trace_is_the_engines(state)


def test_paste_of_several_rows_from_a_spreadsheet(window, demo, traced) -> None:
    before = window.state.inputs[0].copy()
    demo.view.setCurrentIndex(demo.table.index(5, 0))
    QApplication.clipboard().setText("value\n0.1\n0.2\n-0.3\n")  # a header row is skipped
    demo.view.paste()
    after = window.state.inputs[0]
    np.testing.assert_array_equal(after[0, 5:8, 0], np.float32([0.1, 0.2, -0.3]))
    np.testing.assert_array_equal(np.delete(after, [5, 6, 7], axis=1), np.delete(before, [5, 6, 7], axis=1))
    assert [i.row() for i in demo.view.selectedIndexes()] == [5, 6, 7]
    traced()
    assert_trace_is_the_engines(window.state)


def test_copy_gives_tab_separated_rows(demo) -> None:
    demo.view.setCurrentIndex(demo.table.index(0, 0))
    demo.view.selectRow(0)
    demo.view.copy()
    assert QApplication.clipboard().text() == demo.table.data(demo.table.index(0, 0)) + "\n"


def test_paste_wider_than_the_model_keeps_the_extra_columns(window, demo) -> None:
    before = window.state.inputs
    demo.view.setCurrentIndex(demo.table.index(0, 0))
    QApplication.clipboard().setText("1\t2\n3\t4\n")
    demo.view.paste()
    assert demo.table.columnCount() == 2 and demo.table.data(demo.table.index(1, 1)) == "4"
    assert "1 feature(s) per time step" in demo.message.text() and window.state.inputs is before
    demo.view.trim_action.trigger()
    assert demo.table.columnCount() == 1
    np.testing.assert_array_equal(window.state.inputs[0][0, :2, 0], [1, 3])


def test_rows_added_to_a_fixed_length_model_are_explained(window, demo) -> None:
    before = window.state.inputs
    demo.view.setCurrentIndex(demo.table.index(29, 0))
    demo.view.insert_row()
    assert demo.table.rowCount() == 31 and window.state.inputs is before
    assert "exactly 30 time steps" in demo.message.text()
    demo.view.selectRow(30)
    demo.view.remove_selected_rows()
    assert demo.table.rowCount() == 30 and demo.message.text().startswith("30 time steps")


def test_a_bad_cell_keeps_its_text_and_does_not_change_the_inputs(window, demo) -> None:
    state = window.state
    before = state.inputs
    for text, reason in (("abc", "'abc' is not a number"), ("nan", "NaN cannot be fed"), ("-1e999", "-Inf cannot be fed"),
                         ("", "empty cell")):
        edit(demo, 2, 0, text)
        assert demo.table.data(demo.table.index(2, 0)) == text
        assert demo.table.data(demo.table.index(2, 0), Qt.ItemDataRole.BackgroundRole) == BAD_CELL
        assert reason in demo.table.data(demo.table.index(2, 0), Qt.ItemDataRole.ToolTipRole)
        assert f"time step 2: {reason}" in demo.message.text()  # one feature: no "feature 1"
        assert state.inputs is before
    edit(demo, 2, 0, "0.5")
    assert state.inputs is not before and state.inputs[0][0, 2, 0] == 0.5
    assert demo.table.data(demo.table.index(2, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_keyboard_insert_delete_paste(qtbot, window, demo) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    demo.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is demo.view)
    demo.view.setCurrentIndex(demo.table.index(0, 0))
    qtbot.keyClick(demo.view, Qt.Key.Key_Insert)
    assert demo.table.rowCount() == 31 and demo.table.data(demo.table.index(1, 0)) == demo.table.data(demo.table.index(0, 0))
    qtbot.keyClick(demo.view, Qt.Key.Key_Delete)
    assert demo.table.rowCount() == 30
    QApplication.clipboard().setText("0.25")
    demo.view.setCurrentIndex(demo.table.index(4, 0))
    qtbot.keyClick(demo.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.state.inputs[0][0, 4, 0] == 0.25


def test_save_and_load_round_trip(window, demo, tmp_path: Path) -> None:
    state = window.state
    edit(demo, 0, 0, "1.50")  # kept as typed
    original = state.inputs[0].copy()
    assert demo.save(tmp_path / "one.csv") and demo.save(tmp_path / "batch.npy") and demo.save(tmp_path / "all.npz")
    assert (tmp_path / "one.csv").read_text().splitlines()[0] == "1.50"
    demo.generate("constant", 30, {"value": 0.0})
    assert not state.inputs[0].any()
    for name in ("batch.npy", "all.npz", "one.csv"):
        demo.generate("constant", 30, {"value": 0.0})
        assert demo.load(tmp_path / name), name
        np.testing.assert_array_equal(state.inputs[0], original)
    assert demo.table.data(demo.table.index(0, 0)) == "1.50"  # the CSV holds the text as typed


def test_a_bad_file_keeps_what_the_table_had(window, demo, tmp_path: Path) -> None:
    state = window.state
    before = state.inputs
    (tmp_path / "typo.csv").write_text("x\n" + "0.5\n" * 10 + "0..5\n" + "0.5\n" * 19)
    assert demo.load(tmp_path / "typo.csv")  # loaded into the table, typo and all
    assert demo.table.data(demo.table.index(10, 0)) == "0..5"
    assert "time step 10: '0..5' is not a number" in demo.message.text() and state.inputs is before
    (tmp_path / "broken.npz").write_bytes(b"PK not a zip")
    assert not demo.load(tmp_path / "broken.npz")
    assert "cannot read" in demo.message.text() and demo.table.data(demo.table.index(10, 0)) == "0..5"
    edit(demo, 10, 0, "0.5")
    np.testing.assert_array_equal(state.inputs[0], np.full((1, 30, 1), 0.5, np.float32))


def test_batch_add_select_duplicate_remove(window, demo, traced) -> None:
    state = window.state
    demo.add_sequence()
    assert state.inputs[0].shape == (2, 30, 1) and demo.sequence == 1 and state.sequence == 1
    assert not np.array_equal(state.inputs[0][0], state.inputs[0][1])
    demo.select_sequence(0)
    assert state.sequence == 0 and demo.sequence_spin.value() == 1
    demo.duplicate_sequence()
    np.testing.assert_array_equal(state.inputs[0][2], state.inputs[0][0])
    edit(demo, 0, 0, "9")  # edits the selected (third) sequence only
    assert state.inputs[0][2, 0, 0] == 9 and state.inputs[0][0, 0, 0] != 9
    state.select_sequence(1)  # another view selects a sequence: the dock follows
    assert demo.sequence == 1 and demo.sequence_spin.value() == 2
    demo.remove_sequence()
    assert state.inputs[0].shape == (2, 30, 1)
    traced()
    assert state.result.trace["lstm"]["forward"].batch == 2
    assert_trace_is_the_engines(state)


def _any_length_document() -> Document:
    """A 512-unit LSTM that takes sequences of any length, 1 feature (built in memory)."""
    from dataclasses import replace

    model = replace(char_lstm_model(symbols=1, units=512), inputs=(InputSpec("chars", (None, None, 1)),))
    return Document(model, Path("lstm_512.h5"), 0.0)


def test_generators_make_the_model_input_shape(window, traced) -> None:
    window.state.set_document(_any_length_document())
    traced()
    panel, state = window.sequence_panel, window.state
    assert state.inputs[0].shape == (1, 50, 1)  # any length: 50 steps of a sine
    assert panel.generator.time_steps.isEnabled()
    for kind in ("sine", "step", "impulse", "constant", "random"):
        panel.generator.kind.setCurrentText(kind)
        panel.generator.time_steps.setValue(77)
        panel.generator.button.click()
        assert state.inputs[0].shape == (1, 77, 1) and state.inputs[0].dtype == np.float32, kind
        assert panel.table.rowCount() == 77
    traced()
    assert_trace_is_the_engines(state)


def test_a_thousand_steps_for_a_512_unit_lstm_leave_the_window_responsive(qtbot, window, traced) -> None:
    """The engine runs in the worker: the event loop keeps turning while it traces 1,000 steps."""
    window.state.set_document(_any_length_document())
    traced()
    panel = window.sequence_panel
    ticks = []
    from PyQt6.QtCore import QTimer

    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(window.trace_runner.running))
    timer.start()
    panel.generate("sine", 1000, {"frequency": 0.01})
    traced()
    timer.stop()
    assert window.state.inputs[0].shape == (1, 1000, 1)
    assert any(ticks)  # the GUI thread handled timer events while the trace was running
    assert window.state.result.trace["lstm_1"]["forward"].time_steps == 1000


def test_embedding_model_takes_integer_token_ids(window, open_and_wait, traced, corpus: Path) -> None:
    open_and_wait(corpus / "models" / "k3_embedding_gru_3132.keras")
    traced()
    panel, state = window.sequence_panel, window.state
    ids = state.inputs[0]
    assert ids.shape == (1, 200) and ids.dtype == np.int64 and 1 <= ids.min() and ids.max() <= 9999
    assert panel.table.columnCount() == 1 and panel.table.headerData(0, Qt.Orientation.Horizontal) == "token id"
    assert "token ids 0..9999" in panel.info.text()
    assert [panel.generator.kind.itemText(k) for k in range(panel.generator.kind.count())] == ["tokens", "constant"]
    before = state.inputs
    for text, reason in (("3.5", "token ids are whole numbers"), ("10000", "token ids must be 0..9999"),
                         ("-1", "token ids must be 0..9999")):
        edit(panel, 7, 0, text)
        assert reason in panel.message.text() and state.inputs is before
    edit(panel, 7, 0, "42")
    assert state.inputs[0][0, 7] == 42 and state.inputs[0].dtype == np.int64
    panel.generate("tokens", 200, {"low": 5, "high": 8, "seed": 1})
    assert set(np.unique(state.inputs[0])) <= {5, 6, 7, 8}
    traced()
    assert_trace_is_the_engines(state)


def test_convlstm_frames_are_shown_by_shape(window, open_and_wait, traced, corpus: Path, tmp_path: Path) -> None:
    open_and_wait(corpus / "models" / "tfk1_dl4j_bidirectional_convlstm2d_gobackwards_224tf.h5")
    traced()
    panel, state = window.sequence_panel, window.state
    assert panel.pages.currentWidget() is panel.shape_only and "(3, 4, 10, 10)" in panel.shape_only.text()
    panel.generate("random", 3, {"seed": 5})
    assert state.inputs[0].shape == (1, 3, 4, 10, 10)
    frames = np.random.default_rng(0).normal(size=(2, 3, 4, 10, 10)).astype(np.float32)
    np.save(tmp_path / "frames.npy", frames)
    assert panel.load(tmp_path / "frames.npy")
    np.testing.assert_array_equal(state.inputs[0], frames)
    assert not panel.save(tmp_path / "frames.csv") and "save it as .npy" in panel.message.text()
    traced()
    assert_trace_is_the_engines(state)


def test_several_inputs_have_an_input_selector(window, open_and_wait, traced, corpus: Path) -> None:
    open_and_wait(corpus / "models" / "k2_cudnnlstm_multi_input_attention_220.h5")
    traced()
    panel, state = window.sequence_panel, window.state
    assert not panel.input_row.isHidden() and panel.input_combo.count() == 3
    panel.input_combo.setCurrentIndex(2)
    edit(panel, 0, 0, "0.125")
    assert state.inputs[2][0, 0, 0] == 0.125 and state.inputs[0][0, 0, 0] != 0.125
    panel.add_sequence()
    assert [a.shape[0] for a in state.inputs] == [2, 2, 2]
    traced()
    assert_trace_is_the_engines(state)


def test_weights_only_and_unrunnable_models_say_why(window, open_and_wait, traced, corpus: Path) -> None:
    open_and_wait(corpus / "models" / "k3w_bilstm_embedding.weights.h5")
    traced()
    assert window.state.result is None and "weights only" in window.state.result_reason
    assert not window.sequence_panel.isEnabled() and "weights only" in window.sequence_panel.shape_only.text()
    open_and_wait(corpus / "models" / "k3_gru_lambda_attention_legacy_391.h5")
    traced()
    assert window.sequence_panel.isEnabled() and window.state.inputs[0].shape == (1, 30, 5)
    reason = window.state.result_reason
    assert window.state.result is None and "Lambda" in reason and "\n" not in reason


def test_a_sequence_too_long_to_trace_is_refused_with_a_reason(window, traced) -> None:
    window.state.set_document(_any_length_document())
    traced()
    panel, before = window.sequence_panel, window.state.inputs
    panel.generate("sine", 30_000, {})
    assert panel.table.rowCount() == 30_000 and window.state.inputs is before
    assert "30000 time steps x 1 sequence(s) would need about 586 MB" in panel.message.text()
    panel.view.selectRow(29_999)
    panel.view.remove_selected_rows()  # still too long; the table keeps every row the user did not remove
    assert panel.table.rowCount() == 29_999 and window.state.inputs is before


def test_inputs_set_elsewhere_are_shown(window, demo) -> None:
    window.state.set_inputs([np.full((2, 30, 1), 0.5, np.float32)])
    assert demo.batch.size == 2 and demo.table.data(demo.table.index(0, 0)) == "0.5"
    edit(demo, 0, 0, "0.25")
    assert window.state.inputs[0][0, 0, 0] == 0.25 and window.state.inputs[0].shape == (2, 30, 1)


def test_show_goes_to_the_bad_cell_in_another_sequence(window, demo) -> None:
    demo.add_sequence()
    demo.select_sequence(0)
    edit(demo, 12, 0, "?")
    demo.select_sequence(1)
    assert "sequence 1, time step 12: '?' is not a number" in demo.message.text()
    demo.message.linkActivated.emit("show")
    assert demo.sequence == 0 and (demo.view.currentIndex().row(), demo.view.currentIndex().column()) == (12, 0)


def test_hostile_files_and_edits_for_a_three_feature_model(window, open_and_wait, traced, corpus, tmp_path) -> None:
    open_and_wait(corpus / "models" / "k3_bilstm_380.keras")  # (None, 14, 3)
    traced()
    panel, before = window.sequence_panel, window.state.inputs
    (tmp_path / "ragged.csv").write_text("a,b,c\n" + "1,2,3\n" * 5 + "4,5\n" + "1,2,3\n" * 8)
    assert panel.load(tmp_path / "ragged.csv")
    assert panel.table.data(panel.table.index(5, 1)) == "5" and panel.table.data(panel.table.index(5, 2)) == ""
    assert "time step 5, feature 3: empty cell" in panel.message.text() and window.state.inputs is before
    edit(panel, 5, 2, "6")
    assert window.state.inputs is not before and window.state.inputs[0][0, 5].tolist() == [4, 5, 6]
    before = window.state.inputs
    np.save(tmp_path / "wide.npy", np.ones((14, 4)))
    assert panel.load(tmp_path / "wide.npy")
    assert panel.table.columnCount() == 4 and panel.table.headerData(3, Qt.Orientation.Horizontal) == "4 (extra)"
    assert "3 feature(s) per time step" in panel.message.text() and window.state.inputs is before
    panel.view.selectAll()
    panel.view.remove_selected_rows()
    assert panel.table.rowCount() == 0 and "the sequence is empty: add a time step" in panel.message.text()
    assert window.state.inputs is before
