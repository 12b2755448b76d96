"""--architecture FILE: every command that takes MODEL reads a weights-only file with its architecture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tfkeras"
WEIGHTS = FIXTURES / "functional.tf215.legacy.h5"
ARCHITECTURE = FIXTURES / "functional.tf215.json"


def lstm_inspector(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True, text=True,
                          timeout=180)


def test_info_names_the_architecture_and_the_layers_it_gave() -> None:
    result = lstm_inspector("info", str(WEIGHTS), "--architecture", str(ARCHITECTURE), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["architecture"] == str(ARCHITECTURE) and info["has_architecture"]
    assert [layer["name"] for layer in info["layers"]] == ["series", "enc", "both_ways", "head"]
    assert all(layer["runnable"] for layer in info["layers"])


def test_info_without_the_architecture_is_weights_only() -> None:
    result = lstm_inspector("info", str(WEIGHTS), "--json")
    assert result.returncode == 0, result.stderr
    assert not json.loads(result.stdout)["has_architecture"]


def test_predict_runs_the_pair_as_the_writing_keras_did(tmp_path: Path) -> None:
    with np.load(FIXTURES / "functional.tf215.io.npz") as data:
        np.save(tmp_path / "in.npy", data["in0"])
        expected = data["out0"]
    out = tmp_path / "out.npz"
    result = lstm_inspector("predict", str(WEIGHTS), "--architecture", str(ARCHITECTURE),
                            "--input", str(tmp_path / "in.npy"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    with np.load(out) as data:
        np.testing.assert_allclose(data["out0"], expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize("command", ["info", "predict", "verify", "export", "port", "units"])
def test_every_model_command_takes_the_option(command: str) -> None:
    result = lstm_inspector(command, "--help")
    assert result.returncode == 0 and "--architecture FILE" in result.stdout


def test_a_mismatch_exits_2_with_one_line() -> None:
    result = lstm_inspector("info", str(WEIGHTS), "--architecture", str(FIXTURES / "stacked.tf215.json"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "does not fit" not in result.stdout
    assert "layer 'last' (SimpleRNN)" in result.stderr


def test_the_python_api_takes_the_architecture_too() -> None:
    import inspector

    inspected = inspector.load(FIXTURES / "stacked.tf213.weights.h5", architecture=FIXTURES / "stacked.tf213.yaml")
    with np.load(FIXTURES / "stacked.tf213.io.npz") as data:
        np.testing.assert_allclose(inspected.predict(data["in0"]), data["out0"], atol=1e-5, rtol=0)


def test_the_window_command_checks_the_architecture_file_first(tmp_path: Path) -> None:
    result = lstm_inspector(str(WEIGHTS), "--architecture", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"lstm-inspector: no such file: {tmp_path / 'nope.json'} (--architecture)"
