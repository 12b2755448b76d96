"""Models inside models: the layers of a Sequential or Functional model used as a layer (alone or inside
TimeDistributed), and of RNN(StackedRNNCells), which dialects rewrites as a nested Sequential of one
recurrent layer per cell.

The nested model becomes a Layer whose children are its layers, in its graph order, each with its own
calls; `nested_inputs` / `nested_outputs` in its config name the inner graph's inputs and outputs.
Its stored arrays are shared out to the inner layers the way each format keys them:
- a Keras 3 weights store by the inner store keys (`.../layers/<key>/...`, `.../cells/<key>/...`,
  numbered per class as keras3_store explains);
- legacy HDF5 by the inner layer name inside each weight name ('inner_rnn/lstm/lstm_cell/kernel',
  'rnn/stacked_rnn_cells/lstm_cell_1/bias:0'), or else by position, layer by layer in get_weights order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspector.core.errors import UnsupportedModel
from inspector.core.io import keras3_store
from inspector.core.io.containers import StoredWeight, keras3_store_path
from inspector.core.model.canonical import NESTED_MODELS, Call, Layer
from inspector.core.model.dialects import CELL_CLASSES
from inspector.core.model.graph_config import LayerEntry, read_graph
from inspector.core.model.layer_weights import roles_for
from inspector.core.model.weight_matching import declares_weights

Build = Callable[[str, str, dict[str, Any], list[StoredWeight], int, tuple[Call, ...]], Layer]


def nested_layers(class_name: str, config: dict[str, Any], stored: list[StoredWeight], keras_major: int,
                  build: Build) -> dict[str, Layer]:
    """The inner layers of a nested model, built with `build` (layer_build.build_layer); records the inner
    inputs and outputs in `config`."""
    graph = read_graph({"class_name": class_name, "config": _body(config)}, keras_major)
    config["nested_inputs"] = [ref.layer for ref in graph.inputs]
    config["nested_outputs"] = [[ref.layer, ref.node, ref.index] for ref in graph.outputs]
    shares = share_out(graph.entries, stored, config.get("cell_classes"))
    return {entry.name: build(entry.class_name, entry.stored_class, entry.config, arrays, keras_major,
                              tuple(entry.calls))
            for entry, arrays in zip(graph.entries, shares)}


def _body(config: dict[str, Any]) -> dict[str, Any]:
    """The nested model's own config, without what the outer graph added to it."""
    return {k: v for k, v in config.items() if k not in ("nested_inputs", "nested_outputs")}


def share_out(entries: list[LayerEntry], stored: list[StoredWeight],
              cell_classes: list[str] | None = None) -> list[list[StoredWeight]]:
    if not stored:
        return [[] for _ in entries]
    if all(keras3_store_path(w.name).startswith("layers/") and "/vars/" in w.name for w in stored):
        return _by_store_key(entries, stored, cell_classes)
    return _by_layer_name(entries, stored) or _by_position(entries, stored)


def _by_store_key(entries: list[LayerEntry], stored: list[StoredWeight],
                  cell_classes: list[str] | None) -> list[list[StoredWeight]]:
    segment = "/cells/" if cell_classes else "/layers/"
    tf213 = keras3_store.written_by_tf213(stored)
    stored = [StoredWeight(keras3_store_path(w.name), w.array) for w in stored]
    first_owner = stored[0].name.rsplit("/vars/", 1)[0]
    cut = first_owner.find(segment, len("layers/"))
    if cut < 0:
        raise UnsupportedModel(f"nested weights {stored[0].name!r} are not stored under {segment.strip('/')}/")
    prefix = first_owner[:cut + 1]
    inner: dict[str, list[StoredWeight]] = {}
    for w in stored:
        relative = w.name[len(prefix):] if w.name.startswith(prefix) else w.name
        inner.setdefault(relative.rsplit("/vars/", 1)[0], []).append(StoredWeight(relative, w.array))
    if cell_classes:  # the cells, in order, are the layers after the implicit input
        cells = iter(["cells/" + key.removeprefix("layers/") for key in keras3_store.store_keys(cell_classes)])
        return [[] if entry.class_name == "InputLayer" else keras3_store.layer_arrays(inner, next(cells, ""))
                for entry in entries]
    weighted = [declares_weights(entry.class_name, entry.config) for entry in entries] if tf213 else None
    keys = keras3_store.store_keys([entry.stored_class for entry in entries], weighted)
    return [keras3_store.layer_arrays(inner, key) for key in keys]


def _by_layer_name(entries: list[LayerEntry], stored: list[StoredWeight]) -> list[list[StoredWeight]] | None:
    """Each array to the one inner layer named in its path; None when a path names none or several."""
    names = {entry.name for entry in entries}
    shares: dict[str, list[StoredWeight]] = {entry.name: [] for entry in entries}
    for w in stored:
        found = names.intersection(w.name.replace("\\", "/").split("/"))
        if len(found) != 1:
            return None
        shares[found.pop()].append(w)
    return [shares[entry.name] for entry in entries]


def _by_position(entries: list[LayerEntry], stored: list[StoredWeight]) -> list[list[StoredWeight]]:
    shares, position = [], 0
    for entry in entries:
        count = array_count(entry.class_name, entry.config)
        shares.append(stored[position:position + count])
        position += count
    if position != len(stored):
        raise UnsupportedModel(f"the nested model's {len(stored)} weight arrays do not divide among its layers "
                               f"({', '.join(e.name for e in entries)})")
    return shares


def array_count(class_name: str, config: dict[str, Any]) -> int:
    """How many arrays get_weights() returns for a layer of this class and config."""
    inner = config.get("layer")
    if class_name in ("Bidirectional", "TimeDistributed") and isinstance(inner, dict):
        count = array_count(str(inner.get("class_name")), dict(inner.get("config") or {}))
        return 2 * count if class_name == "Bidirectional" else count
    if class_name in NESTED_MODELS:
        layers = config.get("layers") or []
        return sum(array_count(str(spec.get("class_name")), dict(spec.get("config") or {}))
                   for spec in layers if isinstance(spec, dict))
    cell = CELL_CLASSES.get(class_name, class_name)
    return len(roles_for(cell, config))
