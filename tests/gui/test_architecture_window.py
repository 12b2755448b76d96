"""The window with weights-only files: the architecture found beside them is offered, File > Open
Architecture... picks one, Open Recent remembers the pair; models used as layers are a subtree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tfkeras"


@pytest.fixture
def weights_and_json(tmp_path: Path) -> tuple[Path, Path]:
    weights = tmp_path / "gates.weights.h5"
    shutil.copyfile(FIXTURES / "functional.tf215.weights.h5", weights)
    architecture = tmp_path / "gates.json"
    shutil.copyfile(FIXTURES / "functional.tf215.json", architecture)
    return weights, architecture


def wait_opened(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.opener.pending, timeout=30000)


def test_the_architecture_beside_is_offered_and_opens_the_pair(qtbot, window, weights_and_json) -> None:
    weights, architecture = weights_and_json
    window.open_file(weights)
    wait_opened(qtbot, window)
    assert not window.state.document.model.has_architecture
    offer = window.architecture.offer
    assert offer is not None and offer.isVisible() and "gates.json" in offer.text()
    use = next(b for b in offer.buttons() if b.text() == "Open with gates.json")
    use.click()
    wait_opened(qtbot, window)
    model = window.state.document.model
    assert model.has_architecture and model.architecture == str(architecture)
    assert [layer.name for layer in model.layers] == ["series", "enc", "both_ways", "head"]
    assert window.recent.architecture(str(weights)) == str(architecture)
    window._fill_recent_menu()
    first = window.recent_menu.actions()[0]
    assert first.text().endswith("+  gates.json")
    window.open_demo("sine_lstm")
    wait_opened(qtbot, window)
    first.trigger()  # Open Recent reads the weights with their architecture again
    wait_opened(qtbot, window)
    assert window.state.document.model.architecture == str(architecture)


def test_open_architecture_reads_the_chosen_file(qtbot, window, weights_and_json, monkeypatch) -> None:
    from PyQt6.QtWidgets import QFileDialog

    weights, _ = weights_and_json
    assert not window.architecture.action.isEnabled()
    window.open_file(weights)
    wait_opened(qtbot, window)
    assert window.architecture.action.isEnabled()
    window.architecture.offer.reject()
    chosen = FIXTURES / "functional.tf215.yaml"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(chosen), "")))
    window.architecture.action.trigger()
    wait_opened(qtbot, window)
    document = window.state.document
    assert document.model.architecture == str(chosen)
    assert ("architecture", "functional.tf215.yaml") in [(n, v) for n, v in _facts(window)]
    assert not window.architecture.action.isEnabled()


def test_without_a_companion_the_status_bar_says_what_to_do(qtbot, window, tmp_path: Path) -> None:
    weights = tmp_path / "alone.h5"
    shutil.copyfile(FIXTURES / "functional.tf215.legacy.h5", weights)
    window.open_file(weights)
    wait_opened(qtbot, window)
    assert window.architecture.offer is None
    assert "Open Architecture" in window.statusBar().currentMessage()


def test_a_model_used_as_a_layer_is_a_subtree(qtbot, window) -> None:
    window.open_file(FIXTURES / "stacked.tf215.keras")
    wait_opened(qtbot, window)
    tree = window.model_panel.tree
    top = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    cells = top["cells"]
    assert cells.text(4) == "yes"
    assert [cells.child(i).text(0) for i in range(cells.childCount())] == ["lstm_cell", "gru_cell"]
    wrapped = top["per_step_td"].child(0)
    assert wrapped.text(0) == "layer" and wrapped.text(1) == "Sequential"
    assert [wrapped.child(i).text(0) for i in range(wrapped.childCount())] == ["dense", "dense_1"]


def _facts(window) -> list[tuple[str, str]]:
    from inspector.gui.model_panel import facts

    return facts(window.state.document)
