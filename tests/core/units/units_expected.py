"""The per-unit statistics computed the plain way, one unit and one (sequence, step) pair at a time:
the tests hold the library's vectorised numbers against these (the trace itself checked against Keras)."""

from __future__ import annotations

import math

import numpy as np


def pairs(mask: np.ndarray) -> list[tuple[int, int]]:
    return [(b, t) for b in range(mask.shape[0]) for t in range(mask.shape[1]) if mask[b, t]]


def plain_mean_std(values: np.ndarray, mask: np.ndarray, unit: int) -> tuple[float, float]:
    xs = [float(values[b, t, unit]) for b, t in pairs(mask)]
    mean_abs = sum(abs(v) for v in xs) / len(xs)
    mean = sum(xs) / len(xs)
    return mean_abs, math.sqrt(sum((v - mean) ** 2 for v in xs) / len(xs))


def plain_fractions(gate: np.ndarray, mask: np.ndarray, unit: int) -> tuple[float, float]:
    xs = [float(gate[b, t, unit]) for b, t in pairs(mask)]
    return sum(v < 0.1 for v in xs) / len(xs), sum(v > 0.9 for v in xs) / len(xs)


def plain_memory(gate: np.ndarray, mask: np.ndarray, unit: int) -> float:
    xs = [float(gate[b, t, unit]) for b, t in pairs(mask)]
    mean = sum(xs) / len(xs)
    return min(1.0 / (1.0 - mean), 1e6) if mean < 1 else 1e6


def plain_correlation(a: list[float], b: list[float]) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb)
