"""A file that crashes, hangs or floods the parser gives the error dialog; the window lives on.

The parser runs in a child process (inspector/core/isolated_open.py). The crash and the hang are
children that really die by SIGSEGV or never answer (the opener's child command is replaced, the
mechanism is the production one); the memory blow-up is a real file read under a real cap.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from inspector.core.sandbox.isolated_open import IsolatedOpener
from tests.core.hostile_files import write_heavy_file, write_lambda_file

CRASH = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
HANG = [sys.executable, "-c", "import time; time.sleep(120)"]


def use_opener(window, monkeypatch: pytest.MonkeyPatch, opener: IsolatedOpener) -> None:
    monkeypatch.setattr(window.opener, "isolated", opener)


def assert_window_lives_on(window, open_and_wait, dialogs, before) -> None:
    """The previous model is still shown, and the next open works."""
    assert window.state.document is before
    assert window.windowTitle() == "LSTM Inspector - sine_gru.keras (demo)"
    assert window.weights_view.heatmap_count == 12
    count = len(dialogs)
    open_and_wait(demo="sine_lstm")
    assert len(dialogs) == count and window.state.document.demo == "sine_lstm"


@pytest.mark.parametrize("command, timeout, expected", [
    (CRASH, 30, "the file reader crashed (SIGSEGV) on this file"),
    (HANG, 1, "reading the file took longer than 1 s"),
])
def test_a_crash_or_hang_gives_a_dialog(window, open_and_wait, dialogs, monkeypatch, tmp_path: Path,
                                        command: list[str], timeout: float, expected: str) -> None:
    open_and_wait(demo="sine_gru")
    before = window.state.document
    use_opener(window, monkeypatch, IsolatedOpener(command=command, timeout=timeout))
    open_and_wait(write_lambda_file(tmp_path / "hostile.h5", tmp_path / "marker"))
    assert len(dialogs) == 1
    title, text = dialogs[0]
    assert title == "Cannot open file" and "hostile.h5" in text
    assert text.split("\n\n", 1)[1].startswith(expected)
    monkeypatch.undo()
    assert_window_lives_on(window, open_and_wait, dialogs, before)


def test_a_file_past_the_memory_cap_gives_a_dialog(window, open_and_wait, dialogs, monkeypatch, tmp_path) -> None:
    open_and_wait(demo="sine_gru")
    before = window.state.document
    use_opener(window, monkeypatch, IsolatedOpener(memory_limit=200 * 1024**2))
    open_and_wait(write_heavy_file(tmp_path / "heavy.h5"))
    assert len(dialogs) == 1 and "more than the 200 MB of memory allowed" in dialogs[0][1]
    monkeypatch.undo()
    assert_window_lives_on(window, open_and_wait, dialogs, before)


def test_a_new_open_cancels_a_hanging_one(window, qtbot, open_and_wait, dialogs, monkeypatch, tmp_path) -> None:
    """The user gives up on a file that hangs and opens another: no 60 s wait, no dialog for the first."""
    hanging = IsolatedOpener(command=HANG, timeout=60)
    use_opener(window, monkeypatch, hanging)
    window.open_file(write_lambda_file(tmp_path / "hostile.h5", tmp_path / "marker"))
    qtbot.waitUntil(lambda: hanging._running is not None, timeout=10000)
    hanging.command = IsolatedOpener().command
    open_and_wait(demo="sine_gru")
    assert dialogs == [] and window.state.document.demo == "sine_gru"


def test_the_lambda_layer_is_listed_and_never_run(window, open_and_wait, dialogs, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    open_and_wait(write_lambda_file(tmp_path / "payload.h5", marker))
    assert dialogs == []
    layer = window.state.document.model.layer("payload")
    assert not layer.runnable and "never runs code" in layer.reason
    tree = window.model_panel.tree
    row = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount()) if tree.topLevelItem(i).text(0) == "payload")
    assert row.text(4).startswith("no: a Lambda layer holds Python code")
    assert not marker.exists()


def test_nan_weights_are_flagged_in_the_model_panel(window, open_and_wait, dialogs, tmp_path: Path) -> None:
    import numpy as np

    from tests.core.hostile_files import write_lstm

    bad = np.full((2, 8), 0.5)
    bad[0, 1], bad[1, 2] = np.nan, np.inf
    path = tmp_path / "diverged.h5"
    write_lstm(path, "float32", {"lstm/recurrent_kernel:0": bad})
    open_and_wait(path)
    assert dialogs == []
    panel = window.model_panel
    texts = [panel.warnings.item(i).text() for i in range(panel.warnings.count())]
    assert "layer lstm: 2 weight values are NaN or Inf; outputs that depend on them are NaN too" in texts
    rows = {panel.tree.topLevelItem(i).text(0): panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())}
    assert "lstm: 2 weight values are NaN or Inf" in rows["lstm"].toolTip(0)  # as escaped rich text
    assert not rows["lstm"].icon(0).isNull() and rows["lstm_input"].icon(0).isNull()
