"""Select a pattern on a heatmap and find it elsewhere (LSTMVis's select and match), for the Units tab.

Drag the yellow range over the steps of the heatmap (h, c or a gate of the shown sequence), set the
threshold and press Select: the units above it throughout the range and at or below it just before are
picked (`units_selected`) and every other window of the batch where they are on is listed; clicking
one asks to show that sequence at that step (`match_chosen`).
"""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector.core.engine.trace import DirectionTrace
from inspector.core.model.canonical import Layer
from inspector.core.units.ordering import UnitOrder
from inspector.core.units.patterns import Match, Selection, find_pattern
from inspector.core.units.quantities import quantity_names, unit_values
from inspector.core.units.summary import match_text, selection_text
from inspector.gui.units.figures import HeatmapFigure, draw_units_heatmap, quantity_scale

DEFAULT_THRESHOLD = 0.5


class PatternPanel(QWidget):
    units_selected = pyqtSignal(list)  # the units carrying the selected pattern
    match_chosen = pyqtSignal(int, int)  # sequence, first step of a matching window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: DirectionTrace | None = None
        self.cell: Layer | None = None
        self.order: UnitOrder | None = None
        self.sequence = 0
        self.figure = HeatmapFigure()
        self.selection: Selection | None = None
        self.matches: list[Match] = []
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.quantity_box = QComboBox(toolTip="what the heatmap shows and the pattern is selected on")
        self.quantity_box.activated.connect(lambda _i: self.redraw())
        self.threshold = QDoubleSpinBox(minimum=-1e6, maximum=1e6, decimals=3, singleStep=0.05,
                                        value=DEFAULT_THRESHOLD, toolTip="a unit is 'on' above this value")
        self.select_button = QPushButton("Select units", toolTip="the units on throughout the yellow range "
                                         "and off just before it; then find the same units on elsewhere")
        self.select_button.clicked.connect(self.select)
        for widget in (QLabel("pattern on"), self.quantity_box, QLabel("threshold"), self.threshold,
                       self.select_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.heatmap = pg.GraphicsLayoutWidget()
        self.heatmap.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches_list = QListWidget(toolTip="click: show that sequence with the time cursor at the window")
        self.matches_list.itemClicked.connect(self._on_match)
        self.note = QLabel("Drag the yellow range over the steps of a pattern, then Select units.", wordWrap=True)
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.note)
        box.addWidget(self.matches_list, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.heatmap)
        split.addWidget(lower)
        split.setSizes([380, 160])
        layout.addWidget(split, 1)

    def show_trace(self, trace: DirectionTrace | None, cell: Layer | None, order: UnitOrder | None, sequence: int,
                   time_step: int, picked: list[int]) -> None:
        """A new trace, order or sequence: redraw, keeping the quantity and the dragged range."""
        if trace is not self.trace:
            self.selection, self.matches = None, []
            self._list_matches()
        self.trace, self.cell, self.order, self.sequence = trace, cell, order, sequence
        names = quantity_names(trace) if trace is not None else []
        current = self.quantity_box.currentText() or "h"
        self.quantity_box.clear()
        self.quantity_box.addItems(names)
        self.quantity_box.setCurrentText(current if current in names else "h")
        self.redraw(time_step, picked)

    def redraw(self, time_step: int | None = None, picked: list[int] | None = None) -> None:
        trace, order = self.trace, self.order
        if trace is None or order is None:
            self.heatmap.ci.clear()
            self.figure = HeatmapFigure()
            return
        quantity = self.quantity_box.currentText() or "h"
        values = unit_values(trace, quantity)[min(self.sequence, trace.batch - 1)]
        levels, sequential = quantity_scale(self.cell, quantity, values)
        region = self.figure.selected_steps() if self.figure.region is not None else _default_range(values.shape[0])
        step = time_step if time_step is not None else int(self.figure.cursor.value()) if self.figure.cursor else 0
        title = f"{quantity} · sequence {self.sequence + 1}"
        self.figure = draw_units_heatmap(self.heatmap.ci, values, order, trace.mask[min(self.sequence, trace.batch - 1)],
                                         levels, sequential, title, step, region)
        shown = picked if picked is not None else ([] if self.selection is None else list(self.selection.units))
        self.figure.set_units(shown)

    def select(self) -> None:
        """Pick the units of the dragged range and list where else they are on."""
        if self.trace is None:
            return
        start, stop = self.figure.selected_steps()
        stop = min(stop, self.trace.time_steps)
        quantity = self.quantity_box.currentText() or "h"
        self.selection, self.matches = find_pattern(self.trace, quantity, min(self.sequence, self.trace.batch - 1),
                                                    start, stop, self.threshold.value())
        self._list_matches()
        self.units_selected.emit([int(u) for u in self.selection.units])

    def _list_matches(self) -> None:
        self.matches_list.clear()
        if self.selection is None:
            self.note.setText("Drag the yellow range over the steps of a pattern, then Select units.")
            return
        found = f"; on elsewhere in {len(self.matches)} window(s), best first:" if self.matches else ""
        self.note.setText(selection_text(self.selection) + (found or ("; found nowhere else in the batch"
                                                                      if self.selection.units.size else "")))
        for match in self.matches:
            item = QListWidgetItem(match_text(match, self.selection))
            item.setData(Qt.ItemDataRole.UserRole, (match.sequence, match.start))
            self.matches_list.addItem(item)

    def _on_match(self, item: QListWidgetItem) -> None:
        sequence, start = item.data(Qt.ItemDataRole.UserRole)
        self.match_chosen.emit(int(sequence), int(start))

    def set_time_step(self, t: int) -> None:
        self.figure.set_time_step(t)

    def set_units(self, units: list[int]) -> None:
        self.figure.set_units(units)


def _default_range(steps: int) -> tuple[int, int]:
    """A range to start from: a fifth of the sequence, a little after its start."""
    start = min(steps // 5, max(steps - 1, 0))
    return start, min(steps, start + max(steps // 5, 1))
