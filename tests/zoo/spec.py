"""Data types of the Keras zoo: a recipe says how to build one small model and feed it.

Nothing here imports Keras: builders receive the keras module (``keras`` for Keras 3,
``tf_keras`` for tf.keras 2.x) as their only argument, so the pytest process can import
this module freely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KERAS3 = "keras3"
TF_KERAS = "tf_keras"
RUNTIMES: tuple[str, ...] = (KERAS3, TF_KERAS)
ONLY_KERAS3: tuple[str, ...] = (KERAS3,)
ONLY_TF_KERAS: tuple[str, ...] = (TF_KERAS,)

# Stateful recipes fix the batch in the model; their Recipe.batch must be this.
STATEFUL_BATCH = 2

Builder = Callable[[Any], Any]
LayerMaker = Callable[[Any], list[Any]]


@dataclass(frozen=True)
class InputSpec:
    """One model input, without the batch axis.

    ``token_range`` makes integer token ids in [low, high); ``zero_steps`` lists
    (sample, start, stop) time-step ranges set to 0 (padding for masking tests).
    """

    shape: tuple[int, ...]
    dtype: str = "float32"
    token_range: tuple[int, int] | None = None
    zero_steps: tuple[tuple[int, int, int], ...] = ()
    scale: float = 1.0


@dataclass(frozen=True)
class Recipe:
    """One zoo model: how to build it, what to feed it, where it can be built."""

    id: str
    build: Builder
    inputs: tuple[InputSpec, ...]
    tags: tuple[str, ...]
    runtimes: tuple[str, ...] = RUNTIMES
    batch: int = 2
    weights_only: bool = False
    note: str = ""  # why a runtime is left out, or anything a test should know

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tags": list(self.tags),
            "runtimes": list(self.runtimes),
            "batch": self.batch,
            "weights_only": self.weights_only,
            "note": self.note,
            "inputs": [
                {
                    "shape": list(spec.shape),
                    "dtype": spec.dtype,
                    "token_range": list(spec.token_range) if spec.token_range else None,
                    "zero_steps": [list(z) for z in spec.zero_steps],
                }
                for spec in self.inputs
            ],
        }


def is_keras3(keras: Any) -> bool:
    """True for Keras 3 (``import keras``), False for tf_keras 2.x."""
    return str(keras.__version__).startswith("3.")


def seq(shape: tuple[int, ...], make_layers: LayerMaker, dtype: str = "float32") -> Builder:
    """Builder of ``Sequential([Input(shape), *make_layers(keras.layers)])``."""

    def build(keras: Any) -> Any:
        first = keras.Input(shape=shape, dtype=dtype)
        return keras.Sequential([first, *make_layers(keras.layers)])

    return build


def floats(*shape: int, scale: float = 1.0) -> InputSpec:
    return InputSpec(shape=tuple(shape), scale=scale)


def tokens(steps: int, vocab: int, zero_steps: tuple[tuple[int, int, int], ...] = (),
           low: int = 1) -> InputSpec:
    return InputSpec(shape=(steps,), dtype="int32", token_range=(low, vocab),
                     zero_steps=zero_steps)
