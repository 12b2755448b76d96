"""Line plots of the time view: chosen units over time, and the per-step output of the model.

Same code for the window and the PNG export; `set_time_step` only moves the cursor (and, for a
vector output, re-sets the one highlighted curve).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QGraphicsItem

from inspector.core.analysis.time_quantities import Quantity
from inspector.gui.time.figures import CURSOR_PEN
from inspector.gui.widgets.heatmaps import MASK_RGBA, TITLE_SIZE, plain_numbers, set_label
from inspector.gui.widgets.plot_pool import item_at, plot_at, prune

QUANTITY_COLOURS = {
    "i": "#1f77b4", "f": "#2ca02c", "c~": "#ff7f0e", "o": "#9467bd", "z": "#1f77b4", "r": "#2ca02c",
    "h~": "#ff7f0e", "c": "#8c564b", "h": "#d62728",
}
MAX_UNIT_PLOTS = 4
RAMP_MAP = "plasma"  # early steps dark blue-violet, late steps yellow
MAX_STEP_CURVES = 120
RAMP_SHADES = 48  # shades of the early-to-late ramp the per-step dots use


@dataclass
class LinesFigure:
    """Plots with a vertical time cursor, and for a vector output the curve of the cursor's step."""

    plots: list[pg.PlotItem] = field(default_factory=list)
    cursors: list[pg.InfiniteLine] = field(default_factory=list)
    highlight: pg.PlotDataItem | None = None
    step_values: np.ndarray | None = None  # [time, outputs] behind `highlight`

    def set_time_step(self, t: int) -> None:
        for cursor in self.cursors:
            cursor.setValue(t)
        if self.highlight is not None and self.step_values is not None:
            self.highlight.setData(np.arange(self.step_values.shape[1]), self.step_values[t])


def coloured_names(names: list[str]) -> str:
    return " ".join(f"<span style='color:{QUANTITY_COLOURS.get(n, '#444444')}'><b>{n}</b></span>" for n in names)


def unit_grid(units: int) -> tuple[int, int]:
    """(rows, columns) of the unit plots: side by side for one or two units, else two by two."""
    shown = min(units, MAX_UNIT_PLOTS)
    return (1, max(shown, 1)) if shown < 3 else ((shown + 1) // 2, 2)


def draw_unit_lines(layout: pg.GraphicsLayout, series: list[Quantity], units: list[int], mask: np.ndarray,
                    time_step: int) -> LinesFigure:
    """One plot per chosen unit (the first MAX_UNIT_PLOTS), a curve for every gate and state."""
    shown = units[:MAX_UNIT_PLOTS]
    columns = unit_grid(len(units))[1]
    cells = [(k // columns, k % columns) for k in range(len(shown))]
    prune(layout, set(cells))
    figure = LinesFigure()
    if not shown:  # an empty white panel would look broken: say how to fill it
        layout.addLabel("Click a row of a heatmap, or type units above,<br>to follow units over time here.",
                        row=0, col=0, color="#555555", size="10pt")
    for (row, col), unit in zip(cells, shown, strict=True):
        plot = plot_at(layout, row, col)
        for one in series:
            cached(plot.plot(one.values[:, unit], pen=pg.mkPen(QUANTITY_COLOURS.get(one.name, "#444444"), width=1.5)))
        more = f"   (first {len(shown)} of {len(units)} units)" if unit == shown[0] and len(units) > len(shown) else ""
        last_row = row == cells[-1][0]
        _frame(plot, f"unit {unit}: {coloured_names([s.name for s in series])}{more}",
               "time step" if last_row else "", "value" if col == 0 else "")
        figure.plots.append(plot)
        fit(plot)
        figure.cursors.append(_cursor(plot, time_step))
        _mask_bands(plot, mask)
        if len(figure.plots) > 1:
            plot.setXLink(figure.plots[0])
    return figure


def draw_per_step(layout: pg.GraphicsLayout, values: np.ndarray, time_step: int, title: str) -> LinesFigure:
    """values [time, ...] of one sequence: a line over time for one output, else one curve per step."""
    prune(layout, {(0, 0)})
    plot = plot_at(layout, 0, 0)
    flat = values.reshape(values.shape[0], -1)
    steps, outputs = flat.shape
    ramp = pg.colormap.get(RAMP_MAP)
    colours = ramp_colours(ramp, steps)
    figure = LinesFigure([plot])
    if outputs == 1:
        cached(plot.plot(flat[:, 0], pen=pg.mkPen("#888888", width=1.5)))
        shade_brush = {id(colour): pg.mkBrush(colour) for colour in colours}
        brushes = [shade_brush[id(colour)] for colour in colours]  # one QBrush per shade: rendered once each
        cached(plot.plot(flat[:, 0], pen=None, symbol="o", symbolSize=7, symbolPen=None, symbolBrush=brushes))
        _frame(plot, title, "time step (the sequence ends after it)", "model output")
        figure.cursors.append(_cursor(plot, time_step))  # ignoreBounds: fit() below does not see it
    else:
        for t in _steps_to_draw(steps):
            cached(plot.plot(flat[t], pen=pg.mkPen(colours[t], width=1.2)))
        figure.highlight = plot.plot(flat[time_step], pen=pg.mkPen("k", width=2.5), symbol="o", symbolSize=5,
                                     symbolBrush="k")
        figure.step_values = flat
        _frame(plot, title, f"{_output_axis(values, flat)}   (black: at the cursor)", "model output")
        if outputs <= 30:  # whole classes only
            plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(outputs)]])
    fit(plot)
    _ramp_bar(layout, steps)
    return figure


