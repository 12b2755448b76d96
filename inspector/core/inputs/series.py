"""A time series cut into look-back windows, as the classic look-back tutorials do (no Qt).

    series = read_series("prices.csv")                  # rows = time, columns = variables
    inputs, targets = windows(series.values, 30, target_column=0)
    # inputs[i] = values[i : i + 30]   (look_back x features)
    # targets[i] = values[i + 30, target_column]   (the next value after the window)

A CSV may have a header row (column names) and one or more numeric columns; `.npy` holds a
1-D or 2-D array. Every problem is a `BadSequence` with one line saying what to do.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inspector.core.errors import BadSequence
from inspector.core.inputs.sequences import validate
from inspector.core.model.canonical import Model

SUFFIXES = (".csv", ".txt", ".npy")


@dataclass(frozen=True, eq=False)
class Series:
    """A time series: values [time, column] (float64) and a name per column."""

    values: np.ndarray
    columns: tuple[str, ...]
    name: str = ""

    @property
    def length(self) -> int:
        return int(self.values.shape[0])


def read_series(path: str | os.PathLike[str]) -> Series:
    """The series in a CSV (optional header row) or .npy file, checked for numbers and NaN."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadSequence(f"{path.name}: a series must be a .csv or .npy file, not {suffix or 'no extension'}")
    if not path.is_file():
        raise BadSequence(f"{path}: no such file")
    try:
        values, columns = _read_npy(path) if suffix == ".npy" else _read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise BadSequence(f"{path.name}: cannot read it as a series ({error})") from error
    return Series(checked_values(values, path.name), columns, path.name)


def checked_values(values: np.ndarray, where: str = "the series") -> np.ndarray:
    """values as float64 [time, column]; BadSequence when empty, not numbers, NaN or infinite."""
    values = np.asarray(values)
    if values.dtype.kind not in "biuf":
        raise BadSequence(f"{where}: expected numbers, got {values.dtype}")
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.size == 0:
        raise BadSequence(f"{where}: a series needs rows of numbers (time x columns); got shape {values.shape}")
    values = values.astype(np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise BadSequence(f"{where}: data row {row + 1}, column {col + 1} is {values[row, col]} "
                          f"({int(bad.sum())} missing or infinite values); fill or drop them first")
    return values


def windows(values: np.ndarray, look_back: int, target_column: int = 0,
            features: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(inputs [N, look_back, features], targets [N]) with N = time - look_back.

    inputs[i] = values[i:i + look_back, features] and targets[i] = values[i + look_back, target_column]:
    the window and the value that follows it. `features` defaults to every column."""
    values = checked_values(values)
    length, width = values.shape
    if not 0 <= target_column < width:
        raise BadSequence(f"the series has {width} column(s); there is no target column {target_column + 1}")
    columns = list(range(width)) if features is None else [int(c) for c in features]
    if not columns or any(not 0 <= c < width for c in columns):
        raise BadSequence(f"the series has {width} column(s); feature columns {columns} do not fit")
    if look_back < 1:
        raise BadSequence(f"the look-back must be at least 1 time step, not {look_back}")
    if length <= look_back:
        raise BadSequence(f"the series has {length} values; a look-back of {look_back} needs at least "
                          f"{look_back + 1} (one window and the value after it)")
    count = length - look_back
    picked = values[:, columns]
    # a strided view of every window, copied once: [N, look_back, features]
    inputs = np.lib.stride_tricks.sliding_window_view(picked, look_back, axis=0)[:count].transpose(0, 2, 1)
    return np.ascontiguousarray(inputs), values[look_back:, target_column].copy()


def feature_columns(width: int, model_features: int | None, target_column: int) -> list[int]:
    """Which columns feed the model: all of them when their number fits the model, else the target
    column alone for a model that reads one feature per time step."""
    if model_features is None or model_features == width:
        return list(range(width))
    if model_features == 1:
        return [target_column]
    raise BadSequence(f"the model reads {model_features} features per time step but the series has {width} "
                      f"column(s); use a series with {model_features} columns (or one column for the target)")


def model_windows(values: np.ndarray, model: Model, look_back: int,
                  target_column: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """The windows as validated inputs of a one-input model (its feature count decides the columns, see
    `feature_columns`) and the true next value of each window."""
    if len(model.inputs) != 1:
        raise BadSequence(f"a series feeds models with exactly one input; this model has {len(model.inputs)}")
    spec = model.inputs[0]
    features = spec.shape[-1] if len(spec.shape) >= 3 else 1
    columns = feature_columns(np.shape(values)[1], features, target_column)
    inputs, targets = windows(values, look_back, target_column, columns)
    if str(spec.dtype).startswith("float"):
        inputs = inputs.astype(spec.dtype)
    return validate([inputs], model), targets


def fixed_look_back(model: Model) -> int | None:
    """The time steps a one-input model insists on (None: any length, or not a sequence model)."""
    if len(model.inputs) != 1 or len(model.inputs[0].shape) < 2:
        return None
    steps = model.inputs[0].shape[1]
    return int(steps) if steps is not None else None


def _read_npy(path: Path) -> tuple[np.ndarray, tuple[str, ...]]:
    values = np.load(path, allow_pickle=False)
    width = values.shape[1] if values.ndim == 2 else 1
    return values, tuple(f"column {k + 1}" for k in range(width))


def _read_csv(path: Path) -> tuple[np.ndarray, tuple[str, ...]]:
    """Numeric columns of a CSV; a column with no number at all (dates, labels) is left out."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle, _dialect(sample)) if "".join(row).strip()]
    header = tuple(rows[0]) if rows and not any(_is_number(cell) for cell in rows[0]) else None
    rows = rows[1:] if header is not None else rows
    if not rows:
        raise BadSequence(f"{path.name}: the file has no rows of numbers")
    width = len(rows[0])
    first = 2 if header else 1
    for number, row in enumerate(rows, start=first):
        if len(row) != width:
            raise BadSequence(f"{path.name}: line {number} has {len(row)} columns, the first row {width}")
    numeric = [k for k in range(width) if any(_is_number(row[k]) for row in rows)]
    if not numeric:
        raise BadSequence(f"{path.name}: no column holds numbers")
    for number, row in enumerate(rows, start=first):
        bad = next((row[k] for k in numeric if row[k] and not _is_number(row[k])), None)
        if bad is not None:
            raise BadSequence(f"{path.name}: line {number} holds {bad!r}, which is not a number")
    values = np.array([[float(row[k]) if row[k] else np.nan for k in numeric] for row in rows], dtype=np.float64)
    names = [header[k] if header is not None and k < len(header) and header[k] else f"column {k + 1}" for k in numeric]
    return values, tuple(names)


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t ")
    except csv.Error:
        return csv.excel


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
