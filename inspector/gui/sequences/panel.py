"""The Sequence dock: the input sequences of the open model, as a table to type and paste into,
files to load and save, generators, and a batch of several sequences with one selected.

Every change is checked at once. A batch that can be fed goes to the state (`set_inputs`; the
trace runner recomputes); a batch that cannot stays in the table exactly as typed, the bad cell red
with the reason, a message under the table saying what is wrong and where, and the state keeps
the last good inputs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.core.errors import InspectorError
from inspector.core.inputs.batch import Problem, SequenceBatch
from inspector.core.inputs.files import LOAD_FILTER, SAVE_FILTER, load_sequences, save_sequences
from inspector.core.inputs.generators import FLOAT_GENERATORS, default_inputs, generate, sample_shape
from inspector.core.inputs.grid import Grid, grid_of
from inspector.core.inputs.sequences import validate
from inspector.gui.sequences.generator import GeneratorBox
from inspector.gui.sequences.table import SequenceTableModel, SequenceTableView
from inspector.gui.state import Document, InspectorState
from inspector.gui.widgets.plain import plain, shown, shown_html

PROBLEM_STYLE = "color: #b00020;"
FINE_STYLE = "color: #505050;"


def _button(text: str, tip: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


class SequencePanel(QWidget):
    def __init__(self, state: InspectorState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.batch: SequenceBatch | None = None
        self.input_index = 0
        self.sequence = 0
        self.problem: Problem | None = None
        self._pushed: list[np.ndarray] | None = None  # the inputs this panel last gave the state
        self.table = SequenceTableModel(self)
        self.view = SequenceTableView(self.table)
        self.table.edited.connect(self.commit)
        self.generator = GeneratorBox()
        self.generator.generate_requested.connect(self.generate)
        self._build()
        self._starting: Document | None = None
        self._start_timer = QTimer(self, singleShot=True, interval=0)
        self._start_timer.timeout.connect(self._start_pending)
        state.document_changed.connect(self._on_document)
        state.inputs_changed.connect(self._on_inputs)
        state.sequence_changed.connect(self._on_sequence)
        self._show()

    # ----- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.input_combo = QComboBox()
        self.input_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.input_combo.currentIndexChanged.connect(self.select_input)
        self.input_row = self._row(QLabel("Input"), self.input_combo)
        self.sequence_spin = QSpinBox(minimum=1, maximum=1, prefix="sequence ")
        self.sequence_spin.valueChanged.connect(lambda value: self.select_sequence(value - 1))
        self.batch_label = QLabel()
        self.add_button = _button("Add", "add a new sequence to the batch", self.add_sequence)
        self.duplicate_button = _button("Duplicate", "add a copy of this sequence", self.duplicate_sequence)
        self.remove_button = _button("Remove", "remove this sequence from the batch", self.remove_sequence)
        batch_row = self._row(self.sequence_spin, self.batch_label, self.add_button, self.duplicate_button,
                              self.remove_button)
        self.info = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)  # the input name in it is escaped
        self.shape_only = plain(QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignTop))
        self.pages = QStackedWidget()
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.shape_only)
        self.message = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.message.setTextFormat(Qt.TextFormat.RichText)  # messages are escaped: typed "<b>" stays text
        self.message.linkActivated.connect(lambda _link: self.show_problem())
        self.add_row_button = _button("Add row", "insert a time step after the current one (Ins)", self.view.insert_row)
        self.remove_row_button = _button("Remove rows", "remove the selected time steps (Del)",
                                         self.view.remove_selected_rows)
        self.load_button = _button("Load...", "load a .csv, .npy or .npz file", self.ask_load)
        self.save_button = _button("Save...", "save as .csv (this sequence), .npy or .npz", self.ask_save)
        file_row = self._row(self.add_row_button, self.remove_row_button, self.load_button, self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        for widget in (self.input_row, batch_row, self.info, self.pages, self.message, file_row, self.generator):
            layout.addWidget(widget)
        layout.setStretchFactor(self.pages, 1)

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)
        return row

    # ----- the model and the state ---------------------------------------------------------------
    def _on_document(self, document: Document) -> None:
        # after every view has heard of the new model: then its first inputs arrive
        self._starting = document
        self._start_timer.start()

    def _start_pending(self) -> None:
        if self._starting is not None and self.state.document is self._starting:
            self.start(self._starting)
        self._starting = None

    def start(self, document: Document) -> None:
        """Fill the editor for a newly opened model: the demo's sequence, or default inputs."""
        self.batch, self.input_index, self.sequence, self._pushed = None, 0, 0, None
        model = document.model
        if model.has_architecture and model.inputs:
            try:
                if document.sequence is not None and len(model.inputs) == 1:
                    arrays = validate([document.sequence[None]], model)
                else:
                    arrays = default_inputs(model)
                self.batch = SequenceBatch.from_arrays(model, arrays)
            except InspectorError as error:  # a model whose inputs contradict each other (fixed batch sizes)
                self.shape_only.setText(f"No sequence fits this model's inputs: {shown(error)}")
                self._show_message("")
        self._fill_input_combo()
        self._show()
        if self.batch is not None:
            self.commit()
        elif not model.has_architecture or not model.inputs:
            self.shape_only.setText("This file holds weights only: there is no model to feed a sequence to.")
            self._show_message("")
            self.state.set_inputs([])  # the trace runner then says why nothing runs

    def _on_inputs(self) -> None:
        """Inputs set by someone else (not this panel): show them."""
        inputs, document = self.state.inputs, self.state.document
        if inputs is None or inputs is self._pushed or document is None or not inputs:
            return
        self._pushed = inputs
        self.batch = SequenceBatch.from_arrays(document.model, inputs)
        self.sequence = min(self.state.sequence, self.batch.size - 1)
        self._show()
        self.problem = None
        self._show_fine()

    def _on_sequence(self, index: int) -> None:
        if self.batch is not None and index != self.sequence and index < self.batch.size:
            self.select_sequence(index)

    def commit(self) -> None:
        """Check the whole batch; hand it to the state when it can be fed, else say what is wrong."""
        if self.batch is None:
            return
        arrays, self.problem = self.batch.check()
        if self.problem is not None:
            self._show_message(shown_html(self.problem.message) + ' &nbsp;<a href="show">show</a>', problem=True)
            return
        self._show_fine()
        if not _same(arrays, self.state.inputs):
            self._pushed = arrays
            self.state.set_inputs(arrays)
        if self.sequence < self.batch.size and self.sequence != self.state.sequence:
            self.state.select_sequence(self.sequence)

    def _show_fine(self) -> None:
        edits = self.batch.inputs[self.input_index]
        grid = edits.grids[self.sequence]
        frame = " x ".join(map(str, grid.frame or (grid.cols,)))
        shape = f"{grid.rows} time steps" if edits.table else f"{grid.rows} time steps of {frame} frames"
        size = self.batch.size
        self._show_message(f"{shape}, batch of {size} sequence{'s' if size > 1 else ''}: fed to the model")

    def _show_message(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(PROBLEM_STYLE if problem else FINE_STYLE)

    def show_problem(self) -> None:
        """Select the input, sequence and cell the current problem is about."""
        problem = self.problem
        if problem is None or self.batch is None:
            return
        self.input_combo.setCurrentIndex(problem.input)
        self.select_sequence(problem.sequence)
        if problem.row is not None and problem.col is not None:
            self.view.setCurrentIndex(self.table.index(problem.row, problem.col))
            self.view.setFocus()

    # ----- selection and batch -------------------------------------------------------------------
    def select_input(self, index: int) -> None:
        if self.batch is not None and 0 <= index < len(self.batch.inputs) and index != self.input_index:
            self.input_index = index
            self._show()
            self.commit()

    def select_sequence(self, index: int) -> None:
        if self.batch is None or not 0 <= index < self.batch.size:
            return
        self.sequence = index
        self._show()
        inputs = self.state.inputs
        if inputs and index < int(inputs[0].shape[0]):
            self.state.select_sequence(index)

    def add_sequence(self) -> None:
        self._added(None)

    def duplicate_sequence(self) -> None:
        self._added(self.sequence)

    def _added(self, duplicate: int | None) -> None:
        if self.batch is not None:
            self.sequence = self.batch.add_sequence(duplicate)
            self._show()
            self.commit()

    def remove_sequence(self) -> None:
        if self.batch is not None and self.batch.size > 1:
            self.batch.remove_sequence(self.sequence)
            self.sequence = min(self.sequence, self.batch.size - 1)
            self._show()
            self.commit()

    def generate(self, kind: str, time_steps: int, parameters: dict) -> None:
        """Replace the selected sequence with a generated one of this input's shape."""
        if self.batch is None:
            return
        edits = self.batch.inputs[self.input_index]
        frame = sample_shape(edits.spec)[1:]
        values = generate(kind, time_steps, frame, **parameters)
        if len(edits.spec.shape) <= 1:
            values = values[:1].reshape(())  # one number per sample
        edits.grids[self.sequence] = grid_of(values)
        self._show()
        self.commit()

    # ----- files ---------------------------------------------------------------------------------
    def ask_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load sequences", str(self._folder()), LOAD_FILTER)
        if path:
            self.load(path)

    def ask_save(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, "Save sequences", str(self._folder()), SAVE_FILTER)
        if path:
            if not Path(path).suffix:
                path += ".csv" if "csv" in chosen else ".npz" if "npz" in chosen else ".npy"
            self.save(path)

    def _folder(self) -> Path:
        document = self.state.document
        return document.path.parent if document is not None and document.demo is None else Path.home()

    def load(self, path: str | Path) -> bool:
        """Load a .csv/.npy/.npz into the selected input and sequence (or the whole batch)."""
        if self.batch is None:
            return False
        try:
            note = load_sequences(self.batch, self.input_index, self.sequence, path)
        except InspectorError as error:
            self._show_message(shown_html(error), problem=True)
            return False
        self.sequence = min(self.sequence, self.batch.size - 1)
        self._show()
        self.commit()
        self.state.show_status(note)
        return True

    def save(self, path: str | Path) -> bool:
        if self.batch is None:
            return False
        try:
            note = save_sequences(self.batch, self.input_index, self.sequence, path)
        except InspectorError as error:
            self._show_message(shown_html(error), problem=True)
            return False
        self.state.show_status(note)
        return True

    # ----- showing -------------------------------------------------------------------------------
    def _fill_input_combo(self) -> None:
        self.input_combo.blockSignals(True)
        self.input_combo.clear()
        for edits in self.batch.inputs if self.batch is not None else []:
            self.input_combo.addItem(shown(f"{edits.spec.name}  {_shape_text(edits.spec.shape)}"))
        self.input_combo.setCurrentIndex(self.input_index)
        self.input_combo.blockSignals(False)
        self.input_row.setVisible(self.input_combo.count() > 1)

    def _show(self) -> None:
        """Show the selected input's selected sequence and what may be done with it."""
        batch = self.batch
        self.setEnabled(batch is not None)
        if batch is None:
            self.table.show_grid(Grid.empty(0, 1), self.table.rules)
            self.info.setText("")
            self.pages.setCurrentIndex(1)  # says why there is no table
            return
        edits = batch.inputs[self.input_index]
        fixed = batch.fixed_size
        self.sequence_spin.blockSignals(True)
        self.sequence_spin.setMaximum(batch.size)
        self.sequence_spin.setValue(self.sequence + 1)
        self.sequence_spin.blockSignals(False)
        self.batch_label.setText(f"of {batch.size}")
        self.add_button.setEnabled(fixed is None)
        self.duplicate_button.setEnabled(fixed is None)
        self.remove_button.setEnabled(fixed is None and batch.size > 1)
        grid = edits.grids[self.sequence]
        self.info.setText(_input_text(edits, fixed))
        self.pages.setCurrentIndex(0 if edits.table else 1)
        for button in (self.add_row_button, self.remove_row_button):
            button.setEnabled(edits.table)
        if edits.table:
            self.table.show_grid(grid, edits.rules)
        else:
            self.shape_only.setText(_frames_text(grid))
        kinds = ("tokens", "constant") if edits.integer else FLOAT_GENERATORS
        high = edits.vocabulary - 1 if edits.vocabulary else None
        steps = edits.time_steps
        self.generator.configure(kinds, steps or grid.rows, steps is not None, high)


def _same(arrays: list[np.ndarray] | None, current: list[np.ndarray] | None) -> bool:
    if arrays is None or current is None or len(arrays) != len(current):
        return False
    return all(a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
               for a, b in zip(arrays, current, strict=True))


def _shape_text(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _input_text(edits, fixed_batch: int | None) -> str:
    """What the selected input takes, in words."""
    spec = edits.spec
    steps = edits.time_steps
    length = "any number of time steps" if steps is None else f"exactly {steps} time step{'s' if steps != 1 else ''}"
    if edits.integer:
        ids = f"0..{edits.vocabulary - 1}" if edits.vocabulary else "0 or more"
        what = f"token ids {ids}" + (" (read by an Embedding)" if edits.vocabulary else "")
    elif edits.table:
        what = f"{edits.features} feature{'s' if edits.features != 1 else ''} per time step"
    else:
        what = f"a {' x '.join(str(d) for d in spec.shape[2:])} frame per time step"
    batch = f"; the model needs a batch of exactly {fixed_batch}" if fixed_batch is not None else ""
    rows = " Rows are time steps." if edits.table else ""
    return f"<b>{shown_html(spec.name)}</b> {_shape_text(spec.shape)}: {length}, {what}{batch}.{rows}"


def _frames_text(grid) -> str:
    shape = (grid.rows,) + (grid.frame or (grid.cols,))
    return (f"This sequence has shape {shape}: every time step is a frame of {' x '.join(map(str, shape[1:]))} "
            f"values, too many axes to edit as a table.\n\nLoad it from a .npy file (one sequence or a batch) "
            f"or a .npz file (every input), or generate one below.")
