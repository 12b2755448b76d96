"""A seeded input for a model that came without one: shapes from its input spec.

Token ids for inputs read by an Embedding (0 .. input_dim-1), normal floats otherwise.
The second sample ends with padding (token 0, or the Masking layer's mask_value) so that
masking is exercised whenever the model masks. Pure numpy, used by `verify` and the GUI.
"""

from __future__ import annotations

import numpy as np

from inspector.core.inputs.sequences import token_inputs
from inspector.core.model.canonical import InputSpec, Model

DEFAULT_BATCH = 2
DEFAULT_STEPS = 20  # a free time axis gets this many steps
DEFAULT_SIZE = 8  # any other free axis
PADDED_STEPS = 3


def seeded_inputs(model: Model, *, seed: int = 0, steps: int = DEFAULT_STEPS) -> list[np.ndarray]:
    """One array per model input, reproducible for a given seed."""
    rng = np.random.default_rng(seed)
    tokens = token_inputs(model)
    return [_one(spec, rng, steps, tokens.get(spec.name), _mask_value(model, spec.name)) for spec in model.inputs]


def _one(spec: InputSpec, rng: np.random.Generator, steps: int, vocabulary: int | None,
         mask_value: float | None) -> np.ndarray:
    shape = _concrete_shape(spec.shape, steps)
    if vocabulary is not None or str(spec.dtype).startswith(("int", "uint")):
        array = rng.integers(1 if vocabulary else 0, max(vocabulary or 10, 2), size=shape).astype(np.int64)
        padding: float | None = 0
    else:
        array = rng.standard_normal(shape).astype(np.float32)
        padding = mask_value
    if padding is not None and len(shape) >= 2 and shape[0] >= 2 and shape[1] > 2 * PADDED_STEPS:
        array[1, -PADDED_STEPS:] = padding
    return array


def _concrete_shape(shape: tuple[int | None, ...], steps: int) -> tuple[int, ...]:
    if not shape:
        return (DEFAULT_BATCH,)
    free = [steps if axis == 1 else DEFAULT_SIZE for axis in range(len(shape))]
    concrete = [size if size is not None else free[axis] for axis, size in enumerate(shape)]
    if shape[0] is None:
        concrete[0] = DEFAULT_BATCH
    return tuple(int(size) for size in concrete)


def _mask_value(model: Model, input_name: str) -> float | None:
    """The mask_value of a Masking layer that reads this input directly, if any."""
    for layer in model.layers:
        if layer.class_name == "Masking" and any(r.layer == input_name for c in layer.calls for r in c.inputs):
            return float(layer.config.get("mask_value", 0.0))
    return None
