"""The Keras child runs what LSTM Inspector reads: a weights-only file with its architecture (model_from_json
or the full-model file, then load_weights), a Keras 2.1.2-2.1.4 GRU config without reset_after, and a file
still marked open for writing (from the corrected copy)."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from inspector.core.model.load import open_model
from inspector.reference import ReferenceJob
from inspector.reference.plan import plan_reference

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tfkeras"
ATOL = 1e-5


def written_by_keras(stem: str) -> tuple[np.ndarray, np.ndarray]:
    with np.load(FIXTURES / f"{stem}.io.npz") as data:
        return data["in0"], data["out0"]


def zoo_entry(zoo: list[dict[str, Any]], recipe: str, runtime: str) -> dict[str, Any]:
    entry = next((e for e in zoo if e["id"] == recipe and e["runtime"] == runtime), None)
    if entry is None:
        pytest.skip(f"{runtime} did not build {recipe}")
    return entry


def array(path: str | Path, key: str) -> np.ndarray:
    with np.load(path) as data:
        return data[key]


def strip_reset_after(source: Path, target: Path) -> None:
    """The file as Keras 2.1.2-2.1.4 wrote it: GRU configs without a reset_after key (it meant false)."""
    shutil.copyfile(source, target)
    with h5py.File(target, "r+") as handle:
        config = json.loads(handle.attrs["model_config"])
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "GRU":
                assert layer["config"].pop("reset_after") is False
        handle.attrs["model_config"] = json.dumps(config)


def left_open(source: Path, target: Path) -> None:
    """Superblock says open for writing, ending at 2,048 bytes: what a copy of a running checkpoint holds."""
    data = bytearray(source.read_bytes())
    assert data[8] == 0  # Keras writes superblock version 0
    data[20:24] = struct.pack("<I", 1)
    data[40:48] = struct.pack("<Q", 2048)
    target.write_bytes(bytes(data))


def test_keras_runs_the_pairs_and_the_files_left_behind(tmp_path: Path, keras_zoo: list[dict[str, Any]]) -> None:
    gru = zoo_entry(keras_zoo, "gru_rb_seq", "tf_keras")
    lstm = zoo_entry(keras_zoo, "lstm_last", "keras3")  # .weights.h5 + Keras 3 to_json()
    strip_reset_after(Path(gru["files"]["h5"]), tmp_path / "gru_2_1_4.h5")
    left_open(Path(gru["files"]["h5"]), tmp_path / "still_open.h5")
    with np.load(gru["files"]["input"]) as data:
        gru_input = data["in0"]
    with np.load(gru["files"]["expected"]) as data:
        gru_expected = data["out0"]
    cases = [
        (open_model(FIXTURES / "functional.tf215.legacy.h5", FIXTURES / "functional.tf215.json"),
         *written_by_keras("functional.tf215")),
        (open_model(FIXTURES / "stacked.tf215.legacy.h5", FIXTURES / "stacked.tf215.yaml"),
         *written_by_keras("stacked.tf215")),
        (open_model(FIXTURES / "functional.tf215.weights.h5", FIXTURES / "functional.tf215.keras"),
         *written_by_keras("functional.tf215")),
        (open_model(tmp_path / "gru_2_1_4.h5"), gru_input, gru_expected),
        (open_model(tmp_path / "still_open.h5"), gru_input, gru_expected),
        (open_model(lstm["files"]["weights_h5"], lstm["files"]["architecture_json"]),
         array(lstm["files"]["input"], "in0"), array(lstm["files"]["expected"], "out0")),
    ]
    results = ReferenceJob.batch([(model, x) for model, x, _ in cases], timeout=300).wait()
    for (model, _, expected), result in zip(cases, results, strict=True):
        where = f"{Path(model.path).name} + {Path(model.architecture).name if model.architecture else '-'}"
        assert result.available, f"{where}: {result.reason}"
        np.testing.assert_allclose(result.outputs[0], expected, atol=ATOL, rtol=0, err_msg=where)


def test_no_keras_reference_is_promised_for_tf213_zips() -> None:
    """tf_keras 2.16+ reads only the 2.15 layout; verify says so instead of failing in the Keras child."""
    assert "no installed Keras loads" in plan_reference(open_model(f"{FIXTURES}/functional.tf213.keras")).reason
    assert plan_reference(open_model(f"{FIXTURES}/functional.tf215.keras")).runtime == "tf_keras"
