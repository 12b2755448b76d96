"""Pearson correlation of every unit with every column of another quantity, over the same samples."""

from __future__ import annotations

import numpy as np

CONSTANT = 1e-9  # a column whose spread is below this (relative to its size) counts as constant


def correlations(units: np.ndarray, other: np.ndarray) -> np.ndarray:
    """units [samples, U], other [samples, K] -> [U, K]; NaN where either side is constant.

    Computed in float64 so float32 traces do not lose the small differences of nearly constant units.
    """
    x, x_norm = _centred(units)
    y, y_norm = _centred(other)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{x.shape[0]} samples of units against {y.shape[0]} of the other quantity")
    with np.errstate(invalid="ignore", divide="ignore"):
        result = (x.T @ y) / (x_norm[:, None] * y_norm[None, :])
    return np.clip(result, -1.0, 1.0)


def _centred(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns minus their mean, and their norms (NaN for constant columns)."""
    v = np.asarray(values, dtype=np.float64)
    size = np.abs(v).max(axis=0, initial=0.0) if v.shape[0] else np.zeros(v.shape[1])
    v = v - v.mean(axis=0) if v.shape[0] else v
    norm = np.sqrt((v * v).sum(axis=0))
    constant = norm <= CONSTANT * np.maximum(size, 1e-30) * np.sqrt(max(v.shape[0], 1))
    return v, np.where(constant, np.nan, norm)
