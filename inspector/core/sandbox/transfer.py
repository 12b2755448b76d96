"""The canonical Model as bytes and back, exactly: one JSON header plus the raw bytes of every array.

This is how the parsing child (`open_child`) hands a Model to the parent (`isolated_open`). It never
uses pickle, marshal or pickled numpy arrays: the header is plain JSON (values tagged where
JSON alone would lose a type, e.g. tuples) and the arrays are (dtype, shape, offset) into one buffer,
with dtypes limited to plain numbers. Decoding builds only the five model classes listed below.

    frame = pack(model)           # bytes: 8-byte header length, JSON header, 16-aligned array bytes
    model = unpack(frame)         # an equal Model: same fields, arrays bit for bit, same dtypes
    frame = pack_error("CorruptFile", "...")   # unpack(frame) raises CorruptFile("...")
"""

from __future__ import annotations

import dataclasses
import json
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from inspector.core.errors import BadSequence, CorruptFile, InspectorError, UnsafeFile, UnsupportedModel
from inspector.core.model.canonical import Call, InputSpec, Layer, Model, TensorRef

CLASSES = {cls.__name__: cls for cls in (Model, Layer, InputSpec, TensorRef, Call)}
FIELDS = {name: {f.name for f in dataclasses.fields(cls)} for name, cls in CLASSES.items()}
TAG = "\0"  # keys starting with NUL mark tagged values; plain dicts with such keys are tagged too
ERRORS = {cls.__name__: cls for cls in (InspectorError, CorruptFile, UnsafeFile, UnsupportedModel, BadSequence)}
LENGTH = struct.Struct(">Q")
ALIGN = 16
NUMBER_KINDS = "fiub"


class ParserFailed(InspectorError):
    """The parser gave no verdict on the file: it crashed, hung, ran out of memory or hit a bug of ours."""


class TransferError(ParserFailed):
    """The parsing child sent something that is not a well-formed answer."""


def pack(model: Model) -> bytes:
    return b"".join(frame_chunks(model))


def frame_chunks(model: Model) -> list[bytes | memoryview]:
    """The frame of `model` in pieces that point into its arrays, so sending it copies nothing."""
    arrays: list[np.ndarray] = []
    body = _encode(model, arrays)
    table: list[list[object]] = []
    chunks: list[bytes | memoryview] = []
    offset = 0
    for array in arrays:
        padding = _aligned(offset) - offset
        chunks += [bytes(padding), np.ascontiguousarray(array).reshape(-1).view(np.uint8).data]
        offset += padding
        table.append([array.dtype.str, list(array.shape), offset])
        offset += array.nbytes
    header = json.dumps({"model": body, "arrays": table}, separators=(",", ":")).encode("utf-8")
    return [LENGTH.pack(len(header)), header, *chunks]


def pack_error(kind: str, message: str, internal: bool = False) -> bytes:
    """The answer for a file that could not be opened: the error's class name and message."""
    header = json.dumps({"error": {"kind": kind, "message": message, "internal": internal}}).encode("utf-8")
    return LENGTH.pack(len(header)) + header


def unpack(frame: bytes | bytearray | memoryview) -> Model:
    view = memoryview(frame)
    if len(view) < LENGTH.size:
        raise TransferError("the parsing child sent an incomplete answer")
    (size,) = LENGTH.unpack(view[:LENGTH.size])
    if LENGTH.size + size > len(view):
        raise TransferError("the parsing child sent a truncated answer")
    try:
        header = json.loads(bytes(view[LENGTH.size:LENGTH.size + size]))
    except ValueError:
        raise TransferError("the parsing child sent an unreadable header") from None
    if isinstance(header, dict) and isinstance(header.get("error"), dict):
        raise _error(header["error"])
    if not isinstance(header, dict):
        raise TransferError("the parsing child sent an unreadable header")
    payload = bytearray(view[LENGTH.size + size:])  # writable, like arrays read in process
    arrays = [_array(entry, payload) for entry in header.get("arrays", [])]
    model = _decode(header.get("model"), arrays)
    if not isinstance(model, Model):
        raise TransferError("the parsing child did not send a model")
    return model


