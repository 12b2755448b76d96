"""The canonical model: one form for every Keras dialect, with every quirk already resolved.

Everything downstream (engine, gate views, GUI, exports) reads only these classes.

Canonical layouts (whatever the file stored):
- LSTM: kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u); gate order i, f, c, o.
- GRU: kernel (in, 3u), recurrent_kernel (u, 3u), bias (3u); gate order z, r, h.
  With reset_after=True also recurrent_bias (3u) (Keras stores both as one (2, 3u) array).
- SimpleRNN: kernel (in, u), recurrent_kernel (u, u), bias (u).
- ConvLSTM{1,2,3}D: kernel (*k, in, 4f), recurrent_kernel (*k, f, 4f), bias (4f); i, f, c, o.
- Activations are names from `inspector.core.model.activations`, with `hard_sigmoid` already bound
  to the Keras that wrote the file (`hard_sigmoid_keras2` or `hard_sigmoid_keras3`).
- Bidirectional has no weights of its own: children "forward" and "backward" are complete
  recurrent layers (the backward one has go_backwards=True). TimeDistributed has child "layer".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np

FORMATS = ("keras1-h5", "keras2-h5", "tfkeras-h5", "tfkeras-zip", "keras3-h5", "keras3-zip", "weights-only")
RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
NESTED_MODELS = ("Sequential", "Functional", "Model")  # models used as layers


def frozen_mapping(items: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only view of a fresh dict, so frozen dataclasses stay frozen."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class TensorRef:
    """One tensor in the graph: output `index` of call `node` of layer `layer` (Keras history)."""

    layer: str
    node: int = 0
    index: int = 0


@dataclass(frozen=True)
class Call:
    """One application of a layer (a Keras inbound node).

    For recurrent layers inputs[0] is the sequence and inputs[1:] are initial states;
    for merge layers (Concatenate, Add, Attention, ...) inputs are the operands in order.
    """

    inputs: tuple[TensorRef, ...]


@dataclass(frozen=True)
class InputSpec:
    """A model input: the InputLayer name, its shape with batch first (None = any), its dtype."""

    name: str
    shape: tuple[int | None, ...]
    dtype: str = "float32"


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer with weights by role in canonical layout and a config in Keras 2/3 key names."""

    name: str
    class_name: str
    config: Mapping[str, Any] = field(default_factory=frozen_mapping)
    weights: Mapping[str, np.ndarray] = field(default_factory=frozen_mapping)
    weight_names: Mapping[str, str] = field(default_factory=frozen_mapping)
    children: Mapping[str, Layer] = field(default_factory=frozen_mapping)
    calls: tuple[Call, ...] = ()
    stored_class: str = ""
    stored: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (name, shape) as the file holds them
    runnable: bool = True
    reason: str = ""

    @property
    def is_recurrent(self) -> bool:
        return self.class_name in RECURRENT_CLASSES

    def directions(self) -> dict[str, Layer]:
        """The recurrent layers to show for this layer: itself, or its wrapped ones."""
        if self.is_recurrent:
            return {"forward": self}
        if self.class_name == "Bidirectional":
            return {k: self.children[k] for k in ("forward", "backward")}
        if self.class_name == "TimeDistributed":
            return self.children["layer"].directions()
        return {}

    def all_weights(self) -> list[tuple[str, str, np.ndarray]]:
        """(path, role, array) for this layer and its children, e.g. ('forward', 'kernel', ...)."""
        own = [("", role, array) for role, array in self.weights.items()]
        for key, child in self.children.items():
            own += [(f"{key}/{p}".rstrip("/"), r, a) for p, r, a in child.all_weights()]
        return own

    @property
    def params(self) -> int:
        return int(sum(a.size for _, _, a in self.all_weights()))


@dataclass(frozen=True, eq=False)
class Model:
    """A whole file: facts about it, the layers in graph order, the inputs and the outputs."""

    path: str
    format: str
    keras_version: str | None
    backend: str | None
    layers: tuple[Layer, ...]
    inputs: tuple[InputSpec, ...] = ()
    outputs: tuple[TensorRef, ...] = ()
    warnings: tuple[str, ...] = ()
    has_architecture: bool = True
    name: str = ""
    architecture: str = ""  # the architecture file read with a weights-only file at `path`, if any

    def layer(self, name: str) -> Layer:
        """A layer by name; a layer of a model used as a layer by its path ("encoder/lstm")."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        for layer in self.all_layers if "/" in name else ():
            if layer.name == name:
                return layer
        raise KeyError(name)

    @property
    def all_layers(self) -> list[Layer]:
        """Every layer in model order, each followed by the layers of the model it is, if it is a model used as
        a layer (alone or inside TimeDistributed), named by their path ("encoder/lstm", as the trace names them)."""
        return list(with_inner_layers(self.layers, ""))

    @property
    def recurrent_layers(self) -> list[Layer]:
        """The recurrent layers to show, nested ones included (by their path)."""
        return [layer for layer in self.all_layers if layer.directions()]

    @property
    def keras_major(self) -> int:
        """1, 2 or 3: which Keras semantics the file was written with."""
        return keras_major(self.keras_version, self.format)


def keras_major(keras_version: str | None, file_format: str = "") -> int:
    if file_format == "keras1-h5":
        return 1
    if file_format.startswith("keras3"):
        return 3
    if not keras_version:
        return 2
    head = keras_version.strip().split(".")[0]
    return int(head) if head.isdigit() else 2


def with_inner_layers(layers: Sequence[Layer], prefix: str = "") -> Iterator[Layer]:
    """`layers`, each followed by the layers of the model it is (see Model.all_layers), named by their path."""
    for layer in layers:
        yield replace(layer, name=prefix + layer.name) if prefix else layer
        inner = inner_model(layer)
        if inner is not None:
            children = [child for child in inner.children.values() if child.class_name != "InputLayer"]
            yield from with_inner_layers(children, f"{prefix}{layer.name}/")


def inner_model(layer: Layer) -> Layer | None:
    """The model `layer` is, or wraps in TimeDistributed, when it is a model used as a layer; else None."""
    if layer.class_name in NESTED_MODELS:
        return layer
    wrapped = layer.children.get("layer")
    if layer.class_name == "TimeDistributed" and wrapped is not None and wrapped.class_name in NESTED_MODELS:
        return wrapped
    return None
