"""Heatmap building blocks shared by every view: the diverging colour map, matrix-cell axes and labels.

A heatmap is one PlotItem with one ImageItem (no per-cell items, so a 1951 x 512 kernel draws at once).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF

from inspector.gui.widgets.plot_item import new_plot

pg.setConfigOptions(background="w", foreground="k", antialias=True)
COLORMAP_NAME = "CET-D1"  # blue (negative) - white (0) - red (positive)
NAN_BACKGROUND = "#9a9a9a"  # NaN and Inf weights are transparent: they show this grey
MASK_RGBA = (150, 150, 150, 190)  # masked time steps: a grey veil over their heatmap column
TITLE_SIZE = "9pt"


def colormap() -> pg.ColorMap:
    return pg.colormap.get(COLORMAP_NAME)


class CellAxis(pg.AxisItem):
    """An axis of matrix cells: ticks only on whole rows or columns (no 0.5 for a 2-row kernel)."""

    def tickValues(self, minVal, maxVal, size):  # noqa: N802, N803 (pyqtgraph override)
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing >= 1:
                levels.append((spacing, [v for v in values if float(v).is_integer()]))
        low, high = sorted((minVal, maxVal))  # an inverted axis (rows top to bottom) comes reversed
        return levels or [(1.0, [float(v) for v in range(math.ceil(low), math.floor(high) + 1)])]


def heatmap_plot() -> pg.PlotItem:
    return new_plot(left=CellAxis("left"), bottom=CellAxis("bottom"))


def plain_numbers(axis: pg.AxisItem) -> None:
    """Tick labels in the numbers' own units, never rescaled to "x0.001".

    pyqtgraph 0.14 keeps rescaling the ticks after enableAutoSIPrefix(False) while hiding the
    factor from the label, so the ranges where it may rescale are emptied as well.
    """
    if hasattr(axis, "setSIPrefixEnableRanges"):
        axis.setSIPrefixEnableRanges(())
    axis.enableAutoSIPrefix(False)


def set_label(plot: pg.PlotItem, axis: str, text: str) -> None:
    if text:
        plot.setLabel(axis, text)
    else:
        plot.showLabel(axis, False)


def mask_veil(plot: pg.PlotItem, mask: np.ndarray, units: int) -> pg.ImageItem | None:
    """Masked steps (the layer skipped them) of a time x unit heatmap under a grey veil: one RGBA image row
    stretched over all units; None when no step is masked."""
    if not mask.size or mask.all():
        return None
    rgba = np.zeros((1, mask.size, 4), np.uint8)
    rgba[0, ~mask] = MASK_RGBA
    veil = pg.ImageItem(rgba, axisOrder="row-major")
    veil.setRect(QRectF(-0.5, -0.5, mask.size, units))
    veil.setZValue(5)
    plot.addItem(veil)
    return veil
