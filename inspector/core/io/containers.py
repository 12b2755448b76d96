"""Read the bytes of a Keras file into a RawFile: config JSON plus weight arrays as stored.

No interpretation happens here beyond finding things: which container, which dialect, the
model config, and the arrays of each layer in the order Keras wrote them.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import h5py
import numpy as np

from inspector.core.errors import CorruptFile, UnsafeFile
from inspector.core.io import hdf5, unclosed

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK"
MAX_JSON_BYTES = 64 * 1024**2
MAX_WEIGHTS_BYTES = 4 * 1024**3
MAX_ZIP_MEMBERS = 10_000
TF213_LAYERS = "_layer_checkpoint_dependencies"


@dataclass
class StoredWeight:
    name: str
    array: np.ndarray


@dataclass
class RawFile:
    """What a file holds, uninterpreted. Exactly one of layer_weights / keras3_vars is used."""

    path: str
    container: str  # "hdf5" or "zip"
    keras_version: str | None = None
    backend: str | None = None
    config: dict[str, Any] | None = None
    # legacy HDF5: layer group name -> weights in weight_names order
    layer_weights: dict[str, list[StoredWeight]] = field(default_factory=dict)
    # Keras 3 weights.h5: "layers/lstm/cell" -> arrays of vars/0, vars/1, ...
    keras3_vars: dict[str, list[StoredWeight]] | None = None
    keras3_names: dict[str, str] = field(default_factory=dict)  # store key -> config name attr
    is_weights_only: bool = False
    warnings: list[str] = field(default_factory=list)  # facts about the bytes a user must know


def sniff(path: str) -> str:
    """'hdf5' or 'zip' from the first bytes; the extension may lie."""
    if os.path.exists(path) and not os.path.isdir(path) and not os.path.isfile(path):
        raise CorruptFile(f"{os.path.basename(path)} is not a regular file (a pipe or device would never end)")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except IsADirectoryError:
        raise CorruptFile(f"{path} is a folder, not a model file") from None
    except OSError as exc:
        raise CorruptFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(HDF5_MAGIC):
        return "hdf5"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if not head:
        raise CorruptFile(f"{os.path.basename(path)} is empty")
    raise CorruptFile(f"{os.path.basename(path)} is neither HDF5 (.h5) nor a .keras zip")


def read_file(path: str) -> RawFile:
    container = sniff(path)
    if container == "zip":
        return _read_zip(path)
    name = os.path.basename(path)
    source, note = unclosed.readable_source(path)
    try:
        with hdf5.reading(name), hdf5.open_hdf5(source, name) as handle:
            raw = _read_hdf5(handle, path, os.path.getsize(path))
    except CorruptFile as exc:
        if note:
            raise CorruptFile(f"{name}: {note}, and what it holds is incomplete, so it cannot be read "
                              f"({exc})") from None
        raise
    if note:
        raw.warnings.append(f"{note}: read from a corrected copy in memory; the file itself is unchanged")
    return raw


def _read_hdf5(handle: h5py.File, path: str, size: int) -> RawFile:
    raw = RawFile(path=path, container="hdf5")
    raw.keras_version = hdf5.attr_text(handle, "keras_version")
    raw.backend = hdf5.attr_text(handle, "backend")
    raw.config = hdf5.attr_json(handle, "model_config")
    if raw.config is not None:
        raw.layer_weights = _legacy_weights(_weights_root(handle), size)
        return raw
    raw.is_weights_only = True
    if "layer_names" in handle.attrs:
        raw.layer_weights = _legacy_weights(handle, size)
    elif any(name.replace("\\", "/").split("/")[0] in ("layers", TF213_LAYERS) for name in handle):
        raw.keras3_vars, raw.keras3_names = keras3_vars(handle, size)
    else:
        raise CorruptFile("the HDF5 file holds no Keras model: no model_config, layer_names or layers")
    return raw


def _weights_root(handle: h5py.File) -> h5py.Group:
    if "model_weights" in handle and isinstance(handle["model_weights"], h5py.Group):
        return handle["model_weights"]
    if "layer_names" in handle.attrs:
        return handle
    raise CorruptFile("the file has a model config but no model_weights group")


def _legacy_weights(root: h5py.Group, size: int) -> dict[str, list[StoredWeight]]:
    weights: dict[str, list[StoredWeight]] = {}
    for layer_name in hdf5.attr_list(root, "layer_names"):
        if layer_name not in root:
            raise CorruptFile(f"layer {layer_name!r} is listed in layer_names but has no weights group")
        group = hdf5.child(root, layer_name)
        names = hdf5.attr_list(group, "weight_names")
        weights[layer_name] = [
            StoredWeight(name, hdf5.read_array(hdf5.child(group, name), size)) for name in names
        ]
    return weights


def keras3_vars(root: h5py.Group, size: int) -> tuple[dict[str, list[StoredWeight]], dict[str, str]]:
    """Every `layers/<path>/vars/<i>`, vars sorted numerically.

    A file saved on Windows has literal backslashes in its group names ('layers\\lstm\\cell'):
    they are read as '/'. tf.keras 2.13-2.14 named the layer containers `_layer_checkpoint_dependencies`
    where later versions say `layers`; they are keyed as `layers`, the arrays keep their stored name
    (keras3_store numbers those layers as that writer did).
    """
    found: dict[str, dict[int, StoredWeight]] = {}
    names: dict[str, str] = {}
    for rel_path, dataset in hdf5.walk(root):
        path = rel_path.replace("\\", "/")
        owner, _, index = keras3_store_path(path).rpartition("/vars/")
        if not owner.startswith("layers/") or not index.isdigit():
            continue
        found.setdefault(owner, {})[int(index)] = StoredWeight(path, hdf5.read_array(dataset, size))
        vars_group = dataset.parent
        if "name" in vars_group.attrs:
            names[owner] = hdf5.attr_text(vars_group, "name") or ""
    ordered = {key: [by_index[i] for i in sorted(by_index)] for key, by_index in found.items()}
    return ordered, names


def keras3_store_path(path: str) -> str:
    """A tf.keras 2.13-2.14 path (`_layer_checkpoint_dependencies/...`) in the later `layers/...` form."""
    return "/".join("layers" if part == TF213_LAYERS else part for part in path.split("/"))


def _read_zip(path: str) -> RawFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"{os.path.basename(path)} is a damaged zip ({exc})") from None
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        _check_members(members)
        config = _json(_member(archive, members, "config.json", MAX_JSON_BYTES) or b"", "config.json")
        metadata = _json(_member(archive, members, "metadata.json", MAX_JSON_BYTES, optional=True) or b"{}",
                         "metadata.json")
        weights_bytes = _member(archive, members, "model.weights.h5", MAX_WEIGHTS_BYTES) or b""
    if not isinstance(config, dict):
        raise CorruptFile("config.json in the .keras file is not a model config")
    raw = RawFile(path=path, container="zip", config=config)
    raw.keras_version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    what = "model.weights.h5 inside the .keras file"
    with hdf5.reading(what), hdf5.open_hdf5(weights_bytes, what) as handle:
        raw.keras3_vars, raw.keras3_names = keras3_vars(handle, len(weights_bytes))
    return raw


def _check_members(members: dict[str, zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeFile(f"the .keras file has {len(members)} members; refused")
    for name in members:
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:  # absolute, parent, C: drive
            raise UnsafeFile(f"the .keras file has a member with an unsafe path {name!r}; refused")
    if "config.json" not in members:
        raise CorruptFile("the .keras file has no config.json")


def _member(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str,
            limit: int, optional: bool = False) -> bytes | None:
    """Read one member into memory, never more than `limit` bytes whatever the header claims."""
    info = members.get(name)
    if info is None:
        if optional:
            return None
        raise CorruptFile(f"the .keras file has no {name}")
    if info.file_size > limit:
        raise UnsafeFile(f"{name} in the .keras file declares {info.file_size} bytes; refused")
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise CorruptFile(f"{name} in the .keras file cannot be read ({exc})") from None
    if len(data) > limit:
        raise UnsafeFile(f"{name} in the .keras file expands past {limit} bytes; refused")
    return data


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise CorruptFile(f"{what} in the .keras file is not valid JSON") from None
