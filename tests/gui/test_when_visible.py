"""RedrawWhenVisible: requests while a tab is behind another collapse into one redraw when it comes forward."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QMainWindow, QTabWidget, QWidget

from inspector.gui.widgets.when_visible import RedrawWhenVisible


def _window(qtbot) -> tuple[QMainWindow, QTabWidget, dict[str, RedrawWhenVisible], list[str]]:
    calls: list[str] = []
    window, tabs = QMainWindow(), QTabWidget()
    qtbot.addWidget(window)
    redraws = {}
    for name in ("front", "back"):
        page = QWidget()
        tabs.addTab(page, name)
        redraws[name] = RedrawWhenVisible(page, lambda n=name: calls.append(n))
    window.setCentralWidget(tabs)
    return window, tabs, redraws, calls


def test_hidden_tabs_wait_until_they_are_shown(qtbot) -> None:
    window, tabs, redraws, calls = _window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    for _ in range(3):
        redraws["front"].request()
        redraws["back"].request()
    assert calls == ["front"] * 3
    tabs.setCurrentIndex(1)
    assert calls == ["front"] * 3 + ["back"]  # three requests, one redraw
    tabs.setCurrentIndex(0)
    assert calls[-1] == "back"  # nothing new for front: no redraw


def test_a_window_not_yet_shown_draws_its_current_tab_only(qtbot) -> None:
    window, tabs, redraws, calls = _window(qtbot)
    redraws["front"].request()
    redraws["back"].request()
    assert calls == ["front"]
    tabs.setCurrentIndex(1)
    assert calls == ["front", "back"]


def test_a_view_of_its_own_always_draws(qtbot) -> None:
    calls: list[int] = []
    view = QWidget()
    qtbot.addWidget(view)
    redraw = RedrawWhenVisible(view, lambda: calls.append(1))
    redraw.request()
    redraw.flush()
    assert calls == [1]


def test_the_window_draws_only_the_tab_in_front(qtbot, settings) -> None:
    from inspector.gui.main_window import MainWindow

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.reference_runner.auto_action.setChecked(False)
    window.show()
    window.open_demo("sine_lstm")
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=60000)
    assert window.weights_view.figure.heatmaps  # in front: drawn
    assert window.time_view.refresh.pending and not window.time_view.figure.rows  # behind: not yet
    assert window.predictions_view.redraw.pending and window.predictions_view.data is None
    window.tabs.setCurrentWidget(window.time_view)
    assert not window.time_view.refresh.pending and len(window.time_view.figure.rows) == 6  # i, f, c~, o, c, h
    window.state.select_layer("dense")  # a change while Weights is behind: drawn when it comes forward
    assert window.weights_view.redraw.pending
    window.tabs.setCurrentWidget(window.weights_view)
    assert not window.weights_view.redraw.pending
    assert window.weights_view.figure.heatmaps[0].block.label == "kernel"  # the Dense layer, drawn now


@pytest.fixture
def shown_window(qtbot, settings):
    """A shown window (a window never shown prepares nothing) without the automatic Keras reference."""
    from inspector.gui.main_window import MainWindow

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.reference_runner.auto_action.setChecked(False)
    window.show()
    return window


def test_the_time_view_builds_its_plots_at_idle_and_the_first_draw_reuses_them(qtbot, shown_window) -> None:
    window = shown_window
    view = window.time_view
    view.prepare()
    view.drawing.finish()  # the idle steps, all at once
    prepared = {id(item) for item in view.grid.ci.items}
    assert len(prepared) >= 18 and not view.figure.rows  # six rows of heatmap, colour bar and bars; no data
    window.open_demo("sine_lstm")
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=60000)
    window.tabs.setCurrentWidget(view)
    assert len(view.figure.rows) == 6
    assert {id(row.plot) for row in view.figure.rows} <= prepared


def test_the_weights_view_stocks_plots_at_idle_and_the_first_draw_takes_them(qtbot, shown_window) -> None:
    from inspector.gui.widgets.heatmaps import heatmap_plot
    from inspector.gui.widgets.plot_pool import horizontal_colour_bar, pooled, stock

    window = shown_window
    view = window.weights_view
    view.prepare()  # what the window does in idle steps after start-up
    view.stocking.finish()
    stocked = {id(plot) for plot in pooled(view.heatmaps.ci, heatmap_plot)}
    assert len(stocked) == 12 and len(pooled(view.heatmaps.ci, horizontal_colour_bar)) == 4
    view.stocking.start(stock(view.heatmaps.ci, heatmap_plot, 12))
    view.stocking.finish()
    assert len(pooled(view.heatmaps.ci, heatmap_plot)) == 12  # stocking again makes nothing new
    window.open_demo("sine_lstm")
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=60000)
    drawn = {id(heatmap.plot) for heatmap in view.figure.heatmaps}
    assert len(drawn) == 12 and drawn <= stocked
