"""Reusing plots between figures: a pyqtgraph PlotItem costs tens of milliseconds to build (its menus),
so plots and colour bars taken out of a layout wait in a pool for the next figure of that layout.
Whoever takes an item from here sets everything it shows again (title, labels, ranges, data)."""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakKeyDictionary

import pyqtgraph as pg

_POOLS: WeakKeyDictionary[pg.GraphicsLayout, dict[type, list[pg.PlotItem]]] = WeakKeyDictionary()
REUSABLE = (pg.PlotItem, pg.ColorBarItem)


def _pool(layout: pg.GraphicsLayout, kind: type) -> list[pg.PlotItem]:
    return _POOLS.setdefault(layout, {}).setdefault(kind, [])


def release(layout: pg.GraphicsLayout, item: pg.GraphicsWidget) -> None:
    """Take an item out of the layout; plots and colour bars are kept for reuse."""
    layout.removeItem(item)
    if type(item) in REUSABLE:
        _pool(layout, type(item)).append(item)


def prune(layout: pg.GraphicsLayout, keep: set[tuple[int, int]]) -> None:
    """Take out every item except the plots at `keep`; forget the row sizes of the last figure."""
    for item, cells in list(layout.items.items()):
        if type(item) is not pg.PlotItem or not set(cells) <= keep:
            release(layout, item)
    grid = layout.layout
    for row in range(grid.rowCount()):
        grid.setRowMinimumHeight(row, 0)
        grid.setRowMaximumHeight(row, 16777215)
        grid.setRowStretchFactor(row, 1)


def plot_at(layout: pg.GraphicsLayout, row: int, col: int, make: Callable[[], pg.PlotItem] = pg.PlotItem) -> pg.PlotItem:
    """The plot at (row, col) emptied, else a pooled or new (`make()`) plot placed there."""
    item = layout.getItem(row, col)
    if type(item) is pg.PlotItem:  # not a ColorBarItem, which is a PlotItem too
        item.clear()
        item.setXLink(None)
        return item
    if item is not None:
        release(layout, item)
    pool = _pool(layout, pg.PlotItem)
    plot = pool.pop() if pool else make()
    plot.clear()
    plot.setXLink(None)
    layout.addItem(plot, row=row, col=col)
    return plot


def colour_bar_at(layout: pg.GraphicsLayout, row: int, col: int, colspan: int, **options) -> pg.ColorBarItem:
    """A horizontal, non-interactive colour bar (pooled or new) placed at (row, col); call setImageItem next."""
    pool = _pool(layout, pg.ColorBarItem)
    bar = pool.pop() if pool else pg.ColorBarItem(orientation="horizontal", interactive=False, width=14)
    bar.setColorMap(options["colorMap"])
    bar.setLevels(options["values"])
    bar.axis.setLabel(options["label"])
    layout.addItem(bar, row=row, col=col, colspan=colspan)
    return bar
