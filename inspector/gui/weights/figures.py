"""Drawing weight plots into a pyqtgraph GraphicsLayout: the same code for the window and for PNG export.

A heatmap is one PlotItem with one ImageItem (no per-cell items, so a 1951 x 512 kernel draws at
once); colours come from a diverging map centred at 0 and a ColorBarItem shows the scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF

from inspector.core.analysis.weight_blocks import MATRICES_BY_SYMBOL, Block, grid_positions
from inspector.core.analysis.weight_stats import histogram, symmetric_levels
from inspector.core.model.gates import GATE_TITLES
from inspector.gui.widgets.heatmaps import NAN_BACKGROUND, TITLE_SIZE, colormap, heatmap_plot, plain_numbers, set_label
from inspector.gui.widgets.plot_pool import colour_bar_at, plot_at, prune

MATRIX_COLOURS = {"W": "#1f77b4", "U": "#ff7f0e", "b": "#2ca02c", "b_U": "#9467bd"}
LEFT_AXIS_WIDTH = 46
BIAS_ROW_HEIGHT = 92
COLOUR_BAR_ROW_HEIGHT = 58


@dataclass
class Heatmap:
    block: Block
    plot: pg.PlotItem
    image: pg.ImageItem


@dataclass
class WeightFigure:
    """What was drawn: the heatmaps (in block order) and their colour bars."""

    heatmaps: list[Heatmap] = field(default_factory=list)
    colour_bars: list[pg.ColorBarItem] = field(default_factory=list)


def scale_groups(blocks: list[Block], scale_mode: str) -> dict[str, list[Block]]:
    """Blocks that share one colour scale: all together, or one group per gate."""
    if scale_mode == "shared":
        return {"": list(blocks)}
    groups: dict[str, list[Block]] = {}
    for block in blocks:
        groups.setdefault(block.gate, []).append(block)
    return groups


def add_heatmap(layout: pg.GraphicsLayout, block: Block, row: int, col: int, levels: tuple[float, float],
                bottom_label: bool = True, full_title: bool = True) -> Heatmap:
    """One labelled heatmap at (row, col): rows of the block top to bottom, columns left to right.

    In a grid the gate is named by the column header, so the plot title can be short.
    """
    plot = plot_at(layout, row, col, heatmap_plot)
    title = block.title if full_title or not block.gate else f"{block.label} {MATRICES_BY_SYMBOL[block.matrix]}"
    plot.setTitle(f"{title}   ({block.shape_text})", size=TITLE_SIZE)
    plot.titleLabel.setMinimumWidth(10)  # a long title never widens the grid beyond the window
    rows, columns = block.values.shape
    image = pg.ImageItem(_display_values(block.values), axisOrder="row-major", levels=levels)  # no auto levels
    image.setRect(QRectF(-0.5, -0.5, columns, rows))  # cell (r, c) is centred on (c, r): ticks mark cells
    image.setColorMap(colormap())
    plot.addItem(image)
    plot.invertY(True)
    plot.vb.setBackgroundColor(NAN_BACKGROUND)
    plot.vb.setLimits(xMin=-0.5, xMax=columns - 0.5, yMin=-0.5, yMax=rows - 0.5)
    plot.vb.setRange(xRange=(-0.5, columns - 0.5), yRange=(-0.5, rows - 0.5), padding=0)
    _label_axes(plot, block, bottom_label)
    return Heatmap(block, plot, image)


def _display_values(values: np.ndarray) -> np.ndarray:
    """float32 for the image; Inf becomes NaN so that, like NaN, it is transparent and shows the grey."""
    shown = np.array(values, dtype=np.float32, order="C")
    shown[np.isinf(shown)] = np.nan
    return shown


def _label_axes(plot: pg.PlotItem, block: Block, bottom_label: bool) -> None:
    left = plot.getAxis("left")
    left.setWidth(LEFT_AXIS_WIDTH)
    left.setTicks([[(0.0, "")]] if block.values.shape[0] == 1 else None)
    for axis in ("left", "bottom"):
        plain_numbers(plot.getAxis(axis))
    set_label(plot, "left", block.row_axis if block.values.shape[0] > 1 else "")
    set_label(plot, "bottom", block.column_axis if bottom_label else "")


def add_colour_bar(layout: pg.GraphicsLayout, images: list[pg.ImageItem], levels: tuple[float, float],
                   row: int, col: int, colspan: int, label: str) -> pg.ColorBarItem:
    bar = colour_bar_at(layout, row, col, colspan, values=levels, colorMap=colormap(), label=label)
    plain_numbers(bar.axis)
    bar.setImageItem(images)
    return bar


def draw_weight_grid(layout: pg.GraphicsLayout, blocks: list[Block], scale_mode: str) -> WeightFigure:
    """Every block as a heatmap: matrices W, U, b (rows) by gates (columns), colour bars below."""
    figure = WeightFigure()
    header = 1 if blocks and blocks[0].gate else 0
    positions = [(row + header, col) for row, col in grid_positions(blocks)]
    prune(layout, set(positions))
    if not blocks:
        return figure
    groups = scale_groups(blocks, scale_mode)
    levels = {key: symmetric_levels(b.values for b in group) for key, group in groups.items()}
    last_row = max(row for row, _ in positions)
    if header:
        _add_gate_headers(layout, blocks, positions)
    for block, (row, col) in zip(blocks, positions, strict=True):
        key = block.gate if scale_mode != "shared" else ""
        figure.heatmaps.append(add_heatmap(layout, block, row, col, levels[key], bottom_label=row == last_row,
                                           full_title=False))
    _link_columns(figure.heatmaps, positions)
    bar_row = last_row + 1
    figure.colour_bars = _colour_bars(layout, figure, positions, levels, bar_row, scale_mode)
    _size_rows(layout, blocks, positions, bar_row)
    return figure


def _colour_bars(layout: pg.GraphicsLayout, figure: WeightFigure, positions: list[tuple[int, int]],
                 levels: dict[str, tuple[float, float]], bar_row: int, scale_mode: str) -> list[pg.ColorBarItem]:
    columns = max(col for _, col in positions) + 1
    note = "; grey: NaN or Inf" if any(not np.isfinite(h.block.values).all() for h in figure.heatmaps) else ""
    if scale_mode == "shared" or columns == 1:
        images = [h.image for h in figure.heatmaps]
        label = "weight value (one scale for every plot)" if columns > 1 else "weight value"
        return [add_colour_bar(layout, images, next(iter(levels.values())), bar_row, 0, columns, label + note)]
    bars = []
    for col in range(columns):
        column = [h for h, (_, c) in zip(figure.heatmaps, positions, strict=True) if c == col]
        gate = column[0].block.gate
        bars.append(add_colour_bar(layout, [h.image for h in column], levels[gate], bar_row, col, 1,
                                   f"weight value, gate {gate}{note}"))
    return bars


def _add_gate_headers(layout: pg.GraphicsLayout, blocks: list[Block], positions: list[tuple[int, int]]) -> None:
    seen = set()
    for block, (_, col) in zip(blocks, positions, strict=True):
        if col not in seen:
            seen.add(col)
            label = layout.addLabel(f"gate {block.gate}: {GATE_TITLES[block.gate]}", row=0, col=col, size="10pt",
                                    bold=True)
            label.setMinimumWidth(10)
    layout.layout.setRowMaximumHeight(0, 24)


def _link_columns(heatmaps: list[Heatmap], positions: list[tuple[int, int]]) -> None:
    """W, U and b of one gate share the unit axis: panning one pans the others."""
    first_in_column: dict[int, pg.PlotItem] = {}
    for heatmap, (_, col) in zip(heatmaps, positions, strict=True):
        if col in first_in_column:
            heatmap.plot.setXLink(first_in_column[col])
        else:
            first_in_column[col] = heatmap.plot


def _size_rows(layout: pg.GraphicsLayout, blocks: list[Block], positions: list[tuple[int, int]], bar_row: int) -> None:
    grid = layout.layout
    for block, (row, _) in zip(blocks, positions, strict=True):
        if block.values.shape[0] == 1:
            grid.setRowMaximumHeight(row, BIAS_ROW_HEIGHT)
            grid.setRowMinimumHeight(row, BIAS_ROW_HEIGHT)
        else:
            grid.setRowStretchFactor(row, 3)
    grid.setRowMaximumHeight(bar_row, COLOUR_BAR_ROW_HEIGHT)
    grid.setRowMinimumHeight(bar_row, COLOUR_BAR_ROW_HEIGHT)


def draw_histograms(layout: pg.GraphicsLayout, blocks: list[Block], scale_mode: str, bins: int = 60) -> list[pg.PlotItem]:
    """One histogram plot per gate (or one for a plain kernel), one curve per matrix."""
    plots = []
    groups = scale_groups(blocks, "per gate")
    prune(layout, {(0, col) for col in range(len(groups))})
    limit = symmetric_levels(b.values for b in blocks)[1]
    for col, (gate, group) in enumerate(groups.items()):
        plot = plot_at(layout, 0, col)
        plot.setTitle(_histogram_title(gate, group), size=TITLE_SIZE)
        plot.titleLabel.setMinimumWidth(10)
        plot.setLabel("bottom", "weight value")
        set_label(plot, "left", "% of the matrix" if col == 0 else "")
        for axis in ("left", "bottom"):
            plain_numbers(plot.getAxis(axis))
        plot.enableAutoRange()
        group_limit = limit if scale_mode == "shared" else symmetric_levels(b.values for b in group)[1]
        tallest = [_add_histogram_curve(plot, block, bins, group_limit) for block in group]
        _fit_matrices(plot, group, tallest)
        plots.append(plot)
    return plots


def _histogram_title(gate: str, group: list[Block]) -> str:
    """'gate i: W U b' with each matrix name in its curve's colour (the legend, without covering data)."""
    names = " ".join(f"<span style='color:{MATRIX_COLOURS.get(b.matrix, '#444444')}'><b>{b.matrix}</b></span>"
                     for b in group)
    return f"gate {gate}: {names}" if gate else group[0].label


def _fit_matrices(plot: pg.PlotItem, group: list[Block], tallest: list[float]) -> None:
    """Scale y to W and U: a bias of a few equal values is one tall spike that would flatten them.

    The spike still shows, cut at the top; View All (right-click) shows all of it.
    """
    matrices = [height for block, height in zip(group, tallest, strict=True) if block.values.shape[0] > 1]
    if matrices and max(matrices) > 0 and max(tallest) > 1.5 * max(matrices):
        plot.setYRange(0, 1.15 * max(matrices), padding=0)


def _add_histogram_curve(plot: pg.PlotItem, block: Block, bins: int, limit: float) -> float:
    edges, counts = histogram(block.values, bins=bins, limit=limit, percent=True)
    colour = pg.mkColor(MATRIX_COLOURS.get(block.matrix, "#444444"))
    fill = pg.mkColor(colour)
    fill.setAlpha(60)
    plot.plot(edges, counts, stepMode="center", pen=pg.mkPen(colour, width=1.5), fillLevel=0, brush=fill,
              name=block.matrix if block.gate else block.label)
    return float(counts.max()) if counts.size else 0.0
