"""The order in which heatmaps list the units of one layer and direction: by unit number, by a column
of the per-unit table, or by similarity of h over time. The unit number stays on the axis (`labels`),
so a reordered heatmap never mislabels a row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from inspector.core.analysis.weight_blocks import Block
from inspector.core.engine.trace import DirectionTrace
from inspector.core.units.clustering import average_linkage, correlation_distance
from inspector.core.units.quantities import unit_values, valid_steps

BY_UNIT = "unit number"
BY_SIMILARITY = "similarity of h (clustered)"


@dataclass(frozen=True, eq=False)
class UnitOrder:
    """`order[k]` is the unit drawn at position k; `by` says what the order follows."""

    order: np.ndarray
    by: str = BY_UNIT

    @property
    def units(self) -> int:
        return int(self.order.shape[0])

    @property
    def labels(self) -> list[str]:
        """The unit number of every position, for the axis."""
        return [str(int(u)) for u in self.order]

    @property
    def is_natural(self) -> bool:
        return bool(np.array_equal(self.order, np.arange(self.units)))

    def apply(self, values: np.ndarray, axis: int = -1) -> np.ndarray:
        """`values` with its unit axis put in this order."""
        return np.take(values, self.order, axis=axis)

    def ticks(self, max_labels: int = 24) -> list[tuple[int, str]]:
        """(position, unit number) for an axis: every position, or every k-th so at most `max_labels` show."""
        every = max(1, -(-self.units // max_labels))
        return [(k, str(int(self.order[k]))) for k in range(0, self.units, every)]

    def tick_levels(self, first: int = 4) -> list[list[tuple[int, str]]]:
        """Axis tick levels, coarse to fine (at most `first` labels, then 4 times as many, ..., every
        position), each without the positions of the coarser ones: a plot shows the finer levels only
        where their labels fit, and every label is the unit number at that position."""
        levels: list[list[tuple[int, str]]] = []
        shown: set[int] = set()
        count = first
        while True:
            every = max(1, -(-self.units // count))
            level = [(k, label) for k, label in self.ticks(count) if k not in shown] if every > 1 else [
                (k, str(int(self.order[k]))) for k in range(self.units) if k not in shown]
            if level:
                levels.append(level)
                shown.update(k for k, _ in level)
            if every == 1:
                return levels
            count *= 4

    def position_of(self, unit: int) -> int:
        """Where `unit` is drawn."""
        return int(np.flatnonzero(self.order == unit)[0])


def natural_order(units: int) -> UnitOrder:
    return UnitOrder(np.arange(units, dtype=np.int64), BY_UNIT)


def order_by_column(values: np.ndarray, name: str, descending: bool = True) -> UnitOrder:
    """Units sorted by a table column (largest first by default); NaN last, ties by unit number."""
    values = np.asarray(values, dtype=np.float64)
    key = np.where(np.isnan(values), np.inf, -values if descending else values)
    return UnitOrder(np.argsort(key, kind="stable").astype(np.int64), name)


def order_by_similarity(trace: DirectionTrace, quantity: str = "h") -> UnitOrder:
    """Units clustered by the correlation of their `quantity` over every processed (sequence, step)."""
    samples = unit_values(trace, quantity)[valid_steps(trace)]
    if samples.shape[1] < 2:
        return natural_order(samples.shape[1])
    clustering = average_linkage(correlation_distance(samples))
    return UnitOrder(clustering.order, BY_SIMILARITY if quantity == "h" else f"similarity of {quantity} (clustered)")


def ordered_block(block: Block, order: UnitOrder) -> Block:
    """A weight block of a recurrent layer with its unit axes in `order`: the columns (the units of a
    gate) and, for the recurrent kernel U, the rows too (h at t-1 has the same units). Other blocks as they are."""
    if block.column_axis != "unit" or not block.gate or block.values.shape[1] != order.units:
        return block
    values = order.apply(block.values, axis=1)
    if block.matrix == "U" and values.shape[0] == order.units:
        values = order.apply(values, axis=0)
    return replace(block, values=values)
