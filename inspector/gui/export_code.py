"""File > Export Code: choose numpy, JavaScript or C and a folder; the port is written, built, run and
proved in the background (`PortRunner`), with its progress and Cancel; then the proof (max error
against Keras and against the engine, or why one is missing) and a button that opens the folder."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import Qt, QUrl
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.core.port import LANGUAGES, missing_tool
from inspector.core.port.proof import PortedRun
from inspector.core.port.readme import Proof
from inspector.core.port.support import LANGUAGE_TITLES
from inspector.gui.state import InspectorState
from inspector.gui.widgets.plain import plain, shown, shown_html, tip
from inspector.gui.workers.port import KERAS_STAGE, PortRunner

AGREE_COLOUR, DIFFER_COLOUR, NOTE_COLOUR = "#1a7f37", "#c62828", "#8a5a00"


def proof_html(proof: Proof, title: str) -> str:
    """The proof as the dialog shows it: one line per reference, then the verdict."""
    rows = []
    if proof.keras_error is not None:
        rows.append(_row(f"against Keras ({proof.keras_runtime})", proof.keras_error, bool(proof.keras_ok)))
    else:
        rows.append(f"<tr><td>against Keras</td><td colspan=2 style='color:{NOTE_COLOUR}'>not compared: "
                    f"{shown_html(proof.keras_reason)}</td></tr>")
    if proof.engine_error is not None:
        rows.append(_row("against the numpy engine", proof.engine_error, proof.engine_ok))
    colour = AGREE_COLOUR if proof.ok else DIFFER_COLOUR
    verdict = "agrees" if proof.ok else "DISAGREES"
    return (f"<b style='color:{colour}'>The {title} port {verdict}</b> (tolerance {proof.tolerance:g} x max(1, "
            f"|reference|), as verify)<table cellspacing=6>{''.join(rows)}</table>")


def _row(what: str, error: float, ok: bool) -> str:
    colour = AGREE_COLOUR if ok else DIFFER_COLOUR
    return (f"<tr><td>{shown_html(what)}</td><td align=right>max abs error <b>{error:.2e}</b></td>"
            f"<td style='color:{colour}'>{'agrees' if ok else 'differs'}</td></tr>")


class ExportCodeDialog(QDialog):
    """Not modal: the window stays usable while the port is built."""

    def __init__(self, state: InspectorState, runner: PortRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.runner = state, runner
        self.result: PortedRun | None = None
        self.waiting = False  # an export of this dialog is running
        self._tool_message = False  # the message says a tool is missing
        self.setWindowTitle("Export Code")
        self.setMinimumWidth(620)
        self._build()
        runner.stage.connect(self._on_stage)
        runner.exported.connect(self._on_exported)
        runner.failed.connect(self._on_failed)
        state.document_changed.connect(lambda _d: self._reset())
        state.inputs_changed.connect(self._describe)
        self._reset()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.model_label = plain(QLabel(wordWrap=True))
        layout.addWidget(self.model_label)
        form = QFormLayout()
        self.language_box = QComboBox()
        for language in LANGUAGES:
            self.language_box.addItem(LANGUAGE_TITLES[language], language)
        self.language_box.currentIndexChanged.connect(lambda _i: self._check())
        form.addRow("language:", self.language_box)
        folder_row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        self.folder_edit.textChanged.connect(lambda _t: self._check())
        choose = QPushButton("Choose...")
        choose.clicked.connect(self.ask_folder)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(choose)
        form.addRow("folder:", folder_row)
        self.keras_box = QCheckBox("prove against Keras too (Keras runs in a separate process)", checked=True)
        form.addRow("", self.keras_box)
        layout.addLayout(form)
        self.progress = QProgressBar(maximum=100, textVisible=False)
        self.stage_label = plain(QLabel(wordWrap=True))
        self.message = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.progress, self.stage_label, self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(self._build_buttons())

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open Folder")
        self.open_button.clicked.connect(self.open_folder)
        self.export_button = QPushButton("Export", default=True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        for button in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        return buttons

    @property
    def language(self) -> str:
        return str(self.language_box.currentData())

    def _reset(self) -> None:
        document = self.state.document
        self.result, self.waiting = None, False
        if document is not None:
            self.folder_edit.setText(str(Path.home() / f"{document.path.stem}_port"))
        self._describe()
        self.message.setText("")
        self.stage_label.setText("")
        self.progress.setValue(0)
        self._check()

    def _describe(self) -> None:
        document = self.state.document
        if document is None:
            self.model_label.setText("Open a model first.")
            return
        on = "the current sequences" if self.state.inputs else "a seeded test vector (there are no sequences)"
        self.model_label.setText(f"Write {shown(document.title)} as standalone code, run it on {on} and compare it with "
                                 "Keras and the numpy engine. The ported code's output then shows in Predictions.")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._describe()
        super().showEvent(event)

    def _check(self) -> None:
        """Buttons for the current choice; a missing node / C compiler is said before anything runs."""
        problem = missing_tool(self.language)
        if problem and not self.waiting:
            self._say(f"{LANGUAGE_TITLES[self.language]} cannot be built here: {problem}", DIFFER_COLOUR)
            self._tool_message = True
        elif self._tool_message:
            self.message.setText("")
            self._tool_message = False
        ready = self.state.document is not None and bool(self.folder_edit.text().strip()) and not problem
        self.export_button.setEnabled(ready and not self.waiting)
        self.cancel_button.setEnabled(self.waiting)
        self.progress.setVisible(self.waiting)
        self.open_button.setEnabled(self.result is not None and not self.waiting)

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Write the code into", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def start(self) -> None:
        self.result, self.waiting = None, True
        self.message.setText("")
        self._check()
        self.runner.export(self.language, Path(self.folder_edit.text().strip()).expanduser(),
                           with_keras=self.keras_box.isChecked())

    def cancel(self) -> None:
        if self.waiting:
            self.runner.cancel()
            self.waiting = False
            self._say("cancelled: nothing more runs; files already written stay in the folder", NOTE_COLOUR)
            self.stage_label.setText("")
            self._check()

    def _on_stage(self, text: str, fraction: float) -> None:
        if self.waiting:
            self.stage_label.setText(shown(text) + " ...")
            self.progress.setMaximum(0 if text.startswith(KERAS_STAGE) else 100)  # Keras: a busy animation
            self.progress.setValue(int(round(100 * fraction)))

    def _on_exported(self, exported: PortedRun) -> None:
        if not self.waiting:
            return
        self.waiting, self.result = False, exported
        self.stage_label.setText(shown(f"wrote {len(exported.files)} files to {exported.folder}"))
        self.stage_label.setToolTip(tip(", ".join(exported.files)))
        if exported.proof is not None:
            self.message.setText(proof_html(exported.proof, exported.title))
        self._check()
        self.adjustSize()

    def _on_failed(self, reason: str) -> None:
        if self.waiting:
            self.waiting = False
            self.stage_label.setText("")
            self._say(reason, DIFFER_COLOUR)
            self._check()
            self.adjustSize()

    def _say(self, text: str, colour: str) -> None:
        self._tool_message = False
        self.message.setText(f"<span style='color:{colour}'>{shown_html(text)}</span>")

    def open_folder(self) -> bool:
        if self.result is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.cancel()
        super().closeEvent(event)
