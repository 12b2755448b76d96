"""The live trace: whenever the inputs change, the engine runs again in a worker thread.

Requests are debounced (an edit burst runs once; a lone edit runs at once), an outdated run is stopped through the engine's
`cancelled` predicate, and only the newest request's result lands in the state (`set_result`), or
None with a one-line reason for a model that cannot run. `TraceStatus` is the status bar's part:
"trace 12 ms", and a progress bar with a percentage for runs long enough to wait for.
"""

from __future__ import annotations

import time

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from inspector.core.engine import Result, run
from inspector.gui.state import InspectorState
from inspector.gui.widgets.plain import tip
from inspector.gui.workers.base import IsCancelled, LatestJob, Progress

DEBOUNCE_MS = 150
SHOW_PROGRESS_AFTER_S = 0.3  # shorter runs would only flicker a progress bar


class TraceRunner(QObject):
    """Recomputes `state.result` for `state.inputs`, off the GUI thread."""

    started = pyqtSignal()
    progress = pyqtSignal(float)  # fraction of the current run done
    finished = pyqtSignal(float)  # seconds the run took
    failed = pyqtSignal(str)  # one-line reason

    def __init__(self, state: InspectorState, parent: QObject | None = None, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.state = state
        self._job = LatestJob(self)
        self._job.progress.connect(self.progress)
        self._job.done.connect(self._on_done)
        self._job.failed.connect(self._on_failed)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._start)
        self._delay = delay_ms / 1000
        self._last_request = -1e9
        self.running = False
        self.last_seconds: float | None = None
        state.inputs_changed.connect(self.schedule)
        state.document_changed.connect(lambda _document: self.cancel())

    @property
    def pending(self) -> bool:
        """True from a change of inputs until its result (or reason) is in the state."""
        return self._timer.isActive() or self.running

    def schedule(self) -> None:
        """New inputs: stop the running trace at once; start the new one right away after a pause
        (a single edit lands at once), else when the edits pause for the debounce delay."""
        self._job.cancel()
        now = time.perf_counter()
        idle = not self.running and not self._timer.isActive() and now - self._last_request >= self._delay
        self._last_request = now
        self._timer.start(0 if idle else round(self._delay * 1000))

    def cancel(self) -> None:
        self._job.cancel()
        self._timer.stop()
        if self.running:
            self.running = False
            self.finished.emit(-1.0)

    def wait(self, msecs: int = -1) -> bool:
        return self._job.wait(msecs)

    def _start(self) -> None:
        inputs, document = self.state.inputs, self.state.document
        if inputs is None or document is None:
            self.running = False
            return
        self.running = True
        self.started.emit()
        model = document.model

        def trace(progress: Progress, cancelled: IsCancelled) -> tuple[Result, float]:
            start = time.perf_counter()
            result = run(model, inputs, record_trace=True, progress=progress, cancelled=cancelled)
            return result, time.perf_counter() - start

        self._job.submit(trace)

    def _on_done(self, answer: tuple[Result, float]) -> None:
        result, seconds = answer
        self.running = False
        self.last_seconds = seconds
        self.state.set_result(result)
        self.finished.emit(seconds)

    def _on_failed(self, reason: str) -> None:
        self.running = False
        self.state.set_result(None, reason)
        self.failed.emit(reason)


class TraceStatus(QWidget):
    """Status bar piece: "trace 12 ms", the reason a model cannot run, and progress of long runs."""

    def __init__(self, runner: TraceRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar(minimum=0, maximum=100, maximumWidth=160)
        self.bar.setFormat("trace %p%")
        self.bar.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self._started = 0.0
        runner.started.connect(self._on_started)
        runner.progress.connect(self._on_progress)
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)

    def _on_started(self) -> None:
        self._started = time.perf_counter()
        self.bar.setValue(0)

    def _on_progress(self, fraction: float) -> None:
        if time.perf_counter() - self._started >= SHOW_PROGRESS_AFTER_S:
            self.bar.show()
            self.label.setText("tracing ...")
        self.bar.setValue(round(100 * fraction))

    def _on_finished(self, seconds: float) -> None:
        self.bar.hide()
        self.label.setToolTip("")
        self.label.setText("" if seconds < 0 else f"trace {seconds * 1000:.0f} ms")

    def _on_failed(self, reason: str) -> None:
        self.bar.hide()
        self.label.setText("no trace: the model cannot run")
        self.label.setToolTip(tip(reason))
