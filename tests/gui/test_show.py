"""inspector.show: the window in its own process, with a live model or a file, and the caller's sequence."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import inspector
from inspector.api import window as show_window
from inspector.demo import demo_model
from inspector.gui.app import load_sequence_once_open
from inspector.gui.main_window import MainWindow


def test_the_callers_sequence_is_in_the_sequence_dock(qtbot, settings, tmp_path: Path) -> None:
    x = (np.arange(30, dtype=np.float32) / 30)[:, None]  # 30 steps x 1 feature, as sine_lstm takes
    np.save(tmp_path / "sequence.npy", x)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.reference_runner.auto_action.setChecked(False)
    window.open_file(demo_model("sine_lstm"))
    load_sequence_once_open(window, str(tmp_path / "sequence.npy"))
    qtbot.waitUntil(lambda: window.state.inputs is not None and np.allclose(window.state.inputs[0][0], x),
                    timeout=60000)


def test_show_returns_at_once_with_the_window_running(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    process = inspector.show(demo_model("sine_gru"), sequence=np.zeros((30, 1), np.float32))
    try:
        folder = Path(process.args[process.args.index("--remove-when-closed") + 1])
        assert (folder / "sequence.npy").is_file()
        time.sleep(3)
        assert process.poll() is None  # the window is up in its own process; we were not held
    finally:
        process.kill()
        process.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_the_window_process_removes_its_temporary_folder(monkeypatch, tmp_path: Path) -> None:
    folder = tmp_path / "owned"
    folder.mkdir()
    (folder / "model.keras").write_bytes(b"")
    seen = []
    monkeypatch.setattr("inspector.gui.app.run_app", lambda model, sequence=None: seen.append((model, sequence)) or 0)
    assert show_window.main(["--remove-when-closed", str(folder), "--sequence", "s.npy", str(folder / "model.keras")]) == 0
    assert seen == [(str(folder / "model.keras"), "s.npy")] and not folder.exists()
    assert sys.modules["inspector.api"].show is inspector.show
