"""open_model(path): any Keras file -> the canonical Model. Nothing stored in the file is executed."""

from __future__ import annotations

import os
from dataclasses import replace

from inspector.core.io import keras3_store
from inspector.core.io.containers import RawFile, StoredWeight, read_file
from inspector.core.model.canonical import InputSpec, Layer, Model, keras_major
from inspector.core.model.graph_config import Graph, LayerEntry, read_graph
from inspector.core.model.layer_build import build_layer
from inspector.core.model.model_warnings import model_warnings
from inspector.core.model.weights_only import infer_weights_only


def open_model(path: str | os.PathLike[str]) -> Model:
    raw = read_file(os.fspath(path))
    model = infer_weights_only(raw) if raw.is_weights_only else _full_model(raw)
    return replace(model, warnings=(*raw.warnings, *model.warnings)) if raw.warnings else model


def _full_model(raw: RawFile) -> Model:
    file_format = detect_format(raw)
    major = keras_major(raw.keras_version, file_format)
    graph = read_graph(raw.config, major)
    layers = tuple(_layer(entry, stored, major) for entry, stored in _with_weights(graph, raw))
    model = Model(
        path=raw.path, format=file_format, keras_version=raw.keras_version, backend=raw.backend,
        layers=layers, inputs=_input_specs(graph, layers), outputs=tuple(graph.outputs),
        name=graph.name,
    )
    return _with_warnings(model)


def _with_warnings(model: Model) -> Model:
    return replace(model, warnings=tuple(model_warnings(model)))


def detect_format(raw: RawFile) -> str:
    if raw.is_weights_only:
        return "weights-only"
    if raw.container == "zip":
        return "keras3-zip"
    version = (raw.keras_version or "").strip()
    if version.startswith("1") or (not version and _looks_like_keras1(raw)):
        return "keras1-h5"
    if version.startswith("3"):
        return "keras3-h5"
    if version.endswith("-tf") or _version_tuple(version) >= (2, 4):
        return "tfkeras-h5"
    return "keras2-h5"


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split("-")[0].split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


def _looks_like_keras1(raw: RawFile) -> bool:
    """Keras 1 wrote Sequential configs as a bare list and said output_dim where Keras 2 says units."""
    body = (raw.config or {}).get("config")
    text = str(raw.config)
    return isinstance(body, list) or ("'output_dim'" in text and "'units'" not in text)


def _with_weights(graph: Graph, raw: RawFile) -> list[tuple[LayerEntry, list[StoredWeight]]]:
    if raw.keras3_vars is None:
        return [(entry, raw.layer_weights.get(entry.name, [])) for entry in graph.entries]
    keys = keras3_store.store_keys([entry.stored_class for entry in graph.entries])
    return [(entry, keras3_store.layer_arrays(raw.keras3_vars, key)) for entry, key in zip(graph.entries, keys)]


def _layer(entry: LayerEntry, stored: list[StoredWeight], major: int) -> Layer:
    return build_layer(entry.class_name, entry.stored_class, entry.config, stored, major, tuple(entry.calls))


def _input_specs(graph: Graph, layers: tuple[Layer, ...]) -> tuple[InputSpec, ...]:
    by_name = {layer.name: layer for layer in layers}
    specs = []
    for ref in graph.inputs:
        layer = by_name.get(ref.layer)
        config = layer.config if layer else {}
        shape = config.get("batch_shape") or config.get("batch_input_shape")
        if shape is None:
            shape = _shape_from_consumer(ref.layer, layers)
        dtype = config.get("dtype") if isinstance(config.get("dtype"), str) else "float32"
        specs.append(InputSpec(ref.layer, tuple(shape), dtype))
    return tuple(specs)


def _shape_from_consumer(input_name: str, layers: tuple[Layer, ...]) -> tuple[int | None, ...]:
    """A Sequential saved without an input shape: guess the rank from the first layer's weights."""
    for layer in layers:
        if any(ref.layer == input_name for call in layer.calls for ref in call.inputs):
            target = next(iter(layer.directions().values()), layer)
            if target.class_name == "Embedding" or layer.class_name == "Embedding":
                return (None, None)
            kernel = target.weights.get("kernel")
            features = int(kernel.shape[0]) if kernel is not None and kernel.ndim == 2 else None
            return (None, None, features) if target.is_recurrent else (None, features)
    return (None, None)
