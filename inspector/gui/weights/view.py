"""The Weights tab: pick a layer (and direction), see W, U and b of every gate as heatmaps,
per-gate statistics and histograms. Reads and writes only the state object."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt, QTimer
from PyQt6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.core.analysis.weight_blocks import Block, directions_of, file_stem, layer_blocks, weight_layers
from inspector.core.model.gates import GATE_TITLES
from inspector.core.units.ordering import UnitOrder, ordered_block
from inspector.gui.state import SCALE_MODES, Document, InspectorState
from inspector.gui.weights.figures import WeightFigure, histogram_steps, weight_grid_steps
from inspector.gui.weights.stats_table import StatsTable
from inspector.gui.widgets.fit_or_scroll import FitOrScroll
from inspector.gui.widgets.heatmaps import heatmap_plot
from inspector.gui.widgets.in_steps import STOCK_AFTER_MS, DrawInSteps, frozen
from inspector.gui.widgets.plain import plain, shown
from inspector.gui.widgets.plot_item import new_plot
from inspector.gui.widgets.plot_pool import horizontal_colour_bar, stock
from inspector.gui.widgets.png import ExportMenus
from inspector.gui.widgets.when_visible import RedrawWhenVisible

SCALE_TIPS = {
    "robust": "one colour scale per matrix kind (W, U, b), +-the 99.5th percentile of |w|: a few large weights "
              "(a forget bias of 1) do not wash out the rest; values beyond are magenta (+) or cyan (-)",
    "shared": "one colour scale for every heatmap, spanning the largest |w|",
    "per gate": "each gate gets its own colour scale spanning its largest |w| (W, U and b of a gate share it)",
}


class WeightsView(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.blocks: list[Block] = []
        self.menus = ExportMenus(self, state.show_status)
        self._build()
        self.redraw = RedrawWhenVisible(self, self._redraw)  # drawn when seen, not while another tab is in front
        self._figure = WeightFigure()
        self.drawing = DrawInSteps(self)  # one gate column per event-loop turn: the window answers meanwhile
        self.stocking = DrawInSteps(self)  # an LSTM's plots made ahead, while the window is idle
        QTimer.singleShot(STOCK_AFTER_MS, self.prepare)
        state.document_changed.connect(self._on_document)
        state.selection_changed.connect(self._on_selection)
        state.scale_mode_changed.connect(self._on_scale_mode)
        state.unit_order_changed.connect(lambda layer, _direction: layer == state.layer_name and self.redraw.request())
        self._on_selection(state.layer_name, state.direction)  # "no model open" until one is

    # ----- building -----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._build_controls())
        self.heatmaps = pg.GraphicsLayoutWidget()
        self.histograms = pg.GraphicsLayoutWidget()
        self.heatmap_area = FitOrScroll(self.heatmaps)  # a wide layer scrolls instead of losing its right column
        self.histogram_area = FitOrScroll(self.histograms)
        self.message = plain(QLabel(alignment=Qt.AlignmentFlag.AlignCenter))
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.heatmap_area)
        self.stack.addWidget(self.message)
        self.table = StatsTable()
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.table)
        lower.addWidget(self.histogram_area)
        lower.setSizes([480, 700])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.stack)
        splitter.addWidget(lower)
        splitter.setSizes([640, 260])
        layout.addWidget(splitter, 1)
        self.heatmaps.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.layer_box = QComboBox(minimumContentsLength=24)
        self.layer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_box.activated.connect(lambda i: self.state.select_layer(self.layer_box.itemData(i)))
        self.direction_box = QComboBox()
        self.direction_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.direction_box.activated.connect(lambda i: self.state.select_direction(self.direction_box.itemText(i)))
        self.direction_label = QLabel("direction:")
        self.scale_group = QButtonGroup(self)
        row.addWidget(QLabel("layer:"))
        row.addWidget(self.layer_box)
        row.addWidget(self.direction_label)
        row.addWidget(self.direction_box)
        row.addSpacing(16)
        row.addWidget(QLabel("scale:"))
        for mode in SCALE_MODES:
            button = QRadioButton(mode, checked=mode == self.state.scale_mode)
            button.setToolTip(SCALE_TIPS[mode])
            button.toggled.connect(lambda on, m=mode: on and self.state.set_scale_mode(m))
            self.scale_group.addButton(button)
            row.addWidget(button)
        row.addSpacing(16)
        self.readout = plain(QLabel("move the mouse over a heatmap to read a weight"))
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the view
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.readout, 1)
        return row

    def prepare(self) -> None:
        """Make an LSTM's heatmaps, colour bars and histograms in idle steps, before the first model: the first
        drawing then takes them ready-made (building them then stalled the window 100-200 ms)."""
        if self.window().isVisible():  # not for a window that never showed, or has closed
            self.stocking.start(self._stock())

    def _stock(self) -> Iterator[None]:
        yield from stock(self.heatmaps.ci, heatmap_plot, 12)
        yield from stock(self.heatmaps.ci, horizontal_colour_bar, 4)
        yield from stock(self.histograms.ci, new_plot, 4)

    # ----- state -> view --------------------------------------------------------------------
    def _on_document(self, document: Document) -> None:
        self.layer_box.clear()
        for layer in weight_layers(document.model):
            self.layer_box.addItem(shown(f"{layer.name}  ({layer.class_name})"), layer.name)

    def _on_selection(self, layer_name: str, direction: str) -> None:
        layer = self.state.layer
        self.layer_box.setCurrentIndex(self.layer_box.findData(layer_name))
        directions = directions_of(layer) if layer is not None else [""]
        self.direction_box.clear()
        self.direction_box.addItems(directions)
        self.direction_box.setCurrentText(direction)
        for widget in (self.direction_box, self.direction_label):
            widget.setVisible(len(directions) > 1)
        self.blocks = layer_blocks(layer, direction) if layer is not None else []
        for button in self.scale_group.buttons():
            button.setEnabled(any(block.gate for block in self.blocks))  # one kernel has one scale
        self.redraw.request()

    def _on_scale_mode(self, mode: str) -> None:
        for button in self.scale_group.buttons():
            button.setChecked(button.text() == mode)
        self.redraw.request()

    def unit_order(self) -> UnitOrder | None:
        """The order the Units tab chose for the shown layer and direction (None: by unit number)."""
        return self.state.unit_order(self.state.layer_name, self.state.direction)

    def _redraw(self) -> None:
        """Start drawing the shown layer, in steps; a newer redraw drops the steps left of an older one."""
        self._figure = WeightFigure()
        self.drawing.start(self._drawing(self._figure))

    @property
    def figure(self) -> WeightFigure:
        """What was drawn, complete (a redraw still in steps is finished first)."""
        self.drawing.finish()
        return self._figure

    def _drawing(self, figure: WeightFigure) -> Iterator[None]:
        order, blocks = self.unit_order(), self.blocks  # as they are now: a later change starts a new drawing
        drawn = [ordered_block(block, order) for block in blocks] if order is not None else blocks
        self.stack.setCurrentIndex(0 if blocks else 1)
        self.message.setText(self._empty_text())
        with frozen(self.heatmaps):  # painted once, when the grid is complete
            yield from weight_grid_steps(self.heatmaps.ci, drawn, self.state.scale_mode, figure)
            for heatmap, block in zip(figure.heatmaps, blocks, strict=False):
                if order is not None and heatmap.block is not block:  # reordered: unit numbers stay on the axes
                    heatmap.plot.getAxis("bottom").setTicks(order.tick_levels())
                    if block.matrix == "U":
                        heatmap.plot.getAxis("left").setTicks(order.tick_levels())
            for heatmap in figure.heatmaps:
                self._add_export_actions(heatmap.plot, self.heatmaps)
            self.heatmap_area.fit()
            yield  # the paint comes with the next part, which only ends the freeze: not with this long one
        yield  # the heatmaps paint first; the window answers before the rest is drawn (table, histograms)
        self.table.show_blocks(blocks)
        yield
        yield from self._draw_histograms(blocks)

    def _draw_histograms(self, blocks: list[Block]) -> Iterator[None]:
        """The histograms below, one gate per event-loop turn, painted once when all are there."""
        plots: list[pg.PlotItem] = []
        with frozen(self.histograms):
            for _ in histogram_steps(self.histograms.ci, blocks, self.state.scale_mode, plots):
                self._add_export_actions(plots[-1], self.histograms)
                yield
            self.histogram_area.fit()
            yield

    def _empty_text(self) -> str:
        layer = self.state.layer
        if self.state.document is None:
            return "No model open.\n\nDrop a .h5, .hdf5 or .keras file here, or use File > Open or File > Open Demo."
        if layer is None:
            return "this model has no layer with weights to show"
        return f"layer {shown(layer.name)} ({shown(layer.class_name)}) has no kernel or gate weights to show"

    # ----- reading values and exporting -------------------------------------------------------
    @property
    def heatmap_count(self) -> int:
        return len(self.figure.heatmaps)

    def _on_mouse_moved(self, position: QPointF) -> None:
        for heatmap in self._figure.heatmaps:
            if heatmap.plot.vb.sceneBoundingRect().contains(position):
                point = heatmap.plot.vb.mapSceneToView(position)
                order = self.unit_order()
                units = order.order if order is not None and heatmap.block.column_axis == "unit" else None
                self.readout.setText(shown(readout_text(heatmap.block, point.y(), point.x(), units)))
                return

    def _add_export_actions(self, plot: pg.PlotItem, widget: QWidget) -> None:
        """Right-click > Export PNG, this plot or all plots of the widget."""
        kind = "weights" if widget is self.heatmaps else "histograms"
        whole = ("Export PNG (all plots)...", self.menus.save_widget_action(widget, lambda: self._name(None, kind)))
        self.menus.attach(plot, self._name, whole)

    def _name(self, plot: pg.PlotItem | None, kind: str = "plot") -> str:
        """A default file name: lstm_W_f.png, bidirectional_backward_weights.png, ..."""
        layer = self.state.layer
        stem = file_stem(layer, self.state.direction) if layer is not None else "plot"
        label = next((h.block.label for h in self.figure.heatmaps if h.plot is plot), kind)
        return f"{stem}_{label}.png"


def readout_text(block: Block, y: float, x: float, units: np.ndarray | None = None) -> str:
    """'W_f (forget gate)  input feature 12, unit 3:  0.1234' for the cell under the cursor; `units`: the unit
    number at each position when the block's units are reordered (columns, and rows of U)."""
    row, col = math.floor(y + 0.5), math.floor(x + 0.5)  # cell (r, c) is centred on (c, r)
    rows, cols = block.values.shape
    if not (0 <= row < rows and 0 <= col < cols):
        return ""
    value = float(block.values[row, col])
    if units is not None and block.gate:
        row, col = (int(units[row]) if block.matrix == "U" else row), int(units[col])
    where = f"{block.column_axis} {col}" if rows == 1 else f"{block.row_axis or 'row'} {row}, {block.column_axis} {col}"
    gate = f" ({GATE_TITLES[block.gate]})" if block.gate else ""
    return f"{block.label}{gate}   {where}:   {value:.6g}"
