"""Models used as layers, written out: the generators see one flat graph.

A nested Sequential or Functional model (also RNN(StackedRNNCells), which the reader gives as one) is
replaced by its layers, named by their path ("encoder/lstm") and reading the tensors the nested model's
call read; whatever read the nested model's outputs reads its inner layers' outputs instead. The engine
runs a nested model the same way (its inner graph, with the caller's masks on its inputs), so the flat
graph computes the same numbers. A model called more than once is written out once per call
("encoder#1/lstm", sharing the weights). TimeDistributed(Sequential) stays as it is: it applies the whole
inner model at every time step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from inspector.core.engine.nested import inner_model
from inspector.core.model.canonical import NESTED_MODELS, Call, Layer, Model, TensorRef

Refs = Mapping[tuple[str, int, int], TensorRef]


def inline_nested(model: Model) -> Model:
    """`model` with every model used as a layer replaced by its layers (nested ones too)."""
    while any(layer.class_name in NESTED_MODELS for layer in model.layers):
        model = _inline_once(model)
    return model


def _inline_once(model: Model) -> Model:
    layers: list[Layer] = []
    outputs_of: dict[tuple[str, int, int], TensorRef] = {}  # a nested call's output -> the tensor that is it
    for layer in model.layers:
        if layer.class_name not in NESTED_MODELS:
            layers.append(layer)
            continue
        for node, call in enumerate(layer.calls):
            inner = inner_model(layer, f"{layer.name}/" if node == 0 else f"{layer.name}#{node}/")
            feeds = {(spec.name, 0, 0): ref for spec, ref in zip(inner.inputs, call.inputs, strict=True)}
            layers += [_rewired(child, feeds) for child in inner.layers if child.class_name != "InputLayer"]
            for index, ref in enumerate(inner.outputs):
                outputs_of[(layer.name, node, index)] = _fed(ref, feeds)
    return replace(model, layers=tuple(_rewired(layer, outputs_of) for layer in layers),
                   outputs=tuple(_fed(ref, outputs_of) for ref in model.outputs))


def _rewired(layer: Layer, refs: Refs) -> Layer:
    calls = tuple(Call(tuple(_fed(ref, refs) for ref in call.inputs)) for call in layer.calls)
    return replace(layer, calls=calls)


def _fed(ref: TensorRef, refs: Refs) -> TensorRef:
    return refs.get((ref.layer, ref.node, ref.index), ref)
