"""GUI tests run headless (offscreen Qt) with their own settings file and no blocking dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path):
    from PyQt6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every message box the code under test shows, as (title, text); none of them blocks."""
    from PyQt6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind: str):
        def show(_parent, title, text, *args, **kwargs):
            shown.append((title, text))
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append((self.windowTitle(), self.text())) or 0)
    return shown


@pytest.fixture
def window(qtbot, settings, dialogs):
    from inspector.gui.main_window import MainWindow

    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    yield win
    win.opener.wait(10000)


@pytest.fixture
def open_and_wait(qtbot, window):
    """open_and_wait(path) or open_and_wait(demo="sine_lstm"): open in the worker and wait for the result."""

    def run(path: str | Path | None = None, demo: str | None = None) -> None:
        if demo is not None:
            window.open_demo(demo)
        else:
            window.open_file(path)
        qtbot.waitUntil(lambda: not window.opener.pending, timeout=30000)
        qtbot.waitUntil(lambda: window.weights_view.drawing.done and window.time_view.drawing.done, timeout=30000)

    return run


@pytest.fixture(scope="session")
def corpus() -> Path:
    from tests.corpus import corpus_dir_or_skip

    return corpus_dir_or_skip()
