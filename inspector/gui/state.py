"""The one source of truth of the window: the open model, the sequences fed to it, what the
engine, Keras and the ported code computed for them, and what is selected (layer, direction, sequence, time step, units).

Views read from here and subscribe to the signals; they never talk to each other. Workers (open,
trace, reference) put their results here with the setters; only the setters emit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal

from inspector.core.analysis.verification import ReferenceResult, Verification
from inspector.core.analysis.weight_blocks import directions_of, weight_layers
from inspector.core.engine import Result
from inspector.core.engine.trace import DirectionTrace
from inspector.core.model.canonical import Layer, Model
from inspector.core.port.proof import PortedRun
from inspector.core.units.ordering import UnitOrder

SCALE_MODES = ("robust", "shared", "per gate")  # robust: per matrix kind, +-99.5th percentile of |w| (default)
VALUE_MODES = ("activation", "pre-activation")  # what the time view shows for the gates
STATUS_MS = 8000  # how long a view's message stays in the status bar


@dataclass(frozen=True, eq=False)
class Document:
    """An opened model with what the views need besides it."""

    model: Model
    path: Path
    seconds: float
    output_shapes: dict[str, Any] = field(default_factory=dict)  # layer name -> shape list, or None
    demo: str | None = None
    sequence: np.ndarray | None = None  # the demo sequence, time steps x features
    notes: tuple[str, ...] = ()  # things that went wrong without stopping the open

    @property
    def title(self) -> str:
        return f"{self.path.name} (demo)" if self.demo else self.path.name


class InspectorState(QObject):
    document_changed = pyqtSignal(object)  # Document
    selection_changed = pyqtSignal(str, str)  # layer name ("" = none), direction ("" = not recurrent)
    scale_mode_changed = pyqtSignal(str)  # one of SCALE_MODES
    inputs_changed = pyqtSignal()  # new model inputs (the batch of sequences); a trace will follow
    sequence_changed = pyqtSignal(int)  # the selected sequence (row of the batch)
    result_changed = pyqtSignal()  # a new engine result (or a reason why there is none)
    time_step_changed = pyqtSignal(int)
    units_changed = pyqtSignal(list)  # units picked for the line plots
    unit_order_changed = pyqtSignal(str, str)  # layer, direction: the order its heatmaps list the units in
    value_mode_changed = pyqtSignal(str)  # one of VALUE_MODES
    reference_changed = pyqtSignal()  # a new Keras reference result (or None: outdated / not yet)
    comparison_changed = pyqtSignal()  # engine versus Keras compared (a Verification)
    port_changed = pyqtSignal()  # the ported code's outputs for the inputs (or None: outdated / not run)
    status_message = pyqtSignal(str, int)  # text for the status bar, milliseconds to show it (0 = until replaced)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.layer_name = ""
        self.direction = ""
        self.scale_mode = SCALE_MODES[0]
        self.inputs: list[np.ndarray] | None = None  # validated model inputs, batch first, model input order
        self.sequence = 0  # selected row of the batch
        self.result: Result | None = None  # the engine's result for `inputs`, with a trace
        self.result_reason = ""  # why there is no result ("" while computing or when there is one)
        self.time_step = 0
        self.units: list[int] = []
        self.unit_orders: dict[tuple[str, str], UnitOrder] = {}  # (layer, direction) -> order of its units
        self.value_mode = VALUE_MODES[0]
        self.reference: ReferenceResult | None = None  # what Keras computed for `inputs`
        self.comparison: Verification | None = None  # `result` against `reference`
        self.port: PortedRun | None = None  # what the exported code printed for `inputs`

    @property
    def trace(self) -> DirectionTrace | None:
        """The engine's trace of the selected layer and direction, or None."""
        if self.result is None or self.result.trace is None:
            return None
        return self.result.trace.shown(self.layer_name, self.direction)

    @property
    def verification(self) -> Verification | None:
        """The comparison when it belongs to the current result and reference, else None."""
        found = self.comparison
        if found is None or found.result is not self.result or found.reference is not self.reference:
            return None
        return found

    def show_status(self, text: str, milliseconds: int = STATUS_MS) -> None:
        """A message for the status bar (the window shows it): the one way views report to the user."""
        self.status_message.emit(text, milliseconds)

    @property
    def layer(self) -> Layer | None:
        if self.document is None or not self.layer_name:
            return None
        return self.document.model.layer(self.layer_name)

    @property
    def time_steps(self) -> int:
        """Time steps of the current inputs (0 when there are none)."""
        if not self.inputs or self.inputs[0].ndim < 2:
            return 0
        return int(self.inputs[0].shape[1])

    def set_document(self, document: Document) -> None:
        """A newly opened model: select its first recurrent layer (or first layer with weights).

        Inputs, result and reference of the previous model are dropped before anyone hears of the
        new document, so no view ever pairs a model with another model's numbers.
        """
        self.document = document
        self.layer_name, self.direction = "", ""
        self.inputs, self.sequence, self.time_step, self.units = None, 0, 0, []
        self.unit_orders = {}
        self.result, self.result_reason, self.reference, self.comparison = None, "", None, None
        self.port = None
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


    def set_inputs(self, inputs: list[np.ndarray]) -> None:
        """New validated inputs: the old result and reference no longer apply."""
        self.inputs = inputs
        self.result, self.result_reason, self.reference, self.comparison = None, "", None, None
        self.port = None
        batch = int(inputs[0].shape[0]) if inputs else 0
        self.sequence = min(self.sequence, max(batch - 1, 0))
        self.inputs_changed.emit()
        self.reference_changed.emit()
        self.port_changed.emit()
        self.set_time_step(self.time_step)  # clamp to the new length

    def select_sequence(self, index: int) -> None:
        if index != self.sequence:
            self.sequence = index
            self.sequence_changed.emit(index)

    def set_result(self, result: Result | None, reason: str = "") -> None:
        """The engine's result for the current inputs, or None and a one-line reason."""
        self.result, self.result_reason = result, reason
        self.result_changed.emit()

    def set_time_step(self, t: int) -> None:
        t = max(0, min(int(t), self.time_steps - 1))
        if t != self.time_step:
            self.time_step = t
            self.time_step_changed.emit(t)

    def set_units(self, units: list[int]) -> None:
        if units != self.units:
            self.units = list(units)
            self.units_changed.emit(self.units)

    def unit_order(self, layer: str, direction: str) -> UnitOrder | None:
        """The order the heatmaps of this layer and direction list their units in (None: by unit number)."""
        return self.unit_orders.get((layer, direction))

    def set_unit_order(self, layer: str, direction: str, order: UnitOrder | None) -> None:
        """One order for every heatmap of the layer and direction; None goes back to unit numbers."""
        if order is None or order.is_natural:
            changed = self.unit_orders.pop((layer, direction), None) is not None
        else:
            changed = self.unit_orders.get((layer, direction)) is not order
            self.unit_orders[(layer, direction)] = order
        if changed:
            self.unit_order_changed.emit(layer, direction)

    def set_value_mode(self, mode: str) -> None:
        if mode not in VALUE_MODES:
            raise ValueError(f"value mode {mode!r} is not one of {VALUE_MODES}")
        if mode != self.value_mode:
            self.value_mode = mode
            self.value_mode_changed.emit(mode)

    def set_reference(self, reference: ReferenceResult | None) -> None:
        self.reference = reference
        self.reference_changed.emit()

    def set_comparison(self, comparison: Verification | None) -> None:
        self.comparison = comparison
        self.comparison_changed.emit()

    def set_port(self, port: PortedRun | None) -> None:
        """The ported code's outputs; ignored when they were computed for other inputs than the current."""
        if port is not None and port.inputs is not self.inputs:
            return
        self.port = port
        self.port_changed.emit()


def _default_layer(document: Document) -> str:
    layers = weight_layers(document.model)
    recurrent = [layer for layer in layers if layer.directions()]
    chosen = (recurrent or layers or [None])[0]
    return chosen.name if chosen is not None else ""
