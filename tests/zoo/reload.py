"""Optional self-check of the generator (``--verify``): load every saved file back with
the same Keras and compare its outputs with the recorded ones.

Runs only in the generator's child process; the keras module is passed in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.zoo import capture
from tests.zoo.spec import Recipe

MODEL_FILES = ("keras", "h5")
WEIGHT_FILES = ("weights_h5", "weights_only_h5")


def load(keras: Any, recipe: Recipe, kind: str, path: Path) -> Any:
    if kind in WEIGHT_FILES:
        model = recipe.build(keras)
        model.load_weights(str(path))
        return model
    return keras.models.load_model(str(path), compile=False)


def max_difference(outputs: list[np.ndarray], expected: list[np.ndarray]) -> float:
    if len(outputs) != len(expected):
        raise ValueError(f"{len(outputs)} outputs, expected {len(expected)}")
    return max(float(np.max(np.abs(o - e))) for o, e in zip(outputs, expected, strict=True))


def reload_check(keras: Any, recipe: Recipe, out: Path, files: dict[str, str],
                 inputs: list[np.ndarray], expected: list[np.ndarray]) -> dict[str, Any]:
    """Per saved file: max |reloaded output - expected| or the error Keras raised."""
    report: dict[str, Any] = {}
    for kind in (*MODEL_FILES, *WEIGHT_FILES):
        if kind not in files:
            continue
        try:
            model = load(keras, recipe, kind, out / files[kind])
            report[kind] = max_difference(capture.run(model, inputs), expected)
        except Exception as exc:  # a Keras limitation is a result here
            report[kind] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return report
