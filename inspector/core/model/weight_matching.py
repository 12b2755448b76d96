"""Which stored arrays belong to which layer of an architecture, as Keras's `load_weights` decides it.

A legacy HDF5 weights file (`save_weights("w.h5")`, or the weights of a full-model file) is matched by
position: the n-th layer of the architecture that has weights takes the n-th layer group of the file
that has weights, whatever the names (keras/src/legacy/saving/legacy_h5_format.py
`load_weights_from_hdf5_group`, tf_keras's `hdf5_format` with by_name=False). A Keras 3 `.weights.h5`
is matched by its store keys (see keras3_store). Counts and shapes are checked; a mismatch is one line
naming the first layer that does not fit.

`declares_weights` is also the rule for every format: a layer whose config says it has weights, for
which the file holds none, is reported instead of being shown with 0 parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inspector.core.errors import UnsupportedModel
from inspector.core.io.containers import StoredWeight
from inspector.core.model.canonical import NESTED_MODELS
from inspector.core.model.dialects import CELL_CLASSES, normalize_layer
from inspector.core.model.layer_weights import KERAS1_SPLIT, roles_for

NO_WEIGHTS = ("its config says it has weights but the file holds none for it (the file is incomplete or stores "
              "them in a layout LSTM Inspector does not know), so it cannot run")
GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


def declares_weights(class_name: str, config: Mapping[str, Any], keras_major: int = 2) -> bool:
    """True when a layer of this class and config has weights once built (canonical class names)."""
    if class_name in ("Bidirectional", "TimeDistributed"):
        return any(declares_weights(c, cfg, keras_major) for c, cfg in _inner_specs(config, keras_major))
    if class_name in NESTED_MODELS or class_name == "RNN":
        return any(declares_weights(c, cfg, keras_major) for c, cfg in _inner_specs(config, keras_major))
    return bool(roles_for(class_name, dict(config)))


def _inner_specs(config: Mapping[str, Any], keras_major: int) -> list[tuple[str, dict[str, Any]]]:
    specs: list[Any] = []
    for key in ("layer", "backward_layer", "cell"):
        specs.append(config.get(key))
    cells = config.get("cells")
    layers = config.get("layers")
    specs += cells if isinstance(cells, list) else []
    specs += layers if isinstance(layers, list) else []
    if isinstance(config.get("cell"), Mapping) and isinstance(config["cell"].get("config"), Mapping):
        inner_cells = config["cell"]["config"].get("cells")
        specs += inner_cells if isinstance(inner_cells, list) else []
    out = []
    for spec in specs:
        if isinstance(spec, Mapping) and isinstance(spec.get("config"), Mapping):
            stored = str(spec.get("class_name"))
            cell_class = CELL_CLASSES.get(stored, stored)
            out.append(normalize_layer(cell_class, dict(spec["config"]), keras_major))
    return out


def match_by_position(layers: Sequence[tuple[str, str, Mapping[str, Any]]],
                      stored: Mapping[str, list[StoredWeight]], keras_major: int) -> dict[str, list[StoredWeight]]:
    """{architecture layer name: arrays} from (name, class, config) in model.layers order and the file's
    layer groups in layer_names order."""
    groups = [(group, arrays) for group, arrays in stored.items() if arrays]
    weighted = [(name, class_name, config) for name, class_name, config in layers
                if declares_weights(class_name, config, keras_major) or stored.get(name)]
    if len(groups) != len(weighted):
        raise UnsupportedModel(
            f"the weights file holds weights for {len(groups)} layers ({_names(g for g, _ in groups)}) but the "
            f"architecture has {len(weighted)} layers with weights ({_names(n for n, _, _ in weighted)}); "
            "they are not the same network")
    matched = {}
    for (name, class_name, config), (group, arrays) in zip(weighted, groups):
        check_fit(name, class_name, config, group, arrays, keras_major)
        matched[name] = arrays
    return matched


def check_store_match(layers: Sequence[tuple[str, str, Mapping[str, Any]]], keys: Sequence[str],
                      found: Sequence[list[StoredWeight]], stored_keys: Sequence[str], keras_major: int) -> None:
    """A Keras 3 weights store read with an architecture: every layer with weights finds fitting arrays
    under its store key, and every stored layer is taken (Keras's load_weights refuses the same)."""
    for (name, class_name, config), key, arrays in zip(layers, keys, found):
        if arrays:
            check_fit(name, class_name, config, key, arrays, keras_major)
        elif declares_weights(class_name, config, keras_major):
            raise UnsupportedModel(f"layer {name!r} ({class_name}) finds no weights in the weights file (Keras "
                                   f"would look under {key}); they are not the same network")
    unused = [key for key in stored_keys if key not in set(keys)]
    if unused:
        raise UnsupportedModel(f"the weights file holds weights under {unused[0]} that no layer of the "
                               "architecture takes; they are not the same network")


def _names(names: Any) -> str:
    listed = list(names)
    return ", ".join(listed[:6]) + (", ..." if len(listed) > 6 else "")


def check_fit(name: str, class_name: str, config: Mapping[str, Any], group: str, arrays: list[StoredWeight],
              keras_major: int) -> None:
    """UnsupportedModel naming the layer and both shapes when the arrays cannot be this layer's."""
    if class_name == "Bidirectional":
        specs = _inner_specs(config, keras_major)
        half = len(arrays) // 2
        if specs:
            inner_class, inner_config = specs[0]
            check_fit(name, inner_class, inner_config, group, arrays[:half], keras_major)
            check_fit(name, inner_class, inner_config, group, arrays[half:], keras_major)
        return
    if class_name == "TimeDistributed":
        specs = _inner_specs(config, keras_major)
        if specs:
            check_fit(name, specs[0][0], specs[0][1], group, arrays, keras_major)
        return
    needed = stored_shapes(class_name, config)
    if needed is None or any(KERAS1_SPLIT.search(w.name) for w in arrays):
        return
    if len(needed) != len(arrays):
        raise UnsupportedModel(
            f"layer {name!r} ({class_name}) needs {len(needed)} weight arrays but the weights file gives "
            f"{len(arrays)} in {group!r}: {', '.join(_shape(w.array.shape) for w in arrays)}")
    for (role, shape), stored in zip(needed, arrays):
        if not _fits(shape, stored.array.shape):
            raise UnsupportedModel(
                f"layer {name!r} ({class_name}) does not fit the weights of {group!r}: its {role} is "
                f"{_shape(stored.array.shape)} in the weights file but the architecture needs {_shape(shape or ())}")


def stored_shapes(class_name: str,
                  config: Mapping[str, Any]) -> list[tuple[str, tuple[int | None, ...] | None]] | None:
    """(role, shape as Keras 2/3 store it; None = any size, None shape = any) for common classes;
    None when the class is not checked."""
    use_bias = config.get("use_bias", True)
    units = config.get("units")
    if class_name in GATES and isinstance(units, int):
        width = GATES[class_name] * units
        shapes: list[tuple[str, tuple[int | None, ...] | None]] = [
            ("kernel", (None, width)), ("recurrent_kernel", (units, width))]
        return shapes + ([("bias", None)] if use_bias else [])  # bias: (w,), CuDNN (2w,), GRU (2, w)
    if class_name == "Dense" and isinstance(units, int):
        return [("kernel", (None, units))] + ([("bias", (units,))] if use_bias else [])
    if class_name == "Embedding" and isinstance(config.get("input_dim"), int):
        return [("embeddings", (config["input_dim"], config.get("output_dim")))]
    return None


def _fits(needed: tuple[int | None, ...] | None, found: tuple[int, ...]) -> bool:
    if needed is None:
        return True
    return len(needed) == len(found) and all(n is None or n == f for n, f in zip(needed, found))


def _shape(shape: tuple[int | None, ...]) -> str:
    return "(" + ", ".join("?" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
