"""Plots and widgets to PNG files, in the window and without one (`ensure_app` starts an offscreen Qt).

Every figure is drawn by the code the window uses into an offscreen GraphicsLayoutWidget and grabbed,
so a PNG is the plot as drawn, with its title, axis labels and colour bar.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QApplication, QFileDialog, QWidget


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


def ask_and_save_png(owner: QWidget, name: str, save: Callable[[str], Path], report: Callable[[str], None]) -> None:
    """Ask where (default: `name` in the home folder), save, and report the file written."""
    path, _ = QFileDialog.getSaveFileName(owner, "Export PNG", str(Path.home() / name), "PNG images (*.png)")
    if path:
        report(f"saved {save(path if path.lower().endswith('.png') else f'{path}.png')}")


class ExportMenus:
    """Right-click > "Export PNG (this plot)..." on a view's plots, and one entry for the whole figure.

    Plots are reused between figures (plot_pool), so each plot gets its entries once.
    """

    def __init__(self, owner: QWidget, report: Callable[[str], None]) -> None:
        self.owner, self.report = owner, report
        self._done: weakref.WeakSet[pg.PlotItem] = weakref.WeakSet()

    def attach(self, plot: pg.PlotItem, plot_name: Callable[[pg.PlotItem], str],
               whole: tuple[str, Callable[[], None]] | None = None) -> None:
        """`plot_name(plot)`: the default file name; `whole`: (menu text, action) for the whole figure."""
        if plot in self._done:
            return
        self._done.add(plot)
        menu = plot.vb.menu
        menu.addSeparator()
        one = QAction("Export PNG (this plot)...", menu)
        one.triggered.connect(lambda _=False: ask_and_save_png(self.owner, plot_name(plot),
                                                               lambda path: save_plot_png(plot, path), self.report))
        menu.addAction(one)
        if whole is not None:
            action = QAction(whole[0], menu)
            action.triggered.connect(lambda _=False: whole[1]())
            menu.addAction(action)

    def save_widget_action(self, widget: QWidget, name: Callable[[], str]) -> Callable[[], None]:
        """An action for `whole`: ask, then save the widget as it is on screen."""
        return lambda: ask_and_save_png(self.owner, name(), lambda path: save_widget_png(widget, path), self.report)
