"""The parts every prediction plot is made of: a cleared plot with labels, a title that may be cut,
a message in an empty plot, ranges set before items are added, class ticks, readable spans."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt

from inspector.gui.widgets.heatmaps import TITLE_SIZE, plain_numbers, set_label
from inspector.gui.widgets.plain import shown, shown_html

SAY_WIDTH = 300  # pixels: a message in an empty plot wraps at this width


def prepare(plot: pg.PlotItem, bottom: str, left: str) -> None:
    plot.clear()
    plot.getAxis("bottom").setTicks(None)
    for axis in ("left", "bottom"):
        plain_numbers(plot.getAxis(axis))
    set_label(plot, "bottom", bottom)
    set_label(plot, "left", left)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.disableAutoRange()  # each figure sets its ranges before adding items (View All still works)


def title(plot: pg.PlotItem, text: str) -> None:
    """The title, shown as text (markup in names is escaped); it may be cut rather than widen the plot."""
    label = plot.titleLabel
    if "updateMin" not in vars(label):
        # pyqtgraph's LabelItem sets its minimum width to the text's on every resize, which then grows
        # the whole layout past its view (cut off on the right); keep the minimum small for good
        measure = label.updateMin

        def narrow() -> None:
            measure()
            label.setMinimumWidth(10)
            label._sizeHint[Qt.SizeHint.MinimumSize] = (10, label._sizeHint[Qt.SizeHint.MinimumSize][1])

        label.updateMin = narrow
    plot.setTitle(shown_html(text), size=TITLE_SIZE)


def say(plot: pg.PlotItem, text: str, keep_x: bool = False) -> None:
    """A message, wrapped, in the middle of an empty plot; `keep_x` for a plot whose x axis is linked."""
    plot.setYRange(0, 1, padding=0)
    if not keep_x:
        plot.setXRange(0, 1, padding=0)
    (left, right), _ = plot.vb.viewRange()
    item = pg.TextItem(color="#555555", anchor=(0.5, 0.5))
    width = plot.vb.width()  # 0 before the first layout (an export): then SAY_WIDTH
    item.setTextWidth(0.85 * width if width > 100 else SAY_WIDTH)
    item.setPlainText(shown(text))
    plot.addItem(item)
    item.setPos((left + right) / 2, 0.5)


def symmetric(values: np.ndarray) -> tuple[float, float]:
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size else 0.0
    limit = limit * 1.15 if limit > 0 else 1e-7
    return -limit, limit


def set_ranges(plot: pg.PlotItem, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Both ranges before any item is added: pyqtgraph recomputes every item on each range change."""
    plot.setRange(xRange=x, yRange=y, padding=0)


def class_ticks(plot: pg.PlotItem, count: int) -> None:
    plot.getAxis("bottom").setTicks([[(float(k), f"class {k}") for k in range(count)]])


def span(values: np.ndarray, readable: bool = False) -> tuple[float, float]:
    """(low, high) around the finite values; `readable`: at least a tenth of their magnitude wide, so
    values that agree to 1e-7 look equal instead of filling the plot with their rounding difference."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 0.0, 1.0
    low, high = float(values.min()), float(values.max())
    if readable:
        least = 0.1 * max(abs(low), abs(high)) or 1.0
        if high - low < least:
            centre = (low + high) / 2
            low, high = centre - least / 2, centre + least / 2
    pad = (high - low) * 0.05 or max(abs(high), 1.0) * 0.05
    return low - pad, high + pad
