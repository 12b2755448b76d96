"""The layer, direction and sequence pickers of the views that show a trace (Time steps, Units): filled from
the state in one place, so every such view lists the same layers in the same words."""

from __future__ import annotations

from PyQt6.QtWidgets import QComboBox

from inspector.gui.state import InspectorState
from inspector.gui.widgets.plain import shown
from inspector.gui.widgets.sequence_box import SequenceBox


def fill_trace_selectors(state: InspectorState, layer_box: QComboBox, direction_box: QComboBox,
                         sequence_box: SequenceBox) -> tuple[int, int]:
    """The recurrent layers the trace holds, the selected layer's directions and the batch, without signals;
    returns (directions, sequences) so the view can hide a picker with nothing to choose."""
    model = state.document.model if state.document else None
    result = state.result
    traced = result.trace if result is not None and result.trace is not None else None
    layers = [layer for layer in (model.recurrent_layers if model else []) if traced is None or layer.name in traced]
    layer_box.blockSignals(True)
    layer_box.clear()
    for layer in layers:
        layer_box.addItem(shown(f"{layer.name}  ({layer.class_name})"), layer.name)
    layer_box.setCurrentIndex(layer_box.findData(state.layer_name))
    layer_box.blockSignals(False)
    directions = list(traced[state.layer_name]) if traced is not None and state.layer_name in traced else []
    direction_box.clear()
    direction_box.addItems(directions)
    direction_box.setCurrentText(state.direction)
    batch = int(state.inputs[0].shape[0]) if state.inputs else 0
    sequence_box.blockSignals(True)
    sequence_box.set_batch(batch)
    sequence_box.setValue(state.sequence)
    sequence_box.blockSignals(False)
    return len(directions), batch
