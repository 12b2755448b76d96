"""Read a model input file and check it fits the model's inputs before anything runs.

`.npy`: one input. `.npz`: arrays `in0`, `in1`, ... in model input order. `.csv`: one
sequence, rows = time steps, columns = features (an optional header row is skipped), a batch
axis is added. An array one axis short of the model input gets a batch axis too.
Inputs that feed an Embedding must hold integer token ids in 0..input_dim-1.
Every problem is a `BadSequence` with one line saying what is wrong, where, and what to do.
Positions are written as the window shows them: sequence k of the batch (from 1), time step
t (from 0, as the time slider counts), feature k (from 1, as the table's columns).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from inspector.core.errors import BadSequence
from inspector.core.inputs.text import parse_text
from inspector.core.model.canonical import InputSpec, Layer, Model
from inspector.core.model.gates import GATES

TRACE_LIMIT_BYTES = 512 * 2**20  # the window refuses inputs whose trace would need more memory

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
    return parse_text(path.read_text(encoding="utf-8-sig"), path.name)


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


def validate(arrays: list[np.ndarray], model: Model, max_trace_bytes: int | None = None) -> list[np.ndarray]:
    """Check count, rank, fixed sizes, dtype and values; returns arrays ready for the engine.

    With `max_trace_bytes`, inputs whose trace (every gate of every recurrent layer at every
    time step, float32) would need more memory than that are refused too.
    """
    specs = model.inputs
    if len(arrays) != len(specs):
        raise BadSequence(f"the model has {len(specs)} input(s) but {len(arrays)} array(s) were given")
    tokens = token_inputs(model)
    checked = [check_input(array, spec, tokens.get(spec.name)) for array, spec in zip(arrays, specs, strict=True)]
    _check_batches(checked, specs)
    if max_trace_bytes is not None and checked:
        _check_trace_size(model, checked, max_trace_bytes)
    return checked


def check_input(array: np.ndarray, spec: InputSpec, vocabulary: int | None, where: str = "") -> np.ndarray:
    """One input checked (shape, dtype, values), named `where` in messages; returns it ready for the engine."""
    where = where or f"input {spec.name!r}"
    array = _as_array(array, where)
    if array.dtype.kind not in "biuf":
        raise BadSequence(f"{where}: expected numbers, got an array of {array.dtype}")
    if len(spec.shape) and array.ndim == len(spec.shape) - 1:
        array = array[None]  # one sequence without its batch axis
    if len(spec.shape) and array.ndim == len(spec.shape) + 1 and array.shape[-1] == 1:
        array = array[..., 0]  # a CSV column of token ids for a [batch, time] input
    if array.size == 0:
        raise BadSequence(f"{where}: the sequence is empty: add a time step")
    _check_shape(array, spec, where)
    if array.dtype.kind == "f":
        _check_finite(array, where)
    if vocabulary is not None or str(spec.dtype).startswith(("int", "uint")):
        return _token_ids(array, where, vocabulary)
    return array.astype(np.float32) if array.dtype.kind in "biu" else array


def _as_array(array: object, where: str) -> np.ndarray:
    """An array from an array or nested lists; ragged lists are a user mistake, not a crash."""
    try:
        return np.asarray(array)
    except ValueError as error:
        raise BadSequence(f"{where}: rows have different lengths ({error}); give every time step the same features") from None


def _check_shape(array: np.ndarray, spec: InputSpec, where: str) -> None:
    expected = "(" + ", ".join("any" if d is None else str(d) for d in spec.shape) + ")"
    if array.ndim != len(spec.shape):
        raise BadSequence(f"{where}: expected shape {expected} (batch first), got {array.shape}")
    for axis, (size, want) in enumerate(zip(array.shape, spec.shape, strict=True)):
        if want is not None and size != want:
            raise BadSequence(
                f"{where}: axis {axis} must be {want} for this model ({_axis_meaning(axis, array.ndim, want)}), "
                f"got shape {array.shape}"
            )


def _axis_meaning(axis: int, ndim: int, want: int) -> str:
    if axis == 0:
        return f"{want} sequences per batch"
    if axis == 1:
        return f"exactly {want} time steps"
    if axis == ndim - 1:
        return f"{want} features per time step"
    return f"size {want} along axis {axis}"


def _check_finite(array: np.ndarray, where: str) -> None:
    bad = ~np.isfinite(array)
    if not bad.any():
        return
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    value = float(array[index])
    name = "NaN" if np.isnan(value) else ("Inf" if value > 0 else "-Inf")
    count = int(bad.sum())
    more = f" (and {count - 1} more NaN or Inf)" if count > 1 else ""
    raise BadSequence(
        f"{where}: {name} at {position_text(index)}{more}; the model cannot take NaN or Inf, replace them with numbers"
    )


def position_text(index: tuple[int, ...]) -> str:
    """'sequence 1, time step 4, feature 2' for an index (batch, time, ..., feature)."""
    parts = [f"sequence {index[0] + 1}"]
    if len(index) > 1:
        parts.append(f"time step {index[1]}")
    if len(index) == 3:
        parts.append(f"feature {index[2] + 1}")
    elif len(index) > 3:
        parts.append(f"position {tuple(index[2:])}")
    return ", ".join(parts)


def _check_batches(arrays: list[np.ndarray], specs: tuple[InputSpec, ...]) -> None:
    """Every input must hold the same number of sequences."""
    sizes = [int(a.shape[0]) for a in arrays if a.ndim]
    if len(set(sizes)) > 1:
        listing = ", ".join(f"{spec.name!r} {a.shape[0]}" for spec, a in zip(specs, arrays, strict=True))
        raise BadSequence(f"every input needs the same number of sequences; got {listing}")


def _token_ids(array: np.ndarray, where: str, vocabulary: int | None) -> np.ndarray:
    if array.dtype.kind == "f":
        fractions = array != np.round(array)
        if fractions.any():
            index = tuple(int(i) for i in np.argwhere(fractions)[0])
            what = "feeds an Embedding and needs" if vocabulary is not None else "needs"
            raise BadSequence(f"{where}: {what} integer token ids, got fractions ({array[index]} at {position_text(index)})")
        array = array.astype(np.int64)
    array = array.astype(np.int64, copy=False)
    if array.min() < 0 or (vocabulary and array.max() >= vocabulary):
        top = f"0..{vocabulary - 1}" if vocabulary else "0 or more"
        outside = (array < 0) | (array >= vocabulary) if vocabulary else array < 0
        index = tuple(int(i) for i in np.argwhere(outside)[0])
        raise BadSequence(
            f"{where}: token ids must be {top}, got {array.min()}..{array.max()} ({array[index]} at {position_text(index)})"
        )
    return array


def trace_bytes(model: Model, batch: int, time_steps: int, frame: tuple[int, ...] = ()) -> int:
    """About how much memory the float32 trace of `batch` sequences of `time_steps` needs.

    Per recurrent direction and time step: pre-activation and activation of every gate, h, c
    (LSTM) and the mask. `frame` is the shape of one input time step; ConvLSTM layers record
    every pixel of it (an upper bound when their padding is "valid").
    """
    per_step = 0
    for layer in model.layers:
        for direction in layer.directions().values():
            per_step += max(len(layer.calls), 1) * _bytes_per_step(direction, frame)
    return per_step * batch * time_steps


def _bytes_per_step(layer: Layer, frame: tuple[int, ...]) -> int:
    units = int(layer.config.get("units") or layer.config.get("filters") or 0)
    gates = len(GATES.get(layer.class_name, ("h",)))
    states = 2 if layer.class_name.startswith(("LSTM", "ConvLSTM")) else 1
    pixels = 1
    if layer.class_name.startswith("ConvLSTM") and frame:
        spatial = frame[1:] if layer.config.get("data_format") == "channels_first" else frame[:-1]
        pixels = int(np.prod(spatial, dtype=np.int64))
    return 4 * units * pixels * (2 * gates + states) + 1


def _check_trace_size(model: Model, arrays: list[np.ndarray], limit: int) -> None:
    timed = [a for a in arrays if a.ndim >= 2]
    if not timed:
        return
    batch, steps = int(timed[0].shape[0]), max(int(a.shape[1]) for a in timed)
    frame = max((tuple(a.shape[2:]) for a in timed), key=lambda f: int(np.prod(f, dtype=np.int64)))
    needed = trace_bytes(model, batch, steps, frame)
    if needed > limit:
        raise BadSequence(
            f"{steps} time steps x {batch} sequence(s) would need about {_size_text(needed)} to record every gate "
            f"at every time step (the limit is {_size_text(limit)}); use fewer time steps or sequences"
        )


def _size_text(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.0f} MB"
