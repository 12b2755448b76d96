"""The Time steps tab: every gate, c and h of one recurrent layer (and direction) over the time steps of
one sequence, with a time cursor shared through the state, bars of every unit at the cursor, line
plots of chosen units and the model's output after every step. Reads and writes only the state.

Keys (while the view has focus): Left/Right one step, PageUp/PageDown ten, Home/End first/last,
Space play/pause. Click a heatmap row to add or remove that unit; double-click to move the cursor.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt, QTimer
from PyQt6.QtGui import QKeyEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.core.analysis.per_step import PerStep
from inspector.core.analysis.time_quantities import Quantity, layer_quantities, parse_units, units_text
from inspector.core.analysis.weight_blocks import file_stem
from inspector.core.engine.trace import DirectionTrace
from inspector.core.units.ordering import UnitOrder
from inspector.gui.state import VALUE_MODES, InspectorState
from inspector.gui.time.controls import PAGE, TimeControls
from inspector.gui.time.export import export_time_plots, grid_title, per_step_title, plot_file_name
from inspector.gui.time.figures import TimeFigure, prepare_time_grid, time_grid_steps
from inspector.gui.time.lines import LinesFigure, draw_per_step, draw_unit_lines
from inspector.gui.widgets.in_steps import STOCK_AFTER_MS, DrawInSteps, frozen
from inspector.gui.widgets.plain import plain, shown
from inspector.gui.widgets.png import ExportMenus
from inspector.gui.widgets.sequence_box import SequenceBox
from inspector.gui.widgets.trace_selectors import fill_trace_selectors
from inspector.gui.widgets.when_visible import RedrawWhenVisible
from inspector.gui.workers.per_step import PerStepJob


class TimeView(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.series: list[Quantity] = []
        self.order: UnitOrder | None = None  # the layer's unit order (state.unit_order): heatmap rows follow it
        self._figure = TimeFigure()
        self.drawing = DrawInSteps(self)  # the grid one row per event-loop turn: the window answers meanwhile
        self.lines = LinesFigure()
        self.per_step_lines = LinesFigure()
        self.per_step: PerStep | str = ""
        self.job = PerStepJob(self)
        self.job.finished.connect(self._on_per_step)
        self.job.progress.connect(lambda f: self.per_step_note.setText(f"output after every step: {f:.0%} ..."))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self.menus = ExportMenus(self, state.show_status)
        self.refresh = RedrawWhenVisible(self, self._refresh)  # drawn when seen, not while another tab is in front
        QTimer.singleShot(STOCK_AFTER_MS, self.prepare)  # once the window is up and idle
        self._per_step_for: object = None  # the result the output-after-every-step job was started for
        for signal, slot in ((state.document_changed, self._on_document), (state.selection_changed, self.refresh.request),
                             (state.inputs_changed, self._on_inputs), (state.sequence_changed, self.refresh.request),
                             (state.result_changed, self._on_result), (state.time_step_changed, self._on_time_step),
                             (state.units_changed, self._on_units), (state.value_mode_changed, self.refresh.request),
                             (state.unit_order_changed, self.refresh.request)):
            signal.connect(slot)
        self.refresh.request()

    # ----- building -----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._build_selectors())
        self.controls = TimeControls(self.state)
        layout.addWidget(self.controls)
        self.grid = self._graphics()
        self.unit_widget = self._graphics()
        self.per_step_widget = self._graphics()
        self.per_step_note = plain(QLabel(wordWrap=True))
        per_step_box = QWidget()
        box = QVBoxLayout(per_step_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.per_step_widget, 1)
        box.addWidget(self.per_step_note)
        self.lower = QSplitter(Qt.Orientation.Horizontal)
        self.lower.addWidget(self.unit_widget)
        self.lower.addWidget(per_step_box)
        self.lower.setChildrenCollapsible(False)
        self.content = QSplitter(Qt.Orientation.Vertical)
        self.content.addWidget(self.grid)
        self.content.addWidget(self.lower)
        self.content.setSizes([660, 240])
        self.message = plain(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.stack.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        self.grid.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.grid.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _graphics(self) -> pg.GraphicsLayoutWidget:
        widget = pg.GraphicsLayoutWidget()
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys move the cursor, not the plots
        return widget

    def _build_selectors(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.layer_box = QComboBox(minimumContentsLength=18, placeholderText="choose a recurrent layer")
        self.layer_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_box.activated.connect(lambda i: self.state.select_layer(self.layer_box.itemData(i)))
        self.direction_label = QLabel("direction:")
        self.direction_box = QComboBox()
        self.direction_box.activated.connect(lambda i: self.state.select_direction(self.direction_box.itemText(i)))
        self.sequence_label = QLabel("sequence:")
        self.sequence_box = SequenceBox(toolTip="which sequence of the batch")
        self.sequence_box.valueChanged.connect(self.state.select_sequence)
        self.mode_buttons = []
        for widget in (QLabel("layer:"), self.layer_box, self.direction_label, self.direction_box,
                       self.sequence_label, self.sequence_box):
            row.addWidget(widget)
        row.addSpacing(12)
        for mode in VALUE_MODES:
            button = QRadioButton(f"gate {mode}s", checked=mode == self.state.value_mode)
            button.toggled.connect(lambda on, m=mode: on and self.state.set_value_mode(m))
            self.mode_buttons.append(button)
            row.addWidget(button)
        row.addSpacing(12)
        row.addWidget(QLabel("units:"))
        self.units_edit = QLineEdit(placeholderText="click a heatmap row, or type 3, 7, 12-14", maximumWidth=240)
        self.units_edit.editingFinished.connect(self._on_units_typed)
        row.addWidget(self.units_edit)
        self.readout = plain(QLabel())
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.readout, 1)
        return row

    # ----- what to show ----------------------------------------------------------------------
    def trace(self) -> DirectionTrace | None:
        """The trace of the selected layer and direction, or None."""
        return self.state.trace

    def empty_text(self) -> str:
        state = self.state
        if state.document is None:
            return "No model open.\n\nDrop a .h5, .hdf5 or .keras file here, or use File > Open or File > Open Demo."
        recurrent = [shown(layer.name) for layer in state.document.model.recurrent_layers]
        if not recurrent:
            return "This model has no recurrent layer: there are no gates to follow over time."
        if not state.inputs:
            return "Enter a sequence (Sequence panel: type, paste, load or generate one) to step through it."
        if state.result is None:
            reason = state.result_reason
            return f"No trace for this sequence: {shown(reason)}" if reason else "Computing the trace ..."
        layer = state.layer
        what = f"Layer {shown(f'{layer.name} ({layer.class_name})')}" if layer is not None else "No layer is selected; it"
        return f"{what} has no time steps to show. Choose a recurrent layer: {', '.join(recurrent)}."

    def _redraw(self, *_args) -> None:
        self._fill_selectors()
        trace = self.trace()
        self.stack.setCurrentIndex(0 if trace is not None else 1)
        self.message.setText(self.empty_text())
        if trace is None:
            self.series = []
            self.drawing.cancel()
            return
        state = self.state
        sequence = min(state.sequence, trace.batch - 1)
        cell = state.layer.directions().get(trace.direction) if state.layer is not None else None
        self.series = layer_quantities(trace, cell, sequence, state.value_mode)
        mask = trace.mask[sequence]
        self.order = state.unit_order(state.layer_name, trace.direction)
        self.order = self.order if self.order is not None and self.order.units == self.series[-1].units else None
        rows = [replace(q, values=self.order.apply(q.values)) for q in self.series] if self.order else self.series
        self._figure = TimeFigure(mask=np.asarray(mask, bool))
        self.drawing.start(self._drawing(rows, grid_title(state.layer, trace, sequence)))

    @property
    def figure(self) -> TimeFigure:  # what was drawn, complete (a redraw still in steps is finished first)
        self.drawing.finish()
        return self._figure

    def _drawing(self, rows: list[Quantity], title: str) -> Iterator[None]:  # the grid, then the lines below
        state, mask = self.state, self._figure.mask
        with frozen(self.grid):  # painted once, when every row is there
            yield from time_grid_steps(self.grid.ci, rows, self._figure, state.time_step, title)
            yield  # the paint comes with the next part, which only ends the freeze: not with the last row
        for row in self._figure.rows:  # the unit numbers stay on the axis whatever the order
            row.plot.getAxis("left").setTicks(self.order.tick_levels() if self.order else None)
        self._figure.set_units(self._rows_of(state.units))
        yield
        self.lines = draw_unit_lines(self.unit_widget.ci, self.series, state.units, mask, state.time_step)
        yield
        self._draw_per_step()
        self._attach_menus(self.grid, [r.plot for r in self._figure.rows] + [r.bars_plot for r in self._figure.rows])
        self._attach_menus(self.unit_widget, self.lines.plots)
        self._on_time_step(state.time_step)

    def _fill_selectors(self) -> None:
        state = self.state
        directions, batch = fill_trace_selectors(state, self.layer_box, self.direction_box, self.sequence_box)
        for widget in (self.direction_box, self.direction_label):
            widget.setVisible(directions > 1)
        for widget in (self.sequence_box, self.sequence_label):
            widget.setVisible(batch > 1)
        for button, mode in zip(self.mode_buttons, VALUE_MODES, strict=True):
            button.setChecked(mode == state.value_mode)
        self.units_edit.setText(units_text(state.units))

    # ----- state -> view ----------------------------------------------------------------------
    def _on_document(self, _document) -> None:
        self.job.cancel()
        self.per_step, self._per_step_for = "", None
        self.controls.set_length(0)
        self.refresh.request()

    def _on_inputs(self) -> None:
        self.job.cancel()
        self.per_step, self._per_step_for = "", None
        self.controls.set_length(self.state.time_steps)
        self.refresh.request()

    def _on_result(self) -> None:
        self.per_step, self._per_step_for = "", None
        self.controls.set_length(self.state.time_steps)
        self.refresh.request()

    def prepare(self) -> None:
        """The rows' plots built in steps while the window is idle, before the first trace (a drawing started
        meanwhile drops what is left: it builds the rows itself)."""
        if not self.grid.ci.items and self.drawing.done and self.window().isVisible():
            self.drawing.start(prepare_time_grid(self.grid.ci))

    def _refresh(self) -> None:
        """What a new document, sequence or result needs, done when the view is seen: the output after
        every step (in a worker) and the drawing."""
        state = self.state
        if state.result is not None and state.document is not None and state.inputs and \
                self._per_step_for is not state.result:
            self._per_step_for = state.result
            self.job.start(state.document.model, state.inputs, state.result)  # may answer at once
        self._redraw()

    def _on_per_step(self, answer: PerStep | str) -> None:
        self.per_step = answer
        if self.series and not self.refresh.pending:
            self._draw_per_step()

    def _draw_per_step(self) -> None:
        answer, layout = self.per_step, self.per_step_widget.ci
        drawn = isinstance(answer, PerStep) and self.state.sequence < answer.values[0].shape[0]
        if drawn and self.per_step_widget.isHidden():  # a splitter gives a re-shown widget almost no room
            width = max(self.lower.width(), 2)
            self.lower.setSizes([width * 11 // 20, width * 9 // 20])
        self.per_step_widget.setVisible(drawn)  # without it, the note alone says why
        if drawn:
            values = answer.values[0][self.state.sequence]
            self.per_step_lines = draw_per_step(layout, values, self.state.time_step, per_step_title(answer))
            self.per_step_note.setText(shown(f"computed as {answer.description}"))
            self._attach_menus(self.per_step_widget, self.per_step_lines.plots)
            return
        layout.clear()
        self.per_step_lines = LinesFigure()
        note = "computing the output after every step ..." if self.job.pending else answer
        self.per_step_note.setText(shown(f"output after every step: {note}") if note else "")

    def _on_time_step(self, t: int) -> None:
        if not self.series or self.refresh.pending:  # a stale figure: the coming redraw puts the cursor
            return
        t = min(t, self.series[0].values.shape[0] - 1)
        self.figure.set_time_step(t)
        self.lines.set_time_step(t)
        self.per_step_lines.set_time_step(t)
        masked = self.figure.mask.size and not self.figure.mask[t]
        self.controls.position.setText(f"t = {t}  of 0..{self.series[0].values.shape[0] - 1}"
                                       + ("  (masked)" if masked else ""))

    def _on_units(self, units: list[int]) -> None:
        self.units_edit.setText(units_text(units))
        if self.series and not self.refresh.pending:
            self.figure.set_units(self._rows_of(units))
            trace_mask = self.figure.mask
            self.lines = draw_unit_lines(self.unit_widget.ci, self.series, units, trace_mask, self.state.time_step)
            self._attach_menus(self.unit_widget, self.lines.plots)

    def _on_units_typed(self) -> None:
        count = self.series[0].units if self.series else 0
        try:
            self.state.set_units(parse_units(self.units_edit.text(), count))
            self.units_edit.setToolTip("")
            self.units_edit.setStyleSheet("")
        except ValueError as error:
            self.units_edit.setToolTip(str(error))
            self.units_edit.setStyleSheet("QLineEdit { background: #ffe0e0; }")
            self.readout.setText(str(error))

    # ----- mouse and keys ------------------------------------------------------------------------
    def toggle_unit(self, unit: int) -> None:
        units = list(self.state.units)
        units.remove(unit) if unit in units else units.append(unit)
        self.state.set_units(units)

    def _rows_of(self, units: list[int]) -> list[int]:
        """The heatmap rows of `units` in the layer's unit order."""
        return [self.order.position_of(u) for u in units if u < self.order.units] if self.order else units

    def _cell_at(self, position: QPointF) -> tuple[Quantity, int, int] | None:
        """(series, unit, time step) under a scene position in a heatmap (time step -1 in a bar chart)."""
        for row, quantity in zip(self.figure.rows, self.series, strict=False):
            for plot, in_bars in ((row.plot, False), (row.bars_plot, True)):
                if plot.vb.sceneBoundingRect().contains(position):
                    point = plot.vb.mapSceneToView(position)
                    place, t = math.floor(point.y() + 0.5), -1 if in_bars else math.floor(point.x() + 0.5)
                    steps, units = quantity.values.shape
                    if 0 <= place < units and t < steps:
                        return quantity, int(self.order.order[place]) if self.order else place, t
        return None

    def _on_mouse_moved(self, position: QPointF) -> None:
        cell = self._cell_at(position)
        if cell is not None:
            series, unit, t = cell
            t = self.figure.time_step if t < 0 else t
            masked = "  (masked step)" if self.figure.mask.size and not self.figure.mask[t] else ""
            self.readout.setText(f"{series.name}   unit {unit}, t {t}:   {float(series.values[t, unit]):.6g}{masked}")

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self._cell_at(event.scenePos())
        if cell is None:
            return
        _, unit, t = cell
        if event.double():
            if t >= 0:
                self.state.set_time_step(t)
        else:
            self.toggle_unit(unit)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key, controls = event.key(), self.controls
        moves = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_PageUp: -PAGE, Qt.Key.Key_PageDown: PAGE}
        if key in moves:
            controls.step(moves[key])
        elif key == Qt.Key.Key_Home:
            controls.first()
        elif key == Qt.Key.Key_End:
            controls.last()
        elif key == Qt.Key.Key_Space:
            controls.toggle_play()
        else:
            super().keyPressEvent(event)

    # ----- export -----------------------------------------------------------------------------------
    def _file_stem(self) -> str:
        layer = self.state.layer
        return file_stem(layer, self.state.direction) if layer is not None else "time"

    def export_gate_plots(self, folder: str | Path) -> list[Path]:
        """Every time-view plot of the selected layer and direction, as PNG, into `folder`."""
        state = self.state
        if self.trace() is None or state.document is None:
            return []
        return export_time_plots(state.document.model, state.result, state.layer_name, state.direction, folder,
                                 sequence=state.sequence, value_mode=state.value_mode, time_step=state.time_step,
                                 units=state.units, per_step=self.per_step)

    def _attach_menus(self, widget: pg.GraphicsLayoutWidget, plots: list[pg.PlotItem]) -> None:
        """Right-click export on every plot of `widget`: this plot, or all plots here."""
        whole = ("Export PNG (all plots here)...",
                 self.menus.save_widget_action(widget, lambda: f"{self._file_stem()}_time_steps.png"))
        for plot in plots:
            self.menus.attach(plot, lambda p: plot_file_name(self._file_stem(), p), whole)
