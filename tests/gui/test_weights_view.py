"""The Weights tab and the Model dock: what they show for a layer, a direction, a scale mode, the cursor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPointF

from inspector.core.analysis.weight_stats import SATURATION_THRESHOLD
from tests.gui.big_kernel import SYMBOLS, UNITS, char_lstm_document


@pytest.fixture
def shown(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    return window


def test_big_kernel_draws_as_one_image_per_gate_and_pans(shown, qtbot) -> None:
    shown.state.set_document(char_lstm_document())
    figure = shown.weights_view.figure
    assert len(figure.heatmaps) == 12
    w_i = figure.heatmaps[0]
    assert w_i.block.label == "W_i" and w_i.image.image.shape == (SYMBOLS, UNITS)
    assert len(w_i.plot.items) == 1  # one ImageItem, no per-cell items
    w_i.plot.vb.setRange(yRange=(0, 200), padding=0)
    for _ in range(20):
        w_i.plot.vb.translateBy(y=25)
    qtbot.wait(10)
    low, high = w_i.plot.vb.viewRange()[1]
    assert high - low == pytest.approx(200) and high <= SYMBOLS


def test_robust_shared_and_per_gate_scales(shown) -> None:
    shown.state.set_document(char_lstm_document())
    figure = shown.weights_view.figure  # robust by default: one scale per matrix kind, outliers clipped
    assert len(figure.colour_bars) == 3
    limits = {h.block.matrix: h.image.getLevels()[1] for h in figure.heatmaps}
    assert limits["W"] < 0.2 and limits["U"] < 0.4 and limits["b"] > 1.0  # W ~ N(0, 0.05): not washed out by b
    assert "99.5th percentile of |W|" in figure.colour_bars[0].axis.labelText
    shown.state.set_scale_mode("shared")
    figure = shown.weights_view.figure
    assert len(figure.colour_bars) == 1
    assert len({tuple(h.image.getLevels()) for h in figure.heatmaps}) == 1
    low, high = figure.heatmaps[0].image.getLevels()
    assert low == -high and high == pytest.approx(1.0)  # the forget bias of 1 is the largest |w|
    shown.state.set_scale_mode("per gate")
    figure = shown.weights_view.figure
    assert len(figure.colour_bars) == 4
    levels = {h.block.gate: tuple(h.image.getLevels()) for h in figure.heatmaps}
    assert levels["f"] == (-1.0, 1.0) and levels["i"][1] < 0.5
    assert all(low == -high for low, high in levels.values())


def test_value_under_the_cursor(shown, qtbot) -> None:
    shown.state.set_document(char_lstm_document())
    view = shown.weights_view
    heatmap = next(h for h in view.figure.heatmaps if h.block.label == "U_f")
    qtbot.wait(20)
    row, col = 17, 42
    view.heatmaps.scene().sigMouseMoved.emit(heatmap.plot.vb.mapViewToScene(QPointF(col, row)))
    value = heatmap.block.values[row, col]
    assert view.readout.text() == f"U_f (forget gate)   unit (h t-1) {row}, unit {col}:   {value:.6g}"


def test_bidirectional_directions(window, open_and_wait) -> None:
    open_and_wait(demo="bilstm_classifier")
    state, view = window.state, window.weights_view
    assert state.layer_name == "bidirectional" and state.direction == "forward"
    assert not view.direction_box.isHidden()
    forward = view.figure.heatmaps[0].block.values
    state.select_direction("backward")
    backward = view.figure.heatmaps[0].block.values
    assert forward.shape == backward.shape and not np.array_equal(forward, backward)
    assert view.direction_box.currentText() == "backward"
    state.select_layer("dense_2")  # Dense: one kernel heatmap, no direction
    assert view.heatmap_count == 1 and state.direction == "" and view.direction_box.isHidden()
    assert view.figure.heatmaps[0].block.column_axis == "unit"


def test_tree_children_select_a_direction(window, open_and_wait) -> None:
    open_and_wait(demo="bilstm_classifier")
    tree = window.model_panel.tree
    top = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
               if tree.topLevelItem(i).text(0) == "bidirectional")
    assert [top.child(i).text(0) for i in range(top.childCount())] == ["forward", "backward"]
    tree.setCurrentItem(top.child(1))
    assert window.state.direction == "backward"
    assert window.weights_view.direction_box.currentText() == "backward"


def test_layer_without_weights_says_so(window, open_and_wait) -> None:
    open_and_wait(demo="sine_lstm")
    window.state.select_layer("input_layer")
    view = window.weights_view
    assert view.heatmap_count == 0 and view.stack.currentWidget() is view.message
    assert "no kernel or gate weights" in view.message.text()


def test_stats_table_rows_and_saturation_tooltip(window, open_and_wait) -> None:
    open_and_wait(demo="sine_gru")
    table = window.weights_view.table
    assert table.rowCount() == 12
    assert [table.item(r, 0).text() for r in range(4)] == ["W_z", "U_z", "b_z", "b_U_z"]
    header = [table.horizontalHeaderItem(c) for c in range(table.columnCount())]
    saturating = next(h for h in header if h.text().startswith("|w|"))
    assert f"|w| > {SATURATION_THRESHOLD:g}" in saturating.toolTip()


def test_histograms_one_plot_per_gate(window, open_and_wait) -> None:
    open_and_wait(demo="sine_lstm")
    plots = [item for item in window.weights_view.histograms.ci.items]
    assert len(plots) == 4
    assert all(len(p.listDataItems()) == 3 for p in plots)  # W, U, b


def test_model_panel_facts_and_warnings(window, open_and_wait, corpus: Path) -> None:
    open_and_wait(corpus / "models" / "k1_dl4j_bidirectional_lstm_tensorflow_1.h5")
    panel = window.model_panel
    facts = {panel.facts.itemAt(r, panel.facts.ItemRole.LabelRole).widget().text():
             panel.facts.itemAt(r, panel.facts.ItemRole.FieldRole).widget().text() for r in range(panel.facts.rowCount())}
    assert facts["format:"] == "keras1-h5" and facts["Keras version:"] == "1.2.2"
    assert facts["path:"].endswith("k1_dl4j_bidirectional_lstm_tensorflow_1.h5")
    warnings = [panel.warnings.item(i).text() for i in range(panel.warnings.count())]
    assert any("hard_sigmoid" in w for w in warnings)
    assert panel.tree.topLevelItem(1).text(2) == "(None, 4, 20)"


def test_layers_that_cannot_run_say_why(window, open_and_wait, corpus: Path) -> None:
    open_and_wait(corpus / "models" / "tfk2_dpcrn_custom_block_weights_224tf.h5")
    tree = window.model_panel.tree
    runs = [tree.topLevelItem(i).text(4) for i in range(tree.topLevelItemCount())]
    assert any(text.startswith("no: ") and len(text) > 6 for text in runs)
    window.state.select_layer("model0_conv_1")  # a layer that cannot run still shows its weights
    assert window.weights_view.heatmap_count == 1


def test_tick_labels_are_never_rescaled(window, open_and_wait) -> None:
    """Small weights (|w| < 0.5) must be labelled 0.2, not 200 with a hidden x0.001."""
    open_and_wait(demo="sine_lstm")
    window.state.set_scale_mode("per gate")
    view = window.weights_view
    axes = [bar.axis for bar in view.figure.colour_bars]
    axes += [h.plot.getAxis(side) for h in view.figure.heatmaps for side in ("left", "bottom")]
    axes += [plot.getAxis(side) for plot in view.histograms.ci.items for side in ("left", "bottom")]
    assert axes and all(axis.autoSIPrefixScale == 1.0 for axis in axes)


def test_inf_weights_are_drawn_like_nan_in_the_grey_of_the_legend() -> None:
    from inspector.gui.weights.figures import _display_values

    shown = _display_values(np.array([[1.0, np.inf], [-np.inf, np.nan]]))
    assert shown[0, 0] == 1.0 and np.isnan(shown[0, 1]) and np.isnan(shown[1, 0]) and np.isnan(shown[1, 1])
