"""The Units tab: the table and its order shared through the state, the saturation plot, pattern select and
match (the same units and windows as the core finds, clicking a match moves sequence and cursor), occlusion
in the background with Cancel, and every plot as PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.units.ordering import BY_SIMILARITY
from inspector.core.units.patterns import find_pattern
from inspector.core.units.table import columns
from inspector.gui.state import InspectorState
from inspector.gui.units.view import UnitsView
from inspector.gui.workers.opening import load_document
from tests.gui.images import has_marks, is_drawn


def show(qtbot, name: str = "bilstm_classifier") -> UnitsView:
    from inspector.demo import demo_model

    document = load_document(demo_model(name), demo=name)
    x = document.sequence[None]
    x = np.concatenate([x, -x, x[:, ::-1]]).astype(np.float32)  # three sequences
    state = InspectorState()
    view = UnitsView(state)
    qtbot.addWidget(view)
    view.resize(1500, 1000)
    view.show()
    state.set_document(document)
    state.set_inputs([x])
    state.set_result(run(document.model, [x]))
    return view


@pytest.fixture
def view(qtbot) -> UnitsView:
    return show(qtbot)


def axis_labels(plot) -> list[str]:
    """The unit-axis labels by row, over every tick level."""
    return [label for _, label in sorted(tick for level in plot.getAxis("left")._tickLevels for tick in level)]


def shown_units(view: UnitsView) -> list[int]:
    return [int(view.table.item(row, 0).text()) for row in range(view.table.rowCount())]


def test_table_lists_every_unit_and_a_header_click_orders_every_heatmap(view: UnitsView) -> None:
    state, units = view.state, view.units
    assert units is not None and view.table.rowCount() == units.units == 16
    assert shown_units(view) == list(range(16))
    std = columns(units)["std h"]
    view.table.horizontalHeader().sectionClicked.emit(view.table.names.index("std h"))
    order = state.unit_order(units.layer, units.direction)
    assert order is not None and order.by == "std h"
    assert shown_units(view) == list(np.argsort(-std, kind="stable"))  # largest first
    assert axis_labels(view.pattern.figure.plot) == order.labels  # the heatmap keeps unit numbers
    image = view.pattern.figure.image.image  # [units in order, time]
    h = state.result.trace[units.layer][units.direction].h[state.sequence]
    np.testing.assert_array_equal(image[0], h[:, order.order[0]])
    view.table.horizontalHeader().sectionClicked.emit(view.table.names.index("std h"))
    assert shown_units(view) == list(np.argsort(std, kind="stable"))  # again: smallest first
    view.order_box.setCurrentText(BY_SIMILARITY)
    view.order_by(BY_SIMILARITY)
    assert sorted(shown_units(view)) == list(range(16))
    view.order_by("unit")
    assert state.unit_order(units.layer, units.direction) is None and shown_units(view) == list(range(16))


def test_saturation_dots_name_and_pick_units(view: UnitsView) -> None:
    figure = view.saturation
    assert set(figure.scatters) == {"i", "f", "o"}
    scatter = figure.scatters["f"]
    spot = scatter.points()[10]
    np.testing.assert_allclose((spot.pos().x(), spot.pos().y()), view.units.saturation["f"][10])
    scatter.sigHovered.emit(scatter, [spot], None)
    assert view.readout.text().startswith("unit 10: f left-saturated")
    scatter.sigClicked.emit(scatter, [spot], None)
    assert view.state.units == [10]
    assert figure.scatters["i"].points()[10].size() > figure.scatters["i"].points()[0].size()  # shown in every gate
    scatter.sigClicked.emit(scatter, [spot], None)
    assert view.state.units == []


def test_select_and_match_agree_with_the_core_and_move_the_cursor(view: UnitsView) -> None:
    state = view.state
    trace = state.result.trace[state.layer_name][state.direction]
    view.pattern.threshold.setValue(0.1)
    view.pattern.figure.region.setRegion((19.5, 24.5))  # steps 20..24
    view.pattern.select()
    selection, matches = find_pattern(trace, "h", 0, 20, 25, 0.1)
    assert selection.units.size and state.units == [int(u) for u in selection.units]
    assert view.pattern.matches_list.count() == len(matches) > 0
    assert "unit(s) of h on throughout steps 20-24" in view.pattern.note.text()
    item = view.pattern.matches_list.item(0)
    view.pattern.matches_list.itemClicked.emit(item)
    assert (state.sequence, state.time_step) == (matches[0].sequence, matches[0].start)


def test_occlusion_runs_in_the_background_and_cancels(qtbot, view: UnitsView) -> None:
    panel = view.occlusion
    panel.run()
    qtbot.waitUntil(lambda: panel.found is not None, timeout=30000)
    assert panel.found.changes[0].shape == (3, 40, 3)
    assert panel.figure.plot is not None and "whole model" in panel.note.text()
    panel.run()
    panel.cancel()
    assert not panel.job.pending and panel.note.text() == "cancelled"
    view.state.set_inputs(view.state.inputs)  # new inputs: the old answer goes
    assert panel.found is None


def test_every_units_plot_exports_as_a_png_with_data(qtbot, tmp_path: Path) -> None:
    view = show(qtbot, "sine_lstm")
    written = view.export_unit_plots(tmp_path)
    names = {p.name for p in written}
    assert {"lstm_saturation.png", "lstm_units_h_ordered.png", "lstm_units_f_ordered.png",
            "occlusion_zero_sequence1.png"} <= names
    for path in written:
        assert (has_marks(path) if "saturation" in path.name else is_drawn(path)), path.name


def _shown_beside(qtbot, other, width: int):
    """Another view on the same state, shown (it draws when seen)."""
    qtbot.addWidget(other)
    other.resize(width, 900)
    other.show()
    return other


def test_the_time_view_follows_the_unit_order_and_keeps_unit_numbers(qtbot, view: UnitsView) -> None:
    from PyQt6.QtCore import QPointF

    from inspector.gui.time.view import TimeView

    state = view.state
    time_view = _shown_beside(qtbot, TimeView(state), 1200)
    view.table.horizontalHeader().sectionClicked.emit(view.table.names.index("mean |h|"))
    order = state.unit_order(state.layer_name, state.direction)
    assert order is not None and not order.is_natural
    trace = state.result.trace[state.layer_name][state.direction]
    row = time_view.figure.rows[-1]  # h
    np.testing.assert_array_equal(row.image.image[0], trace.h[state.sequence][:, order.order[0]])
    assert axis_labels(row.plot) == order.labels
    state.set_units([int(order.order[2])])
    assert list(row.unit_marks.data["y"]) == [2]  # the mark sits on the unit's row
    centre = row.plot.vb.mapViewToScene(QPointF(5, 3))  # step 5, fourth row
    quantity, unit, t = time_view._cell_at(centre)
    assert (quantity.name, unit, t) == ("h", int(order.order[3]), 5)
    view.order_by("unit")
    row = time_view.figure.rows[-1]
    np.testing.assert_array_equal(row.image.image[0], trace.h[state.sequence][:, 0])


def test_export_from_the_menu_reports_in_the_status_bar(monkeypatch, view: UnitsView, tmp_path: Path) -> None:
    from PyQt6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(tmp_path)))
    messages: list[str] = []
    view.state.status_message.connect(lambda text, _ms: messages.append(text))
    view.ask_export()
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert "bidirectional_forward_saturation.png" in pngs and "occlusion_zero_sequence1.png" in pngs
    assert not any("backward" in name for name in pngs)  # the shown direction only
    assert messages == [f"wrote {len(pngs)} units plot(s) to {tmp_path}"]


def test_the_weights_view_follows_the_unit_order_on_the_unit_axes(qtbot, view: UnitsView) -> None:
    from inspector.gui.weights.view import WeightsView

    state = view.state
    weights = _shown_beside(qtbot, WeightsView(state), 1400)
    view.table.horizontalHeader().sectionClicked.emit(view.table.names.index("std h"))
    order = state.unit_order(state.layer_name, state.direction)
    cell = state.layer.directions()[state.direction]
    u_f = next(h for h in weights.figure.heatmaps if h.block.label == "U_f")
    recurrent_f = np.asarray(cell.weights["recurrent_kernel"])[:, 16:32]  # gate f of 16 units
    np.testing.assert_allclose(u_f.block.values, recurrent_f[np.ix_(order.order, order.order)])
    assert axis_labels(u_f.plot) == order.labels
    bottom = [label for _, label in sorted(t for level in u_f.plot.getAxis("bottom")._tickLevels for t in level)]
    assert bottom == order.labels
    weights._on_mouse_moved(u_f.plot.vb.mapViewToScene(pg_point(2, 1)))
    assert f"unit (h t-1) {order.order[1]}, unit {order.order[2]}:" in weights.readout.text()
    assert f"{recurrent_f[order.order[1], order.order[2]]:.6g}" in weights.readout.text()


def pg_point(x: float, y: float):
    from PyQt6.QtCore import QPointF

    return QPointF(x, y)


def test_a_simple_rnn_layer_has_no_saturation_and_says_so(qtbot, corpus_dir: Path) -> None:
    import pyqtgraph as pg

    from inspector.core.model.load import open_model
    from inspector.gui.state import Document

    name = "k2_dl4j_simple_rnn_tf_keras_2_model.h5"
    model = open_model(corpus_dir / "models" / name)
    with np.load(corpus_dir / "refs" / f"{name}.input.npz") as data:
        x = [data["in0"]]
    state = InspectorState()
    view = UnitsView(state)
    qtbot.addWidget(view)
    view.show()
    state.set_document(Document(model, Path(name), 0.0))
    state.set_inputs(x)
    state.set_result(run(model, x))
    assert view.units is not None and view.units.cell == "SimpleRNN" and not view.saturation.scatters
    labels = [item for item in view.saturation_widget.ci.items if isinstance(item, pg.LabelItem)]
    assert labels and "nothing saturates" in labels[0].text
    assert "memory (steps)" not in view.table.names and view.table.rowCount() == 50
