"""channels_first convolutions, ConvLSTM1D/2D and 2-d shape layers, saved by Keras 3, run by the engine
and compared with Keras. Keras computes them in a child process (channels_first_child.py) through the
channels_last form of the same layer and weights, because TensorFlow cannot convolve channels_first
data on a CPU (the zoo, which calls the model itself, cannot hold these)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from reference_cases import keras_or_skip

from inspector.core.engine import run
from inspector.core.model.load import open_model

CHILD = Path(__file__).with_name("channels_first_child.py")
CASES = {
    "conv1d": {"class_name": "Conv1D", "config": {"filters": 3, "kernel_size": 3, "padding": "causal"},
               "input": [2, 9], "time": False},
    "conv2d": {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 2], "strides": [2, 1],
                                                  "padding": "same", "activation": "relu"},
               "input": [3, 7, 6], "time": False},
    "conv2d_transpose": {"class_name": "Conv2DTranspose", "config": {"filters": 2, "kernel_size": 3, "strides": 2},
                         "input": [3, 4, 5], "time": False},
    "separable_conv2d": {"class_name": "SeparableConv2D", "config": {"filters": 3, "kernel_size": 2,
                                                                     "depth_multiplier": 2},
                         "input": [2, 5, 5], "time": False},
    "depthwise_conv2d": {"class_name": "DepthwiseConv2D", "config": {"kernel_size": 3, "padding": "same"},
                         "input": [3, 5, 4], "time": False},
    "upsampling2d_bilinear": {"class_name": "UpSampling2D", "config": {"size": [2, 3], "interpolation": "bilinear"},
                              "input": [2, 3, 4], "time": False},
    "zeropadding2d": {"class_name": "ZeroPadding2D", "config": {"padding": [[1, 0], [0, 2]]},
                      "input": [2, 3, 4], "time": False},
    "cropping2d": {"class_name": "Cropping2D", "config": {"cropping": [[1, 0], [0, 2]]},
                   "input": [2, 5, 6], "time": False},
    "convlstm1d_seq": {"class_name": "ConvLSTM1D", "config": {"filters": 2, "kernel_size": 3, "padding": "same",
                                                              "return_sequences": True},
                       "input": [4, 2, 7], "time": True},
    "convlstm2d": {"class_name": "ConvLSTM2D", "config": {"filters": 2, "kernel_size": [3, 3]},
                   "input": [3, 1, 5, 5], "time": True},
    "convlstm2d_same_seq": {"class_name": "ConvLSTM2D", "config": {"filters": 3, "kernel_size": 2, "padding": "same",
                                                                   "return_sequences": True},
                            "input": [3, 2, 4, 5], "time": True},
}


@pytest.fixture(scope="module")
def keras_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keras_or_skip()
    folder = tmp_path_factory.mktemp("channels_first")
    (folder / "cases.json").write_text(json.dumps(CASES), encoding="utf-8")
    subprocess.run([sys.executable, str(CHILD), str(folder)], check=True, timeout=300)
    return folder


@pytest.mark.parametrize("kind", ["keras", "h5"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_channels_first_layer_matches_keras(keras_outputs: Path, name: str, kind: str) -> None:
    model = open_model(keras_outputs / f"{name}.{kind}")
    assert model.layers[-1].config.get("data_format") == "channels_first"
    with np.load(keras_outputs / "expected.npz") as expected:
        ours = run(model, [expected[f"{name}/x"]]).outputs[0]
        np.testing.assert_allclose(ours, expected[f"{name}/y"], atol=1e-5, rtol=0)
