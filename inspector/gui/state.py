"""The one source of truth of the window: the open model and what is selected in it.

Views read from here and subscribe to the signals; they never talk to each other. Later views
(sequence, time steps, predictions) add their fields and signals here.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from ..core.model import Layer
from .blocks import directions_of, weight_layers
from .loader import Document

SCALE_MODES = ("shared", "per gate")


class InspectorState(QObject):
    document_changed = pyqtSignal(object)  # Document
    selection_changed = pyqtSignal(str, str)  # layer name ("" = none), direction ("" = not recurrent)
    scale_mode_changed = pyqtSignal(str)  # one of SCALE_MODES

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.layer_name = ""
        self.direction = ""
        self.scale_mode = SCALE_MODES[0]

    @property
    def layer(self) -> Layer | None:
        if self.document is None or not self.layer_name:
            return None
        return self.document.model.layer(self.layer_name)

    def set_document(self, document: Document) -> None:
        """A newly opened model: select its first recurrent layer (or first layer with weights)."""
        self.document = document
        self.layer_name, self.direction = "", ""
        self.document_changed.emit(document)
        self.select_layer(_default_layer(document))

    def select_layer(self, name: str, direction: str | None = None) -> None:
        """Select a layer by name; keep the direction when the new layer has it."""
        if self.document is None:
            return
        layer = self.document.model.layer(name) if name else None
        directions = directions_of(layer) if layer is not None else [""]
        wanted = self.direction if direction is None else direction
        chosen = wanted if wanted in directions else directions[0]
        if (name, chosen) != (self.layer_name, self.direction):
            self.layer_name, self.direction = name, chosen
            self.selection_changed.emit(name, chosen)

    def select_direction(self, direction: str) -> None:
        self.select_layer(self.layer_name, direction)

    def set_scale_mode(self, mode: str) -> None:
        if mode not in SCALE_MODES:
            raise ValueError(f"scale mode {mode!r} is not one of {SCALE_MODES}")
        if mode != self.scale_mode:
            self.scale_mode = mode
            self.scale_mode_changed.emit(mode)


def _default_layer(document: Document) -> str:
    layers = weight_layers(document.model)
    recurrent = [layer for layer in layers if layer.directions()]
    chosen = (recurrent or layers or [None])[0]
    return chosen.name if chosen is not None else ""
