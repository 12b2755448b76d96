"""Drawing the time view into a pyqtgraph GraphicsLayout: the same code for the window and the PNG export.

One row per quantity (every gate, then c and h): a units x time heatmap (one ImageItem), its colour
bar, and horizontal bars of every unit at the time cursor, aligned with the heatmap's rows. Images
are set once per result; moving the cursor only moves lines and changes bar lengths (`set_time_step`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF

from inspector.core.analysis.time_quantities import DIVERGING, SEQUENTIAL, Quantity
from inspector.gui.widgets.heatmaps import TITLE_SIZE, colormap, heatmap_plot, mask_veil, plain_numbers, set_label
from inspector.gui.widgets.plot_item import new_plot
from inspector.gui.widgets.plot_pool import item_at, plot_at, prune, release, stock

SEQUENTIAL_MAP = "viridis"  # closed gate dark, open gate bright
BAR_COLOUR, MASKED_BAR_COLOUR = "#3b6ea8", "#b0b0b0"
CURSOR_PEN = pg.mkPen("#e8175d", width=2)
UNIT_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
COLOUR_BAR_WIDTH = 12
LEFT_AXIS_WIDTH = 40
TITLE_HEIGHT = 18  # pyqtgraph reserves 30 px for a plot title; rows here are short
LSTM_ROWS = ("i", "f", "c~", "o", "c", "h")  # the rows a first trace most likely has: prepared ahead


@dataclass
class TimeRow:
    """One quantity: its heatmap (image), colour bar, cursor line and bars at the cursor."""

    series: Quantity
    plot: pg.PlotItem
    image: pg.ImageItem
    cursor: pg.InfiniteLine
    bars_plot: pg.PlotItem
    bars: pg.BarGraphItem
    unit_marks: pg.ScatterPlotItem
    mask_overlay: pg.ImageItem | None = None


@dataclass
class TimeFigure:
    """What was drawn; `set_time_step` and `set_units` are the only updates that do not redraw."""

    rows: list[TimeRow] = field(default_factory=list)
    mask: np.ndarray = field(default_factory=lambda: np.ones(0, bool))
    time_step: int = 0

    def set_time_step(self, t: int) -> None:
        self.time_step = t
        masked = bool(self.mask.size) and not self.mask[t]
        brush = pg.mkBrush(MASKED_BAR_COLOUR if masked else BAR_COLOUR)
        for row in self.rows:
            row.cursor.setValue(t)
            row.bars.setOpts(width=row.series.values[t], brush=brush)

    def set_units(self, units: list[int]) -> None:
        for row in self.rows:
            picked = [u for u in units if u < row.series.units]
            row.unit_marks.setData(x=[-0.5] * len(picked), y=picked, brush=[unit_colour(units, u) for u in picked])


def colour_map_of(series: Quantity) -> pg.ColorMap:
    return pg.colormap.get(SEQUENTIAL_MAP) if series.colour_kind == SEQUENTIAL else colormap()


def unit_colour(units: list[int], unit: int) -> str:
    return UNIT_COLOURS[units.index(unit) % len(UNIT_COLOURS)]


def draw_time_grid(layout: pg.GraphicsLayout, series: list[Quantity], mask: np.ndarray, time_step: int,
                   title: str, bars_title: str = "every unit at the cursor") -> TimeFigure:
    """Every series as a row: heatmap | colour bar | bars at `time_step`; `title` above them all."""
    figure = TimeFigure(mask=np.asarray(mask, bool))
    for _ in time_grid_steps(layout, series, figure, time_step, title, bars_title):
        pass
    return figure


def time_grid_steps(layout: pg.GraphicsLayout, series: list[Quantity], figure: TimeFigure, time_step: int,
                    title: str, bars_title: str = "every unit at the cursor") -> Iterator[None]:
    """`draw_time_grid` into `figure` (its mask set) in steps, pausing (yield) after each row so that a
    window can answer in between; the same picture in the end."""
    _clear_extra_rows(layout, len(series))
    _set_title(layout, title)
    for index, one in enumerate(series):
        if index:
            yield
        last = index == len(series) - 1
        bars = f"{one.name} · {bars_title}" if index == 0 else f"{one.name} at the cursor"
        figure.rows.append(_draw_row(layout, one, index + 1, figure.mask, last, bars))
    for row in figure.rows[1:]:
        row.plot.setXLink(figure.rows[0].plot)
        row.bars_plot.setXLink(None)
    grid = layout.layout
    grid.setVerticalSpacing(2)
    grid.setColumnStretchFactor(0, 5)
    grid.setColumnStretchFactor(2, 2)
    grid.setColumnFixedWidth(1, 4 * COLOUR_BAR_WIDTH + 30)
    figure.set_time_step(min(time_step, len(figure.mask) - 1) if figure.mask.size else 0)


def prepare_time_grid(layout: pg.GraphicsLayout) -> Iterator[None]:
    """The six rows' plots and colour bars made one per step, then laid out with no data a row per step,
    before the first trace arrives: pyqtgraph takes 150-500 ms to make and place them, which the first draw
    would otherwise spend in a few long turns."""
    for make in (heatmap_plot, new_plot, vertical_colour_bar):
        yield from stock(layout, make, len(LSTM_ROWS))
    blank = np.zeros((2, 1), np.float32)
    rows = [Quantity(name, "", blank, (-1.0, 1.0), DIVERGING, True) for name in LSTM_ROWS]
    yield from time_grid_steps(layout, rows, TimeFigure(mask=np.ones(2, bool)), 0, "")


def _draw_row(layout: pg.GraphicsLayout, series: Quantity, row: int, mask: np.ndarray, last: bool,
              bars_title: str) -> TimeRow:
    plot = plot_at(layout, row, 0, heatmap_plot)
    steps, units = series.values.shape
    image = pg.ImageItem(np.ascontiguousarray(series.values.T, dtype=np.float32), axisOrder="row-major",
                         levels=series.levels)
    image.setRect(QRectF(-0.5, -0.5, steps, units))
    image.setColorMap(colour_map_of(series))
    plot.addItem(image)
    overlay = mask_veil(plot, mask, units)
    cursor = pg.InfiniteLine(0, angle=90, pen=CURSOR_PEN, movable=False)
    plot.addItem(cursor)
    marks = pg.ScatterPlotItem(symbol="t2", size=12, pen=pg.mkPen("k", width=0.5))  # ▶ at picked units
    plot.addItem(marks)
    _frame_heatmap(plot, series, steps, units, last)
    bars_plot, bars = _bars(layout, series, row, plot, last, bars_title)
    _colour_bar(layout, image, series, row)
    return TimeRow(series, plot, image, cursor, bars_plot, bars, marks, overlay)


def _frame_heatmap(plot: pg.PlotItem, series: Quantity, steps: int, units: int, last: bool) -> None:
    """Title, axes and ranges; every row has a title and tick values, as its bars do, so units line up."""
    _short_title(plot, series.title)
    plot.invertY(True)
    plot.vb.setLimits(xMin=-0.5, xMax=steps - 0.5, yMin=-0.5, yMax=units - 0.5)
    plot.vb.setRange(xRange=(-0.5, steps - 0.5), yRange=(-0.5, units - 0.5), padding=0)
    plot.vb.setMouseEnabled(x=True, y=True)
    left, bottom = plot.getAxis("left"), plot.getAxis("bottom")
    left.setWidth(LEFT_AXIS_WIDTH)
    for axis in (left, bottom):
        plain_numbers(axis)
    set_label(plot, "left", "unit")
    set_label(plot, "bottom", "time step" if last else "")



def _bars(layout: pg.GraphicsLayout, series: Quantity, row: int, heatmap: pg.PlotItem, last: bool,
          bars_title: str) -> tuple[pg.PlotItem, pg.BarGraphItem]:
    """Horizontal bars, one per unit, on the heatmap's unit axis (rows line up); x fixed to the colour range."""
    plot = plot_at(layout, row, 2)
    units = series.units
    bars = pg.BarGraphItem(x0=0, y=np.arange(units), height=0.8, width=np.zeros(units), pen=None,
                           brush=BAR_COLOUR)
    plot.addItem(bars)
    plot.addItem(pg.InfiniteLine(0, angle=90, pen=pg.mkPen("#555555", width=1)))
    low, high = series.levels
    plot.invertY(True)
    _follow_units(plot, heatmap)
    plot.vb.setMouseEnabled(x=False, y=False)
    plot.setXRange(min(low, 0.0), max(high, 0.0), padding=0.04)
    plot.vb.disableAutoRange()  # the unit axis follows the heatmap; the value axis stays on the colour range
    _short_title(plot, bars_title)
    plot.hideAxis("left")
    plain_numbers(plot.getAxis("bottom"))
    set_label(plot, "bottom", "value at the cursor" if last else "")
    return plot, bars


