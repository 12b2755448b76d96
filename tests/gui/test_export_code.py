"""File > Export Code and the port in Predictions: the proof against real Keras in every language, the
ported series next to manual and Keras, a broken port shown as differing, re-runs on new sequences,
refusals by layer and language, a missing toolchain, Cancel (the Keras child is gone), Open Folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QUrl
from PyQt6.QtGui import QDesktopServices

from inspector.core.analysis.compare import compare_arrays
from inspector.core.port.proof import port_tolerance
from tests.gui.images import is_drawn
from tests.gui.test_reference_in_window import SLEEPING_CHILD, child_gone, child_started, use_children
from tests.port.porting import require_tools
from tests.reference.reference_cases import keras_or_skip

REFUSED = "tfk1_dl4j_bidirectional_convlstm2d_gobackwards_224tf.h5"


def export(qtbot, window, language: str, folder: Path):
    dialog = window.show_export_code()
    dialog.language_box.setCurrentIndex(dialog.language_box.findData(language))
    dialog.folder_edit.setText(str(folder))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.waiting, timeout=60000)
    return dialog


def keras_reference(qtbot, window):
    qtbot.waitUntil(lambda: window.state.reference is not None, timeout=90000)
    reference = window.state.reference
    assert reference.available, reference.reason
    return reference


def port_rows(qtbot, window) -> list[list[str]]:
    """The ported code's rows of the Predictions table, as the tab shows them."""
    view = window.predictions_view
    window.tabs.setCurrentWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: not view.pending, timeout=10000)
    table = view.table
    rows = [[table.cell_text(r, c) for c in range(table.columnCount())] for r in range(table.rowCount())]
    return [row for row in rows if row[1].startswith("ported ")]


def test_every_language_is_proved_against_keras_and_shown_in_predictions(qtbot, window, open_and_wait,
                                                                          tmp_path: Path, monkeypatch) -> None:
    keras_or_skip()
    open_and_wait(demo="bilstm_classifier")
    reference = keras_reference(qtbot, window)  # real Keras, computed once by the window for its sequences
    window.tabs.setCurrentWidget(window.predictions_view)
    for language, title in (("numpy", "numpy"), ("js", "JavaScript"), ("c", "C")):
        require_tools(language)
        dialog = export(qtbot, window, language, tmp_path / language)
        text = dialog.message.text()
        assert f"The {title} port agrees" in text, text
        assert f"against Keras ({reference.runtime})" in text and "against the numpy engine" in text
        assert (tmp_path / language / "README.md").exists() and dialog.open_button.isEnabled()
        port = window.state.port
        assert port is not None and port.inputs is window.state.inputs and port.title == title
        keras_diff = compare_arrays(port.outputs[0], reference.outputs[0], port_tolerance(port.inputs))
        assert keras_diff.ok and f"{keras_diff.max_abs_err:.2e}" in text
        assert port_rows(qtbot, window) == [["output dense_2", f"ported {title}", f"{keras_diff.max_abs_err:.2e}", "1e-05",
                                      "agrees", f"max |port - Keras|; against the engine "
                                      f"{compare_arrays(port.outputs[0], window.state.result.outputs[0], 1e-5).max_abs_err:.2e}"]]
        data = window.predictions_view.data
        assert data.port_label == f"ported {title}" and np.array_equal(data.port, port.outputs[0].astype(np.float64))
        assert f"ported {title} code" in window.predictions_view.header.text()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    assert dialog.open_folder() and opened[0].toLocalFile() == str(tmp_path / "c")
    dialog.grab().save(str(tmp_path / "dialog.png"))
    qtbot.waitUntil(lambda: not window.predictions_view.pending, timeout=10000)
    window.predictions_view.grab().save(str(tmp_path / "predictions.png"))
    assert is_drawn(window.predictions_view.overlay_widget.grab().toImage())


def test_a_broken_port_shows_as_differing(qtbot, window, open_and_wait, tmp_path: Path) -> None:
    """The port's rows and header come from its own outputs: spoil the generated weights and they differ."""
    keras_or_skip()
    open_and_wait(demo="sine_lstm")
    assert window.reference_runner.coming  # the window's Keras is on its way: the export waits for it
    window.port_runner.job_factory = lambda *_args: pytest.fail("a second Keras child was started")
    dialog = export(qtbot, window, "numpy", tmp_path / "port")
    assert f"against Keras ({window.state.reference.runtime})" in dialog.message.text()
    assert port_rows(qtbot, window)[0][4] == "agrees"
    weights = tmp_path / "port" / "weights.npz"
    spoiled = {key: value * 1.5 for key, value in np.load(weights).items()}
    np.savez(weights, **spoiled)
    before = window.state.port
    window.port_runner.run_action.trigger()
    qtbot.waitUntil(lambda: window.state.port is not before and window.state.port is not None, timeout=30000)
    row = port_rows(qtbot, window)[0]
    assert row[4] == "differs" and float(row[2]) > 1e-3
    assert "DIFFERS with Keras" in window.predictions_view.header.text()


