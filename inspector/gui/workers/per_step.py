"""The per-step output for the time view: computed at once when it is cheap (the head on the trace),
in a worker thread when the engine has to run on every prefix of the sequence.

Only the newest request's answer is delivered; a new request cancels the running one.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from inspector.core.analysis.per_step import PerStep, per_step_method, per_step_outputs
from inspector.core.engine import Cancelled
from inspector.core.model.canonical import Model


class _Signals(QObject):
    done = pyqtSignal(int, object)  # request id, PerStep or reason
    progress = pyqtSignal(int, float)


class _PrefixTask(QRunnable):
    def __init__(self, request: int, job: PerStepJob, model: Model, inputs: list[np.ndarray], result: Any) -> None:
        super().__init__()
        self.request, self.job, self.model, self.inputs, self.result = request, job, model, inputs, result

    def run(self) -> None:
        signals = self.job.signals
        try:
            answer = per_step_outputs(self.model, self.inputs, self.result,
                                      progress=lambda f: signals.progress.emit(self.request, f),
                                      cancelled=lambda: self.job.request != self.request)
        except Cancelled:
            return
        except Exception as exc:  # an engine failure is a message under the plot, never a crash
            traceback.print_exc(file=sys.stderr)
            answer = f"not available: internal error: {type(exc).__name__}: {exc}"
        signals.done.emit(self.request, answer)


class PerStepJob(QObject):
    finished = pyqtSignal(object)  # PerStep, or a one-line reason (str)
    progress = pyqtSignal(float)  # 0..1 while the prefixes run

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.request = 0
        self.pending = False
        self.signals = _Signals(self)
        self.signals.done.connect(self._on_done)
        self.signals.progress.connect(lambda r, f: r == self.request and self.progress.emit(f))
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def start(self, model: Model, inputs: list[np.ndarray], result: Any) -> None:
        """Compute for `result`; `finished` follows (at once unless prefix runs are needed)."""
        self.request += 1
        steps = int(inputs[0].shape[1]) if inputs and inputs[0].ndim >= 2 else 0
        method, reason = per_step_method(model, steps)
        if method != "prefix":
            self.pending = False
            self.finished.emit(per_step_outputs(model, inputs, result) if method else reason)
            return
        self.pending = True
        self._pool.start(_PrefixTask(self.request, self, model, inputs, result))

    def cancel(self) -> None:
        self.request += 1
        self.pending = False

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _on_done(self, request: int, answer: PerStep | str) -> None:
        if request == self.request:
            self.pending = False
            self.finished.emit(answer)
