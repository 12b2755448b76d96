"""File > Open Recent: the last opened files, kept in QSettings (organisation "LSTM Inspector")."""

from __future__ import annotations

import json
import os
from pathlib import Path

from PyQt6.QtCore import QSettings

ORGANISATION = "LSTM Inspector"
APPLICATION = "LSTM Inspector"
KEY = "recent_files"
ARCHITECTURES_KEY = "recent_architectures"  # JSON {weights file: architecture file} for the pairs
LIMIT = 10


def app_settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


class RecentFiles:
    """Most recent first, no duplicates, at most LIMIT; files that vanished are dropped on reading."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings if settings is not None else app_settings()

    def paths(self) -> list[str]:
        value = self.settings.value(KEY, [])
        if isinstance(value, str):  # QSettings gives a str for a one-element list on some back-ends
            value = [value]
        return [path for path in (value or []) if os.path.isfile(path)]

    def add(self, path: str | Path, architecture: str | Path | None = None) -> None:
        """Remember `path` first; with `architecture`, reopening it reads it with that file (without, as is)."""
        path = os.path.abspath(os.fspath(path))
        paths = [path] + [p for p in self.paths() if p != path]
        pairs = {p: a for p, a in self._architectures().items() if p in paths[:LIMIT] and p != path}
        if architecture is not None:
            pairs[path] = os.path.abspath(os.fspath(architecture))
        self.settings.setValue(KEY, paths[:LIMIT])
        self.settings.setValue(ARCHITECTURES_KEY, json.dumps(pairs))
        self.settings.sync()

    def architecture(self, path: str) -> str | None:
        """The architecture file `path` was last opened with, if it still exists."""
        found = self._architectures().get(path)
        return found if found and os.path.isfile(found) else None

    def _architectures(self) -> dict[str, str]:
        try:
            value = json.loads(str(self.settings.value(ARCHITECTURES_KEY, "{}")))
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def clear(self) -> None:
        self.settings.setValue(KEY, [])
        self.settings.setValue(ARCHITECTURES_KEY, "{}")
        self.settings.sync()
