"""Child process of test_keras1_convolutions: what tf_keras computes for Keras 1 convolution layers.

Reads cases.npz (per case: the Keras 1 kernel and bias as stored, the input) and cases.json (the
Keras 2 layer config of each case), converts the kernel with tf_keras's own Keras 1 converter
(`preprocess_weights_for_loading(..., original_keras_version="1")`, what Keras 2 did when it
loaded a Keras 1 file) and runs the layer. TensorFlow has no channels_first convolution on a
CPU, so a channels_first layer runs channels_last on the transposed input (a transposition is
all that data_format means) and its output is transposed back.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")

import numpy as np  # noqa: E402
import tf_keras  # noqa: E402
from tf_keras.src.saving.legacy import hdf5_format  # noqa: E402


def run_case(spec: dict, kernel: np.ndarray, bias: np.ndarray, x: np.ndarray) -> np.ndarray:
    layer_class = getattr(tf_keras.layers, spec["class_name"])
    stored_format = layer_class(**spec["config"])
    stored_format.build((None, *x.shape[1:]))
    converted = hdf5_format.preprocess_weights_for_loading(stored_format, [kernel, bias], "1", None)
    runnable = layer_class(**{**spec["config"], "data_format": "channels_last"})
    first = spec["config"].get("data_format") == "channels_first"
    feed = np.moveaxis(x, 1, -1) if first else x
    runnable.build((None, *feed.shape[1:]))
    runnable.set_weights(converted)
    y = runnable(feed).numpy()
    return np.moveaxis(y, -1, 1) if first else y


def main(folder: str) -> None:
    specs = json.load(open(os.path.join(folder, "cases.json"), encoding="utf-8"))
    arrays = np.load(os.path.join(folder, "cases.npz"))
    outputs = {name: run_case(spec, arrays[f"{name}/kernel"], arrays[f"{name}/bias"], arrays[f"{name}/x"])
               for name, spec in specs.items()}
    np.savez(os.path.join(folder, "expected.npz"), **outputs)


if __name__ == "__main__":
    main(sys.argv[1])
