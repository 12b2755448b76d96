"""The per-unit table as columns (the window's table, sorting, CSV) and as rows (JSON).

Column names are what the table header shows: "mean |h|", "std h", "i left", "i right", ...,
"memory (steps)", "dead", then "r in[0]", "r out0[1]" for the correlations.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from inspector.core.units.statistics import DirectionUnits

MEAN_ABS_H, STD_H, MEMORY, DEAD = "mean |h|", "std h", "memory (steps)", "dead"


def columns(units: DirectionUnits) -> dict[str, np.ndarray]:
    """Every column of one direction's table, in display order; each array is indexed by unit."""
    found: dict[str, np.ndarray] = {MEAN_ABS_H: units.mean_abs_h, STD_H: units.std_h}
    for gate, fractions in units.saturation.items():
        found[f"{gate} left"] = fractions[:, 0]
        found[f"{gate} right"] = fractions[:, 1]
    if units.memory_steps is not None:
        found[MEMORY] = units.memory_steps
    found[DEAD] = units.dead.astype(np.float64)
    for name, values in units.input_correlation.items():
        found[f"r {name}"] = values
    for name, values in units.output_correlation.items():
        found[f"r {name}"] = values
    return found


def rows(tables: list[DirectionUnits]) -> list[dict[str, Any]]:
    """One JSON-ready object per unit of every direction (NaN becomes None)."""
    out = []
    for units in tables:
        for u in range(units.units):
            out.append({
                "layer": units.layer, "direction": units.direction, "unit": u,
                "mean_abs_h": _number(units.mean_abs_h[u]), "std_h": _number(units.std_h[u]),
                "saturation": {g: [_number(f[u, 0]), _number(f[u, 1])] for g, f in units.saturation.items()},
                "memory_steps": None if units.memory_steps is None else _number(units.memory_steps[u]),
                "dead": bool(units.dead[u]),
                "input_correlation": {k: _number(v[u]) for k, v in units.input_correlation.items()},
                "output_correlation": {k: _number(v[u]) for k, v in units.output_correlation.items()},
            })
    return out


def csv_header_and_lines(tables: list[DirectionUnits]) -> tuple[list[str], list[list[str]]]:
    """A header (layer, direction, unit, then the union of every table's columns) and one line per unit."""
    names: list[str] = []
    for units in tables:
        names += [name for name in columns(units) if name not in names]
    lines = []
    for units in tables:
        found = columns(units)
        for u in range(units.units):
            cells = [cell_text(found[name][u], name) if name in found else "" for name in names]
            lines.append([units.layer, units.direction, str(u), *cells])
    return ["layer", "direction", "unit", *names], lines


def cell_text(value: float, column: str) -> str:
    """How a table cell reads: yes/no for dead, 'nan' for undefined, 4 significant digits otherwise."""
    if column == DEAD:
        return "yes" if value else "no"
    value = float(value)
    if math.isnan(value):
        return "nan"
    return f"{value:.4g}"


def _number(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value
