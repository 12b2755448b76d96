"""The status bar while a file opens: "opening NAME ... 4 s", a busy bar and Cancel.

Cancel stops the child process reading the file at once (a file that makes libhdf5 loop would
otherwise hold the user for the reader's whole time limit); the model that was open stays open.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from inspector.gui.widgets.plain import plain, shown

TICK_MS = 250  # how often the elapsed time is updated


class OpenProgress(QWidget):
    def __init__(self, cancel: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = plain(QLabel())
        self.bar = QProgressBar(maximumWidth=120, maximum=0)  # maximum 0: a busy animation
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", toolTip="stop reading this file; the model open now stays")
        self.cancel_button.clicked.connect(cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self._show_elapsed)
        self.name = ""
        self.started = 0.0
        self.hide()

    def start(self, name: str) -> None:
        self.name, self.started = name, time.monotonic()
        self._show_elapsed()
        self.timer.start()
        self.show()

    def stop(self) -> None:
        self.timer.stop()
        self.hide()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def _show_elapsed(self) -> None:
        self.label.setText(f"opening {shown(self.name)} ... {self.elapsed():.0f} s")
