"""Display statistics of weight matrices: what the weights view's table, colour scales and histograms show.

Pure numpy. Non-finite values (NaN, Inf) are left out of every statistic and counted separately,
so a model with a few diverged weights still gets readable numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SATURATION_THRESHOLD = 2.0
SATURATION_HELP = (
    f"share of weights with |w| > {SATURATION_THRESHOLD:g}: one such weight alone moves a sigmoid "
    f"to {1 / (1 + np.exp(-SATURATION_THRESHOLD)):.2f} (or tanh to {np.tanh(SATURATION_THRESHOLD):.2f}) "
    "for an input of 1, close to where the gate saturates"
)


@dataclass(frozen=True)
class WeightStats:
    """mean, std, min, max, L2 norm and the saturating share of one array (finite values only)."""

    count: int
    non_finite: int
    mean: float
    std: float
    min: float
    max: float
    l2_norm: float
    saturating: float  # share in 0..1 of |w| > SATURATION_THRESHOLD


def weight_stats(values: np.ndarray, threshold: float = SATURATION_THRESHOLD) -> WeightStats:
    flat = np.asarray(values, dtype=np.float64).ravel()
    finite = flat[np.isfinite(flat)]
    non_finite = int(flat.size - finite.size)
    if finite.size == 0:
        nan = float("nan")
        return WeightStats(0, non_finite, nan, nan, nan, nan, nan, nan)
    return WeightStats(
        count=int(finite.size),
        non_finite=non_finite,
        mean=float(finite.mean()),
        std=float(finite.std()),
        min=float(finite.min()),
        max=float(finite.max()),
        l2_norm=float(np.sqrt(np.sum(finite * finite))),
        saturating=float(np.count_nonzero(np.abs(finite) > threshold) / finite.size),
    )


def max_abs(arrays: Iterable[np.ndarray]) -> float:
    """The largest finite |w| over all arrays; 1.0 when there is none (all NaN, empty or all zero)."""
    best = 0.0
    for array in arrays:
        values = np.abs(np.asarray(array, dtype=np.float64))
        values = values[np.isfinite(values)]
        if values.size:
            best = max(best, float(values.max()))
    return best if best > 0 else 1.0


def symmetric_levels(arrays: Iterable[np.ndarray]) -> tuple[float, float]:
    """Colour levels centred at 0 that hold every finite value: (-m, m)."""
    limit = max_abs(arrays)
    return -limit, limit


ROBUST_PERCENTILE = 99.5  # the default colour scale: a few large weights (a forget bias of 1) are clipped
ROBUST_SAMPLE = 250_000  # beyond this many values the percentile is taken on an even sample: the 99.5th
# percentile of 250,000 values is within about 1% of the exact one, a third of one of the map's 64 colour steps


def robust_limit(arrays: Iterable[np.ndarray], percentile: float = ROBUST_PERCENTILE) -> float:
    """The `percentile`-th percentile of the finite |w| over all arrays, so that a few outliers do not
    set the scale; the largest |w| when that percentile is 0, and 1.0 when there is no finite value.

    Over ROBUST_SAMPLE values (a 512-unit LSTM's U holds 1 million, a 2,048-unit one 16.8 million) it is
    taken on every k-th value of each array, which moves it by far less than a colour step and keeps it a
    few milliseconds: the Weights view computes it while the window waits."""
    arrays = [np.asarray(a) for a in arrays]
    total = sum(a.size for a in arrays)
    step = max(1, -(-total // ROBUST_SAMPLE))
    parts = [np.abs(a.ravel()[::step].astype(np.float32)) for a in arrays]
    values = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return 1.0
    limit = float(np.percentile(values, percentile))
    return limit if limit > 0 else max_abs(arrays)


def clipped_count(values: np.ndarray, limit: float) -> int:
    """How many finite values lie beyond [-limit, limit] (drawn in the clipped colours)."""
    array = np.asarray(values)
    with np.errstate(invalid="ignore"):
        return int(np.count_nonzero(np.isfinite(array) & (np.abs(array) > limit)))


def histogram(values: np.ndarray, bins: int = 60, limit: float | None = None,
              percent: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(edges, counts) of the finite values over [-limit, limit] (limit defaults to max |w|).

    With percent=True the counts are percentages of the finite values, so matrices of very
    different sizes (W of 1951 x 128 and b of 128) can share one plot.
    """
    flat = np.asarray(values, dtype=np.float64).ravel()
    finite = flat[np.isfinite(flat)]
    limit = max_abs([finite]) if limit is None else limit
    counts, edges = np.histogram(finite, bins=bins, range=(-limit, limit))
    if percent:
        return edges, counts * (100.0 / max(finite.size, 1))
    return edges, counts.astype(np.float64)
