"""A live Keras model (Keras 3, tf.keras, tf_keras) saved to a file by its own Keras, in the caller's process.

Nothing here imports Keras: the model object's own `save` writes the file. Keras 3 writes `.keras`;
Keras 2 (tf.keras, tf_keras) writes legacy HDF5 `.h5`, the format every version of it writes the same way.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from inspector.core.errors import InspectorError

KERAS_MODULES = ("keras", "tf_keras", "tensorflow")


def is_live_keras_model(value: Any) -> bool:
    """True for a Keras model object (by its class's module; nothing is imported to tell)."""
    modules = [cls.__module__ for cls in type(value).__mro__]
    return callable(getattr(value, "save", None)) and any(m.split(".")[0] in KERAS_MODULES for m in modules)


def save_live_model(model: Any, folder: Path | None = None) -> Path:
    """Save `model` with its own Keras into `folder` (a new temporary folder when None); the file's path."""
    folder = Path(tempfile.mkdtemp(prefix="lstm-inspector-")) if folder is None else folder
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(getattr(model, "name", "") or "model"))[:60] or "model"
    target = folder / f"{name}{_suffix(model)}"
    try:
        model.save(str(target))
    except Exception as error:  # noqa: BLE001 - whatever the caller's Keras raises, say it in one line
        raise InspectorError(f"Keras could not save the model to a temporary file ({type(error).__name__}: "
                             f"{error}); save it yourself with model.save('model.keras') and load that file") from error
    if not target.is_file():
        raise InspectorError(f"Keras did not write {target}; save the model yourself and load the file")
    return target


def _suffix(model: Any) -> str:
    """.keras for a Keras 3 model, .h5 for Keras 2 (tf.keras and tf_keras)."""
    top = type(model).__module__.split(".")[0]
    keras = sys.modules.get("keras")
    version = str(getattr(keras, "__version__", "0"))
    return ".keras" if top == "keras" and version.split(".")[0].isdigit() and int(version.split(".")[0]) >= 3 else ".h5"
