"""Every real-world model of the corpus opens in the window and shows the gate heatmaps the manifest implies.

The expected count comes from the manifest (written from the files by other tools): per recurrent
direction, gates (LSTM 4, GRU 3, SimpleRNN 1) x matrices (W, U, b, plus the recurrent bias of a GRU
stored as a (2, 3u) bias).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.core.analysis.weight_blocks import directions_of, layer_blocks, weight_layers
from tests.corpus import corpus_path


def _entries() -> list[dict]:
    path = corpus_path() / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else []


ENTRIES = _entries()


def expected_gate_heatmaps(entry: dict) -> int:
    total = 0
    for cell in entry["weights"].get("inferred_recurrent") or []:
        kind = cell["inferred"]
        gates = 4 if "LSTM" in kind else 3 if "GRU" in kind else 1
        two_biases = len(cell.get("bias_shape") or [0]) == 2
        total += gates * (4 if two_biases else 3)
    return total


@pytest.fixture(scope="module")
def shared_window(qapp, tmp_path_factory):
    """One window for the whole corpus, as a user opens file after file (and plots get reused)."""
    from PyQt6.QtCore import QSettings

    from inspector.gui.main_window import MainWindow

    settings = QSettings(str(tmp_path_factory.mktemp("settings") / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1400, 900)
    yield window
    window.opener.wait(10000)
    window.close()
    window.deleteLater()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_corpus_model_opens_and_shows_its_gates(entry: dict, corpus: Path, shared_window, qtbot, dialogs) -> None:
    window = shared_window
    path = corpus / "models" / entry["file"]
    window.open_file(path)
    qtbot.waitUntil(lambda: not window.opener.pending, timeout=30000)
    assert dialogs == []
    document = window.state.document
    assert document is not None and document.path == path
    assert window.windowTitle() == f"LSTM Inspector - {path.name}"
    assert window.model_panel.tree.topLevelItemCount() == len(document.model.layers)
    gate_heatmaps = 0
    for layer in weight_layers(document.model):
        for direction in directions_of(layer):
            window.state.select_layer(layer.name, direction)
            shown = window.weights_view.figure.heatmaps
            assert len(shown) == len(layer_blocks(layer, direction)) > 0
            assert all(h.image.image.shape == h.block.values.shape for h in shown)
            gate_heatmaps += sum(1 for h in shown if h.block.gate)
            if not layer.directions():
                assert len(shown) == 1  # Dense, Embedding, Conv1D: one kernel heatmap
    assert gate_heatmaps == expected_gate_heatmaps(entry)


def test_manifest_is_there(corpus: Path) -> None:
    assert len(ENTRIES) == 56
