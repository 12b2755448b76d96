"""The live trace: whenever the inputs change, the engine runs again in a worker thread.

Requests are debounced (an edit burst runs once; a lone edit runs at once), an outdated run is stopped through the engine's
`cancelled` predicate, and only the newest request's result lands in the state (`set_result`), or
None with a one-line reason for a model that cannot run. `TraceStatus` is the status bar's part:
"trace 12 ms", and a progress bar with a percentage for runs long enough to wait for.
"""

from __future__ import annotations

import sys
import time
import traceback

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, QTimer, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from inspector.core.engine import Cancelled, run
from inspector.core.errors import InspectorError
from inspector.gui.state import InspectorState
from inspector.gui.workers.opening import reason_text

DEBOUNCE_MS = 150
SHOW_PROGRESS_AFTER_S = 0.3  # shorter runs would only flicker a progress bar


class _Signals(QObject):
    progress = pyqtSignal(int, float)  # request, fraction done
    done = pyqtSignal(int, object, float)  # request, Result, seconds
    failed = pyqtSignal(int, str)  # request, reason


class _TraceTask(QRunnable):
    def __init__(self, request: int, model, inputs, runner: TraceRunner) -> None:
        super().__init__()
        self.request, self.model, self.inputs, self.runner = request, model, inputs, runner
        self.signals = runner.signals

    def run(self) -> None:
        if self.runner.outdated(self.request):
            return
        start = time.perf_counter()
        try:
            result = run(self.model, self.inputs, record_trace=True,
                         progress=lambda fraction: self.signals.progress.emit(self.request, fraction),
                         cancelled=lambda: self.runner.outdated(self.request))
        except Cancelled:
            return
        except Exception as exc:  # every failure is a reason on screen; the window lives on
            if not isinstance(exc, InspectorError):
                traceback.print_exc(file=sys.stderr)
            self.signals.failed.emit(self.request, reason_text(exc))
        else:
            self.signals.done.emit(self.request, result, time.perf_counter() - start)


class TraceRunner(QObject):
    """Recomputes `state.result` for `state.inputs`, off the GUI thread."""

    started = pyqtSignal()
    progress = pyqtSignal(float)  # fraction of the current run done
    finished = pyqtSignal(float)  # seconds the run took
    failed = pyqtSignal(str)  # one-line reason

    def __init__(self, state: InspectorState, parent: QObject | None = None, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.state = state
        self.signals = _Signals(self)
        self.signals.progress.connect(self._on_progress)
        self.signals.done.connect(self._on_done)
        self.signals.failed.connect(self._on_failed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one run at a time; an outdated one stops within a few steps
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._start)
        self._delay = delay_ms / 1000
        self._last_request = -1e9
        self._request = 0
        self.running = False
        self.last_seconds: float | None = None
        state.inputs_changed.connect(self.schedule)
        state.document_changed.connect(lambda _document: self.cancel())

    @property
    def pending(self) -> bool:
        """True from a change of inputs until its result (or reason) is in the state."""
        return self._timer.isActive() or self.running

    def outdated(self, request: int) -> bool:
        """Called from the worker: a newer request (or a cancel) makes this run pointless."""
        return request != self._request

    def schedule(self) -> None:
        """New inputs: stop the running trace at once; start the new one right away after a pause
        (a single edit lands at once), else when the edits pause for the debounce delay."""
        self._request += 1
        now = time.perf_counter()
        idle = not self.running and not self._timer.isActive() and now - self._last_request >= self._delay
        self._last_request = now
        self._timer.start(0 if idle else round(self._delay * 1000))

    def cancel(self) -> None:
        self._request += 1
        self._timer.stop()
        if self.running:
            self.running = False
            self.finished.emit(-1.0)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _start(self) -> None:
        inputs, document = self.state.inputs, self.state.document
        if inputs is None or document is None:
            self.running = False
            return
        self.running = True
        self.started.emit()
        self._pool.start(_TraceTask(self._request, document.model, inputs, self))

    def _current(self, request: int) -> bool:
        return request == self._request

    def _on_progress(self, request: int, fraction: float) -> None:
        if self._current(request):
            self.progress.emit(fraction)

    def _on_done(self, request: int, result, seconds: float) -> None:
        if self._current(request):
            self.running = False
            self.last_seconds = seconds
            self.state.set_result(result)
            self.finished.emit(seconds)

    def _on_failed(self, request: int, reason: str) -> None:
        if self._current(request):
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
        self.label.setToolTip(reason)
