"""A weights-only file and its architecture in the window: File > Open Architecture..., and the offer of
a file found beside the weights (same stem .json/.yaml, model.json, architecture.json, config.json, a
full-model file; see inspector.core.io.companions).

The offer is a window-modal message box opened without blocking: the user may open the weights with
the file found, choose another one, or keep looking at the weights alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QFileDialog, QMessageBox, QWidget

from inspector.core.io.companions import find_companions
from inspector.gui.state import Document, InspectorState
from inspector.gui.widgets.plain import plain, shown

ARCHITECTURE_FILTER = ("Architectures (*.json *.yaml *.yml *.h5 *.hdf5 *.keras);;"
                       "to_json / config.json (*.json);;to_yaml (*.yaml *.yml);;Full models (*.h5 *.hdf5 *.keras);;"
                       "All files (*)")
OpenPair = Callable[[Path, Path], None]


def weights_only(document: Document | None) -> bool:
    return document is not None and document.demo is None and not document.model.has_architecture


class ArchitectureChooser:
    """Owns File > Open Architecture... and the offer shown when weights-only files open."""

    def __init__(self, parent: QWidget, state: InspectorState, open_pair: OpenPair) -> None:
        self.parent = parent
        self.state = state
        self.open_pair = open_pair
        self.action = QAction("Open &Architecture...", parent)
        self.action.setStatusTip("Read the open weights-only file with its architecture (to_json, to_yaml, "
                                 "config.json or a full-model file)")
        self.action.triggered.connect(self.ask)
        self.action.setEnabled(False)
        self.offer: QMessageBox | None = None

    def document_opened(self, document: Document) -> None:
        """Enable the action for weights-only files, and offer a companion found beside one."""
        self.action.setEnabled(weights_only(document))
        self._close_offer()
        if not weights_only(document):
            return
        found = find_companions(document.path)
        if found:
            self._offer(document.path, Path(found[0]), len(found))
        else:
            self.state.show_status(f"{document.path.name} holds weights only: File > Open Architecture... "
                                   "reads it with its architecture, so it can run")

    def ask(self) -> None:
        document = self.state.document
        if not weights_only(document):
            return
        assert document is not None
        path, _ = QFileDialog.getOpenFileName(self.parent, f"Architecture for {document.path.name}",
                                              str(document.path.parent), ARCHITECTURE_FILTER)
        if path:
            self.open_pair(document.path, Path(path))

    def _offer(self, weights: Path, companion: Path, count: int) -> None:
        box = plain(QMessageBox(QMessageBox.Icon.Question, "Architecture found",
                                f"{shown(weights.name)} holds weights only, with no architecture, so it cannot "
                                f"run.\n\n{shown(companion.name)} beside it may hold its architecture"
                                + (f" ({count - 1} other candidate{'s' * (count > 2)} too)." if count > 1 else "."),
                                QMessageBox.StandardButton.NoButton, self.parent))
        use = box.addButton(f"Open with {shown(companion.name)}", QMessageBox.ButtonRole.AcceptRole)
        choose = box.addButton("Choose...", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(use)
        box.buttonClicked.connect(lambda button: self._answered(button, use, choose, weights, companion))
        self.offer = box
        box.open()

    def _answered(self, button: object, use: object, choose: object, weights: Path, companion: Path) -> None:
        self.offer = None
        if button is use:
            self.open_pair(weights, companion)
        elif button is choose:
            self.ask()

    def _close_offer(self) -> None:
        if self.offer is not None:
            self.offer.close()
            self.offer = None
