"""The one way the window works in the background: `LatestJob` runs a function in a worker thread and
delivers, in the GUI thread, only the answer to the newest request.

Every background job (opening a file, the trace, the per-step outputs, the Keras reference) is a
`LatestJob`: a new request makes the running one outdated (its `cancelled()` turns true, so the engine
stops within a few steps), and an outdated answer is never delivered - it goes to `discarded`, so an
owner can release what it holds (a Keras child process). A failure becomes one line for the user.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from inspector.core.engine import Cancelled
from inspector.core.errors import InspectorError

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]
Work = Callable[[Progress, IsCancelled], Any]


def reason_text(exc: BaseException) -> str:
    """The one line a user sees for a failure: our own errors as they are, anything else named as internal."""
    if isinstance(exc, InspectorError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"internal error: {type(exc).__name__}: {exc}"


class _Signals(QObject):
    """Carries a worker's answers to the GUI thread (queued), tagged with the request they answer."""

    progress = pyqtSignal(int, float)
    done = pyqtSignal(int, object)
    failed = pyqtSignal(int, str)


class _Task(QRunnable):
    def __init__(self, request: int, work: Work, job: LatestJob) -> None:
        super().__init__()
        self.request, self.work, self.job = request, work, job

    def run(self) -> None:
        if self.job.outdated(self.request):
            return
        try:
            value = self.work(lambda fraction: self._emit("progress", fraction),
                              lambda: self.job.outdated(self.request))
        except Cancelled:
            return
        except Exception as exc:  # every failure is a message on screen; the window lives on
            if not isinstance(exc, InspectorError):
                traceback.print_exc(file=sys.stderr)
            self._emit("failed", reason_text(exc))
        else:
            self._emit("done", value)

    def _emit(self, signal: str, value: object) -> None:
        try:
            getattr(self.job.signals, signal).emit(self.request, value)
        except RuntimeError:  # the owner was deleted (its window closed) while this ran: nobody to tell
            pass


class LatestJob(QObject):
    """One function at a time in a worker thread; only the newest request's answer is delivered."""

    progress = pyqtSignal(float)  # fraction of the current request done
    done = pyqtSignal(object)  # the current request's value
    failed = pyqtSignal(str)  # the current request's failure, one line
    discarded = pyqtSignal(object)  # a value that arrived for an outdated request
    busy_changed = pyqtSignal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = _Signals(self)
        self.signals.progress.connect(self._on_progress)
        self.signals.done.connect(self._on_done)
        self.signals.failed.connect(self._on_failed)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one at a time: an outdated run stops, then the new one starts
        self._request = 0
        self._pending = False

    @property
    def pending(self) -> bool:
        """True from a request until its answer (or failure) has been delivered."""
        return self._pending

    def outdated(self, request: int) -> bool:
        """Thread-safe enough for its use: an int compared while the GUI thread may increment it."""
        return request != self._request

    def submit(self, work: Work) -> int:
        """Run `work(progress, cancelled)` in the worker; the previous request becomes outdated."""
        self._request += 1
        self._set_pending(True)
        self._pool.start(_Task(self._request, work, self))
        return self._request

    def cancel(self) -> None:
        """Make the current request outdated: it stops at its next `cancelled()` check, nothing is delivered."""
        self._request += 1
        self._set_pending(False)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _set_pending(self, pending: bool) -> None:
        if pending != self._pending:
            self._pending = pending
            self.busy_changed.emit(pending)

    def _on_progress(self, request: int, fraction: float) -> None:
        if not self.outdated(request):
            self.progress.emit(fraction)

    def _on_done(self, request: int, value: object) -> None:
        if self.outdated(request):
            self.discarded.emit(value)
            return
        self._set_pending(False)
        self.done.emit(value)

    def _on_failed(self, request: int, reason: str) -> None:
        if not self.outdated(request):
            self._set_pending(False)
            self.failed.emit(reason)
