"""A model used as a layer (a nested Sequential, RNN(StackedRNNCells)) in the window: its layers are in the
Weights and Time steps pickers by their path, clicking one in the Model panel selects it, and the views draw
it. Files written by real Keras (the zoo)."""

from __future__ import annotations

from typing import Any

import pytest
from PyQt6.QtWidgets import QTreeWidgetItemIterator

from tests.gui.images import is_drawn


@pytest.fixture
def nested_file(keras_zoo: list[dict[str, Any]]):
    for entry in keras_zoo:
        if entry["id"] == "nested_sequential" and "keras" in entry["files"]:
            return entry["files"]["keras"]
    pytest.fail("the zoo built no nested_sequential model")


def _panel_item(window, text: str):
    iterator = QTreeWidgetItemIterator(window.model_panel.tree)
    while (item := iterator.value()) is not None:
        if item.text(0) == text:
            return item
        iterator += 1
    raise AssertionError(f"no {text!r} in the Model panel")


def test_nested_layers_are_picked_shown_and_drawn(qtbot, window, open_and_wait, nested_file, tmp_path) -> None:
    window.show()
    open_and_wait(nested_file)
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=30000)
    weights_layers = [window.weights_view.layer_box.itemData(i) for i in range(window.weights_view.layer_box.count())]
    assert weights_layers == ["inner_rnn/lstm", "inner_rnn/gru", "dense"]
    assert window.state.layer_name == "inner_rnn/lstm"  # the first recurrent layer, inside the nested model
    assert [h.block.label for h in window.weights_view.figure.heatmaps][:3] == ["W_i", "W_f", "W_c"]
    window.model_panel.tree.setCurrentItem(_panel_item(window, "gru"))
    assert window.state.layer_name == "inner_rnn/gru"
    assert [h.block.label for h in window.weights_view.figure.heatmaps][:3] == ["W_z", "W_r", "W_h"]
    window.tabs.setCurrentWidget(window.time_view)
    view = window.time_view
    assert [view.layer_box.itemData(i) for i in range(view.layer_box.count())] == ["inner_rnn/lstm", "inner_rnn/gru"]
    assert [row.series.name for row in view.figure.rows] == ["z", "r", "h~", "h"]
    qtbot.waitUntil(lambda: not isinstance(view.per_step, str) or view.per_step.startswith("not"), timeout=30000)
    assert not isinstance(view.per_step, str), view.per_step  # the output after every step, by prefixes
    path = tmp_path / "time.png"
    view.grid.grab().save(str(path))
    assert is_drawn(path)
