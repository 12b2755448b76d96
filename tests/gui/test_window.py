"""The window: the demo at start, opening by menu/drop/recent, a bad file, the shell around it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PyQt6.QtGui import QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import QApplication

from inspector.demo import DEMOS, demo_model
from inspector.gui.about import about_html
from inspector.gui.excepthook import ExceptionDialogHook


def test_demo_opens_with_its_sequence(window, open_and_wait) -> None:
    open_and_wait(demo="sine_lstm")
    document = window.state.document
    assert window.windowTitle() == "LSTM Inspector - sine_lstm.keras (demo)"
    assert document.demo == "sine_lstm" and document.sequence.shape == (30, 1)
    assert window.state.layer_name == "lstm"
    assert window.weights_view.heatmap_count == 12  # W, U, b of i, f, c, o
    assert window.model_panel.tree.topLevelItemCount() == len(document.model.layers)
    assert "opened sine_lstm.keras (demo) in" in window.statusBar().currentMessage()


def test_create_window_opens_the_demo_when_no_file_is_given(qtbot, dialogs) -> None:
    from inspector.gui.app import create_window

    window = create_window(None)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.state.document is not None, timeout=30000)
    assert window.state.document.demo == "sine_lstm"


@pytest.mark.parametrize("name", DEMOS)
def test_open_demo_menu_has_every_demo(window, open_and_wait, name: str) -> None:
    open_and_wait(demo=name)
    assert window.state.document.path == demo_model(name)
    assert window.weights_view.heatmap_count > 0


def _drop_event(cls, path: Path):
    """A drag-enter or drop event carrying one file URL (keep the QMimeData alive with the event)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    position = QPoint(200, 200) if cls is QDragEnterEvent else QPointF(200, 200)
    return cls(position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
               Qt.KeyboardModifier.NoModifier), mime


def test_dropping_a_model_file_opens_it(qtbot, window, corpus: Path) -> None:
    path = corpus / "models" / "k1_dl4j_bidirectional_lstm_tensorflow_1.h5"
    enter, _mime = _drop_event(QDragEnterEvent, path)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop, _mime = _drop_event(QDropEvent, path)
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.state.document is not None, timeout=30000)
    assert window.state.document.path == path
    assert window.windowTitle() == f"LSTM Inspector - {path.name}"


