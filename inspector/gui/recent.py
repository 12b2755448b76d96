"""File > Open Recent: the last opened files, kept in QSettings (organisation "LSTM Inspector")."""

from __future__ import annotations

import os
from pathlib import Path

from PyQt6.QtCore import QSettings

ORGANISATION = "LSTM Inspector"
APPLICATION = "LSTM Inspector"
KEY = "recent_files"
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

    def add(self, path: str | Path) -> None:
        path = os.path.abspath(os.fspath(path))
        paths = [path] + [p for p in self.paths() if p != path]
        self.settings.setValue(KEY, paths[:LIMIT])
        self.settings.sync()

    def clear(self) -> None:
        self.settings.setValue(KEY, [])
        self.settings.sync()
