"""Start the window: `run_app(model_path)` is what `lstm-inspector [MODEL]` calls after parsing."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from inspector import APP_ID
from inspector.demo import DEMOS

DEFAULT_DEMO = DEMOS[0]  # sine_lstm


def run_app(model_path: str | None = None, architecture: str | None = None, sequence: str | None = None) -> int:
    """Open the window on `model_path` (the demo model and its sequence when None; a weights-only file read
    with its `architecture` file when given), with the inputs in the file `sequence` when given (as
    `inspector.show` passes them); the exit status."""
    from PyQt6.QtWidgets import QApplication

    from inspector.gui.excepthook import ExceptionDialogHook
    from inspector.gui.icon import app_icon
    from inspector.gui.recent import APPLICATION, ORGANISATION

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName(APP_ID)  # the installed .desktop file (install-desktop): its icon and name
    app.setWindowIcon(app_icon())
    window = create_window(model_path, architecture)
    gc.freeze()  # the start-up's objects are never scanned again: full collections paused the window 100-300 ms
    if sequence:
        load_sequence_once_open(window, sequence)
    hook = ExceptionDialogHook(lambda: window).install()
    window.show()
    try:
        return app.exec()
    finally:
        hook.uninstall()


def create_window(model_path: str | Path | None = None, architecture: str | Path | None = None):
    """A MainWindow that has started opening `model_path` (or the default demo) in its worker."""
    from inspector.gui.main_window import MainWindow

    window = MainWindow()
    if model_path:
        window.open_file(model_path, architecture)
    else:
        window.open_demo(DEFAULT_DEMO)
    return window


def load_sequence_once_open(window, path: str) -> None:
    """Put the inputs in `path` (.npy, .npz, .csv) into the Sequence dock once the model's first inputs are set."""
    def load() -> None:
        window.state.inputs_changed.disconnect(load)
        window.sequence_panel.load(path)

    window.state.inputs_changed.connect(load)
