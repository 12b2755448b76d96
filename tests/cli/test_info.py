"""`lstm-inspector info`: every corpus model described as JSON; bad files give exit 2 and one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.cli import main

REQUIRED = {"file", "format", "keras_version", "backend", "inputs", "outputs", "warnings", "layers"}
LAYER_KEYS = {"name", "class", "inbound", "output_shape", "params", "weights", "gates", "runnable", "reason"}


def lstm_inspector(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_info_json_describes_every_corpus_model(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = json.loads((corpus_dir / "manifest.json").read_text())
    for entry in manifest:
        assert main(["info", str(corpus_dir / "models" / entry["file"]), "--json"]) == 0, entry["file"]
        info = json.loads(capsys.readouterr().out)
        assert REQUIRED <= set(info), entry["file"]
        assert info["layers"] and all(LAYER_KEYS <= set(layer) for layer in info["layers"])
        for layer in info["layers"]:
            for weight in layer["weights"]:
                assert {"role", "shape", "dtype"} <= set(weight)


def test_info_table_is_readable(corpus_dir: Path) -> None:
    result = lstm_inspector("info", str(corpus_dir / "models" / "k3_bilstm_380.keras"))
    assert result.returncode == 0, result.stderr
    assert "keras3-zip" in result.stdout and "bidirectional" in result.stdout
    assert "i,f,c,o x2" in result.stdout


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"hello, this is text", "neither HDF5"),
    (b"\x89HDF\r\n\x1a\n" + b"\0" * 100, "not a readable HDF5"),
    (b"PK\x03\x04garbage", "damaged zip"),
])
def test_bad_files_exit_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "model.h5"
    bad.write_bytes(content)
    result = lstm_inspector("info", str(bad))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = lstm_inspector("info", str(tmp_path / "nope.h5"))
    assert result.returncode == 2 and "cannot read" in result.stderr
