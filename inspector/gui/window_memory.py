"""The window remembers how it was left: geometry, docks, splitter positions, the tab in front and the
small choices (scale mode, playback speed), in QSettings, restored at the next start.

A saved state that is damaged, from another version of the window or of the wrong type is ignored
piece by piece: the window then starts as it would the first time. Nothing here can stop it starting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QByteArray, QSettings
from PyQt6.QtWidgets import QMainWindow, QSplitter, QWidget

GROUP = "window"
LAYOUT_VERSION = 1  # raise it when docks or splitters change: states saved before are then ignored


@dataclass(frozen=True)
class Remembered:
    """One small choice: how to read it from the window, and how to give it back (may raise ValueError)."""

    read: Callable[[], object]
    restore: Callable[[str], None]


class WindowMemory:
    def __init__(self, window: QMainWindow, settings: QSettings, choices: dict[str, Remembered]) -> None:
        self.window = window
        self.settings = settings
        self.choices = choices

    def save(self) -> None:
        s = self.settings
        s.beginGroup(GROUP)
        try:
            s.setValue("geometry", self.window.saveGeometry())
            s.setValue("docks", self.window.saveState(LAYOUT_VERSION))
            for key, splitter in splitters(self.window).items():
                s.setValue(f"splitters/{key}", splitter.saveState())
            for name, choice in self.choices.items():
                s.setValue(f"choices/{name}", str(choice.read()))
        finally:
            s.endGroup()
        s.sync()

    def restore(self) -> list[str]:
        """Give the window back what was saved; the names of the pieces that were ignored."""
        ignored = []
        s = self.settings
        s.beginGroup(GROUP)
        try:
            if not _bytes_ok(s.value("geometry"), self.window.restoreGeometry):
                ignored.append("geometry")
            if not _bytes_ok(s.value("docks"), lambda v: self.window.restoreState(v, LAYOUT_VERSION)):
                ignored.append("docks")
            for key, splitter in splitters(self.window).items():
                if not _bytes_ok(s.value(f"splitters/{key}"), splitter.restoreState):
                    ignored.append(f"splitter {key}")
            ignored += self._restore_choices(s)
        finally:
            s.endGroup()
        return ignored

    def _restore_choices(self, s: QSettings) -> list[str]:
        ignored = []
        for name, choice in self.choices.items():
            value = s.value(f"choices/{name}")
            if value is None:
                ignored.append(name)
                continue
            try:
                choice.restore(str(value))
            except (ValueError, TypeError, IndexError, KeyError):
                ignored.append(name)
        return ignored


def _bytes_ok(value: object, restore: Callable[[QByteArray], bool]) -> bool:
    """Restore from a saved QByteArray; False (nothing changed) for a missing, foreign or damaged value."""
    if isinstance(value, bytes | bytearray):
        value = QByteArray(bytes(value))
    if not isinstance(value, QByteArray) or value.isEmpty():
        return False
    try:
        return bool(restore(value))
    except (TypeError, ValueError):
        return False


def splitters(window: QWidget) -> dict[str, QSplitter]:
    """Every splitter of the window by a key that is the same at every start: its objectName, else the
    path of widget class names (with the index among siblings of that class) from the window down."""
    found = {}
    for splitter in window.findChildren(QSplitter):
        found[splitter.objectName() or _path(splitter, window)] = splitter
    return found


def _path(widget: QWidget, top: QWidget) -> str:
    parts = []
    current: QWidget | None = widget
    while current is not None and current is not top:
        parent = current.parentWidget()
        siblings = [w for w in (parent.findChildren(type(current)) if parent else [])
                    if w.parentWidget() is parent]
        index = siblings.index(current) if current in siblings else 0
        parts.append(current.objectName() or f"{type(current).__name__}{index}")
        current = parent
    return "/".join(reversed(parts))


def choice_from(options: tuple | list, read: Callable[[], object], apply: Callable[[object], None],
                convert: Callable[[str], object] = str) -> Remembered:
    """A choice among fixed `options` (a saved value that is not one of them raises ValueError)."""
    def restore(text: str) -> None:
        value = convert(text)
        if value not in options:
            raise ValueError(text)
        apply(value)

    return Remembered(read, restore)
