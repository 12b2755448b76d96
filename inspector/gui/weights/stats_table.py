"""The per-gate statistics table under the heatmaps (and the same rows as CSV for export)."""

from __future__ import annotations

import csv
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from inspector.core.analysis.weight_blocks import Block
from inspector.core.analysis.weight_stats import SATURATION_HELP, SATURATION_THRESHOLD, weight_stats
from inspector.gui.widgets.plain import shown

COLUMNS = ("matrix", "shape", "mean", "std", "min", "max", "L2 norm", f"|w| > {SATURATION_THRESHOLD:g}", "NaN/Inf")
HEADER_TIPS = {
    "L2 norm": "square root of the sum of squared weights",
    f"|w| > {SATURATION_THRESHOLD:g}": SATURATION_HELP,
    "NaN/Inf": "weights that are not finite numbers; left out of every other column",
}


def stats_rows(blocks: list[Block]) -> list[tuple[str, ...]]:
    """One row of text per block, in COLUMNS order, grouped by gate (W_i, U_i, b_i, W_f, ...)."""
    gates = list(dict.fromkeys(block.gate for block in blocks))
    rows = []
    for block in sorted(blocks, key=lambda b: gates.index(b.gate)):
        s = weight_stats(block.values)
        rows.append((
            block.label, block.shape_text,
            _number(s.mean), _number(s.std), _number(s.min), _number(s.max), _number(s.l2_norm),
            "-" if s.count == 0 else f"{100 * s.saturating:.1f} %", str(s.non_finite),
        ))
    return rows


def _number(value: float) -> str:
    return "-" if value != value else f"{value:.3g}"


def write_stats_csv(blocks: list[Block], path: Path) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(stats_rows(blocks))
    return path


class StatsTable(QTableWidget):
    """A read-only table of stats_rows; numbers right-aligned, header tooltips explain the columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        for col, name in enumerate(COLUMNS):
            item = self.horizontalHeaderItem(col)
            if item is not None and name in HEADER_TIPS:
                item.setToolTip(HEADER_TIPS[name])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # fitted once per fill:
        # ResizeToContents re-measured every column at every cell set (100 cells: 30 ms)
        self.setAlternatingRowColors(True)

    def show_blocks(self, blocks: list[Block]) -> None:
        rows = stats_rows(blocks)
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(shown(text))
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        self.resizeColumnsToContents()
        self.setMinimumWidth(self._content_width())  # every column readable; the histograms get the rest

    def _content_width(self) -> int:
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        return self.horizontalHeader().length() + scroll_bar + 2 * self.frameWidth()
