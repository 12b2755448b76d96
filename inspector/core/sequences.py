"""Read a model input file and check it fits the model's inputs before anything runs.

`.npy`: one input. `.npz`: arrays `in0`, `in1`, ... in model input order. `.csv`: one
sequence, rows = time steps, columns = features (an optional header row is skipped), a batch
axis is added. An array one axis short of the model input gets a batch axis too.
Inputs that feed an Embedding must hold integer token ids in 0..input_dim-1.
Every problem is a `BadSequence` with one line saying what is wrong and what to do.
"""

from __future__ import annotations

import csv
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import BadSequence
from .model import InputSpec, Model

SUFFIXES = (".npy", ".npz", ".csv")


def read_inputs(path: str | os.PathLike[str], model: Model) -> list[np.ndarray]:
    """The arrays in `path`, in model input order, validated against `model.inputs`."""
    return validate(read_arrays(path, len(model.inputs)), model)


def read_arrays(path: str | os.PathLike[str], count: int = 1) -> list[np.ndarray]:
    """The raw arrays of an input file (no validation against a model)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadSequence(f"{path.name}: input files must be .npy, .npz or .csv, not {suffix or 'no extension'}")
    if not path.is_file():
        raise BadSequence(f"{path}: no such input file")
    try:
        if suffix == ".npy":
            return [np.load(path, allow_pickle=False)]
        if suffix == ".npz":
            return _read_npz(path, count)
        return [_read_csv(path)[None]]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise BadSequence(f"{path.name}: cannot read it as {suffix[1:].upper()} ({error})") from error


def _read_npz(path: Path, count: int) -> list[np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        names = list(archive.files)
        wanted = [f"in{k}" for k in range(count)]
        missing = [n for n in wanted if n not in names]
        if missing:
            raise BadSequence(
                f"{path.name}: needs arrays {', '.join(wanted)} (model input order); "
                f"it has {', '.join(names) or 'none'}"
            )
        extra = sorted(set(names) - set(wanted))
        if extra:
            raise BadSequence(f"{path.name}: the model has {count} input(s); unexpected arrays {', '.join(extra)}")
        return [archive[n] for n in wanted]


def _read_csv(path: Path) -> np.ndarray:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    if rows and not _numeric(rows[0]):
        rows = rows[1:]  # header
    if not rows:
        raise BadSequence(f"{path.name}: the CSV file has no rows of numbers")
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise BadSequence(f"{path.name}: rows have different numbers of columns ({sorted(widths)})")
    for number, row in enumerate(rows, start=1):
        if not _numeric(row):
            raise BadSequence(f"{path.name}: row {number} holds something that is not a number: {row}")
    return np.array([[float(cell) for cell in row] for row in rows])


def _numeric(row: Sequence[str]) -> bool:
    try:
        [float(cell) for cell in row]
    except ValueError:
        return False
    return True


def token_inputs(model: Model) -> dict[str, int]:
    """Input name -> Embedding input_dim, for inputs read directly by an Embedding layer."""
    names = {spec.name for spec in model.inputs}
    found: dict[str, int] = {}
    for layer in model.layers:
        inner = layer.children.get("layer") if layer.class_name == "TimeDistributed" else layer
        if inner is None or inner.class_name != "Embedding":
            continue
        for call in layer.calls:
            for ref in call.inputs:
                if ref.layer in names:
                    found[ref.layer] = int(inner.config.get("input_dim", 0)) or found.get(ref.layer, 0)
    return found


def validate(arrays: list[np.ndarray], model: Model) -> list[np.ndarray]:
    """Check count, rank, fixed sizes, dtype and values; returns arrays ready for the engine."""
    specs = model.inputs
    if len(arrays) != len(specs):
        raise BadSequence(f"the model has {len(specs)} input(s) but {len(arrays)} array(s) were given")
    tokens = token_inputs(model)
    return [_checked(array, spec, tokens.get(spec.name)) for array, spec in zip(arrays, specs, strict=True)]


def _checked(array: np.ndarray, spec: InputSpec, vocabulary: int | None) -> np.ndarray:
    where = f"input {spec.name!r}"
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise BadSequence(f"{where}: expected numbers, got an array of {array.dtype}")
    if len(spec.shape) and array.ndim == len(spec.shape) - 1:
        array = array[None]  # one sequence without its batch axis
    if len(spec.shape) and array.ndim == len(spec.shape) + 1 and array.shape[-1] == 1:
        array = array[..., 0]  # a CSV column of token ids for a [batch, time] input
    _check_shape(array, spec, where)
    if array.size == 0:
        raise BadSequence(f"{where}: the sequence is empty {array.shape}")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise BadSequence(f"{where}: contains NaN or Inf; replace them with numbers")
    if vocabulary is not None or str(spec.dtype).startswith(("int", "uint")):
        return _token_ids(array, where, vocabulary)
    return array.astype(np.float32) if array.dtype.kind in "biu" else array


def _check_shape(array: np.ndarray, spec: InputSpec, where: str) -> None:
    expected = "(" + ", ".join("any" if d is None else str(d) for d in spec.shape) + ")"
    if array.ndim != len(spec.shape):
        raise BadSequence(f"{where}: expected shape {expected} (batch first), got {array.shape}")
    for axis, (size, want) in enumerate(zip(array.shape, spec.shape, strict=True)):
        if want is not None and size != want:
            raise BadSequence(f"{where}: axis {axis} must be {want} for this model, got shape {array.shape}")


def _token_ids(array: np.ndarray, where: str, vocabulary: int | None) -> np.ndarray:
    if array.dtype.kind == "f":
        if not np.all(array == np.round(array)):
            raise BadSequence(f"{where}: feeds an Embedding and needs integer token ids, got fractions")
        array = array.astype(np.int64)
    array = array.astype(np.int64, copy=False)
    if array.min() < 0 or (vocabulary and array.max() >= vocabulary):
        top = f"0..{vocabulary - 1}" if vocabulary else "0 or more"
        raise BadSequence(f"{where}: token ids must be {top}, got {array.min()}..{array.max()}")
    return array
