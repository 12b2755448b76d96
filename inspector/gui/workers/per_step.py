"""The per-step output for the time view: computed at once when it is cheap (the head on the trace),
in a worker thread when the engine has to run on every prefix of the sequence.

Only the newest request's answer is delivered; a new request cancels the running one.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal

from inspector.core.analysis.per_step import per_step_method, per_step_outputs
from inspector.core.engine import Result
from inspector.core.model.canonical import Model
from inspector.gui.workers.base import LatestJob


class PerStepJob(QObject):
    finished = pyqtSignal(object)  # PerStep, or a one-line reason (str)
    progress = pyqtSignal(float)  # 0..1 while the prefixes run

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = LatestJob(self)
        self._job.progress.connect(self.progress)
        self._job.done.connect(self.finished)
        self._job.failed.connect(lambda reason: self.finished.emit(f"not available: {reason}"))

    @property
    def pending(self) -> bool:
        return self._job.pending

    def start(self, model: Model, inputs: list[np.ndarray], result: Result) -> None:
        """Compute for `result`; `finished` follows (at once unless prefix runs are needed)."""
        steps = int(inputs[0].shape[1]) if inputs and inputs[0].ndim >= 2 else 0
        method, reason = per_step_method(model, steps)
        if method != "prefix":
            self._job.cancel()
            self.finished.emit(per_step_outputs(model, inputs, result) if method else reason)
            return
        self._job.submit(lambda progress, cancelled: per_step_outputs(model, inputs, result, progress=progress,
                                                                      cancelled=cancelled))

    def cancel(self) -> None:
        self._job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        return self._job.wait(msecs)