def ramp_colours(ramp: pg.ColorMap, steps: int, shades: int = RAMP_SHADES) -> list:
    """The colour of every step, early to late, in at most `shades` shades, the same QColor object for
    every step of a shade: the scatter then renders `shades` symbols, not one per step (1,000 steps drew
    1,000 symbols, about half a second)."""
    palette = ramp.map(np.linspace(0, 1, max(min(steps, shades), 1)), mode="qcolor")
    index = np.rint(np.linspace(0, len(palette) - 1, steps)).astype(int) if steps else np.zeros(0, int)
    return [palette[k] for k in index]


def _steps_to_draw(steps: int) -> list[int]:
    stride = max(1, int(np.ceil(steps / MAX_STEP_CURVES)))
    return sorted(set(range(0, steps, stride)) | {steps - 1})


def _output_axis(values: np.ndarray, flat: np.ndarray) -> str:
    probabilities = flat.size and np.all(flat >= 0) and np.allclose(flat.sum(axis=1), 1.0, atol=1e-3)
    axis = "class" if probabilities else "output"
    return f"{axis} (flattened from {' x '.join(map(str, values.shape[1:]))})" if values.ndim > 2 else axis


def ramp_bar() -> pg.ColorBarItem:
    """A vertical colour bar of the time-step ramp (its range set by `_ramp_bar`)."""
    bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get(RAMP_MAP), orientation="vertical",
                          interactive=False, width=10, label="time step (early → late)")
    plain_numbers(bar.axis)
    return bar


def _ramp_bar(layout: pg.GraphicsLayout, steps: int) -> None:
    """The colour bar beside the plot, which colour is which time step (reused: making one costs 20-30 ms)."""
    item_at(layout, 0, 1, ramp_bar).setLevels((0, max(steps - 1, 1)))


def _frame(plot: pg.PlotItem, title: str, bottom: str, left: str) -> None:
    plot.setTitle(title, size=TITLE_SIZE)
    plot.titleLabel.setMinimumWidth(10)
    plot.getAxis("bottom").setTicks(None)  # plots are reused: forget ticks of a class axis
    for axis in ("left", "bottom"):
        plain_numbers(plot.getAxis(axis))
    set_label(plot, "bottom", bottom)
    set_label(plot, "left", left)


def fit(plot: pg.PlotItem) -> None:
    """Fit the range to the curves once, then keep it: a moving cursor never re-fits the range."""
    plot.enableAutoRange()
    plot.autoRange(padding=0.04)
    plot.vb.disableAutoRange()


def cached(item: pg.PlotDataItem) -> pg.PlotDataItem:
    """Paint the curve once into a pixmap: a moving cursor then repaints it by copying, not by stroking
    1,000 antialiased segments again (until the plot is zoomed or resized)."""
    for part in (item.curve, item.scatter):
        part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return item


def _cursor(plot: pg.PlotItem, t: int) -> pg.InfiniteLine:
    cursor = pg.InfiniteLine(t, angle=90, pen=CURSOR_PEN, movable=False)
    plot.addItem(cursor, ignoreBounds=True)
    return cursor


def _mask_bands(plot: pg.PlotItem, mask: np.ndarray) -> None:
    """Masked steps as grey bands behind the curves."""
    for start, end in masked_runs(mask):
        band = pg.LinearRegionItem((start - 0.5, end - 0.5), movable=False, brush=pg.mkBrush(*MASK_RGBA[:3], 90),
                                   pen=pg.mkPen(None))
        band.setZValue(-10)
        plot.addItem(band, ignoreBounds=True)


def masked_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[(start, end)) of every run of masked steps."""
    masked = np.concatenate([[False], ~np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(masked[1:] != masked[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