def _error(error: dict[str, Any]) -> InspectorError:
    kind, message = str(error.get("kind")), str(error.get("message"))
    if error.get("internal") or kind not in ERRORS:
        return ParserFailed(f"internal error in the reader ({kind}: {message})")
    return ERRORS[kind](message)


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def _array(entry: Any, payload: bytearray) -> np.ndarray:
    try:
        dtype_text, shape, offset = entry
        dtype = np.dtype(str(dtype_text))
        shape = tuple(int(n) for n in shape)
        offset = int(offset)
    except (TypeError, ValueError):
        raise TransferError(f"the parsing child described an array badly: {str(entry)[:80]}") from None
    count = int(np.prod(shape, dtype=np.int64))
    if dtype.kind not in NUMBER_KINDS or dtype.hasobject or count < 0 or min(shape, default=0) < 0:
        raise TransferError(f"the parsing child sent an array of dtype {dtype} and shape {shape}")
    if offset < 0 or offset + count * dtype.itemsize > len(payload):
        raise TransferError("the parsing child sent an array outside its buffer")
    if count == 0:
        return np.empty(shape, dtype)
    return np.frombuffer(payload, dtype, count, offset).reshape(shape)


def _encode(value: Any, arrays: list[np.ndarray]) -> Any:
    if value is None or type(value) in (bool, str, int, float):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in NUMBER_KINDS:
            raise TypeError(f"cannot transfer an array of dtype {value.dtype}")
        arrays.append(value)
        return {TAG + "array": len(arrays) - 1}
    if isinstance(value, np.generic):
        return {TAG + "scalar": [value.dtype.str, value.item()]}
    if dataclasses.is_dataclass(value) and type(value).__name__ in CLASSES:
        fields = {f.name: _encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}
        return {TAG + type(value).__name__: fields}
    if isinstance(value, (list, tuple)):
        items = [_encode(item, arrays) for item in value]
        return items if type(value) is list else {TAG + "tuple": items}
    if isinstance(value, Mapping):
        return _encode_mapping(value, arrays)
    raise TypeError(f"cannot transfer a {type(value).__name__} in a model")


def _encode_mapping(value: Mapping[Any, Any], arrays: list[np.ndarray]) -> Any:
    plain = all(isinstance(k, str) and not k.startswith(TAG) for k in value)
    if plain:
        body: Any = {k: _encode(v, arrays) for k, v in value.items()}
    else:
        body = {TAG + "dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in value.items()]}
    return {TAG + "frozen": body} if isinstance(value, MappingProxyType) else body


def _decode(value: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(value, list):
        return [_decode(item, arrays) for item in value]
    if not isinstance(value, dict):
        return value
    tag = next((key for key in value if key.startswith(TAG)), None)
    if tag is None:
        return {k: _decode(v, arrays) for k, v in value.items()}
    return _decode_tagged(tag[1:], value[tag], arrays)


def _decode_tagged(kind: str, body: Any, arrays: list[np.ndarray]) -> Any:
    try:
        if kind == "array":
            return arrays[int(body)]
        if kind == "scalar":
            dtype = np.dtype(str(body[0]))
            if dtype.kind not in NUMBER_KINDS:
                raise ValueError(dtype)
            return dtype.type(body[1])
        if kind == "tuple":
            return tuple(_decode(item, arrays) for item in body)
        if kind == "dict":
            return {_decode(k, arrays): _decode(v, arrays) for k, v in body}
        if kind == "frozen":
            return MappingProxyType(_decode(body, arrays))
        if kind in CLASSES and isinstance(body, dict) and set(body) <= FIELDS[kind]:
            return CLASSES[kind](**{k: _decode(v, arrays) for k, v in body.items()})
    except (IndexError, TypeError, ValueError, KeyError):
        pass
    raise TransferError(f"the parsing child sent an unknown value {kind!r}")
