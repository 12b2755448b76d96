"""Average-linkage hierarchical clustering (UPGMA) of units, in numpy, and its dendrogram leaf order.

Small and dependency-free on purpose: a recurrent layer has at most a few thousand units, and one
n x n distance matrix updated after each merge (Lance-Williams for the average) takes O(n^3) time,
a few tenths of a second for 1,000 units (tests/bench/RESULTS.md, "Units").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.units.correlation import correlations


@dataclass(frozen=True, eq=False)
class Clustering:
    """`merges[k]` = (cluster a, cluster b, distance, size) like a linkage matrix: clusters 0..n-1 are
    the units, cluster n + k is made by merge k. `order` lists the units as the dendrogram's leaves."""

    merges: np.ndarray  # [n - 1, 4]
    order: np.ndarray  # permutation of 0..n-1


def correlation_distance(samples: np.ndarray) -> np.ndarray:
    """samples [observations, units] -> [units, units] distance 1 - r (a constant unit: 1 to all)."""
    r = correlations(samples, samples)
    distance = 1.0 - np.nan_to_num(r, nan=0.0)
    np.fill_diagonal(distance, 0.0)
    return distance


def average_linkage(distance: np.ndarray) -> Clustering:
    """Cluster by average linkage on a symmetric distance matrix; ties merge the lowest indices first."""
    n = int(distance.shape[0])
    d = np.array(distance, dtype=np.float64)
    np.fill_diagonal(d, np.inf)
    size = np.ones(n)
    label = np.arange(n)  # the cluster id stored at each row
    leaves: list[list[int]] = [[u] for u in range(n)]
    merges = np.zeros((max(n - 1, 0), 4))
    for k in range(n - 1):
        i, j = sorted(np.unravel_index(int(np.argmin(d)), d.shape))
        merges[k] = (min(label[i], label[j]), max(label[i], label[j]), d[i, j], size[i] + size[j])
        merged = (size[i] * d[i] + size[j] * d[j]) / (size[i] + size[j])
        d[i], d[:, i] = merged, merged
        d[j], d[:, j] = np.inf, np.inf
        d[i, i] = np.inf
        size[i] += size[j]
        label[i] = n + k
        leaves[i] += leaves[j]
        leaves[j] = []
    order = np.array(next((group for group in leaves if group), []), dtype=np.int64)
    return Clustering(merges, order)
