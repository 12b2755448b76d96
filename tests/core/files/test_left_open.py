"""HDF5 files others leave behind: held open by a running writer, or never closed by it.

The writers here are real h5py/HDF5 writers in child processes (the same library Keras saves with):
one keeps the file open and locked while we read it, one flushes and dies without closing, one
dies before flushing. The arrays read back are compared with the arrays the writer wrote.
"""

from __future__ import annotations

import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest

from inspector.core.errors import CorruptFile
from inspector.core.io.unclosed import corrected, lookup3
from inspector.core.model.load import open_model

KERNEL = np.arange(24, dtype="float32").reshape(4, 6) / 7
WRITER = textwrap.dedent("""
    import os, sys
    import h5py, numpy as np
    path, libver, ending = sys.argv[1], sys.argv[2], sys.argv[3]
    f = h5py.File(path, "w", libver=libver)
    f.attrs["layer_names"] = np.array([b"dense"])
    f.attrs["keras_version"] = b"2.2.4"
    group = f.create_group("dense")
    group.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
    group.create_dataset("dense/kernel:0", data=np.arange(24, dtype="float32").reshape(4, 6) / 7)
    group.create_dataset("dense/bias:0", data=np.ones(6, dtype="float32"))
    for k in range(200):  # enough objects that HDF5 writes metadata past its first 2 KiB
        f.attrs[f"note{k}"] = np.arange(50)
    if ending != "crash":
        f.flush()
    if ending == "hold":
        print("ready", flush=True)
        sys.stdin.readline()
        f.close()
    os._exit(0)
""")


def write(path: Path, libver: str, ending: str) -> None:
    subprocess.run([sys.executable, "-c", WRITER, str(path), libver, ending], check=True, timeout=60)


def hold_open(path: Path, libver: str) -> subprocess.Popen[str]:
    """A writer that keeps the file open (and locked) until it reads a line."""
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(path), libver, "hold"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def kernel_of(path: Path) -> np.ndarray:
    model = open_model(path)
    return np.asarray(model.layers[0].weights["kernel"])


@pytest.mark.parametrize("libver", ["earliest", "latest"])
def test_file_held_open_by_a_writer_is_read(tmp_path: Path, libver: str) -> None:
    path = tmp_path / "checkpoint.h5"
    with hold_open(path, libver) as writer:
        try:
            with pytest.raises(OSError):  # what a reader with HDF5 file locking meets
                h5py.File(path, "r", locking=True)
            model = open_model(path)
        finally:
            writer.communicate("\n", timeout=60)
    np.testing.assert_array_equal(model.layers[0].weights["kernel"], KERNEL)
    assert any("still open for writing" in w and "corrected copy" in w for w in model.warnings)


@pytest.mark.parametrize("libver", ["earliest", "latest"])
def test_file_never_closed_but_flushed_is_read_with_a_warning(tmp_path: Path, libver: str) -> None:
    path = tmp_path / "left.h5"
    write(path, libver, "flush")
    before = path.read_bytes()
    np.testing.assert_array_equal(kernel_of(path), KERNEL)
    assert path.read_bytes() == before  # corrected in memory only


def test_end_of_file_address_left_short_is_corrected(tmp_path: Path) -> None:
    """The reported layout: superblock says the file ends at 2,048 bytes, open-for-write flag set."""
    path = tmp_path / "short.h5"
    write(path, "earliest", "flush")
    data = bytearray(path.read_bytes())
    data[20:24] = struct.pack("<I", 1)
    data[40:48] = struct.pack("<Q", 2048)
    path.write_bytes(bytes(data))
    with pytest.raises(Exception, match="addr overflow"):  # plain HDF5 refuses objects past 2,048
        with h5py.File(path, "r") as handle:
            handle["dense"].attrs["weight_names"]
    model = open_model(path)
    np.testing.assert_array_equal(model.layers[0].weights["kernel"], KERNEL)
    assert any("ends at byte 2,048" in w and f"holds {len(data):,}" in w for w in model.warnings)


def test_file_whose_writer_died_before_flushing_is_refused_with_that_reason(tmp_path: Path) -> None:
    path = tmp_path / "crashed.h5"
    write(path, "earliest", "crash")
    with pytest.raises(CorruptFile, match="still open for writing.*incomplete"):
        open_model(path)


def test_closed_files_are_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "closed.h5"
    with h5py.File(path, "w", libver="latest") as handle:
        handle["x"] = np.zeros(3)
    head = path.read_bytes()[:96]
    assert corrected(head, path.stat().st_size) is None


def test_checksum_is_the_one_hdf5_writes(tmp_path: Path) -> None:
    path = tmp_path / "v3.h5"
    with h5py.File(path, "w", libver="latest") as handle:
        handle["x"] = np.zeros(3)
    head = path.read_bytes()[:48]
    assert head[8] in (2, 3)
    assert lookup3(head[:44]) == struct.unpack("<I", head[44:48])[0]
