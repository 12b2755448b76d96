"""The Units tab's plots as PNG files, for the window and `lstm-inspector export` alike.

Per recurrent layer and direction: the saturation plots, and h, c and every gate of one sequence as
units x time heatmaps with the units in order (the order the window chose, else clustered by the
similarity of h) and their numbers on the axis. Once per model: the occlusion plot of that sequence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inspector.core.analysis.weight_blocks import file_stem
from inspector.core.engine import Result
from inspector.core.errors import InspectorError
from inspector.core.model.canonical import Model
from inspector.core.units.occlusion import ZERO, Occlusion, occlusion
from inspector.core.units.ordering import UnitOrder, order_by_similarity
from inspector.core.units.quantities import cell_layer, quantity_names, unit_values
from inspector.core.units.statistics import DirectionUnits, unit_table
from inspector.core.units.summary import occlusion_lines
from inspector.gui.units.figures import draw_occlusion, draw_saturation, draw_units_heatmap, quantity_scale
from inspector.gui.units.occlusion_panel import occlusion_title
from inspector.gui.widgets.png import render_png

SATURATION_SIZE = (420, 440)  # per gate
HEATMAP_SIZE = (1400, 700)
OCCLUSION_SIZE = (1100, 480)
MAX_OCCLUDED_STEPS = 1000  # longer sequences: no occlusion plot from the command line (T re-runs)


def export_unit_plots(model: Model, result: Result, inputs: list[np.ndarray], folder: str | Path, *,
                      sequence: int = 0, orders: dict[tuple[str, str], UnitOrder] | None = None,
                      only: tuple[str, str] | None = None, occluded: Occlusion | None = None,
                      notes: list[str] | None = None) -> list[Path]:
    """Write the PNGs; `only` limits them to one (layer, direction); `occluded` is drawn instead of
    computing the zero-baseline occlusion here. Reasons for plots left out go to `notes`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for units in unit_table(model, result, inputs):
        if only is not None and (units.layer, units.direction) != only:
            continue
        trace = result.trace[units.layer][units.direction] if result.trace is not None else None
        if trace is None:
            continue
        order = (orders or {}).get((units.layer, units.direction)) or order_by_similarity(trace)
        stem = _stem(model, units)
        if units.saturation:
            size = (SATURATION_SIZE[0] * len(units.saturation), SATURATION_SIZE[1])
            written.append(render_png(lambda lay, u=units: draw_saturation(lay, u, []), size,
                                      folder / f"{stem}_saturation.png"))
        written += _heatmaps(model, trace, order, sequence, folder / stem)
    found = occluded if occluded is not None else _occlusion(model, result, inputs, notes)
    if found is not None and sequence < found.changes[0].shape[0]:
        written.append(render_png(lambda lay: draw_occlusion(lay, occlusion_lines(found, sequence),
                                                             occlusion_title(found, sequence)),
                                  OCCLUSION_SIZE, folder / f"occlusion_{found.baseline}_sequence{sequence + 1}.png"))
    return written


def _heatmaps(model: Model, trace: Any, order: UnitOrder, sequence: int, stem: Path) -> list[Path]:
    written = []
    cell = cell_layer(model, trace)
    for quantity in quantity_names(trace):
        values = unit_values(trace, quantity)[sequence]
        levels, sequential = quantity_scale(cell, quantity, values)
        title = f"{quantity} · sequence {sequence + 1} · units ordered by {order.by}"
        label = quantity.replace("~", "_tilde")
        written.append(render_png(
            lambda lay, v=values, lv=levels, sq=sequential, ti=title: draw_units_heatmap(
                lay, v, order, trace.mask[sequence], lv, sq, ti, with_region=False),
            HEATMAP_SIZE, stem.with_name(f"{stem.name}_units_{label}_ordered.png")))
    return written


def _occlusion(model: Model, result: Result, inputs: list[np.ndarray], notes: list[str] | None) -> Occlusion | None:
    steps = int(inputs[0].shape[1]) if inputs and inputs[0].ndim >= 2 else 0
    if steps > MAX_OCCLUDED_STEPS:
        if notes is not None:
            notes.append(f"no occlusion plot: {steps} steps would take {steps} re-runs (at most {MAX_OCCLUDED_STEPS})")
        return None
    try:
        return occlusion(model, result, inputs, ZERO)
    except InspectorError as error:
        if notes is not None:
            notes.append(f"no occlusion plot: {error}")
        return None


def _stem(model: Model, units: DirectionUnits) -> str:
    name = units.layer.split("#")[0]
    try:
        return file_stem(model.layer(name), units.direction) + units.layer[len(name):].replace("#", "_call")
    except KeyError:
        return "".join(ch if ch.isalnum() else "_" for ch in f"{units.layer}_{units.direction}")
