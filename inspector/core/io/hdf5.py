"""Careful HDF5 access: decode Keras attributes and read datasets, refusing what could hurt.

Refused: external links (they open other files), external storage and virtual datasets (they
read other files), soft and hard link cycles, and datasets that declare far more data than the file holds.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import h5py
import numpy as np

from inspector.core.errors import CorruptFile, UnsafeFile

MAX_DATASET_BYTES = 2 * 1024**3  # no recurrent model has a 2 GiB tensor; a crafted file may
MAX_EXPANSION = 1000  # compressed weights rarely shrink 10x; 1000x is a decompression bomb
MAX_DEPTH = 32
MAX_ATTRIBUTE_VALUES = 1_000_000  # Keras's longest attribute lists hold one name per layer or weight


def open_hdf5(source: str | bytes, what: str) -> h5py.File:
    """Open a file path or in-memory bytes read-only, with a one-line error if it is broken.

    Without HDF5 file locking (as silx opens files): a checkpoint that a training run or a notebook
    holds open is read, not reported as unreadable; we never write, so a lock protects nothing.
    """
    try:
        if isinstance(source, bytes):
            return h5py.File(io.BytesIO(source), "r", locking=False)
        return h5py.File(source, "r", locking=False)
    except (OSError, ValueError, RuntimeError) as exc:
        raise CorruptFile(f"{what} is not a readable HDF5 file ({_first_line(exc)})") from None


@contextmanager
def reading(what: str) -> Iterator[None]:
    """Errors h5py raises on a damaged file (KeyError, RuntimeError, OSError, ... from deep inside HDF5)
    become CorruptFile; the same types raised by our own code still propagate as bugs."""
    try:
        yield
    except (KeyError, RuntimeError, OSError, ValueError, TypeError, IndexError, OverflowError) as exc:
        if not _raised_by_h5py(exc):
            raise
        raise CorruptFile(f"{what} is damaged: {_first_line(exc)}") from None


def _raised_by_h5py(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    # h5py's Python files are .../site-packages/h5py/...; its Cython frames say h5py/h5o.pyx
    return tb is not None and "h5py" in tb.tb_frame.f_code.co_filename.replace("\\", "/").split("/")[:-1]


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0] if len(exc.args) == 1 else exc).strip().splitlines()  # KeyError's str() adds quotes
    return text[0] if text else type(exc).__name__


def attr_text(node: h5py.HLObject, name: str) -> str | None:
    """A string attribute whether stored as str, bytes or numpy.bytes_; None if absent."""
    if name not in node.attrs:
        return None
    return _text(_attr(node, name))


def attr_json(node: h5py.HLObject, name: str) -> Any:
    text = attr_text(node, name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise CorruptFile(f"attribute {name!r} is not valid JSON") from None


def attr_list(node: h5py.HLObject, name: str) -> list[str]:
    """A list-of-strings attribute, also when Keras split it into name0, name1, ... (HDF5's 64 KiB limit)."""
    if name in node.attrs:
        chunks = [_attr(node, name)]
    else:
        chunks = []
        while f"{name}{len(chunks)}" in node.attrs:
            chunks.append(_attr(node, f"{name}{len(chunks)}"))
    items: list[str] = []
    for chunk in chunks:
        values = np.atleast_1d(np.asarray(chunk, dtype=object)) if not isinstance(chunk, (str, bytes)) else [chunk]
        items += [_text(v) for v in values]
    return items


def _attr(node: h5py.HLObject, name: str) -> Any:
    try:
        shape = node.attrs.get_id(name).shape or ()
        if int(np.prod(shape, dtype=np.int64)) > MAX_ATTRIBUTE_VALUES:  # h5py would build it value by value
            raise CorruptFile(f"attribute {name!r} declares {shape} values; the file is damaged or crafted")
        return node.attrs[name]
    except (OSError, TypeError, ValueError, KeyError, RuntimeError) as exc:
        raise CorruptFile(f"attribute {name!r} cannot be read ({_first_line(exc)})") from None


def _text(value: Any) -> str:
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def child(group: h5py.Group, path: str) -> h5py.Group | h5py.Dataset:
    """Follow a '/'-separated path one link at a time, refusing external links."""
    node: Any = group
    for part in [p for p in path.split("/") if p]:
        if not isinstance(node, h5py.Group) or part not in node:
            raise CorruptFile(f"the file has no entry {path!r} under {group.name!r}")
        link = node.get(part, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            raise UnsafeFile(f"entry {path!r} is an external link to another file; refused")
        node = _follow(node, part, path)
    return node


def _follow(group: h5py.Group, part: str, path: str) -> h5py.Group | h5py.Dataset:
    try:
        return group[part]
    except (KeyError, RuntimeError, OSError, ValueError) as exc:
        if "too many links" in str(exc):
            raise UnsafeFile(f"entry {path!r} is a soft link that loops back on itself (a link cycle); refused") from None
        raise CorruptFile(f"entry {path!r} cannot be opened ({_first_line(exc)})") from None


def read_array(dataset: h5py.Dataset, file_size: int) -> np.ndarray:
    """Read a whole dataset into memory after checking it only reads what the file holds."""
    if not isinstance(dataset, h5py.Dataset):
        raise CorruptFile(f"{dataset.name!r} is a group where a weight array was expected")
    check_dataset(dataset, file_size)
    try:
        return np.asarray(dataset[()])
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise CorruptFile(f"weight {dataset.name!r} cannot be read ({_first_line(exc)})") from None


def check_dataset(dataset: h5py.Dataset, file_size: int) -> None:
    name = dataset.name
    if dataset.is_virtual:
        raise UnsafeFile(f"weight {name!r} is a virtual dataset that reads other files; refused")
    if dataset.external:
        raise UnsafeFile(f"weight {name!r} keeps its data in an external file; refused")
    if dataset.dtype.kind not in "fiub":
        raise CorruptFile(f"weight {name!r} has dtype {dataset.dtype}, not numbers")
    declared = int(np.prod(dataset.shape, dtype=np.int64)) * dataset.dtype.itemsize
    if declared > MAX_DATASET_BYTES:
        raise UnsafeFile(f"weight {name!r} declares {declared / 1024**3:.1f} GiB; refused")
    stored = dataset.id.get_storage_size()
    compressed = dataset.id.get_create_plist().get_nfilters() > 0
    if not compressed and declared > max(file_size, stored) and declared > 0:
        raise UnsafeFile(
            f"weight {name!r} declares {declared} bytes but the file holds {file_size}; "
            "the file is truncated or crafted"
        )
    if compressed and declared > 64 * 1024**2 and stored * MAX_EXPANSION < declared:
        raise UnsafeFile(f"weight {name!r} would expand {declared // max(stored, 1)}x; refused")


def walk(group: h5py.Group, prefix: str = "", depth: int = 0,
         parents: frozenset[int] = frozenset()) -> Iterator[tuple[str, h5py.Dataset]]:
    """Every dataset below group as (relative path, dataset), links checked, cycles refused, depth bounded."""
    if depth > MAX_DEPTH:
        raise UnsafeFile(f"groups nest deeper than {MAX_DEPTH} levels under {group.name!r}; refused")
    parents = parents | {_address(group)}
    for name in group:
        link = group.get(name, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            raise UnsafeFile(f"{group.name}/{name} is an external link to another file; refused")
        if isinstance(link, h5py.SoftLink):
            continue  # Keras never writes soft links; skipping them also rules out soft-link cycles
        node = _follow(group, name, f"{group.name}/{name}")
        path = f"{prefix}{name}"
        if isinstance(node, h5py.Dataset):
            yield path, node
        elif isinstance(node, h5py.Group):
            if _address(node) in parents:
                raise UnsafeFile(f"{group.name}/{name} is a hard link back to a parent group (a link cycle); refused")
            yield from walk(node, path + "/", depth + 1, parents)


def _address(group: h5py.Group) -> int:
    """Where the group lives in the file: two links to one group share it."""
    return h5py.h5o.get_info(group.id).addr
