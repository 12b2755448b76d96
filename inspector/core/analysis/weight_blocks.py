"""What the weights view draws for one layer (and direction): a list of labelled 2-D blocks.

Recurrent layers give one block per (matrix, gate) from `inspector.core.analysis.gate_views`; Dense, Embedding,
Conv1D (any layer with a kernel or embedding table, also inside TimeDistributed) give one block.
No Qt here: the same blocks feed the window, the PNG export and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.analysis.gate_views import gate_blocks
from inspector.core.model.canonical import Layer, Model
from inspector.core.model.gates import GATE_TITLES, MATRICES

MATRIX_ORDER = ("W", "U", "b", "b_U")
ROW_AXES = {"W": "input feature", "U": "unit (h t-1)", "b": "", "b_U": ""}
KERNEL_ROLES = ("kernel", "embeddings", "depthwise_kernel")


@dataclass(frozen=True, eq=False)
class Block:
    """One heatmap: `values` is rows x columns; `gate` is "" for a plain kernel."""

    label: str  # "W_i", "kernel"
    matrix: str  # "W", "U", "b", "b_U", or the weight role for a plain kernel
    gate: str  # "i", "f", ... or ""
    values: np.ndarray
    row_axis: str
    column_axis: str

    @property
    def title(self) -> str:
        if not self.gate:
            return self.label
        return f"{self.label}  {MATRICES_BY_SYMBOL[self.matrix]} · {GATE_TITLES[self.gate]}"

    @property
    def shape_text(self) -> str:
        return " x ".join(str(n) for n in self.values.shape)


MATRICES_BY_SYMBOL = {symbol: title for symbol, title in MATRICES.values()}


def weight_layers(model: Model) -> list[Layer]:
    """The layers the weights view can show, in model order (those of a model used as a layer by their path)."""
    return [layer for layer in model.all_layers if layer.directions() or kernel_owner(layer) is not None]


def directions_of(layer: Layer) -> list[str]:
    """"forward"/"backward" for recurrent layers and wrappers; [""] for a plain kernel layer."""
    return list(layer.directions()) or [""]


def layer_blocks(layer: Layer, direction: str = "forward") -> list[Block]:
    """The heatmaps of one layer: gate blocks of one direction, or the kernel; [] when none."""
    cells = layer.directions()
    if cells:
        cell = cells.get(direction) or next(iter(cells.values()))
        return recurrent_blocks(cell)
    owner = kernel_owner(layer)
    return [kernel_block(owner)] if owner is not None else []


def recurrent_blocks(cell: Layer) -> list[Block]:
    columns = "unit" if not cell.class_name.startswith("ConvLSTM") else "filter"
    rows = dict(ROW_AXES)
    if cell.class_name.startswith("ConvLSTM"):
        rows.update(W="kernel position x input channel", U="kernel position x filter")
    return [
        Block(g.label, MATRICES[g.role][0], g.gate, g.values, rows[MATRICES[g.role][0]], columns)
        for g in gate_blocks(cell)
    ]


def kernel_owner(layer: Layer) -> Layer | None:
    """The layer whose kernel is shown: the layer itself or the one TimeDistributed wraps."""
    if any(role in layer.weights for role in KERNEL_ROLES):
        return layer
    inner = layer.children.get("layer")
    return kernel_owner(inner) if inner is not None else None


def kernel_block(layer: Layer) -> Block:
    role = next(role for role in KERNEL_ROLES if role in layer.weights)
    values = np.asarray(layer.weights[role])
    if role == "embeddings":
        return Block("embeddings", role, "", values, "token", "embedding dimension")
    if values.ndim == 1:
        values = values[np.newaxis, :]
    matrix = values.reshape(-1, values.shape[-1])
    rows = "input feature" if values.ndim == 2 else "kernel position x input channel"
    columns = "unit" if layer.class_name == "Dense" else "filter" if "Conv" in layer.class_name else "output"
    return Block(role, role, "", matrix, rows, columns)


def grid_positions(blocks: list[Block]) -> list[tuple[int, int]]:
    """(row, column) of every block: rows are matrices W, U, b, b_U; columns are gates in order."""
    gates = list(dict.fromkeys(block.gate for block in blocks))
    matrices = [m for m in MATRIX_ORDER if any(block.matrix == m for block in blocks)]
    positions = []
    for block in blocks:
        row = matrices.index(block.matrix) if block.matrix in matrices else 0
        positions.append((row, gates.index(block.gate)))
    return positions


def file_stem(layer: Layer, direction: str) -> str:
    """A safe file name stem for a layer (and direction of a Bidirectional): 'bidirectional_1_backward'."""
    stem = f"{layer.name}_{direction}" if len(layer.directions()) > 1 else layer.name
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
