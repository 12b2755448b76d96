"""Child process of test_channels_first: channels_first models built and saved by Keras 3, and what
Keras computes for them.

TensorFlow has no channels_first (NCHW) kernel for 1-d and 2-d convolutions on a CPU, so Keras
computes each case with the same layer in channels_last, the same weights (a layer's weights do
not depend on its data_format) and the input transposed, and the output is transposed back:
a transposition is all that data_format means. Writes <case>.keras, <case>.h5 and expected.npz.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras  # noqa: E402
import numpy as np  # noqa: E402


def channels_last_shape(shape: list[int], time_axis: bool) -> list[int]:
    """[C, *spatial] -> [*spatial, C]; with a time axis first, [T, C, *spatial] -> [T, *spatial, C]."""
    head, rest = (shape[:1], shape[1:]) if time_axis else ([], shape)
    return head + rest[1:] + rest[:1]


def build(spec: dict, data_format: str) -> keras.Model:
    shape = spec["input"] if data_format == "channels_first" else channels_last_shape(spec["input"], spec["time"])
    layer = getattr(keras.layers, spec["class_name"])(**spec["config"], data_format=data_format)
    return keras.Sequential([keras.Input(shape=shape), layer])


def case(name: str, spec: dict, folder: str, rng: np.random.Generator) -> np.ndarray:
    first = build(spec, "channels_first")
    first.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in first.get_weights()])
    first.save(os.path.join(folder, f"{name}.keras"))
    first.save(os.path.join(folder, f"{name}.h5"))
    last = build(spec, "channels_last")
    last.set_weights(first.get_weights())
    x = rng.normal(0, 1, [2, *spec["input"]]).astype("float32")
    channel = 2 if spec["time"] else 1
    y = np.asarray(last(np.moveaxis(x, channel, -1)))
    out_channel = 2 if spec["time"] and y.ndim == x.ndim else 1
    return x, np.moveaxis(y, -1, out_channel)


def main(folder: str) -> None:
    specs = json.load(open(os.path.join(folder, "cases.json"), encoding="utf-8"))
    rng = np.random.default_rng(7)
    arrays = {}
    for name, spec in specs.items():
        arrays[f"{name}/x"], arrays[f"{name}/y"] = case(name, spec, folder, rng)
    np.savez(os.path.join(folder, "expected.npz"), **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
