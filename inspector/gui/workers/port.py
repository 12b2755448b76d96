"""The ported code in the background: File > Export Code (write, build, run and prove the port) and
Keras > Run Ported Code (the port's outputs on the window's sequences, for the Predictions view).

Both are `LatestJob`s and use core's one proof (inspector.core.port.proof, as `lstm-inspector port`
does). The export runs on the window's sequences (the seeded test vector `verify` uses when there are
none) and reuses the window's Keras reference when it is there for them; otherwise it starts its own
`ReferenceJob`, polled from a QTimer so the event loop never waits for Keras. After an export (or the
first Run Ported Code, which builds the port in a temporary folder) the port runs again by itself
whenever the sequences change; its outputs go into `state.set_port`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QKeySequence

from inspector.core.engine import Cancelled
from inspector.core.engine import run as run_engine
from inspector.core.errors import InspectorError
from inspector.core.port import PortPlan, plan_port
from inspector.core.port.contract import require_tool
from inspector.core.port.proof import STAGES, KerasOutputs, PortedRun, export_port, run_port
from inspector.core.port.support import LANGUAGE_TITLES
from inspector.gui.state import InspectorState
from inspector.gui.workers.base import IsCancelled, LatestJob, Progress
from inspector.gui.workers.reference import start_keras_child
from inspector.reference import ReferenceJob, plan_reference, seeded_inputs

DEBOUNCE_MS = 400
POLL_MS = 100
KERAS_STAGE = "computing the Keras reference"
ENGINE_STAGE = "running the numpy engine"
ALL_STAGES = (KERAS_STAGE, ENGINE_STAGE, *STAGES)
NOT_ASKED = "not asked for (Prove against Keras was off)"


class PortRunner(QObject):
    """Exports the port and runs it on the state's sequences; one thing at a time, Cancel stops it."""

    stage = pyqtSignal(str, float)  # what the export is doing, fraction done
    exported = pyqtSignal(object)  # a PortedRun with its proof
    failed = pyqtSignal(str)  # why the export stopped (refusal, missing tool, build error, cancelled)
    busy_changed = pyqtSignal(bool)

    def __init__(self, state: InspectorState, parent: QObject | None = None, *,
                 job_factory: Any = ReferenceJob, debounce_ms: int = DEBOUNCE_MS,
                 reference_coming: Callable[[], bool] = lambda: False) -> None:
        super().__init__(parent)
        self.state = state
        self.reference_coming = reference_coming  # the window's Keras reference for its inputs is on its way
        self._waiting: tuple | None = None  # an export waiting for that reference
        self._exporting = False  # an export runs (new sequences wait for it instead of outdating it)
        self.job_factory = job_factory
        self.language = "numpy"  # of Run Ported Code before any export: the last one chosen
        self.plan: PortPlan | None = None  # the built port of the open model, and its folder
        self.folder: Path | None = None
        self.keras_job: Any = None
        self._temporary: list[Path] = []
        self._after: Callable[[Any], None] = lambda _value: None
        self._work = LatestJob(self)
        self._work.done.connect(lambda value: self._after(value))
        self._work.failed.connect(self._failed)
        self._work.busy_changed.connect(lambda _b: self.busy_changed.emit(self.busy))
        self._work.progress.connect(self._on_progress)
        self._poll = QTimer(self, interval=POLL_MS, timeout=self._tick)
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms, timeout=self.run_on_sequences)
        self.run_action = QAction("Run &Ported Code", self, shortcut=QKeySequence("Ctrl+Shift+R"),
                                  triggered=self.run_on_sequences)
        self.run_action.setToolTip("run the exported code on the current sequences and show it in Predictions")
        state.document_changed.connect(self._on_document)
        state.inputs_changed.connect(self._on_inputs)
        state.reference_changed.connect(self._on_reference)

    @property
    def busy(self) -> bool:
        return self._work.pending or self.keras_job is not None or self._waiting is not None

    # ----- File > Export Code ---------------------------------------------------------------------
    def export(self, language: str, folder: str | Path, with_keras: bool = True) -> None:
        """Port the open model to `language` in `folder` and prove it; answers with `exported` or `failed`."""
        self.cancel()
        document = self.state.document
        if document is None:
            self.failed.emit("open a model first")
            return
        try:
            plan = plan_port(document.model, language)  # a refusal names the layer and the language
            require_tool(language)
        except InspectorError as error:
            self.failed.emit(str(error))
            return
        self._exporting = True
        self.language = language
        inputs, engine = self._inputs()
        known = self._known_keras(inputs, with_keras)
        if known is None and inputs is self.state.inputs and self.reference_coming():
            self._waiting = (plan, Path(folder), inputs, engine)  # one Keras child at a time on this machine
            self.stage.emit(f"{KERAS_STAGE} (the window's, for the same sequences)", 0.0)
            self.busy_changed.emit(True)
        elif known is None:
            self._start_keras(plan, Path(folder), inputs, engine)
        else:
            self._start_export(plan, Path(folder), inputs, engine, known)

    def _inputs(self) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
        """The window's sequences (with the engine's outputs when they are there), or the seeded test vector."""
        state = self.state
        if state.inputs:
            return state.inputs, list(state.result.outputs) if state.result is not None else None
        assert state.document is not None
        return seeded_inputs(state.document.model), None

    def _known_keras(self, inputs: list[np.ndarray], with_keras: bool) -> KerasOutputs | None:
        """Keras's outputs without starting Keras, or None when a Keras child has to compute them."""
        if not with_keras:
            return KerasOutputs(reason=NOT_ASKED)
        assert self.state.document is not None
        plan = plan_reference(self.state.document.model)
        if not plan.possible:
            return KerasOutputs(reason=plan.reason)
        reference = self.state.reference
        if inputs is self.state.inputs and reference is not None and reference.available:
            return KerasOutputs.of(reference)
        return None

    def _on_reference(self) -> None:
        """The window's reference arrived (or went with its inputs): the waiting export goes on."""
        waiting, reference = self._waiting, self.state.reference
        if waiting is None or (reference is None and waiting[2] is self.state.inputs):
            return
        self._waiting = None
        if waiting[2] is self.state.inputs and reference is not None:
            self._start_export(*waiting, KerasOutputs.of(reference))
        else:  # new sequences replaced the ones being exported: Keras for those in a child of its own
            self._start_keras(*waiting)

    def _start_keras(self, plan: PortPlan, folder: Path, inputs: list[np.ndarray],
                     engine: list[np.ndarray] | None) -> None:
        self.keras_job = self.job_factory(plan.model, [np.array(a) for a in inputs])
        self._started = time.monotonic()
        self._after = lambda _job: self._poll.start()
        self._work.submit(lambda _progress, cancelled, job=self.keras_job: start_keras_child(job, cancelled))
        self._pending_export = (plan, folder, inputs, engine)
        self.stage.emit(KERAS_STAGE, 0.0)

    def _tick(self) -> None:
        job = self.keras_job
        if job is None or self._work.pending:
            return
        if not job.poll().finished:
            self.stage.emit(f"{KERAS_STAGE} ({time.monotonic() - self._started:.0f} s)", 0.0)
            return
        self._poll.stop()
        self.keras_job = None
        try:
            keras = KerasOutputs.of(job.result())
        except InspectorError as error:
            keras = KerasOutputs(reason=str(error))
        self._start_export(*self._pending_export, keras)

    def _start_export(self, plan: PortPlan, folder: Path, inputs: list[np.ndarray],
                      engine: list[np.ndarray] | None, keras: KerasOutputs, announce: bool = True) -> None:
        self._after = lambda exported: self._take_export(plan, exported, announce)
        self._work.submit(lambda progress, cancelled: _export(plan, folder, inputs, engine, keras, progress,
                                                              cancelled))

    def _on_progress(self, fraction: float) -> None:
        at = min(int(round(fraction * len(ALL_STAGES))), len(ALL_STAGES) - 1)
        self.stage.emit(ALL_STAGES[at], fraction)

    def _take_export(self, plan: PortPlan, exported: PortedRun, announce: bool) -> None:
        self.plan, self.folder, self._exporting = plan, exported.folder, False
        if announce:
            self.exported.emit(exported)
        self.state.set_port(exported)  # taken only when it ran on the window's sequences
        if exported.inputs is not self.state.inputs and self.state.inputs:
            self.run_on_sequences()
        else:
            self.state.show_status(f"the ported {exported.title} code ran on the sequences (see Predictions)")

    # ----- Keras > Run Ported Code ------------------------------------------------------------------
    def run_on_sequences(self) -> None:
        """The port's outputs for the state's sequences (building the port in a temporary folder if needed)."""
        self._debounce.stop()
        state = self.state
        if state.document is None or not state.inputs or self._exporting:
            return  # an export that runs now runs the port on the new sequences when it is done
        inputs, plan, folder = state.inputs, self.plan, self.folder
        if plan is None or folder is None:
            self._build_temporary(inputs)
            return
        self._after = self._take_run
        self._work.submit(lambda _progress, _cancelled: run_port(plan, folder, inputs))
        state.show_status(f"running the ported {LANGUAGE_TITLES[plan.language]} code on the sequences ...")

    def _build_temporary(self, inputs: list[np.ndarray]) -> None:
        assert self.state.document is not None
        try:
            plan = plan_port(self.state.document.model, self.language)
            require_tool(self.language)
        except InspectorError as error:
            self.state.show_status(f"cannot run ported code: {error}")
            return
        folder = Path(tempfile.mkdtemp(prefix="lstm-inspector-port-"))
        self._temporary.append(folder)
        engine = list(self.state.result.outputs) if self.state.result is not None else None
        keras = KerasOutputs.of(self.state.reference, "no Keras reference when the port was built")
        self._start_export(plan, folder, inputs, engine, keras, announce=False)
        self.state.show_status(f"building the {LANGUAGE_TITLES[self.language]} port to run it ...")

    def _take_run(self, ported: PortedRun) -> None:
        self.state.set_port(ported)
        self.state.show_status(f"ran the ported {ported.title} code on {len(ported.outputs[0])} sequence(s)")

    def _failed(self, reason: str) -> None:
        self._exporting = False
        self._poll.stop()
        self.keras_job = None  # its start failed, or nothing was waiting for it
        self.failed.emit(reason)
        self.state.show_status(f"ported code: {reason}")

    # ----- state -> jobs ------------------------------------------------------------------------------
    def _on_document(self, _document: object) -> None:
        self.cancel()
        self.plan, self.folder = None, None
        self._remove_temporary()

    def _on_inputs(self) -> None:
        if self.folder is not None and self.state.inputs:
            self._debounce.start()

    def cancel(self) -> None:
        """Stop what runs now (a Keras child at once; a generated program after its current step)."""
        self._debounce.stop()
        self._poll.stop()
        self._waiting, self._exporting = None, False
        job, self.keras_job = self.keras_job, None
        if job is not None:
            job.cancel()
        self._work.cancel()
        self.busy_changed.emit(self.busy)

    def shutdown(self) -> None:
        """The window closes: never wait - a running build or program is outdated and its result dropped."""
        self.cancel()
        self._remove_temporary()

    def _remove_temporary(self) -> None:
        for folder in self._temporary:
            shutil.rmtree(folder, ignore_errors=True)
        self._temporary.clear()


def _export(plan: PortPlan, folder: Path, inputs: list[np.ndarray], engine: list[np.ndarray] | None,
            keras: KerasOutputs, progress: Progress, cancelled: IsCancelled) -> PortedRun:
    """In the worker: the engine's outputs if missing, then write, build, run and prove."""
    def stage(name: str) -> None:
        if cancelled():
            raise Cancelled
        progress(ALL_STAGES.index(name) / len(ALL_STAGES))

    if engine is None:
        stage(ENGINE_STAGE)
        engine = list(run_engine(plan.model, inputs, record_trace=False, cancelled=cancelled).outputs)
    return export_port(plan, folder, inputs, engine, keras, stage)
