"""open_model(path): any Keras file -> the canonical Model. Nothing stored in the file is executed."""

from __future__ import annotations

import os
from dataclasses import replace

from inspector.core.io import keras3_store
from inspector.core.io.companions import find_companions
from inspector.core.io.containers import RawFile, StoredWeight, read_file
from inspector.core.model.architecture import Architecture, read_architecture
from inspector.core.model.canonical import InputSpec, Layer, Model, keras_major
from inspector.core.model.graph_config import Graph, LayerEntry, read_graph
from inspector.core.model.layer_build import build_layer
from inspector.core.model.model_warnings import model_warnings
from inspector.core.model.weight_matching import NO_WEIGHTS, check_store_match, declares_weights, match_by_position
from inspector.core.model.weights_only import infer_weights_only


def open_model(path: str | os.PathLike[str], architecture: str | os.PathLike[str] | None = None) -> Model:
    """The model in `path`; with `architecture`, the weights of `path` on the layers of that file
    (to_json/to_yaml output, a Keras 3 config.json or a full-model file), matched as load_weights does."""
    raw = read_file(os.fspath(path))
    if architecture is not None:
        model = _paired(raw, read_architecture(architecture))
    else:
        model = infer_weights_only(raw) if raw.is_weights_only else _full_model(raw)
    notes = raw.warnings + (_companion_hint(raw.path) if raw.is_weights_only and architecture is None else [])
    return replace(model, warnings=(*notes, *model.warnings)) if notes else model


def _companion_hint(path: str) -> list[str]:
    found = find_companions(path)
    if not found:
        return []
    names = ", ".join(os.path.basename(p) for p in found[:3])
    return [f"files beside it may hold its architecture ({names}); read it with one to run the model "
            f"(--architecture FILE, or File > Open Architecture...)"]


def _paired(raw: RawFile, architecture: Architecture) -> Model:
    """The architecture's config with the weights file's arrays, as one full model."""
    version = architecture.keras_version or raw.keras_version
    keras3 = architecture.keras3
    container = "zip" if keras3 and raw.keras3_vars is not None else raw.container
    paired = replace(raw, config=architecture.config, keras_version=version, container=container,
                     is_weights_only=False)
    model = _full_model(paired, paired=True)
    return replace(model, architecture=architecture.path)


def _full_model(raw: RawFile, paired: bool = False) -> Model:
    file_format = detect_format(raw)
    major = keras_major(raw.keras_version, file_format)
    graph = read_graph(raw.config, major)
    stored = _with_weights(graph, raw, major, paired)
    layers = tuple(_said_if_unweighted(_layer(entry, arrays, major), entry, arrays, major)
                   for entry, arrays in stored)
    model = Model(
        path=raw.path, format=file_format, keras_version=raw.keras_version, backend=raw.backend,
        layers=layers, inputs=_input_specs(graph, layers), outputs=tuple(graph.outputs),
        name=graph.name,
    )
    return _with_warnings(model)


def _said_if_unweighted(layer: Layer, entry: LayerEntry, arrays: list[StoredWeight], major: int) -> Layer:
    """A layer that should have weights and has none is never shown as a layer with 0 parameters."""
    if arrays or not declares_weights(entry.class_name, entry.config, major):
        return layer
    return replace(layer, runnable=False, reason=NO_WEIGHTS)


def _with_warnings(model: Model) -> Model:
    return replace(model, warnings=tuple(model_warnings(model)))


def detect_format(raw: RawFile) -> str:
    if raw.is_weights_only:
        return "weights-only"
    if raw.container == "zip":  # tf.keras 2.13-2.15 wrote .keras zips too, with Keras 2 semantics
        return "tfkeras-zip" if (raw.keras_version or "").strip().startswith("2") else "keras3-zip"
    version = (raw.keras_version or "").strip()
    if version.startswith("1") or (not version and _looks_like_keras1(raw)):
        return "keras1-h5"
    if version.startswith("3"):
        return "keras3-h5"
    if version.endswith("-tf") or version_tuple(version) >= (2, 4):
        return "tfkeras-h5"
    return "keras2-h5"


def version_tuple(version: str) -> tuple[int, ...]:
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


def _with_weights(graph: Graph, raw: RawFile, major: int,
                  paired: bool = False) -> list[tuple[LayerEntry, list[StoredWeight]]]:
    """Each config layer with its arrays: legacy HDF5 by group name in a full-model file, by position among
    layers with weights for a weights file `paired` with an architecture; a Keras 3 store by store key
    (checked against the architecture when paired)."""
    described = [(e.name, e.class_name, e.config) for e in graph.entries]
    if raw.keras3_vars is None:
        weights = match_by_position(described, raw.layer_weights, major) if paired else raw.layer_weights
        return [(entry, weights.get(entry.name, [])) for entry in graph.entries]
    all_arrays = [w for arrays in raw.keras3_vars.values() for w in arrays]
    weighted = ([declares_weights(e.class_name, e.config, major) for e in graph.entries]
                if keras3_store.written_by_tf213(all_arrays) else None)
    keys = keras3_store.store_keys([entry.stored_class for entry in graph.entries], weighted)
    found = [keras3_store.layer_arrays(raw.keras3_vars, key) for key in keys]
    if paired:
        check_store_match(described, keys, found, keras3_store.top_level_keys(raw.keras3_vars), major)
    return list(zip(graph.entries, found))


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
        dtype = config.get("dtype")
        specs.append(InputSpec(ref.layer, tuple(shape), dtype if isinstance(dtype, str) else "float32"))
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
