"""What parent and child exchange through their temporary folder: JSON and `.npz`, never pickle.

    jobs.json            {"jobs": [{"model": path, "runtime": "keras3"|"tf_keras"}, ...]}
    job<i>.input.npz     in0, in1, ... in model input order
    state.json           {"job": i, "state": "loading Keras"|"loading model"|"running"|"done"}
    job<i>.result.json   {"available", "runtime", "reason", "layers": [[name, n_outputs]], "outputs": n}
    job<i>.output.npz    layer<k>_<j> (output j of layer k), out<j> (model output j)

This module is shared by both sides and imports nothing but numpy and the standard library.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

JOBS = "jobs.json"
STATE = "state.json"
STDERR = "child.stderr.txt"
# the child's environment: TensorFlow silent, deterministic CPU kernels (no oneDNN), Keras 3 on TensorFlow
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "PYTHONWARNINGS": "ignore",
    "ABSL_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
}


def input_file(folder: Path, job: int) -> Path:
    return folder / f"job{job}.input.npz"


def result_file(folder: Path, job: int) -> Path:
    return folder / f"job{job}.result.json"


def output_file(folder: Path, job: int) -> Path:
    return folder / f"job{job}.output.npz"


def layer_key(layer: int, output: int) -> str:
    return f"layer{layer}_{output}"


def output_key(output: int) -> str:
    return f"out{output}"


def write_json(path: Path, value: Any) -> None:
    """Write atomically: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(value), encoding="utf-8")
    os.replace(partial, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(partial, **arrays)
    os.replace(partial, path)


def load_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def read_state(folder: Path) -> dict[str, Any]:
    """The child's last reported state; "starting" until it has said anything."""
    try:
        return read_json(folder / STATE)
    except (OSError, ValueError):
        return {"job": 0, "state": "starting"}
