"""Opening in a child process gives exactly the in-process Model, and survives what kills a parser.

The round trip is checked on every corpus file and demo: same fields, same types (tuple stays
tuple), arrays bit for bit with the same dtype. Crashes, hangs and the memory cap are real: a child
that dies by a signal, one that never answers, and a file whose arrays do not fit under the cap.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pytest

from inspector.core.errors import CorruptFile, InspectorError, UnsafeFile
from inspector.core.model.load import open_model
from inspector.core.sandbox import transfer
from inspector.core.sandbox.isolated_open import IsolatedOpener, ParserFailed, open_model_isolated
from inspector.demo import DEMOS, demo_model
from tests.core.hostile_files import write_heavy_file

MODEL_SUFFIXES = (".h5", ".hdf5", ".keras")


def model_files(corpus_dir: Path) -> list[Path]:
    files = sorted(p for p in (corpus_dir / "models").iterdir() if p.name.endswith(MODEL_SUFFIXES))
    return files + [demo_model(name) for name in DEMOS]


def assert_same(a: Any, b: Any, where: str = "model") -> None:
    """Field by field; arrays bit for bit with their dtype; NaN equals NaN; container types kept."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape} != {b.dtype}{b.shape}"
        assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes(), f"{where}: values differ"
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, Mapping):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{where}: length {len(a)} != {len(b)}"
        for index, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{index}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def in_process(path: Path) -> Any:
    try:
        return open_model(path)
    except InspectorError as exc:
        return exc


def test_every_corpus_file_opens_identically_in_a_child(corpus_dir: Path) -> None:
    opener = IsolatedOpener(warm=True)
    try:
        for path in model_files(corpus_dir):
            expected = in_process(path)
            if isinstance(expected, InspectorError):
                with pytest.raises(type(expected)) as raised:
                    opener.open(path)
                assert str(raised.value) == str(expected), path.name
            else:
                assert_same(expected, opener.open(path), path.name)
    finally:
        opener.close()


def test_frame_round_trip_keeps_odd_values() -> None:
    from inspector.core.model.canonical import Layer, Model, frozen_mapping

    config = {"t": (1, (2, 3)), "l": [1.5, -0.0, float("nan"), float("inf")], "\0odd": 1, "n": None,
              "nested": {"x": True}, "np": np.float32(0.25)}
    weights = {"big": np.arange(6, dtype=">f4").reshape(2, 3), "ints": np.array([1, 2], np.int16),
               "flag": np.array(True), "empty": np.zeros((0, 4), np.float16),
               "strided": np.arange(12, dtype=np.float64).reshape(3, 4)[:, 1]}
    layer = Layer("l", "Dense", frozen_mapping(config), frozen_mapping(weights))
    model = Model("p", "keras2-h5", "2.2.4", None, (layer,), warnings=("w",))
    again = transfer.unpack(transfer.pack(model))
    assert_same(model, again)
    assert isinstance(again.layers[0].config, MappingProxyType)
    assert again.layers[0].weights["big"].flags.writeable


def test_frames_refuse_what_is_not_a_model() -> None:
    header = json.dumps({"model": {"\0os.system": {}}, "arrays": []}).encode()
    with pytest.raises(transfer.TransferError, match="unknown value"):
        transfer.unpack(transfer.LENGTH.pack(len(header)) + header)
    header = json.dumps({"model": None, "arrays": [["|O", [1], 0]]}).encode()
    with pytest.raises(transfer.TransferError, match="dtype object"):
        transfer.unpack(transfer.LENGTH.pack(len(header)) + header + bytes(16))
    with pytest.raises(transfer.TransferError, match="truncated"):
        transfer.unpack(transfer.pack(open_model(demo_model("sine_gru")))[:100])


def test_refusals_come_back_as_the_same_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.h5"
    path.write_text("not a model")
    with pytest.raises(CorruptFile) as isolated:
        open_model_isolated(path)
    with pytest.raises(CorruptFile) as direct:
        open_model(path)
    assert str(isolated.value) == str(direct.value)


def crashing_command(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_crashing_parser_is_reported() -> None:
    opener = IsolatedOpener(command=crashing_command("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"))
    with pytest.raises(ParserFailed, match=r"crashed \(SIGSEGV\)"):
        opener.open(demo_model())


def test_a_hanging_parser_is_stopped() -> None:
    opener = IsolatedOpener(timeout=1, command=crashing_command("import time; time.sleep(60)"))
    with pytest.raises(ParserFailed, match="longer than 1 s"):
        opener.open(demo_model())


def test_a_file_over_the_memory_cap_is_refused(tmp_path: Path) -> None:
    """Two compressed 60 MB arrays of zeros: 100 KB on disk, past a 200 MB cap once read."""
    path = write_heavy_file(tmp_path / "heavy.h5")
    with pytest.raises(ParserFailed, match="more than the 200 MB"):
        open_model_isolated(path, memory_limit=200 * 1024**2)


def test_a_fifo_never_hangs_the_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "model.h5"
    os.mkfifo(fifo)
    with pytest.raises((CorruptFile, UnsafeFile), match="not a regular file"):
        open_model_isolated(fifo, timeout=20)


def test_a_warm_opener_keeps_one_spare_and_closes_it() -> None:
    opener = IsolatedOpener(warm=True)
    opener.prepare()
    spare = opener._spare
    assert spare is not None and spare.poll() is None
    assert opener.open(demo_model()).format == "keras3-zip"
    assert opener._spare is not None and opener._spare is not spare and spare.poll() == 0
    last = opener._spare
    opener.close()
    assert last.poll() is not None
