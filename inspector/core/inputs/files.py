"""Loading sequences from files into the batch being edited, and saving them. No Qt here.

CSV goes through the text reader cell by cell, so a bad cell in a file arrives in the table as it
is written (marked, with the reason) instead of refusing the whole file. `.npy` holds one input:
one sequence, or a batch (batch first). `.npz` holds every input (`in0`, `in1`, ...), as the
command line reads it. Saving: `.csv` writes the selected sequence as shown (typed text kept);
`.npy` and `.npz` write validated numbers only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from inspector.core.errors import BadSequence
from inspector.core.inputs.batch import InputEdits, SequenceBatch
from inspector.core.inputs.grid import Grid, grid_of
from inspector.core.inputs.sequences import read_arrays
from inspector.core.inputs.text import split_cells

LOAD_FILTER = "Sequences (*.csv *.npy *.npz);;CSV text (*.csv);;NumPy (*.npy *.npz);;All files (*)"
SAVE_FILTER = "CSV text, this sequence (*.csv);;NumPy, this input's batch (*.npy);;NumPy, every input (*.npz)"


def load_sequences(batch: SequenceBatch, input_index: int, sequence: int, path: str | Path) -> str:
    """Put the file's sequences into `batch`; returns what was loaded. BadSequence when unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _load_csv(batch, input_index, sequence, path)
    arrays = read_arrays(path, len(batch.inputs))
    if suffix == ".npy":
        return _load_array(batch, input_index, sequence, arrays[0], path.name)
    grids = [_as_batch(batch, k, array) for k, array in enumerate(arrays)]
    sizes = {len(g) for g in grids}
    if len(sizes) > 1:
        raise BadSequence(f"{path.name}: every input needs the same number of sequences; got "
                          + ", ".join(f"in{k} {len(g)}" for k, g in enumerate(grids)))
    for edits, loaded in zip(batch.inputs, grids, strict=True):
        edits.grids = loaded
    return f"loaded {len(arrays)} input(s), {sizes.pop()} sequence(s) from {path.name}"


def _load_csv(batch: SequenceBatch, input_index: int, sequence: int, path: Path) -> str:
    if not batch.inputs[input_index].table:
        raise BadSequence(f"{path.name}: this input takes more than one row of features per time step; "
                          f"load it from a .npy or .npz file")
    try:
        cells = split_cells(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        raise BadSequence(f"{path.name}: cannot read it as CSV text ({error})") from error
    if not cells.rows:
        raise BadSequence(f"{path.name}: the file has no rows of numbers")
    grid = Grid.empty(0, 0)
    grid.paste(0, 0, cells.rows, cells.separator)
    batch.inputs[input_index].grids[sequence] = grid
    return f"loaded {grid.rows} time step(s) x {grid.cols} column(s) from {path.name} into sequence {sequence + 1}"


def _load_array(batch: SequenceBatch, input_index: int, sequence: int, array: np.ndarray, name: str) -> str:
    edits = batch.inputs[input_index]
    per_sample = len(edits.spec.shape) - 1
    if array.ndim == per_sample + 1 and per_sample > 0 and not _one_token_column(edits, array):
        batch.set_batch(input_index, _as_batch(batch, input_index, array))
        return f"loaded a batch of {array.shape[0]} sequence(s) {array.shape[1:]} from {name}"
    _check_numbers(array, name)
    edits.grids[sequence] = grid_of(array)
    return f"loaded one sequence {array.shape} from {name} into sequence {sequence + 1}"


def _one_token_column(edits: InputEdits, array: np.ndarray) -> bool:
    """(time steps, 1) for a [batch, time] input is one sequence written as a column."""
    return len(edits.spec.shape) == 2 and array.ndim == 2 and array.shape[1] == 1


def _as_batch(batch: SequenceBatch, input_index: int, array: np.ndarray) -> list[Grid]:
    _check_numbers(array, f"in{input_index}")
    per_sample = len(batch.inputs[input_index].spec.shape) - 1
    if array.ndim == per_sample:  # one sequence without its batch axis
        array = array[None]
    if array.ndim == 0 or array.shape[0] == 0:
        raise BadSequence(f"in{input_index}: the array holds no sequence {array.shape}")
    return [grid_of(sample) for sample in array]


def _check_numbers(array: np.ndarray, name: str) -> None:
    if array.dtype.kind not in "biuf":
        raise BadSequence(f"{name}: expected numbers, got an array of {array.dtype}")
    if array.ndim == 0:
        raise BadSequence(f"{name}: expected a sequence, got a single number")


def save_sequences(batch: SequenceBatch, input_index: int, sequence: int, path: str | Path) -> str:
    """Write the selected sequence (.csv), this input's batch (.npy) or every input (.npz)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        edits = batch.inputs[input_index]
        if not edits.table:
            raise BadSequence("this input has more than one row of features per time step; save it as .npy or .npz")
        _write(path, lambda handle: handle.write(csv_text(edits.grids[sequence]).encode("utf-8")))
        return f"saved sequence {sequence + 1} to {path.name}"
    if suffix not in (".npy", ".npz"):
        raise BadSequence(f"{path.name}: save as .csv, .npy or .npz")
    arrays, problem = batch.check(max_trace_bytes=None)
    if arrays is None:
        assert problem is not None  # check() names a problem whenever it gives no arrays
        raise BadSequence(f"cannot save numbers while the table has a problem: {problem.message}")
    if suffix == ".npy":
        _write(path, lambda handle: np.save(handle, arrays[input_index]))
        return f"saved {arrays[input_index].shape[0]} sequence(s) of {batch.inputs[input_index].spec.name} to {path.name}"
    named = {f"in{k}": a for k, a in enumerate(arrays)}
    # numpy's stub gives savez an allow_pickle: bool keyword (older numpy has none), so **named is checked against bool
    _write(path, lambda handle: np.savez(handle, **named))  # type: ignore[arg-type]
    return f"saved {len(arrays)} input(s) to {path.name}"


def csv_text(grid: Grid) -> str:
    """The grid's cells as CSV, each as shown in the table."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(grid.csv_rows())
    return out.getvalue()


def _write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    try:
        with open(path, "wb") as handle:
            write(handle)
    except OSError as error:
        raise BadSequence(f"cannot write {path}: {error.strerror or error}") from error
