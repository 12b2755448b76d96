"""Plots and widgets to PNG files, in the window and without one (`ensure_app` starts an offscreen Qt).

Every figure is drawn by the code the window uses into an offscreen GraphicsLayoutWidget and grabbed,
so a PNG is the plot as drawn, with its title, axis labels and colour bar.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtWidgets import QApplication, QWidget


def ensure_app() -> QApplication:
    """The running QApplication, or a new one on the offscreen platform (for the command line)."""
    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["lstm-inspector"])
    return app  # type: ignore[return-value]


def save_widget_png(widget: QWidget, path: str | Path) -> Path:
    """The widget exactly as it is on screen."""
    path = Path(path)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def save_plot_png(item: pg.GraphicsItem, path: str | Path) -> Path:
    """One plot of a figure as drawn (current zoom and pan), with its title and axes."""
    from pyqtgraph.exporters import ImageExporter

    path = Path(path)
    ImageExporter(item).export(str(path))
    if not path.is_file():
        raise OSError(f"could not write {path}")
    return path


def render_png(draw: Callable[[pg.GraphicsLayout], object], size: tuple[int, int], path: str | Path) -> Path:
    """Draw into a fresh offscreen layout of `size` pixels and save it."""
    ensure_app()
    widget = pg.GraphicsLayoutWidget()
    widget.resize(*size)
    try:
        draw(widget.ci)
        return save_widget_png(widget, path)
    finally:
        widget.deleteLater()
