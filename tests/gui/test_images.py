"""The image check the export tests rely on can fail: an empty plot (axes, title, colour bar) is not drawn."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from inspector.gui.widgets.heatmaps import colormap, heatmap_plot
from inspector.gui.widgets.png import render_png
from tests.gui.images import has_marks, is_drawn, rgb_array


def _figure(layout: pg.GraphicsLayout, values: np.ndarray | None, curve: np.ndarray | None = None) -> None:
    plot = layout.addPlot(row=0, col=0) if values is None else heatmap_plot()
    if values is not None:
        layout.addItem(plot, row=0, col=0)
        image = pg.ImageItem(values, axisOrder="row-major", levels=(-1, 1))
        image.setColorMap(colormap())
        plot.addItem(image)
    if curve is not None:
        plot.plot(curve, pen=pg.mkPen("#1f77b4", width=2))
    plot.setTitle("forget gate f: units x time steps")
    plot.setLabel("left", "unit")
    plot.setLabel("bottom", "time step")
    bar = pg.ColorBarItem(values=(-1, 1), colorMap=colormap(), label="value")
    layout.addItem(bar, row=0, col=1)


def test_an_empty_plot_with_axes_title_and_colour_bar_is_not_drawn(qtbot, tmp_path) -> None:
    path = render_png(lambda layout: _figure(layout, None), (900, 500), tmp_path / "empty.png")
    assert not is_drawn(path)


def test_a_heatmap_and_a_curve_are_drawn(qtbot, tmp_path) -> None:
    values = np.random.default_rng(0).uniform(-1, 1, (16, 40))
    heatmap = render_png(lambda layout: _figure(layout, values), (900, 500), tmp_path / "heatmap.png")
    curve = render_png(lambda layout: _figure(layout, None, np.sin(np.linspace(0, 12, 200))), (900, 500),
                       tmp_path / "curve.png")
    assert is_drawn(heatmap) and is_drawn(curve)


def test_heatmap_pixels_follow_the_array(qtbot, tmp_path) -> None:
    """The same figure of a and of -a differs where the data sit: the pixels come from the array."""
    values = np.random.default_rng(1).uniform(-1, 1, (16, 40))
    a = rgb_array(render_png(lambda layout: _figure(layout, values), (900, 500), tmp_path / "a.png"))
    b = rgb_array(render_png(lambda layout: _figure(layout, -values), (900, 500), tmp_path / "b.png"))
    changed = (np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40).mean()
    assert changed > 0.2


def test_an_empty_plot_has_no_marks_and_a_single_point_has(qtbot, tmp_path) -> None:
    def one_point(layout: pg.GraphicsLayout, show: bool) -> None:
        plot = layout.addPlot(row=0, col=0, title="residual, sequence 1")
        plot.showGrid(x=True, y=True)
        if show:
            plot.plot([0.0], [3e-7], pen=None, symbol="o", symbolBrush="#d62728")

    empty = render_png(lambda layout: one_point(layout, False), (900, 400), tmp_path / "empty.png")
    point = render_png(lambda layout: one_point(layout, True), (900, 400), tmp_path / "point.png")
    assert not has_marks(empty) and has_marks(point)
