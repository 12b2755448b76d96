"""Keras 3 augmentation layers that Keras 3.15 saves only as .keras (its .h5 writer fails on them with
"cannot pickle 'module' object", so the zoo, which writes both, cannot hold them): a child builds a
model of them before a Conv2D, saves it and computes its output; the engine passes the images through
(the layers act only when training) and must agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from reference_cases import keras_or_skip

from inspector.core.engine import run
from inspector.core.model.load import open_model

CHILD = """
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
import numpy as np

folder = sys.argv[1]
L = keras.layers
pixels = {"value_range": (0, 255)}
model = keras.Sequential([
    keras.Input(shape=(7, 6, 3)), L.RandomColorDegeneration(0.5), L.RandomPosterization((1, 4), **pixels),
    L.RandomSaturation(0.5), L.RandomSharpness(0.5), L.Solarization(0.3, 0.3, **pixels), L.Conv2D(2, 3)])
rng = np.random.default_rng(3)
model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
x = rng.uniform(0, 255, (2, 7, 6, 3)).astype("float32")
model.save(os.path.join(folder, "augmentation.keras"))
np.savez(os.path.join(folder, "io.npz"), x=x, y=np.asarray(model(x, training=False)))
"""


def test_keras3_augmentation_layers_pass_images_through(tmp_path: Path) -> None:
    keras_or_skip()
    subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], check=True, timeout=300)
    model = open_model(tmp_path / "augmentation.keras")
    assert all(layer.runnable for layer in model.layers), [layer.reason for layer in model.layers]
    with np.load(tmp_path / "io.npz") as io:
        ours = run(model, [io["x"]]).outputs[0]
        np.testing.assert_allclose(ours, io["y"], atol=1e-5, rtol=1e-5)  # pixel-sized values: relative
