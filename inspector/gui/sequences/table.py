"""The editable table of one sequence: rows = time steps, columns = features.

`SequenceTableModel` shows a Grid (the text of every cell as typed; bad cells red with the reason
as tooltip); `SequenceTableView` adds the keyboard: Ins inserts a row (a copy of the current one),
Del removes the selected rows, Ctrl+C copies the selection as tab-separated text (a spreadsheet
reads it), Ctrl+V pastes text from a spreadsheet or a CSV file at the current cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PyQt6.QtCore import QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QColor, QKeySequence
from PyQt6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from inspector.core.inputs.grid import CellRules, Grid
from inspector.core.inputs.text import split_cells

BAD_CELL = QColor("#f6c5c0")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ROW_HEIGHT = 22


class SequenceTableModel(QAbstractTableModel):
    """One Grid as a Qt table; every change the user makes emits `edited`."""

    edited = pyqtSignal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid = Grid.empty(0, 1)
        self.rules = CellRules(1)
        self.bad = np.zeros((0, 1), bool)

    def show_grid(self, grid: Grid, rules: CellRules) -> None:
        self.beginResetModel()
        self.grid, self.rules = grid, rules
        grid.grow(grid.rows, rules.features)  # a narrow file shows its missing columns, empty and red
        self.bad = rules.bad(grid)
        self.endResetModel()

    # ----- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else self.grid.rows

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else self.grid.cols

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.grid.text(r, c)
        if role == Qt.ItemDataRole.BackgroundRole and self.bad[r, c]:
            return BAD_CELL
        if role == Qt.ItemDataRole.ToolTipRole and self.bad[r, c]:
            return self.rules.problem(self.grid, r, c)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        if text == self.grid.text(index.row(), index.column()):
            return False
        self.grid.set_text(index.row(), index.column(), text)
        self.bad = self.rules.bad(self.grid)
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Vertical:
                return str(section)  # the time step t, counted from 0 as the time slider counts
            return self.column_title(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"time step t = {section}" if orientation == Qt.Orientation.Vertical else self.column_title(section)
        return None

    def column_title(self, col: int) -> str:
        if col >= self.rules.features:
            return f"{col + 1} (extra)"
        if self.rules.features == 1:
            return "token id" if self.rules.integer else "value"
        return f"feature {col + 1}"

    # ----- edits ---------------------------------------------------------------------------------
    def insert_rows(self, at: int, count: int = 1, copy_of: int | None = None) -> None:
        self.beginInsertRows(QModelIndex(), at, at + count - 1)
        self.grid.insert_rows(at, count, copy_of)
        self.bad = self.rules.bad(self.grid)
        self.endInsertRows()
        self.edited.emit()

    def remove_rows(self, rows: list[int]) -> None:
        """Remove the given rows (any order), one contiguous run at a time from the bottom."""
        for start, count in reversed(_runs(sorted(set(rows)))):
            self.beginRemoveRows(QModelIndex(), start, start + count - 1)
            self.grid.remove_rows(start, count)
            self.endRemoveRows()
        self.bad = self.rules.bad(self.grid)
        self.edited.emit()

    def paste(self, row: int, col: int, text: str) -> tuple[int, int]:
        """Paste spreadsheet/CSV text at (row, col); returns (rows, columns) pasted."""
        cells = split_cells(text)
        if not cells.rows:
            return 0, 0
        self.beginResetModel()
        self.grid.paste(row, col, cells.rows, cells.separator)
        self.bad = self.rules.bad(self.grid)
        self.endResetModel()
        self.edited.emit()
        return len(cells.rows), max(len(r) for r in cells.rows)

    def remove_extra_columns(self) -> None:
        if self.grid.cols <= self.rules.features:
            return
        self.beginResetModel()
        self.grid.remove_columns_from(self.rules.features)
        self.bad = self.rules.bad(self.grid)
        self.endResetModel()
        self.edited.emit()

    def copy_text(self, indexes: list[QModelIndex]) -> str:
        """The bounding box of `indexes` as tab-separated rows (what spreadsheets paste)."""
        if not indexes:
            return ""
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        return "".join(
            "\t".join(self.grid.text(r, c) for c in range(min(cols), max(cols) + 1)) + "\n"
            for r in range(min(rows), max(rows) + 1)
        )


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (start, count) runs."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][0] + runs[-1][1] == r:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((r, 1))
    return runs


class SequenceTableView(QTableView):
    """The table with the keyboard and context menu of a small spreadsheet."""

    def __init__(self, model: SequenceTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.table = model
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setDefaultSectionSize(96)
        self.horizontalHeader().setStretchLastSection(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.insert_action = self._action("Insert row (copy of this one)", self.insert_row, "Ins")
        self.remove_action = self._action("Remove selected rows", self.remove_selected_rows, "Del")
        self.copy_action = self._action("Copy", self.copy, QKeySequence.StandardKey.Copy)
        self.paste_action = self._action("Paste", self.paste, QKeySequence.StandardKey.Paste)
        self.trim_action = self._action("Remove extra columns", model.remove_extra_columns)

    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # only while the table itself has focus: Del inside a cell editor deletes a character
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else self.table.rowCount() - 1

    def insert_row(self) -> None:
        row = self.current_row()
        self.table.insert_rows(row + 1, 1, copy_of=row if row >= 0 else None)
        self.setCurrentIndex(self.table.index(row + 1, max(self.currentIndex().column(), 0)))

    def remove_selected_rows(self) -> None:
        rows = sorted({i.row() for i in self.selectedIndexes()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        if rows:
            column = max(self.currentIndex().column(), 0)
            self.table.remove_rows(rows)
            last = min(rows[0], self.table.rowCount() - 1)
            if last >= 0:
                self.setCurrentIndex(self.table.index(last, column))

    def copy(self) -> None:
        indexes = self.selectedIndexes() or ([self.currentIndex()] if self.currentIndex().isValid() else [])
        QApplication.clipboard().setText(self.table.copy_text(indexes))

    def paste(self) -> None:
        index = self.currentIndex()
        row, col = (index.row(), index.column()) if index.isValid() else (0, 0)
        rows, cols = self.table.paste(row, col, QApplication.clipboard().text())
        if rows:
            top_left, bottom_right = self.table.index(row, col), self.table.index(row + rows - 1, col + cols - 1)
            self.setCurrentIndex(top_left)
            self.selectionModel().select(QItemSelection(top_left, bottom_right),
                                         QItemSelectionModel.SelectionFlag.ClearAndSelect)
