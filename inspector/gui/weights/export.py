"""Weight plots to PNG: one module for the window's export actions and for a command without a window.

Every figure is drawn by `inspector.gui.weights.figures` (the code the window uses) into an offscreen
GraphicsLayoutWidget and grabbed, so a PNG is the plot as drawn, with its title, axis labels and
colour bar. `export_layer_plots` and `export_model_plots` only need a QApplication, which
`ensure_app` creates with the offscreen platform when there is none (no display needed).
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg

from inspector.core.analysis.weight_blocks import Block, directions_of, file_stem, layer_blocks, weight_layers
from inspector.core.analysis.weight_stats import symmetric_levels
from inspector.core.model.canonical import Model
from inspector.gui.weights.figures import (
    CLIP_MARGIN,
    ROBUST,
    add_colour_bar,
    add_heatmap,
    clipping_colormap,
    draw_histograms,
    draw_weight_grid,
    robust_label,
    scale_groups,
    scale_key,
    scale_levels,
)
from inspector.gui.weights.stats_table import write_stats_csv
from inspector.gui.widgets.png import render_png

GRID_SIZE = (1600, 1000)
HEATMAP_SIZE = (900, 760)
BIAS_SIZE = (900, 240)  # a 1 x units strip
HISTOGRAM_SIZE = (1600, 360)


def draw_single_heatmap(layout: pg.GraphicsLayout, block: Block, levels: tuple[float, float] | None = None,
                        robust_group: list[Block] | None = None) -> None:
    """One heatmap with its own colour bar (levels default to the block's own symmetric range); with the
    `robust_group` of its matrix kind, in the robust scale with clipped values marked, as in the window."""
    levels = levels or symmetric_levels([block.values])
    heatmap = add_heatmap(layout, block, 0, 0, levels, clip=robust_group is not None)
    if robust_group is None:
        add_colour_bar(layout, [heatmap.image], levels, 1, 0, 1, "weight value")
    else:
        wide = (levels[0] * (1 + CLIP_MARGIN), levels[1] * (1 + CLIP_MARGIN))
        add_colour_bar(layout, [heatmap.image], wide, 1, 0, 1,
                       robust_label(scale_key(block, ROBUST), robust_group, levels[1]), clipping_colormap())
    layout.layout.setRowFixedHeight(1, 58)


def export_layer_plots(model: Model, layer_name: str, direction: str, folder: str | Path,
                       scale_mode: str = ROBUST) -> list[Path]:
    """Every plot of one layer (one direction): the grid, each heatmap, the histograms, and stats CSV."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    layer = model.layer(layer_name)
    blocks = layer_blocks(layer, direction or "forward")
    if not blocks:
        return []
    stem = file_stem(layer, direction)
    written = [render_png(lambda lay: draw_weight_grid(lay, blocks, scale_mode), GRID_SIZE,
                          folder / f"{stem}_weights.png")]
    if len(blocks) > 1:
        groups = scale_groups(blocks, scale_mode)
        levels = {key: scale_levels(group, scale_mode) for key, group in groups.items()}
        for block in blocks:
            size = BIAS_SIZE if block.values.shape[0] == 1 else HEATMAP_SIZE
            key = scale_key(block, scale_mode)
            written.append(render_png(lambda lay, b=block, k=key: draw_single_heatmap(
                lay, b, levels[k] if scale_mode != "per gate" else None, groups[k] if scale_mode == ROBUST else None),
                size, folder / f"{stem}_{block.label}.png"))
    written.append(render_png(lambda lay: draw_histograms(lay, blocks, scale_mode), HISTOGRAM_SIZE,
                              folder / f"{stem}_histograms.png"))
    written.append(write_stats_csv(blocks, folder / f"{stem}_stats.csv"))
    return written


def export_model_plots(model: Model, folder: str | Path, scale_mode: str = ROBUST) -> list[Path]:
    """export_layer_plots for every layer with weights and every direction (for `lstm-inspector export`)."""
    written: list[Path] = []
    for layer in weight_layers(model):
        for direction in directions_of(layer):
            written += export_layer_plots(model, layer.name, direction, folder, scale_mode)
    return written
