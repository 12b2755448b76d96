"""The Keras semantics that apply to a layer, in words: for code comments and the README."""

from __future__ import annotations

from inspector.core.model.activations import describe
from inspector.core.model.canonical import Layer


def layer_notes(layer: Layer) -> list[str]:
    """Short sentences on what this layer computes and which Keras quirks were resolved."""
    notes: list[str] = []
    for direction, cell in layer.directions().items():
        notes += _cell_notes(cell, direction if layer.class_name == "Bidirectional" else "")
    if layer.class_name == "Bidirectional":
        notes.append(f"merge_mode {layer.config.get('merge_mode', 'concat')}; the backward direction's "
                     "sequence is flipped back to input order")
    activation = layer.config.get("activation")
    if activation and not layer.directions():
        notes.append(f"activation: {describe(str(activation))}")
    if layer.class_name == "Embedding" and layer.config.get("mask_zero"):
        notes.append("mask_zero: token 0 masks its time step")
    if layer.class_name == "Masking":
        notes.append(f"a step whose features all equal {layer.config.get('mask_value', 0.0)} is masked (set to 0)")
    if layer.class_name in ("Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout"):
        notes.append("identity at inference (Keras calls it with training=False)")
    if layer.class_name == "BatchNormalization":
        notes.append("inference: moving mean and variance, x * gamma / sqrt(var + eps) + (beta - mean * ...)")
    notes += _axes_notes(layer)
    return notes


def _axes_notes(layer: Layer) -> list[str]:
    name, config = layer.class_name, layer.config
    notes = []
    if name in ("BatchNormalization", "LayerNormalization", "RMSNormalization", "Softmax") and config.get(
            "axis", -1) not in (-1, [-1]):
        notes.append(f"over axis {config.get('axis')} (0 is the batch); a parameter per position along it")
    if name == "LayerNormalization" and config.get("rms_scaling"):
        notes.append("rms_scaling: x / sqrt(variance + eps) * gamma, the variance about the mean, no centring (Keras 3)")
    if name == "RMSNormalization":
        notes.append("x / sqrt(mean(x^2) + eps), times scale broadcast as stored (numpy rules, as Keras 3)")
    if name == "Rescaling":
        notes.append("x * scale + offset, both broadcast onto x (numpy rules)")
    return notes


def _cell_notes(cell: Layer, direction: str) -> list[str]:
    config = cell.config
    where = f"{direction}: " if direction else ""
    notes = [f"{where}{cell.class_name}, {config.get('units')} units"]
    if cell.stored_class.startswith("CuDNN"):
        notes.append(f"stored as {cell.stored_class} (CuDNN layout); converted to Keras's gate order")
    if any(name for name in cell.weight_names.values() if "_W_i" in name or "_U_c" in name):
        notes.append("stored by Keras 1 as 12 arrays in gate order i,c,f,o; reordered to i,f,c,o")
    notes.append(f"recurrent_activation: {describe(str(config.get('recurrent_activation', 'sigmoid')))}")
    notes.append(f"activation: {describe(str(config.get('activation', 'tanh')))}")
    if cell.class_name == "GRU":
        notes.append("reset_after=True: r multiplies (h @ U_h + recurrent bias)" if config.get("reset_after")
                     else "reset_after=False: r multiplies h before U_h")
    if config.get("go_backwards"):
        notes.append("go_backwards: reads the steps last to first and returns them in that order")
    if config.get("stateful"):
        notes.append("stateful in Keras: predict() starts from zeros, the streaming API keeps the state")
    flags = [k for k in ("return_sequences", "return_state") if config.get(k)]
    if flags:
        notes.append(", ".join(flags))
    return notes