def test_dragging_other_files_is_refused(window, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    enter, _mime = _drop_event(QDragEnterEvent, text)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_a_bad_file_shows_the_reason_and_keeps_the_open_model(window, open_and_wait, dialogs, tmp_path) -> None:
    open_and_wait(demo="sine_gru")
    before = window.state.document
    bad = tmp_path / "broken.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"garbage" * 100)
    open_and_wait(bad)
    assert len(dialogs) == 1
    title, text = dialogs[0]
    assert title == "Cannot open file" and "broken.h5" in text
    reason = text.split("\n\n", 1)[1]
    assert reason and "\n" not in reason and "Traceback" not in reason
    assert window.state.document is before
    assert window.windowTitle() == "LSTM Inspector - sine_gru.keras (demo)"
    assert window.weights_view.heatmap_count == 12  # W, U, b, b_U (reset_after) of z, r, h


def test_a_missing_file_is_reported_too(window, open_and_wait, dialogs, tmp_path) -> None:
    open_and_wait(tmp_path / "nowhere.keras")
    assert dialogs and "no such file" in dialogs[0][1]
    assert window.state.document is None
    view = window.weights_view
    assert view.stack.currentWidget() is view.message and view.message.text().startswith("No model open")


def test_opened_files_become_recent_files(window, open_and_wait, corpus: Path) -> None:
    path = corpus / "models" / "k3_gru_legacy_3132.h5"
    open_and_wait(path)
    open_and_wait(demo="sine_lstm")  # demos are not recent files
    assert window.recent.paths() == [str(path)]
    window._fill_recent_menu()
    assert [a.text() for a in window.recent_menu.actions()][0] == str(path)


def test_shortcuts() -> None:
    from inspector.gui import main_window

    source = Path(main_window.__file__).read_text()
    assert "QKeySequence.StandardKey.Open" in source and '"Ctrl+E"' in source


def test_exception_hook_shows_a_dialog_and_returns(dialogs, qapp, capsys) -> None:
    hook = ExceptionDialogHook()
    try:
        raise ValueError("something odd\nsecond line")
    except ValueError as exc:
        hook(type(exc), exc, exc.__traceback__)
    assert dialogs and dialogs[0][0] == "Unexpected error"
    assert "ValueError: something odd" in dialogs[0][1] and "second line" not in dialogs[0][1]
    assert "Traceback" in capsys.readouterr().err


def test_exception_hook_installs_and_uninstalls(qapp) -> None:
    before = sys.excepthook
    hook = ExceptionDialogHook().install()
    assert sys.excepthook is hook
    hook.uninstall()
    assert sys.excepthook is before


def test_about_names_the_versions(window, open_and_wait, dialogs) -> None:
    open_and_wait(demo="sine_lstm")
    text = about_html(window.state.document)
    for name in ("LSTM Inspector", "numpy", "Qt", "pyqtgraph", "3.15.1"):
        assert name in text
    window.menuBar().actions()[-1].menu().actions()[0].trigger()
    assert dialogs and dialogs[0][0] == "About LSTM Inspector"


def test_the_window_never_imports_tensorflow(tmp_path: Path) -> None:
    """Open the window on the demo in a fresh process where TensorFlow and Keras cannot be imported."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    code = (
        "import sys\n"
        "from PyQt6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from inspector.gui.app import create_window\n"
        "w = create_window(None)\n"
        "w.opener.wait(); app.processEvents()\n"
        "print(w.state.document is not None, [m for m in ('tensorflow', 'keras', 'tf_keras') if m in sys.modules])\n"
    )
    env = {"PYTHONPATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "True []", result.stderr


def test_loading_shows_a_busy_indicator(qtbot, window) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.open_demo("sine_lstm")
    assert window.busy_bar.isVisible() and window.opener.pending
    qtbot.waitUntil(lambda: not window.opener.pending, timeout=30000)
    assert not window.busy_bar.isVisible()


def test_an_error_in_a_slot_goes_to_the_dialog_and_the_app_lives_on(qtbot, window, dialogs) -> None:
    from PyQt6.QtCore import QTimer

    def broken() -> None:
        raise RuntimeError("a bug in a view")

    hook = ExceptionDialogHook(lambda: window).install()
    try:
        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    finally:
        hook.uninstall()
    assert dialogs[0][0] == "Unexpected error" and "RuntimeError: a bug in a view" in dialogs[0][1]


RUN_APP_AND_QUIT = """
import sys
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication
import pyqtgraph  # it installs its own sys.excepthook on import: the hook to restore is the one after that
from inspector.gui.app import run_app
app = QApplication(sys.argv[:1])
before, seen = sys.excepthook, []
def look_and_quit():
    seen.extend(w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible())
    QApplication.quit()
QTimer.singleShot(1500, look_and_quit)
status = run_app(None)
print(status, sys.excepthook is before, [t for t in seen if t.startswith("LSTM Inspector")])
"""


def test_run_app_shows_the_window_and_returns_the_exit_status() -> None:
    """In its own process: after QApplication.quit() Qt ends every later event loop at once, which
    would stall the GUI tests that follow in this process."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", RUN_APP_AND_QUIT], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[2], env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    status, hook_restored, titles = result.stdout.strip().splitlines()[-1].split(" ", 2)
    assert status == "0" and hook_restored == "True"
    assert "LSTM Inspector" in titles


def test_importing_the_app_module_imports_no_qt() -> None:
    """The command line imports inspector.gui.app before it knows whether a window is wanted."""
    code = "import sys, inspector.gui, inspector.gui.app\nprint([m for m in ('PyQt6', 'pyqtgraph') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"
