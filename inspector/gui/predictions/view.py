"""The Predictions tab: the numpy ("manual") output against Keras's and the exported code's, the
residuals, a manual-vs-Keras scatter, the output across the batch (or the windows of a loaded series, with the true values), and
the per-layer comparison with the diagnosis. Reads and writes only the state object."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.core.analysis.verification import Verification, short_number
from inspector.core.errors import InspectorError
from inspector.gui.predictions.export import (
    AGREE_COLOUR,
    AGREES,
    DIFFER_COLOUR,
    LayerTable,
    export_prediction_plots,
    layer_rows,
    port_rows,
)
from inspector.gui.predictions.figures import (
    Predictions,
    draw_batch,
    draw_overlay,
    draw_residual,
    draw_scatter,
    has_batch_plot,
    index_plot,
    make_predictions,
)
from inspector.gui.predictions.series import SeriesControls
from inspector.gui.state import InspectorState
from inspector.gui.widgets.plain import plain, shown, shown_html
from inspector.gui.widgets.plot_item import ParentFirstViewBox
from inspector.gui.widgets.plot_pool import plot_at
from inspector.gui.widgets.png import ExportMenus
from inspector.gui.widgets.sequence_box import SequenceBox
from inspector.gui.widgets.when_visible import RedrawWhenVisible

NOTE_COLOUR = "#8a5a00"


class PredictionsView(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menus = ExportMenus(self, state.show_status)
        self.state = state
        self.data: Predictions | None = None
        self._second_half = QTimer(self, singleShot=True, interval=0, timeout=self._draw_second_half)
        self._build()
        self.redraw = RedrawWhenVisible(self, self._redraw)  # while the tab is hidden: once it shows
        state.document_changed.connect(lambda _d: self._on_model())
        state.inputs_changed.connect(self._on_inputs)
        state.result_changed.connect(self.refresh)
        state.reference_changed.connect(self.refresh)
        state.comparison_changed.connect(self._on_comparison)  # the plots stay: only the verdict and table change
        state.port_changed.connect(self.refresh)
        state.sequence_changed.connect(self._on_sequence)
        self.refresh()

    # ----- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.header = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        layout.addLayout(self._build_controls())
        self.series = SeriesControls(self.state)
        layout.addWidget(self.series)
        self.message = plain(QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_plots())
        self.stack.addWidget(self.message)
        layout.addWidget(self.stack, 1)

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.output_label, self.output_box = QLabel("output:"), QComboBox()
        self.output_box.activated.connect(lambda _i: self.refresh())
        self.sequence_box = SequenceBox(keyboardTracking=False)
        self.sequence_box.setToolTip("the sequence (row of the batch) the overlay and residual show")
        self.sequence_box.valueChanged.connect(self.state.select_sequence)
        self.component_label, self.component_box = QLabel("unit:"), QSpinBox(minimum=0, maximum=0)
        self.component_box.valueChanged.connect(lambda _v: self.refresh())
        self.export_button = QPushButton("Export All Prediction Plots...")
        self.export_button.clicked.connect(self.ask_export)
        for widget in (self.output_label, self.output_box, QLabel("sequence:"), self.sequence_box,
                       self.component_label, self.component_box):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.export_button)
        return row

    def _build_plots(self) -> QWidget:
        self.overlay_widget = pg.GraphicsLayoutWidget()
        self.overlay_plot = plot_at(self.overlay_widget.ci, 0, 0, index_plot)
        self.residual_plot = plot_at(self.overlay_widget.ci, 1, 0, index_plot)
        self.residual_plot.setXLink(self.overlay_plot)
        self.overlay_widget.ci.layout.setRowStretchFactor(0, 3)
        self.overlay_widget.ci.layout.setRowStretchFactor(1, 2)
        self.scatter_widget = pg.GraphicsLayoutWidget()
        self.scatter_plot = self.scatter_widget.addPlot(viewBox=ParentFirstViewBox())
        self.batch_widget = pg.GraphicsLayoutWidget()
        self.batch_plot = plot_at(self.batch_widget.ci, 0, 0, index_plot)
        self.table = LayerTable()
        self.table_note = plain(QLabel(wordWrap=True))
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.overlay_widget)
        top.addWidget(self.scatter_widget)
        top.setSizes([760, 420])
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.table_note)
        lower_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for widget in (top, self.batch_widget, lower):
            splitter.addWidget(widget)
        splitter.setSizes([460, 260, 180])
        for plot, kind in ((self.overlay_plot, "overlay"), (self.residual_plot, "residual"),
                           (self.scatter_plot, "scatter"), (self.batch_plot, "batch")):
            self._add_export_actions(plot, kind)
        return splitter

    # ----- state -> view ----------------------------------------------------------------------------
    def _on_model(self) -> None:
        document = self.state.document
        self.output_box.clear()
        outputs = document.model.outputs if document is not None else ()
        for k, ref in enumerate(outputs):
            self.output_box.addItem(shown(ref.layer), k)
        for widget in (self.output_label, self.output_box):
            widget.setVisible(len(outputs) > 1)
        self.refresh()

    def _on_inputs(self) -> None:
        batch = int(self.state.inputs[0].shape[0]) if self.state.inputs else 1
        self.sequence_box.blockSignals(True)
        self.sequence_box.set_batch(batch)
        self.sequence_box.setValue(self.state.sequence)
        self.sequence_box.blockSignals(False)
        self.refresh()

    def _on_sequence(self, index: int) -> None:
        self.sequence_box.blockSignals(True)
        self.sequence_box.setValue(index)
        self.sequence_box.blockSignals(False)
        if self.redraw.pending or not self.redraw.seen():
            self.redraw.pending = True
            return
        self._draw_sequence()
        if self.data is not None and has_batch_plot(self.data):
            draw_batch(self.batch_plot, self.data, self.component, self.state.sequence)

    @property
    def output(self) -> int:
        return int(self.output_box.currentData() or 0)

    @property
    def component(self) -> int:
        return self.component_box.value()

    @property
    def verification(self) -> Verification | None:
        return self.state.verification

    def _on_comparison(self) -> None:
        self._show_header()
        self._show_table()

    def refresh(self) -> None:
        """Redraw everything from the state; while the tab is hidden, once it shows (plots cost tens of ms)."""
        self._show_header()
        self.redraw.request()

    def _redraw(self) -> None:
        state = self.state
        if state.document is None or state.result is None:
            self._second_half.stop()
            self.data = None
            self.message.setText(self._empty_text())
            self.stack.setCurrentIndex(1)
            self.table.show_rows([])
            return
        output = min(self.output, len(state.result.outputs) - 1)
        series = self.series.truth()
        self.data = make_predictions(state.document.model, state.result, state.reference, output,
                                     note=self._keras_note(), port=state.port, **series)
        self._update_component_box(self.data)
        self.stack.setCurrentIndex(0)
        self.batch_widget.setVisible(has_batch_plot(self.data))
        self._draw_sequence()
        self._second_half.start()  # after this paint: one long pause becomes two short ones

    @property
    def pending(self) -> bool:
        """The scatter, batch plot and table of the last redraw are still to be drawn."""
        return self._second_half.isActive()

    def _draw_second_half(self) -> None:
        if self.data is None:
            return
        draw_scatter(self.scatter_plot, self.data)
        if has_batch_plot(self.data):
            draw_batch(self.batch_plot, self.data, self.component, self.state.sequence)
        self._show_table()

    def _draw_sequence(self) -> None:
        if self.data is None:
            return
        sequence = min(self.state.sequence, self.data.manual.shape[0] - 1)
        draw_overlay(self.overlay_plot, self.data, sequence, self.component)
        draw_residual(self.residual_plot, self.data, sequence, self.component)

    def _update_component_box(self, data: Predictions) -> None:
        """The unit of a sequence output, or the value plotted across the batch; hidden when there is one."""
        needed = data.components > 1 and (data.has_time_axis or has_batch_plot(data))
        self.component_label.setText("class:" if data.probabilities else "unit:")
        self.component_box.blockSignals(True)
        self.component_box.setMaximum(max(data.components - 1, 0))
        self.component_box.blockSignals(False)
        for widget in (self.component_label, self.component_box):
            widget.setVisible(needed)

    def _keras_note(self) -> str:
        reference = self.state.reference
        if reference is None:
            return "no Keras reference yet for these sequences"
        return f"Keras reference unavailable: {shown(reference.reason)}" if not reference.available else ""

    def _show_header(self) -> None:
        reference, verification = self.state.reference, self.verification
        if self.state.document is None or not self.state.inputs:
            text, colour = "Keras reference: none yet (no sequence)", NOTE_COLOUR
        elif reference is None:
            text, colour = "Keras reference: not there yet for these sequences (see the status bar)", NOTE_COLOUR
        elif not reference.available:
            text, colour = f"Keras reference unavailable: {reference.reason}", NOTE_COLOUR
        elif verification is None:
            waiting = "comparing with the engine" if self.state.result is not None else "waiting for the engine"
            text, colour = f"Keras reference: {reference.runtime} ({reference.seconds:.1f} s), {waiting} ...", NOTE_COLOUR
        else:
            comparison = verification.comparison
            text = (f"Keras reference: {reference.runtime} ({reference.seconds:.1f} s) - "
                    f"{verification.verdict.split(': ', 1)[1]} (tolerance {short_number(comparison.tolerance)})")
            colour = AGREE_COLOUR if comparison.ok else DIFFER_COLOUR
        self.header.setText(f"<b style='color:{colour}'>{shown_html(text)}</b>" + self._port_header())

    def _port_rows(self) -> list:
        """The table's rows of the ported code (one per model output), or none when it has not run."""
        state = self.state
        if state.port is None or state.result is None or state.document is None:
            return []
        try:
            return port_rows(state.port, list(state.result.outputs), state.reference,
                             [ref.layer for ref in state.document.model.outputs])
        except InspectorError as error:
            state.show_status(f"ported code: {error}")
            return []

    def _port_header(self) -> str:
        rows, port = self._port_rows(), self.state.port
        if port is None or not rows:
            return ""
        worst = max(rows, key=lambda row: row.max_abs_err)
        ok = all(row.status == AGREES for row in rows)
        reference = self.state.reference
        against = (f"Keras ({reference.runtime})" if reference is not None and reference.available
                   else "the engine (no Keras reference)")
        text = (f"ported {port.title} code ({port.folder}): {'agrees' if ok else 'DIFFERS'} with {against}, "
                f"max abs error {worst.max_abs_err:.2e}")
        return f"<br><b style='color:{AGREE_COLOUR if ok else DIFFER_COLOUR}'>{shown_html(text)}</b>"

    def _show_table(self) -> None:
        verification, ported = self.verification, self._port_rows()
        port_note = "; last rows: the ported code per model output" if ported else ""
        if verification is None:
            self.table.show_rows(ported)
            self.table_note.setText("per-layer comparison: " + (self._keras_note() or "comparing ...") + port_note)
            return
        self.table.show_rows(layer_rows(verification) + ported)
        notes = list(verification.comparison.notes) + list(verification.comparison.unpaired)
        self.table_note.setText("max |manual - Keras| per layer output, whole batch" + port_note
                                + "".join(f"\nnote: {shown(note)}" for note in notes))

    def _empty_text(self) -> str:
        state = self.state
        if state.document is None:
            return "No model open."
        if not state.inputs:
            return "No sequence yet: type, load or generate one in the Sequence panel, or load a series above."
        if state.result_reason:
            return f"The numpy engine cannot run this input: {shown(state.result_reason)}"
        return "Running the numpy engine ..."

    # ----- exporting ------------------------------------------------------------------------------
    def _add_export_actions(self, plot: pg.PlotItem, kind: str) -> None:
        """Right-click > Export PNG (this plot) / Export All Prediction Plots (the plots live as long as the view)."""
        self.menus.attach(plot, lambda _plot: self._file_name(kind), ("Export All Prediction Plots...", self.ask_export))

    def _file_name(self, kind: str) -> str:
        return f"predictions_{self.data.name if self.data is not None else 'output'}_{kind}.png"

    def ask_export(self) -> None:
        if self.data is None:
            self.state.show_status("nothing to export yet: no engine result")
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the prediction plots to", str(Path.home()))
        if folder:
            written = self.export_plots(folder)
            self.state.show_status(f"wrote {len(written)} prediction files to {folder}")

    def export_plots(self, folder: str | Path) -> list[Path]:
        """Every prediction plot as shown (output, sequence, unit) and the per-layer table into `folder`."""
        self.redraw.flush()
        if self.data is None:
            return []
        sequence = min(self.state.sequence, self.data.manual.shape[0] - 1)
        return export_prediction_plots(self.data, folder, sequence, self.component, self.verification)
