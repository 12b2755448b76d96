"""Find a layer's arrays in a Keras 3 weights file (`model.weights.h5`, `.weights.h5`).

Keras 3 does not key weights by layer name: it walks `model.layers` and names each one by its
snake_case class name, numbered per class in layer order (`layers/dense_1` may hold config
layer `dense_56`); see keras/src/saving/saving_lib.py `_save_container_state`.
"""

from __future__ import annotations

import re

from inspector.core.io.containers import StoredWeight

# get_weights() order of a layer's own vars and its sub-objects
SUB_ORDER = ("", "/cell", "/forward_layer", "/forward_layer/cell", "/backward_layer",
             "/backward_layer/cell", "/layer", "/layer/cell")


def to_snake_case(name: str) -> str:
    """Keras's keras/src/utils/naming.py to_snake_case, verbatim in behaviour."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def store_keys(class_names: list[str]) -> list[str]:
    """The `layers/<key>` of each layer, given the stored class names in model.layers order."""
    used: dict[str, int] = {}
    keys = []
    for class_name in class_names:
        name = to_snake_case(class_name)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        keys.append(f"layers/{name}")
    return keys


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