def _follow_units(bars: pg.PlotItem, heatmap: pg.PlotItem) -> None:
    """The bars show the heatmap's unit range (zoom and pan included). Not setYLink: that aligns the two
    views by their pixel positions, which go stale when one is laid out after the other."""
    previous = getattr(heatmap, "_follow_units", None)
    if previous is not None:  # the plots are reused: one follower per heatmap
        heatmap.vb.sigYRangeChanged.disconnect(previous)

    def follow(_view, y_range) -> None:
        bars.setYRange(*y_range, padding=0)

    bars.setYLink(None)
    heatmap.vb.sigYRangeChanged.connect(follow)
    heatmap._follow_units = follow
    follow(None, heatmap.vb.viewRange()[1])


def _short_title(plot: pg.PlotItem, title: str) -> None:
    plot.setTitle(title, size=TITLE_SIZE)
    plot.titleLabel.setMinimumWidth(10)
    plot.layout.setRowFixedHeight(0, TITLE_HEIGHT)


def vertical_colour_bar() -> pg.ColorBarItem:
    return pg.ColorBarItem(orientation="vertical", interactive=False, width=COLOUR_BAR_WIDTH)


def _colour_bar(layout: pg.GraphicsLayout, image: pg.ImageItem, series: Quantity, row: int) -> None:
    bar = item_at(layout, row, 1, vertical_colour_bar)
    bar.layout.setContentsMargins(0, TITLE_HEIGHT, 0, 26)  # as tall as the heatmap beside it (title, time axis)
    bar.setColorMap(colour_map_of(series))
    bar.setLevels(series.levels)
    plain_numbers(bar.axis)
    bar.setImageItem(image)


