"""The per-layer error table and the prediction plots as files: for the Predictions tab and for
`lstm-inspector export` (no window needed: `render_png` draws offscreen).

`layer_rows` is the per-layer table (layer, max |manual - Keras|, tolerance, status, diagnosis hint) built
from the `Verification` (inspector.core.analysis.compare and diagnosis, as `lstm-inspector verify` uses them);
`LayerTable` shows it in the window, `write_layer_csv` writes it next to the exported plots.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from inspector.core.analysis.verification import ReferenceResult, Verification
from inspector.core.port.proof import KerasOutputs, PortedRun, output_errors, port_tolerance
from inspector.gui.predictions.figures import (
    Predictions,
    draw_batch,
    draw_overlay,
    draw_residual,
    draw_scatter,
    has_batch_plot,
    index_plot,
)
from inspector.gui.widgets.plain import shown, tip
from inspector.gui.widgets.plot_pool import plot_at
from inspector.gui.widgets.png import render_png

OVERLAY_SIZE = (1100, 560)
RESIDUAL_SIZE = (1100, 380)
SCATTER_SIZE = (700, 640)
BATCH_SIZE = (1400, 560)
AGREES, DIFFERS = "agrees", "differs"
AGREE_COLOUR, DIFFER_COLOUR = "#1a7f37", "#c62828"
TABLE_COLUMNS = ("layer", "class", "max abs error", "tolerance", "status", "diagnosis")


@dataclass(frozen=True)
class LayerRow:
    """One row of the per-layer table."""

    layer: str
    class_name: str
    max_abs_err: float
    tolerance: float
    status: str  # "agrees" / "differs" (with the problem, e.g. a shape mismatch)
    hint: str  # the diagnosis for the first layer that differs


def layer_rows(verification: Verification) -> list[LayerRow]:
    """Every compared layer in execution order; the diagnosis goes to the first one that differs."""
    comparison = verification.comparison
    first = comparison.first_disagreement
    rows = []
    for layer in comparison.layers:
        worst = layer.worst
        problem = worst.problem if worst is not None and worst.problem else ""
        status = AGREES if layer.ok else (f"{DIFFERS}: {problem}" if problem else DIFFERS)
        if layer.ok:
            hint = ""
        elif first is not None and layer.name == first.name:
            hint = diagnosis_text(verification)
        else:
            hint = f"follows from {first.name}, which differs first" if first is not None else ""
        rows.append(LayerRow(layer.name, layer.class_name, layer.max_abs_err, layer.tolerance, status, hint))
    return rows


def port_rows(port: PortedRun, engine: list, reference: ReferenceResult | None, names: list[str]) -> list[LayerRow]:
    """A row per model output: the ported code against Keras (against the engine when there is no Keras),
    with the same comparison the export's proof uses."""
    tolerance = port_tolerance(port.inputs)
    keras = KerasOutputs.of(reference, "no Keras reference yet")
    against = keras.outputs if keras.outputs is not None else engine
    rows = []
    for k, (diff, to_engine) in enumerate(zip(output_errors(port.outputs, against, tolerance),
                                               output_errors(port.outputs, engine, tolerance), strict=True)):
        status = AGREES if diff.ok else (f"{DIFFERS}: {diff.problem}" if diff.problem else DIFFERS)
        hint = (f"max |port - Keras|; against the engine {to_engine.max_abs_err:.2e}" if keras.outputs is not None
                else f"max |port - manual| (Keras: {keras.reason})")
        name = names[k] if k < len(names) else str(k)
        rows.append(LayerRow(f"output {name}", f"ported {port.title}", diff.max_abs_err, tolerance, status, hint))
    return rows


def diagnosis_text(verification: Verification) -> str:
    """The causes that fit the first difference, as `verify` words them."""
    parts = []
    for finding in verification.findings:
        if finding.cause == "unknown":
            parts.append(finding.message)
        else:
            fit = "fits" if finding.agrees else "partly fits"
            parts.append(f"{fit}: {finding.message} (max abs err {finding.max_abs_err_before:.1e} -> "
                         f"{finding.max_abs_err_after:.1e})")
    return "; ".join(parts)


class LayerTable(QTableWidget):
    """Per-layer max |manual - Keras|, tolerance, status and diagnosis; read-only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(TABLE_COLUMNS), parent)
        self.setHorizontalHeaderLabels(TABLE_COLUMNS)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(TABLE_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)

    def show_rows(self, rows: list[LayerRow]) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.layer, row.class_name, f"{row.max_abs_err:.2e}", f"{row.tolerance:.0e}", row.status, row.hint)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(shown(text))
                item.setToolTip(tip(text))
                if c in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 4:
                    item.setForeground(QColor(AGREE_COLOUR if row.status == AGREES else DIFFER_COLOUR))
                self.setItem(r, c, item)
        self.resizeRowsToContents()

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""


def write_layer_csv(verification: Verification, path: str | Path) -> Path:
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["layer", "class", "max_abs_err", "tolerance", "status", "diagnosis",
                         "keras_runtime"])
        for row in layer_rows(verification):
            writer.writerow([row.layer, row.class_name, f"{row.max_abs_err:.6g}", f"{row.tolerance:.1e}",
                             row.status, row.hint, verification.reference.runtime])
    return path


def export_prediction_plots(data: Predictions, folder: str | Path, sequence: int = 0, component: int = 0,
                            verification: Verification | None = None, stem: str = "predictions") -> list[Path]:
    """The overlay, with Keras the residual and scatter, the batch / series plot for a batch of vector
    outputs, as PNG; and the per-layer table as CSV when Keras was compared."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    plots = [("overlay", OVERLAY_SIZE,
              lambda lay: draw_overlay(plot_at(lay, 0, 0, index_plot), data, sequence, component))]
    if data.keras is not None:  # without Keras these two would only say so
        plots += [
            ("residual", RESIDUAL_SIZE,
             lambda lay: draw_residual(plot_at(lay, 0, 0, index_plot), data, sequence, component)),
            ("scatter", SCATTER_SIZE, lambda lay: draw_scatter(plot_at(lay, 0, 0), data)),
        ]
    if has_batch_plot(data):
        kind = "series" if data.targets is not None else "batch"
        plots.append((kind, BATCH_SIZE, lambda lay: draw_batch(plot_at(lay, 0, 0, index_plot), data, component)))
    name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in data.name)
    written = [render_png(draw, size, folder / f"{stem}_{name}_{kind}.png") for kind, size, draw in plots]
    if verification is not None:
        written.append(write_layer_csv(verification, folder / f"{stem}_layers.csv"))
    return written
