"""WindowMemory on a small window of its own: what is saved comes back; damaged state never stops a start."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QTabWidget

from inspector.gui.window_memory import WindowMemory, choice_from, splitters

SPEEDS = (1, 5, 20)


class Window(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.tabs = QTabWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(QLabel("left"))
        self.splitter.addWidget(QLabel("right"))
        self.tabs.addTab(self.splitter, "one")
        self.tabs.addTab(QLabel("two"), "two")
        self.setCentralWidget(self.tabs)
        self.dock = QDockWidget("Model", self)
        self.dock.setObjectName("dock_model")
        self.dock.setWidget(QLabel("dock"))
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.speed = 5

    def memory(self, settings: QSettings) -> WindowMemory:
        return WindowMemory(self, settings, {
            "tab": choice_from(range(self.tabs.count()), self.tabs.currentIndex, self.tabs.setCurrentIndex, int),
            "speed": choice_from(SPEEDS, lambda: self.speed, lambda v: setattr(self, "speed", v), int),
        })


def _settings(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def test_what_was_saved_comes_back(qtbot, tmp_path: Path) -> None:
    first = Window()
    qtbot.addWidget(first)
    first.resize(640, 470)
    first.show()
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.dock)
    qtbot.wait(20)
    first.splitter.setSizes([100, 700])
    sizes = first.splitter.sizes()
    first.tabs.setCurrentIndex(1)
    first.speed = 20
    first.memory(_settings(tmp_path / "s.ini")).save()

    second = Window()
    qtbot.addWidget(second)
    assert second.memory(_settings(tmp_path / "s.ini")).restore() == []
    second.show()
    qtbot.wait(20)
    assert second.size().width() == 640 and second.tabs.currentIndex() == 1 and second.speed == 20
    assert second.dockWidgetArea(second.dock) == Qt.DockWidgetArea.RightDockWidgetArea
    restored = second.splitter.sizes()
    assert abs(restored[0] / sum(restored) - sizes[0] / sum(sizes)) < 0.02  # the same split (widths may differ)
    assert restored[0] / sum(restored) < 0.2  # not the even default


def test_damaged_or_foreign_state_is_ignored(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "bad.ini"
    path.write_text("[window]\ngeometry=not a geometry\ndocks=@ByteArray(\\0\\x1garbage)\n"
                    "choices\\tab=7\nchoices\\speed=fast\nsplitters\\QTabWidget0=3\n")
    window = Window()
    qtbot.addWidget(window)
    ignored = window.memory(_settings(path)).restore()
    assert {"geometry", "docks", "tab", "speed"} <= set(ignored)
    window.show()
    assert window.tabs.currentIndex() == 0 and window.speed == 5


def test_an_empty_settings_file_is_a_first_start(qtbot, tmp_path: Path) -> None:
    window = Window()
    qtbot.addWidget(window)
    ignored = window.memory(_settings(tmp_path / "none.ini")).restore()
    assert "geometry" in ignored and window.tabs.currentIndex() == 0


def test_splitters_have_keys_that_do_not_change(qtbot) -> None:
    one, two = Window(), Window()
    qtbot.addWidget(one)
    qtbot.addWidget(two)
    assert list(splitters(one)) == list(splitters(two)) and len(splitters(one)) == 1