def _set_title(layout: pg.GraphicsLayout, title: str) -> None:
    label = layout.getItem(0, 0)
    if not isinstance(label, pg.LabelItem):
        label = pg.LabelItem(justify="left", size="10pt", bold=True)
        layout.addItem(label, row=0, col=0, colspan=3)
        label.setMinimumWidth(10)
    label.setText(title, bold=True, size="10pt")
    layout.layout.setRowMaximumHeight(0, 24)


def _clear_extra_rows(layout: pg.GraphicsLayout, rows: int) -> None:
    """Take out what an earlier figure (an LSTM after a GRU, ...) had below the rows needed now."""
    for item, cells in list(layout.items.items()):
        if min(row for row, _ in cells) > rows:
            release(layout, item)


def draw_step_bars(layout: pg.GraphicsLayout, series: list[Quantity], t: int, mask: np.ndarray, title: str,
                   columns: int = 3) -> list[pg.PlotItem]:
    """Every gate and state at step t as bars over the units, one plot each, `columns` to a row."""
    prune(layout, set())
    masked = bool(mask.size) and not mask[t]
    _set_title(layout, f"{title} · t = {t}" + ("  (masked step: the layer skipped it)" if masked else ""))
    layout.layout.setRowMaximumHeight(0, 24)
    plots = []
    for index, one in enumerate(series):
        plot = plot_at(layout, 1 + index // columns, index % columns)
        plot.addItem(pg.BarGraphItem(x=np.arange(one.units), height=one.values[t], width=0.8, pen=None,
                                     brush=MASKED_BAR_COLOUR if masked else BAR_COLOUR))
        low, high = one.levels
        plot.setYRange(min(low, 0.0), max(high, 0.0), padding=0.04)
        plot.setXRange(-0.5, one.units - 0.5, padding=0.01)
        plot.setTitle(one.title, size=TITLE_SIZE)
        plot.titleLabel.setMinimumWidth(10)
        for axis in ("left", "bottom"):
            plain_numbers(plot.getAxis(axis))
        set_label(plot, "bottom", "unit")
        plots.append(plot)
    return plots
