"""Hostile model files the tests write themselves (no Keras needed): shared by core, GUI and audit tests."""

from __future__ import annotations

import base64
import json
import marshal
from pathlib import Path

import h5py
import numpy as np

HEAVY_ARRAY = 15_000_000  # float32: 60 MB each, just under hdf5.py's 64 MiB decompression-bomb check


def write_heavy_file(path: Path) -> Path:
    """Two gzip-compressed 60 MB arrays of zeros: about 100 KB on disk, 120 MB once read."""
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": []}})
        group = handle.create_group("model_weights")
        group.attrs["layer_names"] = np.array([b"dense"])
        layer = group.create_group("dense")
        layer.attrs["weight_names"] = np.array([b"a", b"b"])
        for name in ("a", "b"):
            layer.create_dataset(name, shape=(HEAVY_ARRAY,), dtype="float32", compression="gzip", chunks=(1 << 20,))
    return path


def payload_code(marker: Path):
    """A live payload for this very Python: run, it writes `marker`."""
    source = f"lambda x: (__import__('pathlib').Path({str(marker)!r}).write_text('ran'), x)[1]"
    return compile(source, "<payload from the model file>", "eval").co_consts[0]


def write_lambda_file(path: Path, marker: Path) -> Path:
    """A Keras 2.2 legacy .h5 whose Lambda layer holds marshalled bytecode (Keras's func_dump format)
    that would create `marker` if anything loaded and ran it; then an LSTM with real weights."""
    function = base64.encodebytes(marshal.dumps(payload_code(marker))).decode("ascii")
    config = {"class_name": "Sequential", "config": {"name": "payload_model", "layers": [
        {"class_name": "Lambda", "config": {"name": "payload", "trainable": True, "batch_input_shape": [None, 5, 3],
                                            "dtype": "float32", "function": [function, None, None],
                                            "function_type": "lambda", "output_shape": None,
                                            "output_shape_type": "raw", "arguments": {}}},
        {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "activation": "tanh",
                                          "recurrent_activation": "sigmoid", "use_bias": True}},
    ]}}
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps(config)
        handle.attrs["keras_version"] = "2.2.4"
        handle.attrs["backend"] = "tensorflow"
        weights = handle.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([b"payload", b"lstm"])
        weights.create_group("payload").attrs["weight_names"] = np.array([], dtype="S1")
        lstm = weights.create_group("lstm")
        names = [b"lstm/kernel:0", b"lstm/recurrent_kernel:0", b"lstm/bias:0"]
        lstm.attrs["weight_names"] = np.array(names)
        for name, shape in zip(names, [(3, 8), (2, 8), (8,)]):
            lstm.create_dataset(name.decode(), data=rng.normal(size=shape).astype("float32"))
    return path


def write_lstm(path: Path, dtype: str, values: dict[str, np.ndarray] | None = None) -> None:
    """A one-LSTM Keras 2 file with weights stored as `dtype` (float16, int8, ...)."""
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "activation": "tanh", "use_bias": True,
                                          "recurrent_activation": "sigmoid", "batch_input_shape": [None, 4, 3]}}]}}
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps(config)
        handle.attrs["keras_version"] = "2.2.4"
        group = handle.create_group("model_weights")
        group.attrs["layer_names"] = np.array([b"lstm"])
        layer = group.create_group("lstm")
        names = ["lstm/kernel:0", "lstm/recurrent_kernel:0", "lstm/bias:0"]
        layer.attrs["weight_names"] = np.array([n.encode() for n in names])
        rng = np.random.default_rng(1)
        for name, shape in zip(names, [(3, 8), (2, 8), (8,)]):
            data = (values or {}).get(name, rng.integers(-2, 3, size=shape) / 2)
            layer.create_dataset(name, data=np.asarray(data).astype(dtype))
