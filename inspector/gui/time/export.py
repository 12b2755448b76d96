"""Time-view plots to PNG: `export_time_plots` for File > Export Gate Plots and for the command line
(no window needed: `export.ensure_app`), and the right-click "Export PNG" entries of the time view.

Every PNG is drawn by the code the window uses (`time_figures`, `time_lines`) into an offscreen
layout, so a file shows exactly what the view shows for the same layer, sequence and time step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg

from inspector.core.analysis.per_step import PerStep, per_step_outputs
from inspector.core.analysis.time_quantities import Quantity, layer_quantities
from inspector.core.analysis.weight_blocks import file_stem
from inspector.core.engine.trace import DirectionTrace
from inspector.core.model.canonical import Layer, Model
from inspector.gui.time.figures import draw_step_bars, draw_time_grid
from inspector.gui.time.lines import draw_per_step, draw_unit_lines, unit_grid
from inspector.gui.widgets.plain import shown_html
from inspector.gui.widgets.png import render_png

ROW_HEIGHT = 190
GRID_WIDTH = 1600
LINES_SIZE = (1400, 300)
PER_STEP_SIZE = (1000, 520)


def grid_title(layer: Layer | None, trace: DirectionTrace, sequence: int) -> str:
    """'lstm (LSTM) · forward · sequence 1 of 2' (+ how a backwards direction reads the time axis), as HTML."""
    name = shown_html(f"{layer.name} ({layer.class_name})" if layer is not None else trace.layer)
    text = f"{name} · {trace.direction} · sequence {sequence + 1} of {trace.batch}"
    if trace.go_backwards:
        text += " · runs backwards: input step t is processed after steps t+1 .. T-1"
    return text


def per_step_title(per_step: PerStep) -> str:
    outputs = f" (output 1 of {len(per_step.values)})" if len(per_step.values) > 1 else ""
    return f"output if the sequence ended after step t{outputs}"


def export_time_plots(model: Model, result: Any, layer_name: str, direction: str, folder: str | Path,
                      sequence: int = 0, value_mode: str = "activation", *, time_step: int | None = None,
                      units: list[int] | None = None, per_step: PerStep | str | None = None) -> list[Path]:
    """Every time-view plot of one layer and direction as PNG: the whole grid, each gate and state
    (heatmap and bars), the bars at the cursor, chosen units, and the per-step output when there is one.

    `time_step` defaults to the last step; `per_step` is computed here when not given.
    Returns the files written ([] when the layer has no trace).
    """
    trace = _trace(result, layer_name, direction)
    if trace is None:
        return []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    layer = model.layer(layer_name)
    series = layer_quantities(trace, layer.directions().get(trace.direction), sequence, value_mode)
    mask = trace.mask[sequence]
    t = trace.time_steps - 1 if time_step is None else max(0, min(time_step, trace.time_steps - 1))
    stem = f"{file_stem(layer, direction)}_time"
    title = grid_title(layer, trace, sequence)
    written = [_grid_png(series, mask, t, title, folder / f"{stem}_steps.png")]
    for one in series:
        written.append(_grid_png([one], mask, t, title, folder / f"{stem}_{one.file_label}.png"))
    written.append(render_png(lambda lay: draw_step_bars(lay, series, t, mask, title), (GRID_WIDTH, 640),
                              folder / f"{stem}_bars_t{t}.png"))
    if units:
        size = (LINES_SIZE[0], LINES_SIZE[1] * unit_grid(len(units))[0])
        written.append(render_png(lambda lay: draw_unit_lines(lay, series, list(units), mask, t), size,
                                  folder / f"{stem}_units.png"))
    per_step = per_step_outputs(model, None, result) if per_step is None else per_step
    if isinstance(per_step, PerStep):
        values = per_step.values[0][sequence]
        written.append(render_png(lambda lay: draw_per_step(lay, values, t, per_step_title(per_step)),
                                  PER_STEP_SIZE, folder / f"{stem}_output_per_step.png"))
    return written


def _trace(result: Any, layer_name: str, direction: str) -> DirectionTrace | None:
    return None if result is None or result.trace is None else result.trace.shown(layer_name, direction)


def _grid_png(series: list[Quantity], mask: np.ndarray, t: int, title: str, path: Path) -> Path:
    size = (GRID_WIDTH, 60 + ROW_HEIGHT * len(series))
    return render_png(lambda lay: draw_time_grid(lay, series, mask, t, title, f"every unit at t = {t}"), size, path)


def plot_file_name(stem: str, plot: pg.PlotItem) -> str:
    """A default file name from the plot's title: lstm_time_forget_gate_f.png."""
    title = plot.titleLabel.text.split("<")[0].split("·")[0].strip() or "plot"
    safe = "".join(ch if ch.isalnum() else "_" for ch in title.replace("~", "_tilde")).strip("_")
    return f"{stem}_time_{safe}.png"
