"""The sequences being edited, before they are valid: no Qt here, only numbers and typed text.

A `Grid` is one sequence of one model input as a table (rows = time steps, columns = features).
It keeps the value of every cell and, for cells the user typed or pasted, the text exactly as
typed, so a bad cell ("1.2.3", "nan", a token id out of range) is shown as written, marked and
explained, and never silently replaced. `InputEdits` holds one grid per sequence of the batch for
one model input; inputs with more than (time steps x features) per sequence (ConvLSTM frames) are
kept as arrays and shown by shape only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from inspector.core.inputs.text import format_number, number_or_none
from inspector.core.model.canonical import InputSpec


@dataclass(eq=False)
class Grid:
    """One sequence: float64 values (NaN where the text is not a number) and the typed texts."""

    values: np.ndarray
    typed: dict[tuple[int, int], str] = field(default_factory=dict)
    frame: tuple[int, ...] = ()  # shape of one time step when it is more than a row of features (ConvLSTM)

    @classmethod
    def empty(cls, rows: int, cols: int) -> Grid:
        return cls(np.zeros((rows, cols)))

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def cols(self) -> int:
        return int(self.values.shape[1]) if self.values.ndim > 1 else 1

    def copy(self) -> Grid:
        return Grid(self.values.copy(), dict(self.typed), self.frame)

    def text(self, row: int, col: int) -> str:
        typed = self.typed.get((row, col))
        return typed if typed is not None else format_number(float(self.values[row, col]))

    def set_text(self, row: int, col: int, text: str, separator: str = ",") -> None:
        """Store what the user typed; the text is kept unless it is exactly how we would write the value."""
        self.grow(row + 1, col + 1)
        value = number_or_none(text, separator)
        self.values[row, col] = math.nan if value is None else value
        if value is not None and format_number(value) == text:
            self.typed.pop((row, col), None)
        else:
            self.typed[(row, col)] = text

    def paste(self, row: int, col: int, cells: list[list[str]], separator: str = ",") -> None:
        """Write rows of cell texts from (row, col) on, growing the grid as needed (ragged rows stay ragged)."""
        for r, cells_of_row in enumerate(cells):
            for c, text in enumerate(cells_of_row):
                self.set_text(row + r, col + c, text, separator)

    def grow(self, rows: int, cols: int) -> None:
        """At least `rows` x `cols`; new cells hold an empty text (a bad cell until filled)."""
        old_rows, old_cols = self.values.shape
        if rows <= old_rows and cols <= old_cols:
            return
        values = np.full((max(rows, old_rows), max(cols, old_cols)), math.nan)
        values[:old_rows, :old_cols] = self.values
        for r in range(values.shape[0]):
            for c in range(values.shape[1]):
                if r >= old_rows or c >= old_cols:
                    self.typed[(r, c)] = ""
        self.values = values

    def insert_rows(self, at: int, count: int = 1, copy_of: int | None = None) -> None:
        """Insert `count` rows before row `at`: copies of row `copy_of`, or zeros."""
        source = self.values[copy_of] if copy_of is not None and 0 <= copy_of < self.rows else np.zeros(self.cols)
        block = np.repeat(source[None], count, axis=0)
        self.values = np.concatenate([self.values[:at], block, self.values[at:]])
        shifted = {(r + count if r >= at else r, c): t for (r, c), t in self.typed.items()}
        if copy_of is not None:
            for (r, c), t in self.typed.items():
                if r == copy_of:
                    shifted.update({(at + k, c): t for k in range(count)})
        self.typed = shifted

    def remove_rows(self, at: int, count: int = 1) -> None:
        self.values = np.concatenate([self.values[:at], self.values[at + count:]])
        self.typed = {(r - count if r >= at + count else r, c): t for (r, c), t in self.typed.items()
                      if not at <= r < at + count}

    def remove_columns_from(self, col: int) -> None:
        self.values = self.values[:, :col]
        self.typed = {(r, c): t for (r, c), t in self.typed.items() if c < col}

    def csv_rows(self) -> list[list[str]]:
        """Every cell's text, as shown (typed text kept): for saving and copying."""
        return [[self.text(r, c) for c in range(self.cols)] for r in range(self.rows)]


@dataclass(frozen=True)
class CellRules:
    """What a cell of one input may hold: how many features, how many time steps, token ids."""

    features: int
    time_steps: int | None = None  # fixed length, or None for any
    vocabulary: int | None = None  # Embedding input_dim; with `integer`, ids must be below it
    integer: bool = False

    def bad(self, grid: Grid) -> np.ndarray:
        """Mask of cells that cannot be fed: not a number, NaN/Inf, not a valid token id, outside the shape."""
        values = grid.values
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values)
            if self.integer:
                bad |= values != np.round(values)
                bad |= values < 0
                if self.vocabulary:
                    bad |= values >= self.vocabulary
        bad[:, self.features:] = True
        if self.time_steps is not None:
            bad[self.time_steps:] = True
        return bad

    def problem(self, grid: Grid, row: int, col: int) -> str | None:
        """Why one cell cannot be fed (None when it can)."""
        if col >= self.features:
            return f"the model takes {self.features} feature(s) per time step; this column is one too many"
        if self.time_steps is not None and row >= self.time_steps:
            return f"the model takes exactly {self.time_steps} time steps; this row is one too many"
        value, text = float(grid.values[row, col]), grid.text(row, col)
        if math.isnan(value) and (row, col) in grid.typed and number_or_none(text) is None:
            return "empty cell: type a number" if not text.strip() else f"{text!r} is not a number"
        if not math.isfinite(value):
            name = "NaN" if math.isnan(value) else ("Inf" if value > 0 else "-Inf")
            return f"{name} cannot be fed to the model: type a number"
        if self.integer and value != round(value):
            return "token ids are whole numbers"
        if self.integer and (value < 0 or (self.vocabulary and value >= self.vocabulary)):
            top = f"0..{self.vocabulary - 1}" if self.vocabulary else "0 or more"
            return f"token ids must be {top}"
        return None


def is_table(spec: InputSpec) -> bool:
    """Sequences of this input fit a table: (time steps, features), (time steps,) or one number."""
    return len(spec.shape) <= 3


def grid_of(sample: np.ndarray | np.generic) -> Grid:
    """A table for one sequence: a 2-D array as is, a 1-D array as one column, a number as one cell;
    frames of more axes are flattened per time step and remember their shape."""
    values = np.asarray(sample, dtype=np.float64)
    if values.ndim == 0:
        return Grid(values.reshape(1, 1))
    frame = tuple(values.shape[1:]) if values.ndim > 2 else ()
    return Grid(values.reshape(values.shape[0], -1), frame=frame)


def sample_of(grid: Grid, spec: InputSpec) -> np.ndarray:
    """The array of one sequence in the input's own layout (inverse of grid_of)."""
    if grid.frame:
        return grid.values.reshape((grid.rows,) + grid.frame)
    per_sample = len(spec.shape) - 1
    if per_sample <= 0 and grid.values.size == 1:
        return grid.values.reshape(())
    if per_sample == 1 and grid.cols == 1:
        return grid.values[:, 0]
    return grid.values
