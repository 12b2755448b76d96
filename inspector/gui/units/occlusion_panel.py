"""Which time steps mattered, for the Units tab: occlusion over time computed in the background.

Run replaces each step of the shown batch by the chosen baseline in turn (inspector.core.units.occlusion)
in a worker, with progress and Cancel; the plot shows the change of the outputs that change most for
the shown sequence, with the time cursor. New inputs or a new model make an old answer go away.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from inspector.core.engine import Result
from inspector.core.model.canonical import Model
from inspector.core.units.occlusion import BASELINES, Occlusion, occlusion
from inspector.core.units.summary import occlusion_lines
from inspector.gui.units.figures import OcclusionFigure, draw_occlusion
from inspector.gui.widgets.plain import plain, shown
from inspector.gui.workers.base import LatestJob

BASELINE_TEXT = {"zero": "zeros", "mean": "the sequence's mean"}


def occlusion_title(found: Occlusion, sequence: int) -> str:
    return f"output change when step t is replaced by {BASELINE_TEXT[found.baseline]} · sequence {sequence + 1}"


class OcclusionPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found: Occlusion | None = None
        self.request: tuple[Model, Result, list[np.ndarray]] | None = None
        self.sequence, self.time_step = 0, 0
        self.figure = OcclusionFigure()
        self.job = LatestJob(self)
        self.job.progress.connect(lambda f: self.progress.setValue(int(1000 * f)))
        self.job.done.connect(self._on_done)
        self.job.failed.connect(self._on_failed)
        self.job.busy_changed.connect(self._on_busy)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.baseline = QComboBox(toolTip="what replaces the occluded step")
        for name in BASELINES:
            self.baseline.addItem(BASELINE_TEXT[name], name)
        self.run_button = QPushButton("Which steps mattered?", toolTip="replace each step in turn and "
                                      "re-run the model (in the background)")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel", enabled=False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar(maximum=1000, textVisible=False, maximumWidth=140, visible=False)
        for widget in (QLabel("occlude with"), self.baseline, self.run_button, self.cancel_button, self.progress):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.plot_widget = pg.GraphicsLayoutWidget()
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.plot_widget, 1)
        self.note = plain(QLabel("Press the button to see how much each time step changes the output.", wordWrap=True))
        layout.addWidget(self.note)

    def set_inputs(self, model: Model | None, result: Result | None, inputs: list[np.ndarray] | None) -> None:
        """What a run would occlude; an answer for anything else is dropped."""
        request = (model, result, inputs) if model is not None and result is not None and inputs else None
        if request is not None and self.request is not None and all(
                a is b for a, b in zip(request, self.request, strict=True)):
            return
        self.job.cancel()
        self.request, self.found = request, None
        self.run_button.setEnabled(request is not None)
        self.note.setText("Press the button to see how much each time step changes the output."
                          if request is not None else "No trace yet.")
        self.redraw()

    def run(self) -> None:
        if self.request is None:
            return
        model, result, inputs = self.request
        baseline = self.baseline.currentData()
        self.note.setText("occluding every step ...")
        self.job.submit(lambda progress, cancelled: occlusion(model, result, inputs, baseline, progress=progress,
                                                              cancelled=cancelled))

    def cancel(self) -> None:
        self.job.cancel()
        self.note.setText("cancelled")

    def _on_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        self.progress.setValue(0)

    def _on_done(self, found: Occlusion) -> None:
        self.found = found
        self.note.setText(shown(f"computed: {found.method}" + (f" ({found.reason})" if found.reason else "")))
        self.redraw()

    def _on_failed(self, reason: str) -> None:
        self.note.setText(f"occlusion failed: {shown(reason)}")

    def show_sequence(self, sequence: int, time_step: int) -> None:
        self.sequence, self.time_step = sequence, time_step
        self.redraw()

    def redraw(self) -> None:
        found = self.found
        if found is None or self.sequence >= found.changes[0].shape[0]:
            self.plot_widget.ci.clear()
            self.figure = OcclusionFigure()
            return
        self.figure = draw_occlusion(self.plot_widget.ci, occlusion_lines(found, self.sequence),
                                     occlusion_title(found, self.sequence), self.time_step)

    def set_time_step(self, t: int) -> None:
        self.time_step = t
        self.figure.set_time_step(t)
