"""The Keras reference in the background: one `ReferenceJob` for the current model and inputs.

When new inputs arrive (debounced, so typing in the sequence editor starts one job, not ten) or an
engine result arrives for inputs without a job, the previous job is cancelled and a new one starts.
`ReferenceJob.start` (copying and re-checking the file) runs in a worker thread; the child process is
polled from a QTimer, so the event loop never waits for Keras. The ReferenceResult goes into
`state.set_reference`; once the engine's result is there too, the comparison (`compare_model`, and
`diagnose` when they disagree: several engine runs) is computed in the worker thread and goes into
`state.set_comparison` as a `Verification`. A permanent status-bar label says where things are.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, Qt, QTimer
from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from inspector.core.analysis.verification import ReferenceResult, Verification, verify_against_keras
from inspector.core.errors import InspectorError
from inspector.gui.state import InspectorState
from inspector.gui.widgets.plain import plain, shown, tip
from inspector.gui.workers.base import IsCancelled, LatestJob
from inspector.reference import ReferenceJob, plan_reference

DEBOUNCE_MS = 400  # inputs that keep changing (typing) start one job once they settle
POLL_MS = 100
LABEL_WIDTH = 520
CANCELLED = "the Keras reference was cancelled (Keras > Run Keras Reference runs it again)"


class ReferenceRunner(QObject):
    """Starts, polls and cancels the Keras reference for the state's model and inputs."""

    def __init__(self, state: InspectorState, parent: QObject | None = None, *,
                 job_factory: Any = ReferenceJob, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.state = state
        self.job_factory = job_factory
        self.job: Any = None
        self.status = ""
        self._inputs: list[np.ndarray] | None = None  # the inputs of the current job
        self._started = 0.0
        self._cancelled_inputs: object = None  # inputs the user cancelled: no automatic restart
        self._closed = False
        # two workers: a job's start() never waits behind a long diagnosis of the previous inputs
        self._starting = LatestJob(self)  # copies and re-checks the file, then starts the Keras child
        self._starting.failed.connect(lambda reason: self._finish(ReferenceResult(False, reason=reason)))
        self._starting.discarded.connect(lambda job: job.cancel())  # started for inputs no longer shown
        self._verifying = LatestJob(self)  # compare, and diagnose a difference (several engine runs)
        self._verifying.done.connect(self._take_verification)
        self._verifying.failed.connect(self._verification_failed)
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms, timeout=self.start)
        self._timer = QTimer(self, interval=POLL_MS, timeout=self._tick)
        self._build_widgets()
        state.document_changed.connect(self._on_document)
        state.inputs_changed.connect(self._on_inputs)
        state.result_changed.connect(self._on_result)

    # ----- widgets --------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.label = plain(QLabel())
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.run_action = QAction("&Run Keras Reference", self, shortcut=QKeySequence("Ctrl+R"),
                                  triggered=self.rerun)
        self.run_action.setToolTip("compute the Keras reference for the current sequences again")
        self.cancel_action = QAction("&Cancel Keras Reference", self, shortcut=QKeySequence("Ctrl+."),
                                     triggered=self.cancel, enabled=False)
        self.cancel_action.setToolTip("stop the Keras child process (Ctrl+.)")
        self.auto_action = QAction("Run Keras &Automatically", self, checkable=True, checked=True)
        self.auto_action.setToolTip("start the Keras reference whenever the sequences change (off: only on Ctrl+R)")
        self.cancel_action.setIconText("Cancel")
        self.run_action.setIconText("Re-run")
        self.cancel_button = _tool_button(self.cancel_action)
        self.run_button = _tool_button(self.run_action)
        row.addWidget(self.label)
        row.addWidget(self.cancel_button)
        row.addWidget(self.run_button)
        self._show("")

    def _show(self, text: str) -> None:
        self.status = text
        self.label.setText(self.label.fontMetrics().elidedText(shown(text), Qt.TextElideMode.ElideRight, LABEL_WIDTH))
        self.label.setToolTip(tip(text) if text else "")
        running = self.running
        self.cancel_action.setEnabled(running)
        self.cancel_button.setVisible(running)
        can_run = self.state.document is not None and bool(self.state.inputs)
        self.run_action.setEnabled(can_run)
        self.run_button.setVisible(can_run and not running)

    # ----- state -> jobs ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    @property
    def coming(self) -> bool:
        """A reference for the current inputs is on its way (running, or waiting for the inputs to settle)."""
        return self.job is not None or self._debounce.isActive()

    def _on_document(self, document: Any) -> None:
        self._drop_job()
        self._debounce.stop()
        plan = plan_reference(document.model)  # no Keras needed to know a file Keras cannot load
        self._show("Keras reference: waiting for a sequence" if plan.possible
                   else f"Keras reference unavailable: {plan.reason}")

    @property
    def automatic(self) -> bool:
        return self.auto_action.isChecked()

    def _on_inputs(self) -> None:
        self._drop_job()
        self._cancelled_inputs = None
        if self.state.document is None or not self.state.inputs:
            return
        if self.automatic:
            self._debounce.start()
            self._show("Keras reference: waiting for the sequence to settle")
        else:
            self._show("Keras reference: not run for these sequences (Keras > Run Keras Reference, Ctrl+R)")

    def _on_result(self) -> None:
        state = self.state
        if state.result is None or not state.inputs or self._debounce.isActive():
            return
        if (self.job is None and state.reference is None and self._cancelled_inputs is not state.inputs
                and self.automatic):
            self.start()  # the engine finished for inputs no job has run yet
        elif state.reference is not None and state.reference.available:
            self._verify()

    def rerun(self) -> None:
        """Run the reference again for the current inputs (also after a cancel)."""
        self._cancelled_inputs = None
        self.start()

    def start(self) -> None:
        """Cancel any job and start one for the current model and inputs."""
        self._debounce.stop()
        self._drop_job()
        state = self.state
        if state.document is None or not state.inputs or self._closed:
            return
        self._inputs = state.inputs
        self.job = self.job_factory(state.document.model, [np.array(a) for a in state.inputs])
        self._started = time.monotonic()
        self._starting.submit(lambda _progress, cancelled, job=self.job: start_keras_child(job, cancelled))
        self._timer.start()
        self._show("Keras reference: running (0 s)")

    def cancel(self) -> None:
        """Stop the child process; the state gets an unavailable reference that says it was cancelled."""
        if self.job is None:
            return
        self._cancelled_inputs = self._inputs
        self._drop_job()
        self.state.set_reference(ReferenceResult(False, reason=CANCELLED))
        self._show("Keras reference cancelled")

    def shutdown(self) -> None:
        """Stop everything (the window closes)."""
        self._closed = True
        self._debounce.stop()
        self._drop_job()

    # ----- polling --------------------------------------------------------------------------------
    def _tick(self) -> None:
        if self.job is not None:
            self._poll_job(self.job)
        if self.job is None and not self._verifying.pending:
            self._timer.stop()

    def _poll_job(self, job: Any) -> None:
        elapsed = time.monotonic() - self._started
        if self._starting.pending:
            self._show(f"Keras reference: running ({elapsed:.0f} s)")
            return
        progress = job.poll()
        if not progress.finished:
            detail = "" if progress.state in ("running", "starting") else f", {progress.state}"
            self._show(f"Keras reference: running ({elapsed:.0f} s{detail})")
            return
        try:
            reference = job.result()
        except InspectorError as error:
            reference = ReferenceResult(False, reason=str(error))
        self._finish(reference)

    def _finish(self, reference: ReferenceResult) -> None:
        self.job = None
        if self._inputs is not self.state.inputs:
            return  # outdated (should not happen: new inputs drop the job)
        self.state.set_reference(reference)
        if not reference.available:
            self._show(f"Keras reference unavailable: {reference.reason}")
        elif self.state.result is None:
            self._show(f"{reference.runtime}: computed in {reference.seconds:.1f} s; waiting for the engine")
        else:
            self._verify()

    # ----- comparing ------------------------------------------------------------------------------
    def _verify(self) -> None:
        state = self.state
        if state.verification is not None or state.document is None or self._closed:
            return
        model, inputs, result, reference = state.document.model, state.inputs, state.result, state.reference
        self._verifying.submit(lambda _progress, _cancelled: verify_against_keras(model, inputs, result, reference))
        self._show(f"{reference.runtime}: comparing with the engine ...")
        self._timer.start()

    def _verification_failed(self, reason: str) -> None:
        runtime = self.state.reference.runtime if self.state.reference else "Keras"
        self._show(f"{runtime}: could not compare: {reason}")

    def _take_verification(self, verification: Verification) -> None:
        if verification.result is self.state.result and verification.reference is self.state.reference:
            self.state.set_comparison(verification)
            self._show(verification.verdict)

    def _drop_job(self) -> None:
        """Forget the current job; its child is stopped now, or once its start() has returned."""
        job, starting = self.job, self._starting.pending
        self.job, self._inputs = None, None
        self._verifying.cancel()
        if job is None:
            return
        self._starting.cancel()
        if not starting:
            job.cancel()
        # else the worker cancels the job once start() returns (or `discarded` does, in this thread)
        self._show(self.status)


def _tool_button(action: QAction) -> QToolButton:
    """A small flat button next to the status label that triggers `action` (text: its icon text)."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setAutoRaise(True)
    return button


def start_keras_child(job: Any, cancelled: IsCancelled) -> Any:
    """In the worker: copy and re-check the file, start the child; stop it at once if no longer wanted."""
    job.start()
    if cancelled():
        job.cancel()
    return job
