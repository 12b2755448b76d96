"""Numbers typed or pasted as text: from a spreadsheet (tab-separated), a CSV file (comma or
semicolon), or a plain list (spaces). One row per time step, one column per feature; an optional
header row is skipped; blank lines are ignored.

`split_cells` keeps every cell's text as it was written (the sequence editor shows bad cells
as typed); `parse_text` turns text into an array or raises BadSequence naming the row (the line of the
text, as a spreadsheet or editor numbers it) and column of the first bad cell. With tab or semicolon separators a decimal comma ("1,5") is read
as a decimal point, as spreadsheets in many locales write it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inspector.core.errors import BadSequence

SEPARATORS = ("\t", ";", ",")  # in order of preference; none of them: runs of spaces
MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})  # typographic minus from word processors


@dataclass
class Cells:
    """Rows of cell texts, the separator found, and the text line (1-based) of each row."""

    rows: list[list[str]]
    separator: str
    lines: list[int]
    header: list[str] | None = None


def detect_separator(text: str) -> str:
    """The separator of the first non-blank lines: tab, semicolon, comma, or " " (whitespace)."""
    sample = [line for line in text.splitlines() if line.strip()][:20]
    for separator in SEPARATORS:
        if any(separator in line for line in sample):
            return separator
    return " "


def split_cells(text: str) -> Cells:
    """Rows of stripped cell texts (header and blank lines dropped; ragged rows kept ragged)."""
    separator = detect_separator(text)
    rows, lines = [], []
    if separator == " ":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                rows.append(line.split())
                lines.append(number)
    else:
        reader = csv.reader(io.StringIO(text), delimiter=separator)
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append([cell.strip() for cell in row])
                lines.append(reader.line_num)
    header = None
    if rows and is_header(rows[0], separator):
        header, rows, lines = rows[0], rows[1:], lines[1:]
    return Cells(rows, separator, lines, header)


def is_header(row: Sequence[str], separator: str = ",") -> bool:
    """A first row is a header when none of its cells is a number (a typo in one cell is not)."""
    return not any(number_or_none(cell, separator) is not None for cell in row if cell)


def number_or_none(cell: str, separator: str = ",") -> float | None:
    """The number a cell holds (NaN and Inf included), or None when it is not a number."""
    text = cell.strip().translate(MINUS_SIGNS)
    if "_" in text:
        return None  # float() reads 1_000 as 1000; a spreadsheet cell never means that
    if separator != "," and "," in text and "." not in text:
        text = text.replace(",", ".", 1)
    try:
        return float(text)
    except ValueError:
        return None


def parse_text(text: str, name: str = "the text") -> np.ndarray:
    """A (time steps, features) float64 array from text, or BadSequence naming the bad cell."""
    cells = split_cells(text)
    if not cells.rows:
        raise BadSequence(f"{name}: no rows of numbers")
    widths = [len(row) for row in cells.rows]
    if len(set(widths)) != 1:
        first = widths[0]
        bad = next(k for k, w in enumerate(widths) if w != first)
        raise BadSequence(
            f"{name}: rows have different numbers of columns: row {cells.lines[bad]} has {widths[bad]}, "
            f"row {cells.lines[0]} has {first}"
        )
    values = np.empty((len(cells.rows), widths[0]))
    for r, row in enumerate(cells.rows):
        for c, cell in enumerate(row):
            value = number_or_none(cell, cells.separator)
            if value is None:
                raise BadSequence(f"{name}: row {cells.lines[r]}, column {c + 1}: {cell!r} is not a number")
            values[r, c] = value
    return values


def format_number(value: float) -> str:
    """Text for a table cell: integers without a point, else the shortest text that gives back the
    same float32 (what the engine computes with), e.g. 0.15913369."""
    if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return str(np.float32(value))
