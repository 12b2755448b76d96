"""`FitOrScroll`: plots that fit the width they get, or scroll when they need more - never clipped.

A pyqtgraph GraphicsLayoutWidget draws its grid into whatever size the widget has; when the plots'
axes and titles need more than that, the right-hand column is cut off. Wrapped in FitOrScroll, the
widget is given at least the size its plots need (`fit()` after each redraw), so the scroll area
shows a scroll bar instead.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PyQt6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PyQt6.QtWidgets import QFrame, QScrollArea, QWidget

SLACK = 2  # pixels: tick labels that change by a digit do not clip the last column


class FitOrScroll(QScrollArea):
    def __init__(self, plots: pg.GraphicsLayoutWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plots = plots
        self.setWidget(plots)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def fit(self) -> None:
        """Call after drawing: the widget never gets less room than its plots need. Axes find their final
        width when they first paint, so the fit is made again one event-loop turn later."""
        self._fit_now()
        QTimer.singleShot(0, self._fit_now)

    def _fit_now(self) -> None:
        self.plots.ci.layout.invalidate()
        needed = self.plots.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        self.plots.setMinimumSize(math.ceil(needed.width()) + SLACK, math.ceil(needed.height()) + SLACK)
        # the plots take their new size now, not in a later turn: one paint instead of a paint at the old size
        # and another at the new one (a grid of heatmaps repaints every axis: 30-50 ms each)
        QCoreApplication.sendPostedEvents(self.viewport(), QEvent.Type.LayoutRequest.value)

    def clipped(self) -> bool:
        """True if some plot would not be seen, even by scrolling (for tests)."""
        needed = self.plots.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        return needed.width() > self.plots.width() + 1 or needed.height() > self.plots.height() + 1
