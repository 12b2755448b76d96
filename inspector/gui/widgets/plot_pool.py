"""Reusing plots between figures: a pyqtgraph PlotItem costs tens of milliseconds to build (its menus),
so plots and colour bars taken out of a layout wait in a pool for the next figure of that layout.

Each pool holds the items one factory made (`new_plot`, `heatmap_plot`, `horizontal_colour_bar`, ...), so a
heatmap never comes back as a line plot with the heatmap's whole-cell axes. `stock` fills the pools ahead,
while the window is idle. Whoever takes an item sets everything it shows again (title, labels, ranges, data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar
from weakref import WeakKeyDictionary

import pyqtgraph as pg

from inspector.gui.widgets.plot_item import new_plot

Item = TypeVar("Item", bound=pg.GraphicsWidget)
Factory = Callable[[], pg.GraphicsWidget]
_POOLS: WeakKeyDictionary[pg.GraphicsLayout, dict[Factory, list[pg.GraphicsWidget]]] = WeakKeyDictionary()
_MADE_BY: WeakKeyDictionary[pg.GraphicsWidget, Factory] = WeakKeyDictionary()


def horizontal_colour_bar() -> pg.ColorBarItem:
    return pg.ColorBarItem(orientation="horizontal", interactive=False, width=14)


def pooled(layout: pg.GraphicsLayout, make: Factory) -> list[pg.GraphicsWidget]:
    """The items `make` made that wait for reuse in `layout`'s pool."""
    return _POOLS.setdefault(layout, {}).setdefault(make, [])


def _new(make: Callable[[], Item]) -> Item:
    item = make()
    _MADE_BY[item] = make
    return item


def _take(layout: pg.GraphicsLayout, make: Callable[[], Item]) -> Item:
    pool = pooled(layout, make)
    return pool.pop() if pool else _new(make)


def release(layout: pg.GraphicsLayout, item: pg.GraphicsWidget) -> None:
    """Take an item out of the layout; what a factory made goes back to its pool."""
    layout.removeItem(item)
    make = _MADE_BY.get(item)
    if make is not None:
        pooled(layout, make).append(item)


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


def item_at(layout: pg.GraphicsLayout, row: int, col: int, make: Callable[[], Item], colspan: int = 1) -> Item:
    """The item `make` made at (row, col) if there is one, else a pooled or new one placed there."""
    item = layout.getItem(row, col)
    if item is not None and _MADE_BY.get(item) is make and len(layout.items[item]) == colspan:
        return item
    if item is not None:
        release(layout, item)
    item = _take(layout, make)
    layout.addItem(item, row=row, col=col, colspan=colspan)
    return item


def plot_at(layout: pg.GraphicsLayout, row: int, col: int, make: Callable[[], pg.PlotItem] = new_plot) -> pg.PlotItem:
    """The plot at (row, col) emptied, or a pooled or new (`make()`) plot placed there."""
    plot = item_at(layout, row, col, make)
    plot.clear()
    plot.setXLink(None)
    return plot


def colour_bar_at(layout: pg.GraphicsLayout, row: int, col: int, colspan: int, **options) -> pg.ColorBarItem:
    """A horizontal, non-interactive colour bar (pooled or new) placed at (row, col); call setImageItem next."""
    bar = item_at(layout, row, col, horizontal_colour_bar, colspan)
    bar.setColorMap(options["colorMap"])
    bar.setLevels(options["values"])
    bar.axis.setLabel(options["label"])
    return bar


def stock(layout: pg.GraphicsLayout, make: Factory, count: int) -> Iterator[None]:
    """Make items ahead, while the window is idle, one per step (each costs 15-30 ms): the first figure of
    the layout then takes them ready-made instead of stalling the window to build them. Counts what the
    layout already holds or has pooled, so stocking twice makes nothing new."""
    held = sum(_MADE_BY.get(item) is make for item in layout.items)
    for _ in range(count - held - len(pooled(layout, make))):
        pooled(layout, make).append(_new(make))
        yield
