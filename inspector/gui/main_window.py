"""The main window: menus, the Model dock, the view tabs, drag and drop, the status bar."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMenu, QMessageBox, QTabWidget, QWidget

from inspector.core.analysis.weight_blocks import weight_layers
from inspector.demo import DEMOS
from inspector.gui.about import show_about
from inspector.gui.architecture import ArchitectureChooser
from inspector.gui.export_code import ExportCodeDialog
from inspector.gui.icon import app_icon
from inspector.gui.model_panel import ModelPanel
from inspector.gui.predictions.view import PredictionsView
from inspector.gui.recent import RecentFiles, app_settings
from inspector.gui.sequences.panel import SequencePanel
from inspector.gui.state import SCALE_MODES, Document, InspectorState
from inspector.gui.time.controls import SPEEDS
from inspector.gui.time.view import TimeView
from inspector.gui.units.view import UnitsView
from inspector.gui.weights.export import export_layer_plots
from inspector.gui.weights.view import WeightsView
from inspector.gui.widgets.open_progress import OpenProgress
from inspector.gui.widgets.plain import plain_message, shown
from inspector.gui.window_memory import WindowMemory, choice_from
from inspector.gui.workers.opening import MODEL_SUFFIXES, ModelOpener
from inspector.gui.workers.port import PortRunner
from inspector.gui.workers.reference import ReferenceRunner
from inspector.gui.workers.trace import TraceRunner, TraceStatus

APP_NAME = "LSTM Inspector"
FILE_FILTER = "Keras models (*.h5 *.hdf5 *.keras);;All files (*)"


def dropped_model_paths(urls: list) -> list[str]:
    """Local files with a model suffix among dropped URLs."""
    paths = [url.toLocalFile() for url in urls if url.isLocalFile()]
    return [path for path in paths if path.lower().endswith(MODEL_SUFFIXES)]


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else app_settings()
        self.state = InspectorState(self)
        self.opener = ModelOpener(self)
        self.recent = RecentFiles(self.settings)
        self._opening = ""  # the file being opened, as the status bar names it
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.resize(1500, 940)
        self._build_views()
        self._build_menus()
        self._build_status_bar()
        self.opener.opened.connect(self._on_opened)
        self.opener.failed.connect(self._on_failed)
        self.opener.busy_changed.connect(self._on_busy)
        self.state.document_changed.connect(self._on_document)
        self.memory = self._memory()
        self.memory.restore()  # the layout and choices of the last session; a damaged record is ignored

    # ----- building ---------------------------------------------------------------------------
    def _build_views(self) -> None:
        self.tabs = QTabWidget()  # one tab per view
        self.tabs.setDocumentMode(True)
        self.weights_view = WeightsView(self.state)
        self.tabs.addTab(self.weights_view, "Weights")
        self.time_view = TimeView(self.state)
        self.tabs.addTab(self.time_view, "Time steps")
        self.predictions_view = PredictionsView(self.state)
        self.tabs.addTab(self.predictions_view, "Predictions")
        self.units_view = UnitsView(self.state)
        self.tabs.addTab(self.units_view, "Units")
        self.reference_runner = ReferenceRunner(self.state, self)  # Keras in a child process, in the background
        self.port_runner = PortRunner(self.state, self,  # the exported code, built and run in the background
                                      reference_coming=lambda: self.reference_runner.coming)
        self.export_code_dialog: ExportCodeDialog | None = None
        self.setCentralWidget(self.tabs)
        self.model_panel = ModelPanel(self.state)
        self.model_dock = self.add_dock("Model", self.model_panel)
        self.sequence_panel = SequencePanel(self.state)
        self.sequence_dock = self.add_dock("Sequence", self.sequence_panel)  # below Model
        self.resizeDocks([self.model_dock, self.sequence_dock], [470, 470], Qt.Orientation.Vertical)
        self.trace_runner = TraceRunner(self.state, self)  # the engine re-runs in a worker on every edit

    def add_dock(self, title: str, widget: QWidget) -> QDockWidget:
        """A movable, closable dock on the left (Model, Sequence)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.resizeDocks([dock], [460], Qt.Orientation.Horizontal)
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open...", self.ask_open, QKeySequence.StandardKey.Open)
        self.architecture = ArchitectureChooser(self, self.state, self.open_file)
        file_menu.addAction(self.architecture.action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        demo_menu = file_menu.addMenu("Open &Demo")
        for name in DEMOS:
            self._action(demo_menu, name, lambda _=False, n=name: self.open_demo(n))
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export Weight Plots...", self.ask_export, "Ctrl+E")
        self._action(file_menu, "Export &Gate Plots...", self.ask_export_gate_plots, "Ctrl+Shift+E")
        self.export_code_action = self._action(file_menu, "Export &Code...", self.show_export_code)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.view_menu = self.menuBar().addMenu("&View")
        self.view_menu.addAction(self.model_dock.toggleViewAction())
        self.view_menu.addAction(self.sequence_dock.toggleViewAction())
        keras_menu = self.menuBar().addMenu("&Keras")
        keras_menu.addAction(self.reference_runner.run_action)
        keras_menu.addAction(self.reference_runner.cancel_action)
        keras_menu.addAction(self.reference_runner.auto_action)
        keras_menu.addSeparator()
        keras_menu.addAction(self.port_runner.run_action)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About LSTM Inspector", lambda: show_about(self, self.state.document))
        self._fill_recent_menu()

    def _action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        self.open_progress = OpenProgress(self.cancel_open)  # "opening NAME ... 4 s", busy bar, Cancel
        self.busy_bar = self.open_progress.bar
        self.statusBar().addPermanentWidget(self.open_progress)
        self.state.status_message.connect(self.show_status)
        self.statusBar().addPermanentWidget(TraceStatus(self.trace_runner))
        self.statusBar().addPermanentWidget(self.reference_runner.widget)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.paths()
        for path in paths:
            architecture = self.recent.architecture(path)
            label = f"{path}  +  {Path(architecture).name}" if architecture else path
            self._action(self.recent_menu, shown(label), lambda _=False, p=path, a=architecture: self.open_file(p, a))
        if not paths:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self._action(self.recent_menu, "Clear list", self.recent.clear)

    def show_status(self, text: str, milliseconds: int = 0) -> None:
        """A status bar message; names from the file in it are shown with control characters escaped."""
        self.statusBar().showMessage(shown(text), milliseconds)

    # ----- opening ----------------------------------------------------------------------------
    def open_file(self, path: str | Path, architecture: str | Path | None = None) -> None:
        """Open a model file; a weights-only file with `architecture` is read with that architecture file."""
        with_architecture = f" with {Path(architecture).name}" if architecture else ""
        self._opening = f"{Path(path).name}{with_architecture}"
        self.show_status(f"opening {self._opening} ...")
        self.opener.open_file(path, architecture)

    def open_demo(self, name: str) -> None:
        self._opening = f"the demo {name}"
        self.show_status(f"opening {self._opening} ...")
        self.opener.open_demo(name)

    def ask_open(self) -> None:
        start = str(self.state.document.path.parent) if self.state.document else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open a Keras model", start, FILE_FILTER)
        if path:
            self.open_file(path)

    def _on_opened(self, document: Document) -> None:
        self.state.set_document(document)
        if document.demo is None:
            self.recent.add(document.path, document.model.architecture or None)
        self.show_status(f"opened {document.title} in {document.seconds:.2f} s")
        self.architecture.document_opened(document)

    def _on_failed(self, path: str, reason: str) -> None:
        self.show_status(f"could not open {Path(path).name}", 10000)
        plain_message(self, QMessageBox.Icon.Warning, "Cannot open file",
                      f"{shown(Path(path).name)} cannot be opened:\n\n{shown(reason)}")

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.open_progress.start(self._opening)
        else:
            self.open_progress.stop()

    def cancel_open(self) -> None:
        """Stop reading the file being opened (its child process is killed); the open model stays."""
        if not self.opener.pending:
            return
        name, seconds = self.open_progress.name, self.open_progress.elapsed()
        self.opener.cancel()
        still = f"; still showing {self.state.document.title}" if self.state.document else ""
        self.show_status(f"stopped opening {name} after {seconds:.0f} s{still}", 10000)

    def _memory(self) -> WindowMemory:
        """What the window remembers between sessions, besides geometry, docks and splitters."""
        controls, tabs, state = self.time_view.controls, self.tabs, self.state
        return WindowMemory(self, self.settings, {
            "tab": choice_from(range(tabs.count()), tabs.currentIndex, tabs.setCurrentIndex, int),
            "scale_mode": choice_from(SCALE_MODES, lambda: state.scale_mode, state.set_scale_mode),
            "speed": choice_from(SPEEDS, controls.speed_box.currentData,
                                 lambda v: controls.speed_box.setCurrentIndex(SPEEDS.index(v)), int),
        })

    def _on_document(self, document: Document) -> None:
        self.setWindowTitle(f"{APP_NAME} - {shown(document.title)}")
        self.export_action.setEnabled(bool(weight_layers(document.model)))

    # ----- exporting ----------------------------------------------------------------------------
    def ask_export(self) -> None:
        if self.state.document is None or not self.state.layer_name:
            QMessageBox.information(self, "Export Weight Plots", "Open a model with weights first.")
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the weight plots of this layer to", str(Path.home()))
        if folder:
            self.export_weight_plots(folder)

    def export_weight_plots(self, folder: str | Path) -> list[Path]:
        """Every plot of the selected layer (and direction) as PNG into `folder`."""
        document, state = self.state.document, self.state
        if document is None:
            return []
        written = export_layer_plots(document.model, state.layer_name, state.direction, folder, state.scale_mode)
        which = f"{state.layer_name} ({state.direction})" if state.direction else state.layer_name
        self.show_status(f"wrote {len(written)} files of layer {which} to {folder}", 10000)
        return written

    def ask_export_gate_plots(self) -> None:
        if self.time_view.trace() is None:
            plain_message(self, QMessageBox.Icon.Information, "Export Gate Plots", self.time_view.empty_text())
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the time-step plots of this layer to", str(Path.home()))
        if folder:
            written = self.time_view.export_gate_plots(folder)
            self.show_status(f"wrote {len(written)} time-step plots of {self.state.layer_name} to {folder}",
                                         10000)

    def show_export_code(self) -> ExportCodeDialog:
        """File > Export Code: the one dialog (not modal), raised if already open."""
        if self.export_code_dialog is None:
            self.export_code_dialog = ExportCodeDialog(self.state, self.port_runner, self)
        self.export_code_dialog.show()
        self.export_code_dialog.raise_()
        return self.export_code_dialog

    # ----- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if dropped_model_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (Qt override)
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = dropped_model_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.open_file(paths[0])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        """Remember the layout; tell every worker and child to stop, without waiting for any of them."""
        self.memory.save()
        self.opener.shutdown()  # the parse child is killed and reaped in the background
        self.trace_runner.cancel()  # the engine stops at its next time step
        self.reference_runner.shutdown()
        self.port_runner.shutdown()
        for drawing in (self.weights_view.drawing, self.weights_view.stocking, self.time_view.drawing):
            drawing.cancel()  # nothing more is drawn into a closing window
        super().closeEvent(event)
