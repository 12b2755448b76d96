"""Read the layer graph out of a model config, whatever the dialect.

Sequential configs become a chain that starts at an InputLayer; Functional configs keep
their inbound nodes. Keras 1/2 nodes are lists of [layer, node, tensor, kwargs]; Keras 3
nodes are {args, kwargs} holding `__keras_tensor__` objects with a `keras_history`.
Initial states (`initial_state=`) end up as extra call inputs after the sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inspector.core.errors import CorruptFile, UnsupportedModel
from inspector.core.model.canonical import Call, TensorRef
from inspector.core.model.dialects import normalize_layer, unwrap

SEQUENTIAL = ("Sequential",)
# call arguments that change what a layer computes; Keras 3 stores them per inbound node
CALL_OPTIONS = ("use_causal_mask", "return_attention_scores")
# tensors passed by keyword, in the order the layer functions take them after the positional ones:
# MultiHeadAttention(query, value, key=...), RNN(x, initial_state=...)
TENSOR_KWARGS = ("query", "value", "key", "initial_state")
# tensors passed by keyword that change the result and that the engine does not take. (Keras 3
# also records `mask=` for the mask it propagates itself, from a NotEqual operation: that mask
# is the one the engine carries, so it is not one of these.)
UNSUPPORTED_TENSOR_KWARGS = ("attention_mask",)
FUNCTIONAL = ("Model", "Functional")


@dataclass
class LayerEntry:
    name: str
    stored_class: str
    class_name: str
    config: dict[str, Any]
    calls: list[Call] = field(default_factory=list)


@dataclass
class Graph:
    model_class: str
    name: str
    entries: list[LayerEntry]
    inputs: list[TensorRef]
    outputs: list[TensorRef]


def read_graph(model_config: Any, keras_major: int) -> Graph:
    config = unwrap(model_config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise CorruptFile("the model config has no class_name")
    model_class = config["class_name"]
    body = config.get("config")
    if model_class in SEQUENTIAL:
        return _sequential(body, keras_major)
    if model_class in FUNCTIONAL:
        return _functional(model_class, body, keras_major)
    raise UnsupportedModel(f"the file holds a {model_class}, not a Sequential or Functional model")


def entry(layer: dict[str, Any], keras_major: int) -> LayerEntry:
    if not isinstance(layer, dict) or not isinstance(layer.get("config"), dict):
        raise CorruptFile("a layer in the model config has no config")
    stored = str(layer.get("class_name"))
    class_name, config = normalize_layer(stored, layer["config"], keras_major)
    name = layer.get("name") or config.get("name")
    if not isinstance(name, str):
        raise CorruptFile(f"a {stored} layer in the model config has no name")
    config["name"] = name
    built = layer.get("build_config") or {}
    if "batch_input_shape" not in config and isinstance(built.get("input_shape"), list):
        config["build_input_shape"] = built["input_shape"]  # Keras 3 Sequential built without an Input
    return LayerEntry(name=name, stored_class=stored, class_name=class_name, config=config)


def _sequential(body: Any, keras_major: int) -> Graph:
    layers = body if isinstance(body, list) else (body or {}).get("layers")
    name = body.get("name", "sequential") if isinstance(body, dict) else "sequential"
    if not isinstance(layers, list) or not layers:
        raise CorruptFile("the Sequential model config lists no layers")
    entries = [entry(layer, keras_major) for layer in layers]
    if entries[0].class_name != "InputLayer":
        entries.insert(0, _implicit_input(entries[0]))
    for previous, current in zip(entries, entries[1:]):
        current.calls.append(Call((TensorRef(previous.name),)))
    return Graph("Sequential", name, entries, [TensorRef(entries[0].name)], [TensorRef(entries[-1].name)])


def _implicit_input(first: LayerEntry) -> LayerEntry:
    """Keras 1/2 Sequential models kept the input shape on their first layer."""
    shape = first.config.get("batch_input_shape") or first.config.get("build_input_shape")
    if shape is None and first.class_name == "Bidirectional":
        inner = first.config.get("layer", {}).get("config", {})
        shape = inner.get("batch_input_shape")
    dtype = first.config.get("dtype") if isinstance(first.config.get("dtype"), str) else "float32"
    name = f"{first.name}_input"
    return LayerEntry(name, "InputLayer", "InputLayer", {"name": name, "batch_shape": shape, "dtype": dtype})


def _functional(model_class: str, body: Any, keras_major: int) -> Graph:
    if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
        raise CorruptFile(f"the {model_class} model config lists no layers")
    entries = []
    for layer in body["layers"]:
        item = entry(layer, keras_major)
        nodes = layer.get("inbound_nodes") or []
        item.calls = [_call(node) for node in nodes]
        item.config.update(_call_options(nodes))
        entries.append(item)
    inputs = _refs(body.get("input_layers"))
    outputs = _refs(body.get("output_layers"))
    if not inputs or not outputs:
        raise CorruptFile(f"the {model_class} model config names no inputs or outputs")
    if not any(isinstance(node, dict) for layer in body["layers"] for node in layer.get("inbound_nodes") or []):
        outputs = _renumber_nested_calls(entries, outputs)
    return Graph("Functional", str(body.get("name", "model")), entries, inputs, outputs)


def _renumber_nested_calls(entries: list[LayerEntry], outputs: list[TensorRef]) -> list[TensorRef]:
    """Keras 2 and tf.keras number the calls of a model used as a layer from 1 when that model was built on
    its own Input: its node 0 links its own input to its output and is left out of the config."""
    shifted = {e.name for e in entries if e.class_name in ("Sequential", "Functional") and _own_input(e)}

    def fixed(ref: TensorRef) -> TensorRef:
        return TensorRef(ref.layer, ref.node - 1, ref.index) if ref.layer in shifted and ref.node > 0 else ref

    for item in entries:
        item.calls = [Call(tuple(fixed(ref) for ref in call.inputs)) for call in item.calls]
    return [fixed(ref) for ref in outputs]


def _own_input(item: LayerEntry) -> bool:
    if item.class_name == "Functional":
        return True
    layers = item.config.get("layers")
    first = layers[0] if isinstance(layers, list) and layers and isinstance(layers[0], dict) else {}
    first_config = first.get("config")
    return first.get("class_name") == "InputLayer" or (isinstance(first_config, dict) and "batch_input_shape" in first_config)


def _refs(value: Any) -> list[TensorRef]:
    """input_layers/output_layers: [[name, node, tensor], ...] or one bare [name, node, tensor]."""
    if not isinstance(value, list):
        return []
    if value and isinstance(value[0], str):
        value = [value]
    return [_ref(item) for item in value]


def _ref(item: Any) -> TensorRef:
    if isinstance(item, dict):  # Keras 3 __keras_tensor__
        item = item.get("config", {}).get("keras_history")
    if not isinstance(item, (list, tuple)) or len(item) < 3 or not isinstance(item[0], str):
        raise CorruptFile(f"an inbound tensor reference is malformed: {str(item)[:80]}")
    return TensorRef(item[0], int(item[1]), int(item[2]))


def _call(node: Any) -> Call:
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        refs = _keras3_tensors(node.get("args", []))
        kwargs = node.get("kwargs") or {}
        for key in TENSOR_KWARGS:
            refs += _keras3_tensors(kwargs.get(key, []))
        return Call(tuple(refs))
    if not isinstance(node, list):
        raise CorruptFile("an inbound node in the model config is malformed")
    refs = [_ref(item) for item in node]
    for item in node:  # tf.keras 2.x passes the second and later call arguments as kwargs
        kwargs = item[3] if len(item) > 3 and isinstance(item[3], dict) else {}
        for key in TENSOR_KWARGS:  # initial states may also be listed in the node itself
            refs += [r for r in _legacy_tensors(kwargs.get(key)) if key != "initial_state" or r not in refs]
    return Call(tuple(refs))


def _call_options(nodes: list[Any]) -> dict[str, Any]:
    """Plain call options (not tensors) of the first call, e.g. Attention(use_causal_mask=True)."""
    first = nodes[0] if nodes else None
    if isinstance(first, list) and first and isinstance(first[0], list) and len(first[0]) > 3:
        kwargs = first[0][3]  # Keras 2: [[layer, node, tensor, kwargs], ...]
    else:
        kwargs = first.get("kwargs") if isinstance(first, dict) else None
    if not isinstance(kwargs, dict):
        return {}
    options: dict[str, Any] = {k: kwargs[k] for k in CALL_OPTIONS if isinstance(kwargs.get(k), bool)}
    given = [k for k in UNSUPPORTED_TENSOR_KWARGS if _keras3_tensors(kwargs.get(k)) or _legacy_tensors(kwargs.get(k))]
    if given:
        options["unsupported"] = f"a {given[0]} tensor passed to the layer call is not supported yet"
    return options


def _keras3_tensors(value: Any) -> list[TensorRef]:
    if isinstance(value, dict):
        return [_ref(value)] if value.get("class_name") == "__keras_tensor__" else []
    if isinstance(value, list):
        return [ref for item in value for ref in _keras3_tensors(item)]
    return []


def _legacy_tensors(value: Any) -> list[TensorRef]:
    if isinstance(value, list) and len(value) >= 3 and isinstance(value[0], str):
        return [_ref(value)]
    if isinstance(value, list):
        return [ref for item in value for ref in _legacy_tensors(item)]
    return []
