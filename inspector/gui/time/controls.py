"""The time cursor controls: first / back / play-pause / forward / last, a slider and a speed.

The cursor lives in the state (`state.time_step`) so every view shares it; this bar only writes it
through `state.set_time_step` and follows `time_step_changed`. Buttons take no keyboard focus:
the keys (Left/Right, Home/End, PageUp/PageDown, Space) belong to the time view.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from inspector.gui.state import InspectorState

SPEEDS = (1, 2, 5, 10, 20, 50, 100)  # steps per second
DEFAULT_SPEED = 10
PAGE = 10


class TimeControls(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self._build()
        state.time_step_changed.connect(self._show_time_step)
        self.set_length(state.time_steps)

    def _build(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        icons = QStyle.StandardPixmap
        self.first_button = self._button(icons.SP_MediaSkipBackward, "first step (Home)", self.first)
        self.back_button = self._button(icons.SP_MediaSeekBackward, "one step back (Left)", lambda: self.step(-1))
        self.play_button = self._button(icons.SP_MediaPlay, "play / pause (Space)", self.toggle_play)
        self.forward_button = self._button(icons.SP_MediaSeekForward, "one step forward (Right)", lambda: self.step(1))
        self.last_button = self._button(icons.SP_MediaSkipForward, "last step (End)", self.last)
        for button in (self.first_button, self.back_button, self.play_button, self.forward_button, self.last_button):
            row.addWidget(button)
        self.slider = QSlider(Qt.Orientation.Horizontal, pageStep=PAGE, focusPolicy=Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self.state.set_time_step)
        row.addWidget(self.slider, 1)
        self.position = QLabel(minimumWidth=120)
        self.position.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.position)
        self.speed_box = QComboBox(focusPolicy=Qt.FocusPolicy.NoFocus, toolTip="play speed")
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed} steps/s", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed_box.currentIndexChanged.connect(self._set_interval)
        row.addWidget(self.speed_box)
        self._set_interval()

    def _button(self, icon: QStyle.StandardPixmap, tip: str, slot) -> QToolButton:
        button = QToolButton(toolTip=tip, focusPolicy=Qt.FocusPolicy.NoFocus, autoRaise=True)
        button.setIcon(self.style().standardIcon(icon))
        button.clicked.connect(slot)
        return button

    # ----- commands (buttons and keys) -------------------------------------------------------
    def step(self, delta: int) -> None:
        self.state.set_time_step(self.state.time_step + delta)

    def first(self) -> None:
        self.state.set_time_step(0)

    def last(self) -> None:
        self.state.set_time_step(self.state.time_steps - 1)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        elif self.state.time_steps > 1:
            if self.state.time_step >= self.state.time_steps - 1:
                self.first()  # play from the start again
            self.timer.start()
            self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause))

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))

    def _tick(self) -> None:
        if self.state.time_step >= self.state.time_steps - 1:
            self.pause()
        else:
            self.step(1)

    def _set_interval(self) -> None:
        self.timer.setInterval(round(1000 / self.speed_box.currentData()))

    # ----- state -> controls -------------------------------------------------------------------
    def set_length(self, time_steps: int) -> None:
        """A new sequence length: the slider covers 0..T-1 (disabled without a sequence)."""
        self.pause()
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(time_steps - 1, 0))
        self.slider.setValue(self.state.time_step)
        self.slider.blockSignals(False)
        self.setEnabled(time_steps > 0)
        self._show_time_step(self.state.time_step)

    def _show_time_step(self, t: int) -> None:
        if self.slider.value() != t:
            self.slider.blockSignals(True)
            self.slider.setValue(t)
            self.slider.blockSignals(False)
        steps = self.state.time_steps
        self.position.setText(f"t = {t}  of 0..{steps - 1}" if steps else "no sequence")
