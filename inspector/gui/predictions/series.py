"""Load a CSV time series into the Predictions tab: its look-back windows become the batch, and the
true next value of each window is plotted with the predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from inspector.core.errors import InspectorError
from inspector.core.inputs.series import Series, fixed_look_back, model_windows, read_series
from inspector.gui.predictions.export import DIFFER_COLOUR
from inspector.gui.state import InspectorState
from inspector.gui.widgets.plain import plain, shown


class SeriesControls(QWidget):
    """Load a CSV time series, pick the target column and look-back; its windows become the batch."""

    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.loaded: Series | None = None
        self.targets: np.ndarray | None = None
        self._inputs: list[np.ndarray] | None = None  # the batch we gave the state
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.load_button = QPushButton("Load Series...")
        self.load_button.setToolTip("a CSV time series (rows = time, columns = variables; a header row names "
                                    "them): its look-back windows become the batch")
        self.load_button.clicked.connect(self.ask_load)
        self.target_box = QComboBox()
        self.target_box.setToolTip("the column whose next value the model predicts")
        self.target_box.activated.connect(lambda _i: self.apply())
        self.look_back = QSpinBox(minimum=1, maximum=100000, value=30, keyboardTracking=False)
        self.look_back.setToolTip("time steps in each window: X[i] = series[i : i + look-back], "
                                  "y[i] = series[i + look-back]")
        self.look_back.valueChanged.connect(lambda _v: self.apply())
        self.apply_button = QPushButton("Use Series")
        self.apply_button.clicked.connect(self.apply)
        self.info = plain(QLabel(wordWrap=True))
        for widget in (self.load_button, QLabel("target:"), self.target_box, QLabel("look-back:"), self.look_back,
                       self.apply_button):
            row.addWidget(widget)
        row.addWidget(self.info, 1)
        state.document_changed.connect(lambda _d: self._on_model())
        state.inputs_changed.connect(self._show_info)
        self._on_model()

    @property
    def active(self) -> bool:
        return self._inputs is not None and self._inputs is self.state.inputs

    def truth(self) -> dict:
        """make_predictions keywords: the true next value of each window while the series is the batch."""
        if not self.active or self.loaded is None:
            return {}
        return {"targets": self.targets, "target_offset": self.look_back.value(),
                "target_name": self.target_box.currentText()}

    def _on_model(self) -> None:
        fixed = fixed_look_back(self.state.document.model) if self.state.document is not None else None
        self.look_back.blockSignals(True)
        if fixed:
            self.look_back.setValue(int(fixed))
        self.look_back.setEnabled(not fixed)
        self.look_back.setToolTip(f"the model reads exactly {fixed} time steps" if fixed else
                                  self.look_back.toolTip())
        self.look_back.blockSignals(False)
        self.setEnabled(self.state.document is not None)
        self._show_info()

    def ask_load(self) -> None:
        start = str(self.state.document.path.parent) if self.state.document else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Load a time series", start,
                                              "Time series (*.csv *.txt *.npy);;All files (*)")
        if path:
            self.load(path)

    def load(self, path: str | Path) -> bool:
        """Read the series and use its windows as the batch; False (and the reason shown) on a problem."""
        try:
            series = read_series(path)
        except InspectorError as error:
            self._error(str(error))
            return False
        self.loaded = series
        self.target_box.clear()
        self.target_box.addItems([shown(column) for column in series.columns])
        return self.apply()

    def apply(self) -> bool:
        """Cut the loaded series into windows and set them as the state's inputs."""
        document = self.state.document
        if self.loaded is None or document is None:
            return False
        target = max(self.target_box.currentIndex(), 0)
        try:
            validated, targets = model_windows(self.loaded.values, document.model, self.look_back.value(), target)
        except InspectorError as error:
            self._error(str(error))
            return False
        self._inputs, self.targets = validated, targets
        self.state.set_inputs(validated)
        return True

    def _show_info(self) -> None:
        series = self.loaded
        self.apply_button.setVisible(series is not None and not self.active)
        self.info.setStyleSheet("")
        if series is None:
            self.info.setText("or load a time series: its look-back windows become the batch")
        elif self.active:
            self.info.setText(f"{shown(series.name)}: {series.length} values, {len(self.targets)} windows "
                              f"(sequence k is the window that starts at time k - 1)")
        else:
            self.info.setText(f"{shown(series.name)} loaded, not in use (other inputs are set); Use Series applies it")

    def _error(self, text: str) -> None:
        self.info.setStyleSheet(f"color: {DIFFER_COLOUR}")
        self.info.setText(shown(text))
