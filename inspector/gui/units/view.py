"""The Units tab: which units matter and what they do, for one recurrent layer and direction.

The per-unit table (click a header to order the units by that column, a row to pick its unit), one
saturation plot per sigmoid gate (hover names the unit, click picks it), the pattern heatmap with
select and match, and occlusion over time. The unit order is kept in the state per layer and direction,
so every heatmap that follows it lists the units the same way. Reads and writes only the state.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.core.engine.trace import DirectionTrace
from inspector.core.units.ordering import (
    BY_SIMILARITY,
    BY_UNIT,
    UnitOrder,
    natural_order,
    order_by_column,
    order_by_similarity,
)
from inspector.core.units.quantities import cell_layer
from inspector.core.units.statistics import DirectionUnits, unit_table
from inspector.core.units.summary import summary_lines
from inspector.core.units.table import columns
from inspector.gui.state import InspectorState
from inspector.gui.units.export import export_unit_plots
from inspector.gui.units.figures import SaturationFigure, draw_saturation
from inspector.gui.units.occlusion_panel import OcclusionPanel
from inspector.gui.units.pattern import PatternPanel
from inspector.gui.units.table import UNIT, UnitsTable
from inspector.gui.widgets.plain import plain, shown, shown_html
from inspector.gui.widgets.png import ExportMenus
from inspector.gui.widgets.sequence_box import SequenceBox
from inspector.gui.widgets.trace_selectors import fill_trace_selectors
from inspector.gui.widgets.when_visible import RedrawWhenVisible


class UnitsView(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.tables: tuple[object, list[DirectionUnits]] = (None, [])  # (result, tables) of the last result
        self.units: DirectionUnits | None = None
        self.saturation = SaturationFigure()
        self.ascending: set[str] = set()  # columns ordered smallest first (a second header click)
        self.ordered_for: dict[tuple[str, str], object] = {}  # (layer, direction) -> the result its order is for
        self.drawing = False
        self._build()
        self.menus = ExportMenus(self, state.show_status)
        self.redraw = RedrawWhenVisible(self, self._redraw)
        for signal in (state.document_changed, state.selection_changed, state.inputs_changed, state.result_changed,
                       state.sequence_changed):
            signal.connect(self.redraw.request)
        state.unit_order_changed.connect(self._on_order_changed)
        state.time_step_changed.connect(self._on_time_step)
        state.units_changed.connect(self._on_units)
        self._redraw()

    # ----- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._selectors())
        self.summary = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse,
                              textFormat=Qt.TextFormat.RichText)  # the layer name in it is escaped
        layout.addWidget(self.summary)
        self.table = UnitsTable()
        self.table.order_requested.connect(self.order_by)
        self.table.unit_clicked.connect(self.toggle_unit)
        self.saturation_widget = pg.GraphicsLayoutWidget()
        self.readout = plain(QLabel("hover a dot to name its unit; click it to pick the unit"))
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.saturation_widget, 1)
        box.addWidget(self.readout)
        self.pattern = PatternPanel()
        self.pattern.units_selected.connect(self.state.set_units)
        self.pattern.match_chosen.connect(self._on_match)
        self.occlusion = OcclusionPanel()
        top, bottom = QSplitter(Qt.Orientation.Horizontal), QSplitter(Qt.Orientation.Horizontal)
        for splitter, widgets in ((top, (self.table, right)), (bottom, (self.pattern, self.occlusion))):
            for widget in widgets:
                splitter.addWidget(widget)
            splitter.setChildrenCollapsible(False)
        self.content = QSplitter(Qt.Orientation.Vertical)
        self.content.addWidget(top)
        self.content.addWidget(bottom)
        self.content.setSizes([380, 520])
        self.message = plain(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.stack.addWidget(self.message)
        layout.addWidget(self.stack, 1)

    def _selectors(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.layer_box = QComboBox(minimumContentsLength=18, placeholderText="choose a recurrent layer")
        self.layer_box.activated.connect(lambda i: self.state.select_layer(self.layer_box.itemData(i)))
        self.direction_box = QComboBox()
        self.direction_box.activated.connect(lambda i: self.state.select_direction(self.direction_box.itemText(i)))
        self.sequence_box = SequenceBox(toolTip="the sequence the heatmap and the occlusion plot show")
        self.sequence_box.valueChanged.connect(self.state.select_sequence)
        self.order_box = QComboBox(toolTip="the order every heatmap of this layer lists its units in "
                                   "(also: click a column header of the table)")
        self.order_box.activated.connect(lambda i: self.order_by(self.order_box.itemData(i)))
        self.order_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for widget in (QLabel("layer:"), self.layer_box, self.direction_box, QLabel("sequence:"), self.sequence_box,
                       QLabel("order units by:"), self.order_box):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    # ----- what to show ------------------------------------------------------------------------------
    def trace(self) -> DirectionTrace | None:
        """The trace of the selected layer and direction, or None."""
        return self.state.trace

    def direction_units(self, trace: DirectionTrace) -> DirectionUnits | None:
        """The table of `trace`, computed once per engine result for every direction."""
        state = self.state
        if self.tables[0] is not state.result and state.document is not None and state.result is not None:
            self.tables = (state.result, unit_table(state.document.model, state.result, state.inputs))
        return next((t for t in self.tables[1] if (t.layer, t.direction) == (trace.layer, trace.direction)), None)

    def order(self) -> UnitOrder | None:
        if self.units is None:
            return None
        found = self.state.unit_order(self.units.layer, self.units.direction)
        return found if found is not None and found.units == self.units.units else natural_order(self.units.units)

    def empty_text(self) -> str:
        state = self.state
        if state.document is None:
            return "No model open."
        if not state.document.model.recurrent_layers:
            return "This model has no recurrent layer: there are no units to study."
        if not state.inputs:
            return "Enter a sequence (Sequence panel) to see what each unit does with it."
        if state.result is None:
            reason = state.result_reason
            return f"No trace for this sequence: {shown(reason)}" if reason else "Computing the trace ..."
        return "Choose a recurrent layer to see its units."

    def _redraw(self) -> None:
        self.drawing = True
        try:
            self._draw()
        finally:
            self.drawing = False

    def _draw(self) -> None:
        self._fill_selectors()
        state, trace = self.state, self.trace()
        self.units = self.direction_units(trace) if trace is not None else None
        self.stack.setCurrentIndex(0 if self.units is not None else 1)
        self.message.setText(self.empty_text())
        model = state.document.model if state.document is not None else None
        self.occlusion.set_inputs(model, state.result, state.inputs)
        if self.units is None or trace is None or model is None:
            self.pattern.show_trace(None, None, None, 0, 0, [])
            return
        self._refresh_order(trace)
        self._fill_order_box()
        order = self.order()
        units = self.units
        self.summary.setText(f"<b>{shown_html(units.title)}</b> ({shown_html(units.cell)}, {units.units} units, "
                             f"{units.samples} processed (sequence, step) pairs) · " + " · ".join(summary_lines(units)))
        self.table.show_units(self.units, order, state.units)
        self.saturation = draw_saturation(self.saturation_widget.ci, self.units, state.units)
        self.readout.setVisible(bool(self.units.saturation))
        for gate, scatter in self.saturation.scatters.items():
            scatter.sigClicked.connect(lambda _item, points, _event: self._on_dot(points))
            scatter.sigHovered.connect(lambda _item, points, _event, g=gate: self._on_hover(g, points))
        whole = ("Export PNG (every units plot of this layer)...", self.ask_export)
        for plot in self.saturation.plots.values():
            self.menus.attach(plot, lambda p: f"{self._stem()}_saturation.png", whole)
        self.pattern.show_trace(trace, cell_layer(model, trace), order, state.sequence, state.time_step, state.units)
        self.occlusion.show_sequence(state.sequence, state.time_step)
        if self.pattern.figure.plot is not None:
            self.menus.attach(self.pattern.figure.plot, lambda p: f"{self._stem()}_units_heatmap.png", whole)
        if self.occlusion.figure.plot is not None:
            self.menus.attach(self.occlusion.figure.plot, lambda p: f"{self._stem()}_occlusion.png", whole)

    def _fill_selectors(self) -> None:
        directions, _batch = fill_trace_selectors(self.state, self.layer_box, self.direction_box, self.sequence_box)
        self.direction_box.setVisible(directions > 1)

    def _fill_order_box(self) -> None:
        names = [BY_UNIT, BY_SIMILARITY] + ([n for n in columns(self.units)] if self.units is not None else [])
        order = self.order()
        self.order_box.blockSignals(True)
        self.order_box.clear()
        for name in names:
            self.order_box.addItem(name, UNIT if name == BY_UNIT else name)
        self.order_box.setCurrentText(order.by if order is not None else BY_UNIT)
        self.order_box.blockSignals(False)

    # ----- order ------------------------------------------------------------------------------------
    def order_by(self, column: str) -> None:
        """Order the units of the shown layer and direction by a table column (again: reversed), by
        similarity of h, or (UNIT) by number; the order goes to the state for every heatmap."""
        trace, units = self.trace(), self.units
        if trace is None or units is None:
            return
        current = self.order()
        if column == UNIT or column == BY_UNIT:
            order = None
        elif column == BY_SIMILARITY:
            order = order_by_similarity(trace)
        else:
            if current is not None and current.by == column:
                self.ascending ^= {column}
            order = order_by_column(columns(units)[column], column, descending=column not in self.ascending)
        self.ordered_for[(units.layer, units.direction)] = self.state.result
        self.state.set_unit_order(units.layer, units.direction, order)

    def _refresh_order(self, trace: DirectionTrace) -> None:
        """A stored order computed on an earlier result is recomputed the same way on this one."""
        assert self.units is not None
        key = (self.units.layer, self.units.direction)
        found = self.state.unit_order(*key)
        if found is None or self.ordered_for.get(key) is self.state.result:
            return
        self.ordered_for[key] = self.state.result
        table = columns(self.units)
        if found.by == BY_SIMILARITY:
            fresh: UnitOrder | None = order_by_similarity(trace)
        elif found.by in table:
            fresh = order_by_column(table[found.by], found.by, descending=found.by not in self.ascending)
        else:
            fresh = None
        self.state.set_unit_order(*key, fresh)

    def _on_order_changed(self, layer: str, direction: str) -> None:
        if not self.drawing and self.units is not None and (layer, direction) == (self.units.layer, self.units.direction):
            self.redraw.request()

    # ----- state -> view, view -> state ---------------------------------------------------------------
    def _on_time_step(self, t: int) -> None:
        self.pattern.set_time_step(t)
        self.occlusion.set_time_step(t)

    def _on_units(self, units: list[int]) -> None:
        self.table.mark_units(units)
        self.saturation.set_units(units)
        self.pattern.set_units(units)

    def toggle_unit(self, unit: int) -> None:
        units = list(self.state.units)
        units.remove(unit) if unit in units else units.append(unit)
        self.state.set_units(units)

    def _on_dot(self, points) -> None:
        if len(points):
            self.toggle_unit(int(points[0].data()))

    def _on_hover(self, gate: str, points) -> None:
        if len(points):
            unit = int(points[0].data())
            left, right = self.saturation.points[gate][unit]
            self.readout.setText(f"unit {unit}: {gate} left-saturated {left:.0%} of steps, right-saturated {right:.0%}")

    def _on_match(self, sequence: int, start: int) -> None:
        self.state.select_sequence(sequence)
        self.state.set_time_step(start)

    # ----- export -----------------------------------------------------------------------------------
    def _stem(self) -> str:
        units = self.units
        return "units" if units is None else f"{units.layer}_{units.direction}".replace("#", "_").replace("/", "_")

    def ask_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the units plots of this layer to", str(Path.home()))
        if folder:
            written = self.export_unit_plots(folder)
            self.state.show_status(f"wrote {len(written)} units plot(s) to {folder}")

    def export_unit_plots(self, folder: str | Path) -> list[Path]:
        """The saturation plots, the ordered heatmaps and (when computed) the occlusion plot of the shown layer."""
        state = self.state
        if state.document is None or state.result is None or self.units is None:
            return []
        return export_unit_plots(state.document.model, state.result, state.inputs or [], folder,
                                 sequence=state.sequence, orders=dict(state.unit_orders),
                                 only=(self.units.layer, self.units.direction), occluded=self.occlusion.found)
