"""The weight arrays of a port, named by layer, direction and gate, with what each one is.

Recurrent layers are split per gate in canonical order (LSTM i, f, c, o; GRU z, r, h;
SimpleRNN h): `lstm_1/forward/W_i` is the input gate's kernel columns, `U_i` its recurrent
kernel columns, `b_i` its bias, `b_U_z` a GRU recurrent bias (reset_after). Other layers keep
Keras's role names: `dense_1/kernel`. The C and JavaScript ports store the same numbers
fused per layer (see `fused_recurrent`), in the order their step loop reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.model.canonical import Layer
from inspector.core.model.gates import GATE_TITLES, GATES, MATRICES
from inspector.core.port.plan import PortPlan

RECURRENT_ROLES = ("kernel", "recurrent_kernel", "bias", "recurrent_bias")


@dataclass(frozen=True)
class WeightArray:
    key: str
    array: np.ndarray
    meaning: str


def recurrent_prefix(ident: str, direction: str) -> str:
    return f"{ident}/{direction}"


def port_weights(plan: PortPlan) -> list[WeightArray]:
    """Every weight array the generated code reads, in plan order."""
    found: list[WeightArray] = []
    for step in plan.steps:
        found += layer_weights(step.layer, step.ident)
    return found


def layer_weights(layer: Layer, ident: str) -> list[WeightArray]:
    if layer.class_name == "TimeDistributed":
        return layer_weights(layer.children["layer"], f"{ident}/layer")
    directions = layer.directions()
    if directions:
        found = []
        for direction, cell in directions.items():
            found += gate_arrays(cell, recurrent_prefix(ident, direction))
        return found
    return [WeightArray(f"{ident}/{role}", np.asarray(array, np.float32), role.replace("_", " "))
            for role, array in layer.weights.items()]


def gate_arrays(cell: Layer, prefix: str) -> list[WeightArray]:
    gates = GATES[cell.class_name]
    found = []
    for role in RECURRENT_ROLES:
        if role not in cell.weights:
            continue
        symbol, title = MATRICES[role]
        blocks = np.split(np.asarray(cell.weights[role], np.float32), len(gates), axis=-1)
        for gate, block in zip(gates, blocks, strict=True):
            found.append(WeightArray(f"{prefix}/{symbol}_{gate}", np.ascontiguousarray(block),
                                     f"{title} of the {GATE_TITLES[gate]}"))
    return found


def fused_recurrent(cell: Layer) -> dict[str, np.ndarray]:
    """C/JS layout: kernel [in][G*u] and recurrent kernel [u][G*u], rows contiguous, the gates
    side by side in canonical order within each row, so that one pass over a row adds
    x[k] (or h[k]) times every gate's column k at once; biases [G*u] (zeros when absent)."""
    units = int(cell.config["units"])
    count = len(GATES[cell.class_name])
    kernel = np.ascontiguousarray(cell.weights["kernel"], np.float32)
    bias = cell.weights.get("bias")
    fused = {
        "kernel": kernel,
        "recurrent_kernel": np.ascontiguousarray(cell.weights["recurrent_kernel"], np.float32),
        "bias": np.zeros(count * units, np.float32) if bias is None else np.asarray(bias, np.float32),
    }
    recurrent_bias = cell.weights.get("recurrent_bias")
    fused["recurrent_bias"] = (np.zeros(count * units, np.float32) if recurrent_bias is None
                               else np.asarray(recurrent_bias, np.float32))
    return fused
