"""The per-unit table of one layer and direction, its rows in the layer's unit order.

Clicking a column header asks for that order (`order_requested`: column name; again: the other way round);
clicking a row picks its unit (`unit_clicked`). Dead units are greyed.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from inspector.core.units.ordering import UnitOrder
from inspector.core.units.statistics import DirectionUnits
from inspector.core.units.table import DEAD, cell_text, columns

UNIT = "unit"
DEAD_GREY = QBrush(QColor("#9a9a9a"))
PICKED_BACKGROUND = QBrush(QColor("#ffe4e1"))
HEADER_TIPS = {
    "mean |h|": "mean of |h| over every processed (sequence, step) pair",
    "std h": "standard deviation of h over every processed (sequence, step) pair",
    "memory (steps)": "1 / (1 - mean forget gate) (GRU: update gate z), capped at 1e6",
    DEAD: "std of h below 1e-3 with a gate saturated 99% of the steps or constant",
}


class UnitsTable(QTableWidget):
    order_requested = pyqtSignal(str)  # a column name, or UNIT for the natural order
    unit_clicked = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().sectionClicked.connect(self._on_header)
        self.cellClicked.connect(lambda row, _col: self.unit_clicked.emit(self.unit_at(row)))
        self.names: list[str] = []
        self.order: UnitOrder | None = None

    def show_units(self, units: DirectionUnits | None, order: UnitOrder | None, picked: list[int]) -> None:
        self.clear()
        self.order = order
        if units is None or order is None:
            self.setRowCount(0)
            self.setColumnCount(0)
            self.names = []
            return
        found = columns(units)
        self.names = [UNIT, *found]
        self.setColumnCount(len(self.names))
        self.setHorizontalHeaderLabels(self.names)
        for k, name in enumerate(self.names):
            item = self.horizontalHeaderItem(k)
            tip = HEADER_TIPS.get(name) or _column_tip(name)
            if item is not None and tip:
                item.setToolTip(f"{tip}\nclick: order the units by this column (again: reversed)")
        self.setRowCount(units.units)
        for row, unit in enumerate(order.order):
            cells = [str(int(unit)), *(cell_text(values[unit], name) for name, values in found.items())]
            for k, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if units.dead[unit]:
                    item.setForeground(DEAD_GREY)
                self.setItem(row, k, item)
        self.mark_units(picked)
        self.resizeColumnsToContents()

    def mark_units(self, picked: list[int]) -> None:
        if self.order is None:
            return
        for row in range(self.rowCount()):
            brush = PICKED_BACKGROUND if self.unit_at(row) in picked else QBrush()
            for k in range(self.columnCount()):
                item = self.item(row, k)
                if item is not None:
                    item.setBackground(brush)

    def unit_at(self, row: int) -> int:
        return int(self.order.order[row]) if self.order is not None else row

    def _on_header(self, section: int) -> None:
        if 0 <= section < len(self.names):
            self.order_requested.emit(self.names[section])


def _column_tip(name: str) -> str:
    if name.endswith((" left", " right")):
        gate, side = name.rsplit(" ", 1)
        bound = "below 0.1" if side == "left" else "above 0.9"
        return f"share of processed steps where gate {gate} is {bound}"
    if name.startswith("r "):
        return f"correlation of h with {name[2:]} over every processed (sequence, step) pair"
    return ""
