"""Drawing weight plots into a pyqtgraph GraphicsLayout: the same code for the window and for PNG export.

A heatmap is one PlotItem with one ImageItem (no per-cell items, so a 1951 x 512 kernel draws at
once); colours come from a diverging map centred at 0 and a ColorBarItem shows the scale.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF

from inspector.core.analysis.weight_blocks import MATRICES_BY_SYMBOL, Block, grid_positions
from inspector.core.analysis.weight_stats import (
    ROBUST_PERCENTILE,
    clipped_count,
    histogram,
    robust_limit,
    symmetric_levels,
)
from inspector.core.model.gates import GATE_TITLES
from inspector.gui.widgets.heatmaps import NAN_BACKGROUND, TITLE_SIZE, colormap, heatmap_plot, plain_numbers, set_label
from inspector.gui.widgets.plain import shown_html
from inspector.gui.widgets.plot_pool import colour_bar_at, plot_at, prune

MATRIX_COLOURS = {"W": "#1f77b4", "U": "#ff7f0e", "b": "#2ca02c", "b_U": "#9467bd"}
LEFT_AXIS_WIDTH = 46
BIAS_ROW_HEIGHT = 92
COLOUR_BAR_ROW_HEIGHT = 58
MATRIX_ROW_MIN_HEIGHT = 150
ROBUST = "robust"  # the default scale mode: per matrix kind, +-the 99.5th percentile of |w|
CLIP_MARGIN = 0.06  # the clipped colours' share of each end of a robust colour bar (relative to the range)
OVER_COLOUR, UNDER_COLOUR = "#e000e0", "#00d0d8"  # values beyond the robust range: magenta above, cyan below


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


def scale_key(block: Block, scale_mode: str) -> str:
    """Which colour scale a block uses: "" (one for all), its matrix kind (robust: W, U, b) or its gate."""
    if scale_mode == "shared":
        return ""
    if scale_mode == ROBUST:
        return "b" if block.matrix in ("b", "b_U") else block.matrix
    return block.gate


def scale_groups(blocks: list[Block], scale_mode: str) -> dict[str, list[Block]]:
    """Blocks that share one colour scale: all together, one group per matrix kind, or one per gate."""
    groups: dict[str, list[Block]] = {}
    for block in blocks:
        groups.setdefault(scale_key(block, scale_mode), []).append(block)
    return groups


def scale_levels(group: list[Block], scale_mode: str) -> tuple[float, float]:
    """Robust: +-the 99.5th percentile of |w| (larger values are clipped, in their own colours); else +-max |w|."""
    if scale_mode == ROBUST:
        limit = robust_limit(b.values for b in group)
        return -limit, limit
    return symmetric_levels(b.values for b in group)


@cache  # built once: making a ColorMap of 68 stops costs several milliseconds, and every heatmap asks
def clipping_colormap(margin: float = CLIP_MARGIN) -> pg.ColorMap:
    """The diverging map over [-L, L], with UNDER_COLOUR and OVER_COLOUR beyond it: drawn over the range
    [-L (1 + margin), L (1 + margin)], to which clipped values are moved (`clipped_display`)."""
    edge = margin / (2 * (1 + margin))
    inner = np.linspace(0.0, 1.0, 64)
    colours = colormap().map(inner, mode="byte")
    positions = np.concatenate([[0.0, edge - 1e-6], edge + (1 - 2 * edge) * inner, [1 - edge + 1e-6, 1.0]])
    under, over = pg.mkColor(UNDER_COLOUR).getRgb(), pg.mkColor(OVER_COLOUR).getRgb()
    return pg.ColorMap(positions, np.vstack([[under, under], colours, [over, over]]).astype(np.ubyte))


def clipped_display(values: np.ndarray, limit: float, margin: float = CLIP_MARGIN) -> np.ndarray:
    """Values beyond +-limit moved to +-limit (1 + margin), where the clipping colour map marks them."""
    shown = np.array(values, dtype=np.float32, order="C")
    with np.errstate(invalid="ignore"):
        beyond = np.abs(shown) > limit
    shown[beyond] = np.sign(shown[beyond]) * limit * (1 + margin)
    return shown


def add_heatmap(layout: pg.GraphicsLayout, block: Block, row: int, col: int, levels: tuple[float, float],
                bottom_label: bool = True, full_title: bool = True, clip: bool = False) -> Heatmap:
    """One labelled heatmap at (row, col): rows of the block top to bottom, columns left to right.

    In a grid the gate is named by the column header, so the plot title can be short. With `clip`, values
    beyond `levels` are drawn in the clipping colours (the robust scale).
    """
    plot = plot_at(layout, row, col, heatmap_plot)
    clipping = clip and bool(np.isfinite(block.values).any())
    title = block.title if full_title or not block.gate else f"{block.label} {MATRICES_BY_SYMBOL[block.matrix]}"
    plot.setTitle(f"{shown_html(title)}   ({block.shape_text})", size=TITLE_SIZE)  # its whole width is needed:
    # pyqtgraph gives a title back its text's width at the first resize, and a fit that counted less (a minimum
    # width set here) had to be made again after the first paint, repainting every heatmap
    rows, columns = block.values.shape
    shown = _display_values(clipped_display(block.values, levels[1]) if clipping else block.values)
    if clipping:
        levels = (levels[0] * (1 + CLIP_MARGIN), levels[1] * (1 + CLIP_MARGIN))
    image = pg.ImageItem(shown, axisOrder="row-major", levels=levels)  # no auto levels
    image.setRect(QRectF(-0.5, -0.5, columns, rows))  # cell (r, c) is centred on (c, r): ticks mark cells
    image.setColorMap(clipping_colormap() if clipping else colormap())
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
                   row: int, col: int, colspan: int, label: str, colour_map: pg.ColorMap | None = None) -> pg.ColorBarItem:
    bar = colour_bar_at(layout, row, col, colspan, values=levels, colorMap=colour_map or colormap(), label=label)
    plain_numbers(bar.axis)
    bar.setImageItem(images)
    return bar


def draw_weight_grid(layout: pg.GraphicsLayout, blocks: list[Block], scale_mode: str) -> WeightFigure:
    """Every block as a heatmap: matrices W, U, b (rows) by gates (columns), colour bars below."""
    figure = WeightFigure()
    for _ in weight_grid_steps(layout, blocks, scale_mode, figure):
        pass
    return figure


def weight_grid_steps(layout: pg.GraphicsLayout, blocks: list[Block], scale_mode: str,
                      figure: WeightFigure) -> Iterator[None]:
    """`draw_weight_grid` in steps, one gate's column of heatmaps (W, U, b ...) per step, then the colour bars; it
    pauses (yields) between them, so that a window can answer in between. The same picture in the end."""
    header = 1 if blocks and blocks[0].gate else 0
    positions = [(row + header, col) for row, col in grid_positions(blocks)]
    prune(layout, set(positions))
    if not blocks:
        return
    groups = scale_groups(blocks, scale_mode)
    levels: dict[str, tuple[float, float]] = {}
    for key, group in groups.items():  # each scale (a percentile of every weight of a kind) is a step of its own
        yield
        levels[key] = scale_levels(group, scale_mode)
    last_row = max(row for row, _ in positions)
    if header:
        _add_gate_headers(layout, blocks, positions)
    for index, (block, (row, col)) in enumerate(zip(blocks, positions, strict=True)):
        if index and col != positions[index - 1][1]:
            yield
        figure.heatmaps.append(add_heatmap(layout, block, row, col, levels[scale_key(block, scale_mode)],
                                           bottom_label=row == last_row, full_title=False, clip=scale_mode == ROBUST))
    _link_columns(figure.heatmaps, positions)
    yield
    bar_row = last_row + 1
    if scale_mode == ROBUST:
        figure.colour_bars = _robust_colour_bars(layout, figure, groups, levels, bar_row, positions)
    else:
        figure.colour_bars = _colour_bars(layout, figure, positions, levels, bar_row, scale_mode)
    _size_rows(layout, blocks, positions, range(bar_row, bar_row + len(figure.colour_bars)))


def _robust_colour_bars(layout: pg.GraphicsLayout, figure: WeightFigure, groups: dict[str, list[Block]],
                        levels: dict[str, tuple[float, float]], bar_row: int,
                        positions: list[tuple[int, int]]) -> list[pg.ColorBarItem]:
    """One bar per matrix kind, each across the grid, saying what its range is and what was clipped."""
    columns = max(col for _, col in positions) + 1
    bars = []
    for k, (kind, group) in enumerate(groups.items()):
        images = [h.image for h in figure.heatmaps if any(h.block is b for b in group)]
        limit = levels[kind][1]
        bars.append(add_colour_bar(layout, images, (-limit * (1 + CLIP_MARGIN), limit * (1 + CLIP_MARGIN)),
                                   bar_row + k, 0, columns, robust_label(kind, group, limit),
                                   clipping_colormap()))
    return bars


def robust_label(kind: str, group: list[Block], limit: float) -> str:
    """What the colour bar of one matrix kind says: its range, why, and how many values lie beyond."""
    clipped = sum(clipped_count(b.values, limit) for b in group)
    beyond = (f"{clipped:,} value{'s' if clipped != 1 else ''} beyond it in magenta (+) / cyan (-)" if clipped
              else "no value beyond it")
    grey = "; grey: NaN or Inf" if any(not np.isfinite(b.values).all() for b in group) else ""
    return f"{kind}: colours span ±{limit:.3g}, the {ROBUST_PERCENTILE:g}th percentile of |{kind}|; {beyond}{grey}"


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
            layout.addLabel(f"gate {block.gate}: {GATE_TITLES[block.gate]}", row=0, col=col, size="10pt", bold=True)
    layout.layout.setRowMaximumHeight(0, 24)


def _link_columns(heatmaps: list[Heatmap], positions: list[tuple[int, int]]) -> None:
    """W, U and b of one gate share the unit axis: panning one pans the others."""
    first_in_column: dict[int, pg.PlotItem] = {}
    for heatmap, (_, col) in zip(heatmaps, positions, strict=True):
        if col in first_in_column:
            heatmap.plot.setXLink(first_in_column[col])
        else:
            first_in_column[col] = heatmap.plot


def _size_rows(layout: pg.GraphicsLayout, blocks: list[Block], positions: list[tuple[int, int]],
               bar_rows: range) -> None:
    grid = layout.layout
    for block, (row, _) in zip(blocks, positions, strict=True):
        if block.values.shape[0] == 1:
            grid.setRowMaximumHeight(row, BIAS_ROW_HEIGHT)
            grid.setRowMinimumHeight(row, BIAS_ROW_HEIGHT)
        else:
            grid.setRowStretchFactor(row, 3)
            grid.setRowMinimumHeight(row, MATRIX_ROW_MIN_HEIGHT)  # less room: the view scrolls, never squashes
    for bar_row in bar_rows:
        grid.setRowMaximumHeight(bar_row, COLOUR_BAR_ROW_HEIGHT)
        grid.setRowMinimumHeight(bar_row, COLOUR_BAR_ROW_HEIGHT)


def draw_histograms(layout: pg.GraphicsLayout, blocks: list[Block], scale_mode: str, bins: int = 60) -> list[pg.PlotItem]:
    """One histogram plot per gate (or one for a plain kernel), one curve per matrix."""
    plots: list[pg.PlotItem] = []
    for _ in histogram_steps(layout, blocks, scale_mode, plots, bins):
        pass
    return plots


def histogram_steps(layout: pg.GraphicsLayout, blocks: list[Block], scale_mode: str, plots: list[pg.PlotItem],
                    bins: int = 60) -> Iterator[None]:
    """`draw_histograms` into `plots`, one plot per step (it yields after each, so a window can answer)."""
    groups = scale_groups(blocks, "per gate")
    prune(layout, {(0, col) for col in range(len(groups))})
    limit = symmetric_levels(b.values for b in blocks)[1]
    for col, (gate, group) in enumerate(groups.items()):
        plot = plot_at(layout, 0, col)
        plot.setTitle(_histogram_title(gate, group), size=TITLE_SIZE)
        plot.titleLabel.setMinimumWidth(10)  # the histograms share what room there is: their titles may be cut
        plot.setLabel("bottom", "weight value")
        set_label(plot, "left", "% of the matrix" if col == 0 else "")
        for axis in ("left", "bottom"):
            plain_numbers(plot.getAxis(axis))
        plot.enableAutoRange()
        group_limit = limit if scale_mode == "shared" else symmetric_levels(b.values for b in group)[1]  # all values
        tallest = [_add_histogram_curve(plot, block, bins, group_limit) for block in group]
        _fit_matrices(plot, group, tallest)
        plots.append(plot)
        yield


def _histogram_title(gate: str, group: list[Block]) -> str:
    """'gate i: W U b' with each matrix name in its curve's colour (the legend, without covering data)."""
    names = " ".join(f"<span style='color:{MATRIX_COLOURS.get(b.matrix, '#444444')}'><b>{b.matrix}</b></span>"
                     for b in group)
    return f"gate {gate}: {names}" if gate else shown_html(group[0].label)


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
              name=block.matrix if block.gate else shown_html(block.label))
    return float(counts.max()) if counts.size else 0.0
