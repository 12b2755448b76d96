"""`new_plot()`: the PlotItem every view draws into, with a ViewBox that parents an item before it enters the scene.

pyqtgraph's ViewBox.addItem puts an item into the scene first and parents it second. In between, the item
connects to the view widget's signals and disconnects again at once; under PyQt6 that disconnect crashed
the process now and then (a segfault in QObject::disconnect, about one test run in ten). Parented first,
the item enters the scene inside its ViewBox and only ever connects to the ViewBox.
"""

from __future__ import annotations

import pyqtgraph as pg


class ParentFirstViewBox(pg.ViewBox):
    def addItem(self, item, ignoreBounds=False):  # noqa: N802, N803 (pyqtgraph override)
        if item.scene() is None:
            item.setParentItem(self.childGroup)
        super().addItem(item, ignoreBounds)


def new_plot(**axis_items: pg.AxisItem) -> pg.PlotItem:
    """A PlotItem (axes by side, e.g. left=CellAxis("left")) whose items are parented before they are shown."""
    return pg.PlotItem(viewBox=ParentFirstViewBox(), axisItems=axis_items or None)
