"""What every layer function receives besides its inputs: dtype, Keras semantics, trace."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, overload

import numpy as np

from inspector.core.engine.control import RunControl
from inspector.core.engine.trace import Trace
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer

Array = np.ndarray


@dataclass(eq=False)
class Context:
    """Per-call facts: `call_name` is the layer name (`name#k` for the k-th extra call);
    `keras_major` selects semantics that differ between Keras versions (masks)."""

    dtype: np.dtype
    keras_major: int
    control: RunControl
    trace: Trace | None = None
    call_name: str = ""

    @property
    def record(self) -> bool:
        return self.trace is not None

    @overload
    def weight(self, layer: Layer, role: str, required: Literal[True] = True) -> Array: ...

    @overload
    def weight(self, layer: Layer, role: str, required: bool) -> Array | None: ...

    def weight(self, layer: Layer, role: str, required: bool = True) -> Array | None:
        """A weight of `layer` in the run's dtype (None if absent and not required)."""
        if role not in layer.weights:
            if required:
                raise UnsupportedModel(f"layer {layer.name!r} has no {role} weights")
            return None
        return np.asarray(layer.weights[role], dtype=self.dtype)

    def floats(self, x: Array) -> Array:
        return np.asarray(x, dtype=self.dtype)

    def named(self, call_name: str) -> Context:
        return replace(self, call_name=call_name)
