"""The window remembers its layout, opens with progress and Cancel, and closes without waiting."""

from __future__ import annotations

import sys
from pathlib import Path

from PyQt6.QtCore import QSettings, Qt

from inspector.core.sandbox.isolated_open import IsolatedOpener
from inspector.gui.main_window import MainWindow

HANG = [sys.executable, "-c", "import time; time.sleep(120)"]


def _window(qtbot, settings: QSettings) -> MainWindow:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.reference_runner.auto_action.setChecked(False)
    return window


def _opened_demo(qtbot, settings: QSettings) -> MainWindow:
    window = _window(qtbot, settings)
    window.show()
    window.open_demo("sine_lstm")
    qtbot.waitUntil(lambda: window.state.document is not None and not window.opener.pending, timeout=60000)
    return window


def test_layout_and_choices_come_back_at_the_next_start(qtbot, settings: QSettings) -> None:
    first = _window(qtbot, settings)
    first.show()
    first.resize(first.minimumSizeHint().width() + 40, 560)
    size = first.size()
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.sequence_dock)
    first.tabs.setCurrentIndex(2)
    first.state.set_scale_mode("per gate")
    first.time_view.controls.speed_box.setCurrentIndex(first.time_view.controls.speed_box.findData(50))
    first.close()

    second = _window(qtbot, settings)
    second.show()
    assert second.height() == size.height() and second.width() < 1500  # not the first-start 1500 x 940
    assert second.dockWidgetArea(second.sequence_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.tabs.currentIndex() == 2
    assert second.state.scale_mode == "per gate"
    assert second.time_view.controls.speed_box.currentData() == 50


def test_a_damaged_saved_state_is_a_first_start(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "damaged.ini"
    path.write_text("[window]\ngeometry=@ByteArray(\\x1\\x2\\x3)\ndocks=12\nchoices\\tab=99\n"
                    "choices\\scale_mode=sideways\nchoices\\speed=-4\n")
    window = _window(qtbot, QSettings(str(path), QSettings.Format.IniFormat))
    window.show()
    assert window.tabs.currentIndex() == 0 and window.state.scale_mode == "robust"
    assert window.dockWidgetArea(window.model_dock) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_cancel_stops_the_reader_at_once_and_keeps_the_open_model(qtbot, settings, dialogs, tmp_path) -> None:
    window = _opened_demo(qtbot, settings)
    window.opener.isolated = IsolatedOpener(command=HANG)  # a file that makes the reader loop
    hanging = tmp_path / "loops.h5"
    hanging.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    window.open_file(hanging)
    qtbot.waitUntil(lambda: window.opener.isolated._running is not None, timeout=10000)
    child = window.opener.isolated._running
    assert window.open_progress.isVisible() and "opening loops.h5" in window.open_progress.label.text()
    qtbot.mouseClick(window.open_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert child.wait(timeout=10) < 0  # killed, not left to the 60 s limit
    assert not window.open_progress.isVisible() and not window.opener.pending
    assert window.state.document.demo == "sine_lstm"
    assert "stopped opening loops.h5" in window.statusBar().currentMessage()
    qtbot.wait(200)
    assert dialogs == []  # a cancel is not an error


def test_closing_never_waits_for_a_child(qtbot, settings, tmp_path, monkeypatch) -> None:
    window = _opened_demo(qtbot, settings)
    window.opener.isolated = IsolatedOpener(command=HANG)
    hanging = tmp_path / "loops.h5"
    hanging.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    window.open_file(hanging)
    qtbot.waitUntil(lambda: window.opener.isolated._running is not None, timeout=10000)
    child = window.opener.isolated._running

    def no_waiting(*_args):
        raise AssertionError("closing waited for a worker")

    monkeypatch.setattr(window.opener, "wait", no_waiting)
    monkeypatch.setattr(window.trace_runner, "wait", no_waiting)
    window.close()
    assert child.wait(timeout=10) < 0


def test_the_default_window_fits_and_the_weights_never_clip(qtbot, settings) -> None:
    window = _window(qtbot, settings)
    window.resize(1500, 940)
    window.show()
    for demo in ("bilstm_classifier", "sine_gru"):
        window.open_demo(demo)
        qtbot.waitUntil(lambda d=demo: window.state.document is not None and window.state.document.demo == d,
                        timeout=60000)
        qtbot.wait(50)
        assert window.minimumSizeHint().width() <= 1500
        view = window.weights_view
        for area in (view.heatmap_area, view.histogram_area):
            assert not area.clipped()  # what does not fit the view scrolls
