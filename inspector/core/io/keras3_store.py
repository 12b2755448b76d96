"""Find a layer's arrays in a Keras 3 weights file (`model.weights.h5`, `.weights.h5`).

Keras 3 does not key weights by layer name: it walks `model.layers` and names each one by its
snake_case class name, numbered per class in layer order (`layers/dense_1` may hold config
layer `dense_56`); see keras/src/saving/saving_lib.py `_save_container_state`.
"""

from __future__ import annotations

import re

from inspector.core.io.containers import TF213_LAYERS, StoredWeight

# get_weights() order of a layer's own vars and its sub-objects
SUB_ORDER = ("", "/cell", "/forward_layer", "/forward_layer/cell", "/backward_layer",
             "/backward_layer/cell", "/layer", "/layer/cell")


def to_snake_case(name: str) -> str:
    """Keras's keras/src/utils/naming.py to_snake_case, verbatim in behaviour."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


# the store is keyed by the Python class; a config names some classes by their exported alias
PYTHON_CLASS_NAMES = {"GroupQueryAttention": "GroupedQueryAttention"}


def store_keys(class_names: list[str], weighted: list[bool] | None = None) -> list[str]:
    """The `layers/<key>` of each layer, given the stored class names in model.layers order.

    `weighted` (tf.keras 2.13-2.14 files only): which layers have weights. Those writers walked
    `_layer_checkpoint_dependencies`, which lists a layer with weights twice ("layer_with_weights-k", then
    "layer-i"); the second visit saves nothing but still takes a number, so the second Dense of a model
    is stored as `dense_2` (keras/src/engine/functional.py and saving/saving_lib.py of those versions).
    """
    used: dict[str, int] = {}
    keys = []
    for position, class_name in enumerate(class_names):
        snake = to_snake_case(PYTHON_CLASS_NAMES.get(class_name, class_name))
        keys.append(f"layers/{_numbered(snake, used)}")
        if weighted is not None and weighted[position]:
            _numbered(snake, used)
    return keys


def _numbered(snake: str, used: dict[str, int]) -> str:
    if snake in used:
        used[snake] += 1
        return f"{snake}_{used[snake]}"
    used[snake] = 0
    return snake


def written_by_tf213(arrays: list[StoredWeight]) -> bool:
    """True for arrays stored under `_layer_checkpoint_dependencies` (tf.keras 2.13-2.14 zips)."""
    return any(TF213_LAYERS in w.name.split("/") for w in arrays)


def layer_arrays(store: dict[str, list[StoredWeight]], key: str) -> list[StoredWeight]:
    """All arrays stored under `key`, in the order the layer's get_weights() returns them."""
    owners = [owner for owner in store if owner == key or owner.startswith(key + "/")]
    rank = {suffix: i for i, suffix in enumerate(SUB_ORDER)}
    owners.sort(key=lambda owner: (rank.get(owner[len(key):], len(SUB_ORDER)), owner))
    return [w for owner in owners for w in store[owner]]


def top_level_keys(store: dict[str, list[StoredWeight]]) -> list[str]:
    """`layers/<key>` of every layer that has arrays, for files without a config."""
    found = {"/".join(owner.split("/")[:2]) for owner in store}
    return sorted(found, key=_natural)


def _natural(key: str) -> tuple[str, int]:
    base, _, number = key.rpartition("_")
    return (base, int(number)) if number.isdigit() else (key, -1)
