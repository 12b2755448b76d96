"""Models used as layers, written out: the generators see one flat graph.

A nested Sequential or Functional model (also RNN(StackedRNNCells), which the reader gives as one) is
replaced by its layers, named by their path ("encoder/lstm") and reading the tensors the nested model's
call read; whatever read the nested model's outputs reads its inner layers' outputs instead. The engine
runs a nested model the same way (its inner graph, with the caller's masks on its inputs), so the flat
graph computes the same numbers. A model called more than once is written out once per call
("encoder#1/lstm", sharing the weights). TimeDistributed around a chain of layers (a Sequential, or a
Functional model that is one) becomes a chain of TimeDistributed layers, one per inner layer: applying the
chain at every time step is applying each of its layers at every time step. A TimeDistributed model whose
graph branches stays as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from inspector.core.engine.nested import inner_model
from inspector.core.model.canonical import NESTED_MODELS, Call, Layer, Model, TensorRef, frozen_mapping

Refs = Mapping[tuple[str, int, int], TensorRef]


def inline_nested(model: Model) -> Model:
    """`model` with every model used as a layer replaced by its layers (nested ones too)."""
    while any(layer.class_name in NESTED_MODELS or _time_distributed_chain(layer) for layer in model.layers):
        model = _inline_once(model)
    return model


def _inline_once(model: Model) -> Model:
    layers: list[Layer] = []
    outputs_of: dict[tuple[str, int, int], TensorRef] = {}  # a nested call's output -> the tensor that is it
    for layer in model.layers:
        chain = _time_distributed_chain(layer)
        if chain:
            layers += _distributed_chain(layer, chain, outputs_of)
            continue
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


def _time_distributed_chain(layer: Layer) -> list[Layer]:
    """The layers of the model a TimeDistributed layer wraps, in order, when each reads the one before (the
    first the model's input) and the last is its output; [] otherwise."""
    inner = layer.children.get("layer") if layer.class_name == "TimeDistributed" and len(layer.calls) == 1 else None
    if inner is None or inner.class_name not in NESTED_MODELS:
        return []
    chain = [child for child in inner.children.values() if child.class_name != "InputLayer"]
    source = [str(name) for name in inner.config.get("nested_inputs", ())]
    for child in chain:
        if len(child.calls) != 1 or [(r.layer, r.node, r.index) for r in child.calls[0].inputs] != [(source[0], 0, 0)]:
            return []
        source = [child.name]
    outputs = [list(ref) for ref in inner.config.get("nested_outputs", ())]
    return chain if chain and outputs == [[chain[-1].name, 0, 0]] else []


def _distributed_chain(layer: Layer, chain: list[Layer], outputs_of: dict[tuple[str, int, int], TensorRef]) -> list[Layer]:
    """TimeDistributed(chain) as TimeDistributed(first), ..., TimeDistributed(last), named by their path."""
    wrapped, source = [], layer.calls[0].inputs[0]
    for child in chain:
        name = f"{layer.name}/{child.name}"
        wrapped.append(replace(layer, name=name, config=frozen_mapping({**layer.config, "name": name}),
                               children=frozen_mapping({"layer": child}),
                               calls=(Call((source,)),)))
        source = TensorRef(name)
    outputs_of[(layer.name, 0, 0)] = source
    return wrapped
