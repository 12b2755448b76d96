"""Keras 1 convolution layers (Convolution2D/3D, AtrousConvolution2D, Deconvolution2D, 'th' and 'tf' dimension
ordering) run as Keras 2 ran them after converting a Keras 1 file: each case is written as a
Keras 1 HDF5 file, opened by the reader and run by the engine, and compared with what tf_keras
computes in a child process after its own Keras 1 kernel converter (keras1_conv_child.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from reference_cases import keras_or_skip

from inspector.core.engine import run
from inspector.core.model.load import open_model

CHILD = Path(__file__).with_name("keras1_conv_child.py")
# name: (Keras 1 class, Keras 1 config, Keras 2 class and config, kernel shape as Keras 1 stored it, input)
CASES = {
    "conv1d": ("Convolution1D",
               {"nb_filter": 3, "filter_length": 3, "border_mode": "same", "subsample_length": 1,
                "activation": "relu"},
               ("Conv1D", {"filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"}),
               (3, 1, 4, 3), (2, 7, 4)),
    "atrous1d": ("AtrousConvolution1D",
                 {"nb_filter": 2, "filter_length": 2, "atrous_rate": 2, "border_mode": "valid",
                  "activation": "linear"},
                 ("Conv1D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2}),
                 (2, 1, 3, 2), (2, 8, 3)),
    "conv2d_th": ("Convolution2D",
                  {"nb_filter": 3, "nb_row": 3, "nb_col": 2, "border_mode": "same", "subsample": [1, 2],
                   "dim_ordering": "th", "activation": "relu"},
                  ("Conv2D", {"filters": 3, "kernel_size": [3, 2], "padding": "same", "strides": [1, 2],
                              "data_format": "channels_first", "activation": "relu"}),
                  (3, 2, 3, 2), (2, 2, 6, 5)),
    "atrous2d_tf": ("AtrousConvolution2D",
                    {"nb_filter": 2, "nb_row": 2, "nb_col": 2, "atrous_rate": [2, 1], "border_mode": "valid",
                     "dim_ordering": "tf", "activation": "linear"},
                    ("Conv2D", {"filters": 2, "kernel_size": [2, 2], "dilation_rate": [2, 1],
                                "data_format": "channels_last"}),
                    (2, 2, 3, 2), (2, 6, 5, 3)),
    "conv3d_th": ("Convolution3D",
                  {"nb_filter": 2, "kernel_dim1": 2, "kernel_dim2": 3, "kernel_dim3": 2, "border_mode": "same",
                   "subsample": [1, 1, 1], "dim_ordering": "th", "activation": "tanh"},
                  ("Conv3D", {"filters": 2, "kernel_size": [2, 3, 2], "padding": "same",
                              "data_format": "channels_first", "activation": "tanh"}),
                  (2, 2, 2, 3, 2), (2, 2, 4, 5, 3)),
    "deconv2d_tf": ("Deconvolution2D",
                    {"nb_filter": 2, "nb_row": 3, "nb_col": 2, "output_shape": [None, 9, 10, 2], "border_mode": "valid",
                     "subsample": [2, 2], "dim_ordering": "tf", "activation": "linear"},
                    ("Conv2DTranspose", {"filters": 2, "kernel_size": [3, 2], "strides": [2, 2],
                                         "data_format": "channels_last"}),
                    (3, 2, 3, 2), (2, 4, 5, 3)),
    "deconv2d_th": ("Deconvolution2D",
                    {"nb_filter": 3, "nb_row": 2, "nb_col": 2, "output_shape": [None, 3, 8, 10], "border_mode": "same",
                     "subsample": [2, 2], "dim_ordering": "th", "activation": "relu"},
                    ("Conv2DTranspose", {"filters": 3, "kernel_size": [2, 2], "strides": [2, 2], "padding": "same",
                                         "data_format": "channels_first", "activation": "relu"}),
                    (3, 2, 2, 2), (2, 2, 4, 5)),
}


def write_keras1_file(path: Path, name: str, class_name: str, config: dict, kernel: np.ndarray,
                      bias: np.ndarray, input_shape: tuple[int, ...]) -> None:
    layer = {"class_name": class_name, "config": {"name": name, "trainable": True, "bias": True,
                                                  "batch_input_shape": [None, *input_shape[1:]],
                                                  "input_dtype": "float32", **config}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "1.2.2"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": [layer]})
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [name.encode()]
        group = weights.create_group(name)
        names = [f"{name}_W:0".encode(), f"{name}_b:0".encode()]
        group.attrs["weight_names"] = names
        group.create_dataset(names[0].decode(), data=kernel)
        group.create_dataset(names[1].decode(), data=bias)


def test_keras1_convolutions_run_as_keras2_converted_them(tmp_path: Path) -> None:
    keras_or_skip()
    rng = np.random.default_rng(1)
    specs, arrays, ours = {}, {}, {}
    for name, (k1_class, k1_config, (k2_class, k2_config), kernel_shape, input_shape) in CASES.items():
        kernel = rng.normal(0, 0.5, kernel_shape).astype(np.float32)
        bias = rng.normal(0, 0.5, kernel_shape[0] if k1_config.get("dim_ordering") == "th" else kernel_shape[-1])
        x = rng.normal(0, 1, input_shape).astype(np.float32)
        write_keras1_file(tmp_path / f"{name}.h5", name, k1_class, k1_config, kernel, bias.astype(np.float32), x.shape)
        model = open_model(tmp_path / f"{name}.h5")
        assert model.format == "keras1-h5" and model.layers[-1].runnable, model.layers[-1].reason
        ours[name] = run(model, [x]).outputs[0]
        specs[name] = {"class_name": k2_class, "config": k2_config}
        arrays.update({f"{name}/kernel": kernel, f"{name}/bias": bias.astype(np.float32), f"{name}/x": x})
    (tmp_path / "cases.json").write_text(json.dumps(specs), encoding="utf-8")
    np.savez(tmp_path / "cases.npz", **arrays)
    subprocess.run([sys.executable, str(CHILD), str(tmp_path)], check=True, timeout=300)
    with np.load(tmp_path / "expected.npz") as expected:
        for name in CASES:
            np.testing.assert_allclose(ours[name], expected[name], atol=1e-5, rtol=0, err_msg=name)


@pytest.mark.parametrize("name", ["SeparableConvolution2D"])
def test_keras1_layers_without_a_known_conversion_are_refused_by_name(tmp_path: Path, name: str) -> None:
    write_keras1_file(tmp_path / "m.h5", "layer_1", name, {"nb_filter": 2, "nb_row": 2, "nb_col": 2,
                                                           "dim_ordering": "tf"},
                      np.zeros((2, 2, 3, 2), np.float32), np.zeros(2, np.float32), (1, 4, 4, 3))
    layer = open_model(tmp_path / "m.h5").layers[-1]
    assert not layer.runnable and "not implemented" in layer.reason and "custom code" not in layer.reason
