"""Per-gate views of a recurrent layer's weights: what the weight heatmaps show.

LSTM gates i, f, c, o; GRU z, r, h; SimpleRNN one block. Every block is a 2-D array:
kernel W (input features x units), recurrent kernel U (units x units), bias b (1 x units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.model.canonical import Layer
from inspector.core.model.gates import GATE_TITLES, GATES, MATRICES


@dataclass(frozen=True, eq=False)
class GateBlock:
    """One matrix of one gate, e.g. W_f: rows x units."""

    gate: str
    role: str
    values: np.ndarray

    @property
    def label(self) -> str:
        return f"{MATRICES[self.role][0]}_{self.gate}"

    @property
    def title(self) -> str:
        return f"{MATRICES[self.role][1]} {self.label} ({GATE_TITLES[self.gate]})"


def gate_blocks(layer: Layer) -> list[GateBlock]:
    """Every (matrix, gate) block of one recurrent layer (one direction), matrices outermost."""
    gates = GATES[layer.class_name]
    blocks = []
    for role in MATRICES:
        if role in layer.weights:
            for gate, values in zip(gates, split_gates(layer.weights[role], len(gates))):
                blocks.append(GateBlock(gate, role, values))
    return blocks


def split_gates(array: np.ndarray, gates: int) -> list[np.ndarray]:
    """Split the last axis into `gates` equal blocks, each shown as a 2-D array."""
    parts = np.split(np.asarray(array), gates, axis=-1)
    return [_as_matrix(part) for part in parts]


def _as_matrix(part: np.ndarray) -> np.ndarray:
    if part.ndim == 1:
        return part[np.newaxis, :]
    return part.reshape(-1, part.shape[-1])  # ConvLSTM: (kernel positions x inputs) x filters


def layer_gate_views(layer: Layer) -> dict[str, list[GateBlock]]:
    """direction -> blocks, for a recurrent layer or a wrapper around one."""
    return {direction: gate_blocks(cell) for direction, cell in layer.directions().items()}


def describe_gates(layer: Layer) -> dict[str, dict[str, dict[str, list[int]]]]:
    """direction -> gate -> label -> 2-D shape, for `info`."""
    out: dict[str, dict[str, dict[str, list[int]]]] = {}
    for direction, blocks in layer_gate_views(layer).items():
        per_gate: dict[str, dict[str, list[int]]] = {}
        for block in blocks:
            per_gate.setdefault(block.gate, {})[block.label] = list(block.values.shape)
        out[direction] = per_gate
    return out
