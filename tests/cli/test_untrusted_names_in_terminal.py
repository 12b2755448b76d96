"""Names from a model file reach the terminal as text: no raw escape sequences, carriage returns or
line separators in what a command prints, and a name's newline never starts a line of its own.

The crafted file of the port's safety test names its layers with newlines, \\r, \\u2028 and terminal
escapes; the commands run as the user runs them, in a child process writing to pipes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inspector.core.model.names import printable
from tests.port.test_port_safety import payloads, write_crafted

ROOT = Path(__file__).resolve().parents[2]
RAW = ("\x1b", "\r", "\u2028", "\x07")
MARKUP = '<b>bold</b><img src="x">'


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("untrusted")
    names = {key: MARKUP + name for key, name in payloads(folder / "marker").items()}
    return write_crafted(folder / "crafted.h5", names), names


def command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def assert_no_raw_controls(text: str) -> None:
    found = [c for c in RAW if c in text]
    assert not found, f"raw control characters {found!r} in {text!r}"


def test_units_text_prints_names_escaped(crafted, tmp_path: Path) -> None:
    path, names = crafted
    inputs = tmp_path / "x.npy"
    np.save(inputs, np.random.default_rng(0).normal(size=(2, 6, 3)).astype(np.float32))
    done = command("units", str(path), "--input", str(inputs))
    assert done.returncode == 0, done.stderr
    assert_no_raw_controls(done.stdout + done.stderr)
    lines = done.stdout.splitlines()
    for key, cell in (("lstm", "LSTM"), ("lstm_twin", "GRU")):
        title = f"{printable(names[key])}: {cell}, "
        assert any(line.startswith(title) for line in lines), f"a name's newline split its title line: {lines[:8]}"


def test_an_error_quoting_a_name_prints_it_escaped(crafted, tmp_path: Path) -> None:
    path, _names = crafted
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((1, 5, 7), np.float32))  # the model reads 6 steps of 3 features
    done = command("predict", str(path), "--input", str(wrong), "--output", str(tmp_path / "out.npz"))
    assert done.returncode == 2 and done.stdout == ""
    assert_no_raw_controls(done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert f"input '{MARKUP}*/ int pwn" in done.stderr and "must be 6" in done.stderr  # named after the Masking layer
    assert not (tmp_path / "out.npz").exists()
