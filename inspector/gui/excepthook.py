"""Unexpected errors go to a dialog (and stderr) instead of ending the app."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PyQt6.QtCore import QThread
from PyQt6.QtWidgets import QApplication, QMessageBox, QWidget

from inspector.gui.widgets.plain import plain, shown

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def error_summary(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ExceptionDialogHook:
    """sys.excepthook: print the traceback, show one line plus details in a dialog, keep running."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self.parent = parent
        self.previous: Hook = sys.excepthook
        self._showing = False

    def __call__(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(details)
        app = QApplication.instance()
        if self._showing or app is None or QThread.currentThread() is not app.thread():
            return  # while the dialog is up, after the app ended, or off the GUI thread: only printed
        self._showing = True
        try:
            self._show(exc, details)
        finally:
            self._showing = False

    def _show(self, exc: BaseException, details: str) -> None:
        box = plain(QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                                f"Something went wrong inside LSTM Inspector:\n\n{shown(error_summary(exc))}\n\n"
                                "The window keeps running; the model that was open is unchanged.",
                                QMessageBox.StandardButton.Ok, self.parent()))
        box.setDetailedText(details)
        box.exec()

    def install(self) -> ExceptionDialogHook:
        self.previous = sys.excepthook
        sys.excepthook = self
        return self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self.previous
