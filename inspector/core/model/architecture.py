"""Architecture files that go with a weights-only file: where the layers come from when the weights
file has none.

Read, never executed:
- `model.to_json()` output of any Keras (Keras 1/2 and tf.keras add `keras_version`);
- `model.to_yaml()` output of Keras 1/2, read by `inspector.core.io.keras_yaml` (no Python tags built);
- a Keras 3 `config.json` (from a `.keras` zip, or `to_json()` of Keras 3: objects carry `module`);
- a full-model file (`.h5`, `.keras`) of the same network, whose config is used.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from inspector.core.errors import CorruptFile
from inspector.core.io import keras_yaml
from inspector.core.io.containers import HDF5_MAGIC, ZIP_MAGIC, read_file

MAX_TEXT_BYTES = 64 * 1024**2
KINDS = ("json", "yaml", "keras3-config", "model-file")
KERAS2_MARKERS = ('"batch_input_shape"', '"time_major"', '"keras.src.engine.')


@dataclass(frozen=True)
class Architecture:
    """A model config ({class_name, config}) and what we know of the Keras that wrote it."""

    path: str
    config: dict[str, Any]
    keras_version: str | None
    kind: str  # one of KINDS

    @property
    def keras3(self) -> bool:
        """Keras 3 configs wrap every object in {module, class_name, config, registered_name}."""
        return self.kind == "keras3-config" or (self.keras_version or "").strip().startswith("3")


def read_architecture(path: str | os.PathLike[str]) -> Architecture:
    path = os.fspath(path)
    name = os.path.basename(path)
    text = _text(path, name)
    if text is None:  # HDF5 or zip: a full-model file
        raw = read_file(path)
        if raw.config is None:
            raise CorruptFile(f"{name} holds weights only, no architecture; give the model's .json, .yaml, "
                              "config.json or a full-model file")
        return Architecture(path, raw.config, raw.keras_version, "model-file")
    config = _parse(text, name)
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) or "config" not in config:
        raise CorruptFile(f"{name} is not a Keras model architecture: it has no class_name and config")
    version = config.get("keras_version")
    version = str(version) if isinstance(version, (str, int, float)) else None
    if text.lstrip().startswith("{"):
        kind = "keras3-config" if _written_by_keras3(config, text) else "json"
    else:
        kind = "yaml"
    return Architecture(path, config, version, kind)


def _written_by_keras3(config: dict[str, Any], text: str) -> bool:
    """Keras 3 wraps objects in {module, ...}; so did tf.keras 2.13-2.15 in the config.json of its zips, but
    its configs keep Keras 2 keys (batch_input_shape, time_major) and its model modules (keras.src.engine)."""
    if "module" not in config and "registered_name" not in config:
        return False
    return not any(marker in text for marker in KERAS2_MARKERS)


def _text(path: str, name: str) -> str | None:
    """The file as text; None for a model file (HDF5 or zip)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(HDF5_MAGIC))
            if head.startswith((HDF5_MAGIC, ZIP_MAGIC)):
                return None
            data = head + handle.read(MAX_TEXT_BYTES + 1 - len(head))
    except OSError as exc:
        raise CorruptFile(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_TEXT_BYTES:
        raise CorruptFile(f"{name} is larger than {MAX_TEXT_BYTES // 1024**2} MB; no model architecture is")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorruptFile(f"{name} is not text (JSON or YAML) nor a Keras model file") from None


def _parse(text: str, name: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise CorruptFile(f"{name} is not valid JSON ({exc})") from None
    return keras_yaml.loads(text, name)
