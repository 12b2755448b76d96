"""Plain sentences about a direction's units, and the lines the occlusion plot draws: the same words and
numbers for the window, `lstm-inspector units` and the exported PNGs."""

from __future__ import annotations

import numpy as np

from inspector.core.units.occlusion import Occlusion
from inspector.core.units.patterns import Match, Selection
from inspector.core.units.statistics import DirectionUnits

NAMED_UNITS = 5  # units named per sentence
MAX_OCCLUSION_LINES = 8  # output components drawn: the ones that change most


def saturation_share(units: DirectionUnits) -> tuple[np.ndarray, list[str]]:
    """Per unit: the largest share of steps one of its gates spends saturated, and that gate."""
    gates = list(units.saturation)
    if not gates:
        return np.zeros(units.units), [""] * units.units
    shares = np.nan_to_num(np.stack([units.saturation[g].sum(axis=1) for g in gates]))  # [gate, unit]
    return shares.max(axis=0), [gates[int(k)] for k in shares.argmax(axis=0)]


def summary_lines(units: DirectionUnits) -> list[str]:
    """Which units saturate most, remember longest, are dead."""
    lines = []
    if units.saturation:
        share, gate = saturation_share(units)
        most = [u for u in np.argsort(-share, kind="stable")[:NAMED_UNITS] if share[u] > 0]
        named = ", ".join(f"unit {u} ({gate[u]} {share[u]:.0%} of steps)" for u in most)
        lines.append("most saturated: " + (named or "none (no gate below 0.1 or above 0.9)"))
    if units.memory_steps is not None:
        order = np.argsort(-np.nan_to_num(units.memory_steps, nan=-1.0), kind="stable")[:NAMED_UNITS]
        longest = ", ".join(f"unit {u} ({units.memory_steps[u]:.3g} steps)" for u in order)
        lines.append(f"longest memory ({units.memory_gate} gate): {longest}")
    dead = np.flatnonzero(units.dead)
    lines.append("dead: " + (", ".join(str(u) for u in dead) if dead.size else "none"))
    return lines


def selection_text(selection: Selection) -> str:
    steps = f"steps {selection.start}-{selection.stop - 1}"
    if selection.units.size == 0:
        return f"no unit of {selection.quantity} is above {selection.threshold:g} throughout {steps} and off before"
    units = ", ".join(str(u) for u in selection.units)
    return f"{selection.units.size} unit(s) of {selection.quantity} on throughout {steps}: {units}"


def match_text(match: Match, selection: Selection, first: int = 1) -> str:
    """'sequence 3, steps 12-16: 2 of 2 units on (2 off before)': sequences counted from `first` (the window
    counts from 1, the command line from 0 like its --sequence)."""
    return (f"sequence {match.sequence + first}, steps {match.start}-{match.stop - 1}: "
            f"{match.on} of {selection.units.size} units on ({match.off_before} off before)")


def occlusion_lines(found: Occlusion, sequence: int) -> list[tuple[str, np.ndarray]]:
    """(label, change over t) of the output components that change most for one sequence."""
    lines = []
    for k, changes in enumerate(found.changes):
        values = changes[sequence].reshape(changes.shape[1], -1)  # [time, components]
        for j in range(values.shape[1]):
            label = f"out{k}" if len(found.changes) == 1 and values.shape[1] == 1 else f"out{k}[{j}]"
            lines.append((label, values[:, j]))
    lines.sort(key=lambda line: -float(np.abs(line[1]).max(initial=0.0)))
    return lines[:MAX_OCCLUSION_LINES]