def test_new_sequences_run_the_port_again(qtbot, window, open_and_wait, tmp_path: Path) -> None:
    keras_or_skip()
    open_and_wait(demo="sine_gru")
    keras_reference(qtbot, window)
    export(qtbot, window, "numpy", tmp_path / "port")
    x = np.asarray(window.state.inputs[0])
    window.state.set_inputs([np.concatenate([x, -0.5 * x], axis=0)])
    assert window.state.port is None  # cleared with the inputs, like the reference
    qtbot.waitUntil(lambda: window.state.port is not None, timeout=30000)
    port = window.state.port
    assert port.inputs is window.state.inputs and port.outputs[0].shape[0] == 2
    reference = keras_reference(qtbot, window)  # Keras for the new sequences
    assert compare_arrays(port.outputs[0], reference.outputs[0], port_tolerance(port.inputs)).ok
    # sequences that change while an export runs: the export finishes with its proof, then the port follows
    dialog = window.show_export_code()
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("c" if shutil.which("cc") else "numpy"))
    dialog.folder_edit.setText(str(tmp_path / "again"))
    dialog.start()
    window.state.set_inputs([x[:, ::2]])
    qtbot.waitUntil(lambda: not dialog.waiting, timeout=60000)
    assert "port agrees" in dialog.message.text() and "against Keras" in dialog.message.text()
    qtbot.waitUntil(lambda: window.state.port is not None, timeout=30000)
    assert window.state.port.inputs is window.state.inputs and window.state.port.outputs[0].shape[0] == 1


def test_run_ported_code_without_an_export_builds_a_temporary_port(qtbot, window, open_and_wait) -> None:
    window.reference_runner.auto_action.setChecked(False)
    open_and_wait(demo="sine_lstm")
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=30000)
    window.port_runner.run_action.trigger()
    qtbot.waitUntil(lambda: window.state.port is not None, timeout=30000)
    port = window.state.port
    assert port.language == "numpy" and port.folder.exists()
    # a self-check property only (no Keras here): the port equals the engine within verify's tolerance
    assert compare_arrays(port.outputs[0], window.state.result.outputs[0], 1e-5).ok
    row = port_rows(qtbot, window)[0]
    assert row[4] == "agrees" and "max |port - manual|" in row[5]
    window.open_demo("sine_gru")
    qtbot.waitUntil(lambda: not window.opener.pending, timeout=30000)
    assert window.state.port is None and not port.folder.exists()  # the temporary folder went with the model


def test_a_refusal_names_the_layer_and_the_language(qtbot, window, open_and_wait, corpus: Path,
                                                    tmp_path: Path) -> None:
    window.reference_runner.auto_action.setChecked(False)
    open_and_wait(corpus / "models" / REFUSED)
    dialog = export(qtbot, window, "c", tmp_path / "never")
    text = dialog.message.text()
    assert "layer 'bidirectional'" in text and "cannot be ported to C" in text and "ConvLSTM2D" in text
    assert not (tmp_path / "never").exists() and window.state.port is None


def test_a_missing_toolchain_is_said_before_anything_runs(qtbot, window, open_and_wait, tmp_path: Path,
                                                          monkeypatch) -> None:
    window.reference_runner.auto_action.setChecked(False)
    open_and_wait(demo="sine_lstm")
    monkeypatch.setenv("PATH", str(tmp_path))  # no node, cc or make
    dialog = window.show_export_code()
    for language, package in (("js", "nodejs"), ("c", "gcc")):
        dialog.language_box.setCurrentIndex(dialog.language_box.findData(language))
        assert f"apt-get install {package}" in dialog.message.text() and not dialog.export_button.isEnabled()
    failures: list[str] = []
    window.port_runner.failed.connect(failures.append)
    window.port_runner.export("js", tmp_path / "never")
    assert failures and "`node` was not found" in failures[0] and not (tmp_path / "never").exists()


def test_cancel_stops_the_keras_child(qtbot, window, open_and_wait, tmp_path: Path) -> None:
    window.reference_runner.auto_action.setChecked(False)  # no reference in the window: the export starts one
    open_and_wait(demo="sine_lstm")
    children = use_children(window, SLEEPING_CHILD)
    window.port_runner.job_factory = children
    dialog = window.show_export_code()
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("numpy"))
    dialog.folder_edit.setText(str(tmp_path / "port"))
    dialog.start()
    qtbot.waitUntil(lambda: child_started(children.last), timeout=20000)
    qtbot.waitUntil(lambda: "computing the Keras reference" in dialog.stage_label.text(), timeout=5000)
    assert dialog.cancel_button.isEnabled() and not dialog.export_button.isEnabled()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: child_gone(children.last), timeout=5000)
    assert "cancelled" in dialog.message.text() and not window.port_runner.busy
    assert window.state.port is None and not (tmp_path / "port").exists()
    assert dialog.export_button.isEnabled()


def test_without_keras_the_dialog_says_why(qtbot, window, open_and_wait, tmp_path: Path) -> None:
    window.reference_runner.auto_action.setChecked(False)
    open_and_wait(demo="sine_gru")
    dialog = window.show_export_code()
    dialog.keras_box.setChecked(False)
    dialog = export(qtbot, window, "numpy", tmp_path / "port")
    text = dialog.message.text()
    assert "not compared: not asked for" in text and "against the numpy engine" in text
    assert "# computed by the LSTM Inspector numpy engine" in (tmp_path / "port" / "expected_output.txt").read_text()
    row = port_rows(qtbot, window)[0]
    assert row[4] == "agrees" and "max |port - manual|" in row[5]
