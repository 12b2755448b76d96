"""Files beside a weights-only file that may hold its architecture, most likely first.

Repositories ship `save_weights` output next to `model.to_json()` (`model.json`, `architecture.json`, or the
weights' own stem with .json/.yaml), a Keras 3 `config.json`, or a full-model file of the same network.
Only names are looked at here (nothing is opened): a candidate is read, in the sandbox, when it is chosen.
"""

from __future__ import annotations

import os
from pathlib import Path

TEXT_SUFFIXES = (".json", ".yaml", ".yml")
COMMON_NAMES = ("model.json", "architecture.json", "config.json", "model_architecture.json", "model.yaml",
                "architecture.yaml")
MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")
WEIGHT_SUFFIXES = (".weights.h5", ".weights.hdf5", ".h5", ".hdf5", ".keras")
WEIGHT_WORDS = ("_weights", "-weights", ".weights", "_weight", "weights_", "weights-")  # at either end
MAX_ENTRIES = 2000  # a downloads folder with more files is not searched further
MAX_FOUND = 12
MAX_UNRELATED_MODELS = 3  # a folder of many models: only those named like the weights are offered


def stems(weights: str | os.PathLike[str]) -> list[str]:
    """'lstm_weights.h5' -> ['lstm_weights', 'lstm']; 'model.weights.h5' -> ['model'];
    'net.v2.best.h5' -> ['net.v2.best', 'net.v2', 'net']."""
    name = Path(weights).name
    for suffix in WEIGHT_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    found = [name]
    for word in WEIGHT_WORDS:
        if name.lower().endswith(word) and len(name) > len(word):
            found.append(name[: -len(word)])
        if name.lower().startswith(word) and len(name) > len(word):
            found.append(name[len(word):])
    while "." in name:
        name = name.rsplit(".", 1)[0]
        found.append(name)
    return list(dict.fromkeys(stem for stem in found if stem))


def find_companions(weights: str | os.PathLike[str]) -> list[str]:
    """Paths of files beside `weights` that may hold its architecture, most likely first."""
    folder = Path(weights).resolve().parent
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for _, entry in zip(range(MAX_ENTRIES), entries) if entry.is_file())
    except OSError:
        return []
    by_lower = {name.lower(): name for name in names}
    own = Path(weights).name
    wanted = [stem + suffix for stem in stems(weights) for suffix in TEXT_SUFFIXES] + list(COMMON_NAMES)
    found = [by_lower[name.lower()] for name in wanted if name.lower() in by_lower]
    found += [name for name in names if name.lower().endswith(TEXT_SUFFIXES) and _mentions(name, weights)]
    models = [name for name in names if name.lower().endswith(MODEL_SUFFIXES) and name != own
              and not _weights_name(name)]
    related = [name for name in models if _mentions(name, weights)]
    found += related or (models if len(models) <= MAX_UNRELATED_MODELS else [])
    unique = list(dict.fromkeys(found))
    return [str(folder / name) for name in unique[:MAX_FOUND]]


def _mentions(name: str, weights: str | os.PathLike[str]) -> bool:
    lowered = name.lower()
    return any(stem.lower() in lowered for stem in stems(weights) if len(stem) >= 3)


def _weights_name(name: str) -> bool:
    """Names that say they hold weights only (a full-model file never ends in .weights.h5)."""
    lowered = name.lower()
    return lowered.endswith((".weights.h5", ".weights.hdf5")) or any(w in lowered for w in WEIGHT_WORDS)
