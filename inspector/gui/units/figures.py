"""Drawing the Units tab into pyqtgraph layouts: the same code for the window and the PNG export.

- `draw_units_heatmap`: one quantity (h, c or a gate) of one sequence as units x time, the units in the
  layer's chosen order with their numbers on the axis, a draggable range of steps, marks at selected units.
- `draw_saturation`: per sigmoid gate, right-saturated against left-saturated fraction, one dot per unit
  (Karpathy, Johnson and Fei-Fei 2015); selected units drawn larger and red.
- `draw_occlusion`: the change of the outputs that change most when step t is replaced, over t.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF, Qt

from inspector.core.analysis.time_quantities import SEQUENTIAL, scale_of, symmetric
from inspector.core.model.canonical import Layer
from inspector.core.units.ordering import UnitOrder
from inspector.core.units.statistics import DirectionUnits
from inspector.gui.widgets.heatmaps import (
    TITLE_SIZE,
    CellAxis,
    colormap,
    heatmap_plot,
    mask_veil,
    plain_numbers,
    set_label,
)
from inspector.gui.widgets.plain import shown_html
from inspector.gui.widgets.plot_item import new_plot
from inspector.gui.widgets.plot_pool import colour_bar_at, plot_at, prune

SEQUENTIAL_MAP = "viridis"
CURSOR_PEN = pg.mkPen("#e8175d", width=2)
REGION_BRUSH = pg.mkBrush(255, 200, 0, 60)
DOT, PICKED = pg.mkBrush(59, 110, 168, 150), pg.mkBrush("#d62728")
LINE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")


def quantity_scale(cell: Layer | None, quantity: str, values: np.ndarray) -> tuple[tuple[float, float], bool]:
    """Colour levels of h, c or a gate as the Time steps view scales them, and whether the map is sequential."""
    config = cell.config if cell is not None else {}
    if quantity == "c":
        return symmetric(values), False
    candidate = quantity == "h" or quantity.endswith("~")
    function = str(config.get("activation") or "tanh") if candidate else str(config.get("recurrent_activation") or "sigmoid")
    levels, kind = scale_of(function, values)
    return levels, kind == SEQUENTIAL


@dataclass
class HeatmapFigure:
    plot: pg.PlotItem | None = None
    image: pg.ImageItem | None = None
    region: pg.LinearRegionItem | None = None
    cursor: pg.InfiniteLine | None = None
    marks: pg.ScatterPlotItem | None = None
    order: UnitOrder | None = None

    def set_time_step(self, t: int) -> None:
        if self.cursor is not None:
            self.cursor.setValue(t)

    def set_units(self, units: list[int]) -> None:
        """Marks (▶) left of the rows of `units`, wherever the order puts them."""
        if self.marks is None or self.order is None:
            return
        rows = [self.order.position_of(u) for u in units if 0 <= u < self.order.units]
        self.marks.setData(x=[-0.5] * len(rows), y=rows)

    def selected_steps(self) -> tuple[int, int]:
        """The dragged range as steps [start, stop) (at least one step)."""
        if self.region is None:
            return 0, 1
        low, high = self.region.getRegion()
        start = max(int(np.ceil(low)), 0)
        stop = max(int(np.floor(high)) + 1, start + 1)
        return start, stop


def draw_units_heatmap(layout: pg.GraphicsLayout, values: np.ndarray, order: UnitOrder, mask: np.ndarray,
                       levels: tuple[float, float], sequential: bool, title: str, time_step: int | None = None,
                       region: tuple[int, int] | None = None, with_region: bool = True) -> HeatmapFigure:
    """values [time, units] drawn with rows in `order`; `region` [start, stop) of steps, draggable
    (none drawn without `with_region`); the time cursor at `time_step` (none when None)."""
    prune(layout, {(0, 0)})
    plot = plot_at(layout, 0, 0, heatmap_plot)
    steps, units = values.shape
    image = pg.ImageItem(np.ascontiguousarray(order.apply(values, axis=1).T, dtype=np.float32),
                         axisOrder="row-major", levels=levels)
    image.setRect(QRectF(-0.5, -0.5, steps, units))
    image.setColorMap(pg.colormap.get(SEQUENTIAL_MAP) if sequential else colormap())
    plot.addItem(image)
    mask_veil(plot, mask, units)
    selection = None
    if with_region:
        start, stop = region or (0, min(steps, 1))
        selection = pg.LinearRegionItem((start - 0.5, stop - 0.5), brush=REGION_BRUSH,
                                        bounds=(-0.5, steps - 0.5), swapMode="sort")
        selection.setZValue(10)
        plot.addItem(selection)
    cursor = None if time_step is None else pg.InfiniteLine(time_step, angle=90, pen=CURSOR_PEN, movable=False)
    if cursor is not None:
        plot.addItem(cursor)
    marks = pg.ScatterPlotItem(symbol="t2", size=12, pen=pg.mkPen("k", width=0.5), brush=PICKED)
    plot.addItem(marks)
    plot.setTitle(title if order.is_natural or order.by in title else f"{title} · units by {order.by}", size=TITLE_SIZE)
    plot.titleLabel.setMinimumWidth(10)  # a long title never widens the plot beyond its panel
    plot.invertY(True)
    plot.vb.setLimits(xMin=-0.5, xMax=steps - 0.5, yMin=-0.5, yMax=units - 0.5)
    plot.vb.setRange(xRange=(-0.5, steps - 0.5), yRange=(-0.5, units - 0.5), padding=0)
    left = plot.getAxis("left")
    left.setTicks(None if order.is_natural else order.tick_levels())
    for axis in ("left", "bottom"):
        plain_numbers(plot.getAxis(axis))
    set_label(plot, "left", "unit")
    set_label(plot, "bottom", "time step")
    _colour_bar(layout, image, levels, sequential, title.split(" ·")[0])
    return HeatmapFigure(plot, image, selection, cursor, marks, order)



def _colour_bar(layout: pg.GraphicsLayout, image: pg.ImageItem, levels: tuple[float, float], sequential: bool,
                label: str) -> None:
    bar = colour_bar_at(layout, 1, 0, 1, colorMap=pg.colormap.get(SEQUENTIAL_MAP) if sequential else colormap(),
                        values=levels, label=label)
    plain_numbers(bar.axis)
    bar.setImageItem(image)


@dataclass
class SaturationFigure:
    """One scatter per gate; `points[gate]` [units, 2] (left, right) for hit tests."""

    plots: dict[str, pg.PlotItem] = field(default_factory=dict)
    scatters: dict[str, pg.ScatterPlotItem] = field(default_factory=dict)
    points: dict[str, np.ndarray] = field(default_factory=dict)

    def set_units(self, units: list[int]) -> None:
        for gate, scatter in self.scatters.items():
            count = self.points[gate].shape[0]
            picked = set(u for u in units if 0 <= u < count)
            scatter.setBrush([PICKED if u in picked else DOT for u in range(count)])
            scatter.setSize([12 if u in picked else 9 for u in range(count)])

    def unit_near(self, gate: str, left: float, right: float, radius: float = 0.03) -> int | None:
        """The unit whose dot is nearest (left, right) within `radius`, or None."""
        points = self.points.get(gate)
        if points is None or not len(points):
            return None
        distance = np.hypot(points[:, 0] - left, points[:, 1] - right)
        distance = np.where(np.isnan(distance), np.inf, distance)
        unit = int(np.argmin(distance))
        return unit if distance[unit] <= radius else None


def draw_saturation(layout: pg.GraphicsLayout, units: DirectionUnits, picked: list[int]) -> SaturationFigure:
    """Right- against left-saturated fraction per sigmoid gate, one dot per unit; the picked units in red."""
    figure = SaturationFigure()
    prune(layout, {(0, k) for k in range(len(units.saturation))})
    if not units.saturation:
        layout.addItem(pg.LabelItem(f"{shown_html(units.cell)} has no gate with a 0..1 activation: nothing saturates", size="10pt"),
                       row=0, col=0)
    for k, (gate, fractions) in enumerate(units.saturation.items()):
        plot = plot_at(layout, 0, k)
        scatter = pg.ScatterPlotItem(x=fractions[:, 0], y=fractions[:, 1], data=np.arange(units.units),
                                     pen=pg.mkPen("w", width=0.5), hoverable=True, tip=_tip(gate))
        plot.addItem(scatter)
        plot.addItem(pg.PlotCurveItem([0, 1, 0], [0, 0, 1], pen=pg.mkPen("#bbbbbb", style=Qt.PenStyle.DashLine)))
        plot.setXRange(0, 1, padding=0.05)
        plot.setYRange(0, 1, padding=0.05)
        plot.setTitle(f"{gate} gate · {shown_html(units.title)}", size=TITLE_SIZE)
        set_label(plot, "bottom", "left-saturated (below 0.1)")
        set_label(plot, "left", "right-saturated (above 0.9)" if k == 0 else "")
        for axis in ("left", "bottom"):
            plain_numbers(plot.getAxis(axis))
        figure.plots[gate], figure.scatters[gate], figure.points[gate] = plot, scatter, fractions
    figure.set_units(picked)
    return figure


def _tip(gate: str):
    def tip(x: float, y: float, data: object) -> str:
        return f"unit {data}\n{gate} left-saturated {x:.0%} of steps, right-saturated {y:.0%}"

    return tip


@dataclass
class OcclusionFigure:
    plot: pg.PlotItem | None = None
    cursor: pg.InfiniteLine | None = None

    def set_time_step(self, t: int) -> None:
        if self.cursor is not None:
            self.cursor.setValue(t)


def occlusion_plot() -> pg.PlotItem:
    return new_plot(bottom=CellAxis("bottom"))  # whole steps


def draw_occlusion(layout: pg.GraphicsLayout, lines: list[tuple[str, np.ndarray]], title: str,
                   time_step: int | None = None) -> OcclusionFigure:
    """The change of each output (one curve per component) against the occluded step; the time cursor
    at `time_step` (none when None)."""
    prune(layout, {(0, 0)})
    plot = plot_at(layout, 0, 0, occlusion_plot)
    plot.addLegend(offset=(-10, 10), labelTextSize="8pt")
    for k, (label, values) in enumerate(lines):
        plot.plot(np.arange(values.size), values, pen=pg.mkPen(LINE_COLOURS[k % len(LINE_COLOURS)], width=2),
                  symbol="o", symbolSize=4, symbolBrush=LINE_COLOURS[k % len(LINE_COLOURS)], name=shown_html(label))
    plot.addItem(pg.InfiniteLine(0, angle=0, pen=pg.mkPen("#888888", width=1)))
    cursor = None if time_step is None else pg.InfiniteLine(time_step, angle=90, pen=CURSOR_PEN, movable=False)
    if cursor is not None:
        plot.addItem(cursor)
    plot.setTitle(title, size=TITLE_SIZE)
    set_label(plot, "bottom", "occluded time step t")
    set_label(plot, "left", "output change")
    for axis in ("left", "bottom"):
        plain_numbers(plot.getAxis(axis))
    return OcclusionFigure(plot, cursor)
