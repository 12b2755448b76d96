"""Select a pattern and find it elsewhere (the selection and match of LSTMVis, Strobelt et al. 2018).

Select: on one sequence, a range of steps [start, stop) and a threshold; the selected units are the
ones above the threshold at every processed step of the range and at or below it just before
(at step start - 1; no condition when the range starts at step 0).
Match: every other window of the same length, in every sequence of the batch (the windows of a
loaded series are the batch too), ranked by how many of the selected units are on throughout it,
then by how many of them were off just before; overlapping windows are left out after the best one.
Masked steps neither break nor make a pattern; a window with no processed step is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.engine.trace import DirectionTrace
from inspector.core.units.quantities import quantity_names, unit_values, valid_steps

MAX_MATCHES = 50


@dataclass(frozen=True, eq=False)
class Selection:
    """What the user selected and the units it picked."""

    quantity: str  # "h", "c" or a gate
    sequence: int
    start: int
    stop: int  # exclusive
    threshold: float
    units: np.ndarray

    @property
    def length(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class Match:
    """A window [start, stop) of one sequence where `on` of the selected units are on throughout."""

    sequence: int
    start: int
    stop: int
    on: int
    off_before: int


def select_units(values: np.ndarray, valid: np.ndarray, sequence: int, start: int, stop: int,
                 threshold: float, quantity: str = "h") -> Selection:
    """values [batch, time, units] and valid [batch, time]: the units carrying the selected pattern."""
    steps = values.shape[1]
    if not 0 <= start < stop <= steps:
        raise ValueError(f"the range {start}..{stop - 1} is not inside steps 0..{steps - 1}")
    on = _on_throughout(values[sequence:sequence + 1], valid[sequence:sequence + 1], threshold, stop - start)
    chosen = on[0, start]
    if start > 0:
        chosen &= values[sequence, start - 1] <= threshold
    return Selection(quantity, sequence, start, stop, float(threshold), np.flatnonzero(chosen))


def match_pattern(values: np.ndarray, valid: np.ndarray, selection: Selection,
                  limit: int = MAX_MATCHES) -> list[Match]:
    """The other windows where the selected units are on, best first (see the module text)."""
    units = selection.units
    if units.size == 0:
        return []
    picked = values[:, :, units]
    on = _on_throughout(picked, valid, selection.threshold, selection.length).sum(axis=2)
    off_before = np.zeros_like(on)
    off_before[:, 1:] = (picked[:, : on.shape[1] - 1] <= selection.threshold).sum(axis=2)
    off_before[:, 0] = units.size
    candidates = [
        (int(on[b, s]), int(off_before[b, s]), int(b), int(s))
        for b, s in zip(*np.nonzero(on), strict=True)
        if _has_valid(valid[b, s:s + selection.length]) and not _overlaps(selection, b, s)
    ]
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    return _without_overlaps(candidates, selection.length, limit)


def _on_throughout(values: np.ndarray, valid: np.ndarray, threshold: float, length: int) -> np.ndarray:
    """[batch, windows, units]: True where the unit is above the threshold at every processed step of
    the window starting there (a masked step counts as on; windows = time - length + 1)."""
    off = (values <= threshold) & valid[:, :, None]
    counts = np.concatenate([np.zeros_like(off[:, :1], dtype=np.int64), np.cumsum(off, axis=1, dtype=np.int64)], axis=1)
    return (counts[:, length:] - counts[:, :-length]) == 0


def _has_valid(valid: np.ndarray) -> bool:
    return bool(valid.any())


def _overlaps(selection: Selection, sequence: int, start: int) -> bool:
    return sequence == selection.sequence and start < selection.stop and selection.start < start + selection.length


def _without_overlaps(candidates: list[tuple[int, int, int, int]], length: int, limit: int) -> list[Match]:
    taken: dict[int, list[int]] = {}
    found: list[Match] = []
    for on, off_before, b, s in candidates:
        if any(abs(s - other) < length for other in taken.get(b, [])):
            continue
        taken.setdefault(b, []).append(s)
        found.append(Match(b, s, s + length, on, off_before))
        if len(found) >= limit:
            break
    return found


def find_pattern(trace: DirectionTrace, quantity: str, sequence: int, start: int, stop: int, threshold: float,
                 limit: int = MAX_MATCHES) -> tuple[Selection, list[Match]]:
    """Select on one direction's trace and match across its batch, in one call."""
    if quantity not in quantity_names(trace):
        raise ValueError(f"{trace.cell} has no {quantity!r}; choose one of {', '.join(quantity_names(trace))}")
    values, valid = unit_values(trace, quantity), valid_steps(trace)
    if not 0 <= sequence < values.shape[0]:
        raise ValueError(f"sequence {sequence} does not exist (0..{values.shape[0] - 1})")
    selection = select_units(values, valid, sequence, start, stop, threshold, quantity)
    return selection, match_pattern(values, valid, selection, limit)
