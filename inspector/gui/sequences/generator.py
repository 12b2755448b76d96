"""The "Generate" box of the Sequence dock: a generator, its parameters and how many time steps.

Fields come from `inspector.core.inputs.generators.PARAMETERS`; values typed for one generator are kept
when another is chosen and back. Generate emits the request; the panel does the rest.
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from inspector.core.inputs.generators import PARAMETERS, Parameter

PAIRS_PER_ROW = 3
MAX_TIME_STEPS = 10**7


class GeneratorBox(QGroupBox):
    generate_requested = pyqtSignal(str, int, dict)  # generator, time steps, parameters

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Generate", parent)
        self.kind = QComboBox()
        self.kind.setToolTip("what to put into the selected sequence")
        self.time_steps = QSpinBox(minimum=1, maximum=MAX_TIME_STEPS, value=50)
        self.time_steps.setToolTip("length of the generated sequence")
        self.button = QPushButton("Generate")
        self.button.setToolTip("replace the selected sequence with the generated one (Ctrl+G)")
        self.button.setShortcut("Ctrl+G")
        self.button.clicked.connect(self._request)
        self.grid = QGridLayout(self)
        self.grid.addWidget(self.kind, 0, 0, 1, 2)
        self.grid.addWidget(QLabel("time steps"), 0, 2)
        self.grid.addWidget(self.time_steps, 0, 3)
        self.grid.addWidget(self.button, 0, 4, 1, 2)
        self.fields: dict[str, dict[str, QSpinBox | QDoubleSpinBox]] = {}
        self._shown: list[QWidget] = []
        self._token_high: int | None = None
        self.kind.currentTextChanged.connect(self._show_fields)

    def configure(self, kinds: tuple[str, ...], time_steps: int, fixed: bool, token_high: int | None = None) -> None:
        """Generators offered, the current length (fixed: the model allows no other) and the
        largest token id (Embedding inputs)."""
        if token_high != self._token_high:
            self.fields.pop("tokens", None)  # rebuilt with the new vocabulary's range
            self._token_high = token_high
        current = self.kind.currentText()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItems(kinds)
        self.kind.setCurrentIndex(kinds.index(current) if current in kinds else 0)
        self.kind.blockSignals(False)
        self.time_steps.setValue(time_steps)
        self.time_steps.setEnabled(not fixed)
        self._show_fields(self.kind.currentText())

    def parameters(self) -> dict[str, float]:
        return {name: box.value() for name, box in self.fields.get(self.kind.currentText(), {}).items()}

    def _request(self) -> None:
        self.generate_requested.emit(self.kind.currentText(), self.time_steps.value(), self.parameters())

    def _show_fields(self, kind: str) -> None:
        for widget in self._shown:
            self.grid.removeWidget(widget)
            widget.hide()
        self._shown = []
        if kind not in PARAMETERS:
            return
        if kind not in self.fields:
            self.fields[kind] = {p.name: self._field(p) for p in PARAMETERS[kind]}
        boxes = self.fields[kind]
        for k, parameter in enumerate(PARAMETERS[kind]):
            label = QLabel(parameter.name)
            label.setToolTip(parameter.tip)
            row, col = 1 + k // PAIRS_PER_ROW, 2 * (k % PAIRS_PER_ROW)
            for offset, widget in enumerate((label, boxes[parameter.name])):
                self.grid.addWidget(widget, row, col + offset)
                widget.show()
                self._shown.append(widget)

    def _field(self, parameter: Parameter) -> QSpinBox | QDoubleSpinBox:
        high = parameter.maximum
        default = parameter.default
        if parameter.name == "high" and self._token_high is not None and self.kind.currentText() == "tokens":
            high = default = self._token_high
        if parameter.integer:
            box = QSpinBox(minimum=int(parameter.minimum), maximum=int(high), value=int(default))
        else:
            box = QDoubleSpinBox(decimals=4, minimum=parameter.minimum, maximum=high, value=default)
            box.setSingleStep(0.01 if parameter.maximum <= 1 else 0.1)
        box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        box.setToolTip(parameter.tip)
        return box
