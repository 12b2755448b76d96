"""The default colour scale of the weights view: the 99.5th percentile of |w| per matrix kind.

A freshly initialised LSTM (Glorot-like W and U around 0.05, forget bias 1.0) is the case the default
exists for: one shared scale spans the bias and the heatmaps come out blank.
"""

from __future__ import annotations

import numpy as np

from inspector.core.analysis import weight_stats
from inspector.core.analysis.weight_stats import ROBUST_PERCENTILE, clipped_count, max_abs, robust_limit


def test_a_few_large_values_do_not_set_the_scale() -> None:
    values = np.concatenate([np.linspace(-1, 1, 9_950), np.full(30, 40.0)])
    assert max_abs([values]) == 40.0
    assert robust_limit([values]) <= 1.0 + 1e-9
    assert 30 <= clipped_count(values, robust_limit([values])) <= 0.006 * values.size


def test_it_is_numpys_percentile_of_the_finite_magnitudes() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(0, 0.05, (64, 256)), rng.normal(0, 0.2, 300)
    b[:5] = [np.nan, np.inf, -np.inf, np.nan, 7.0]
    both = np.abs(np.concatenate([a.ravel(), b]))
    expected = np.percentile(both[np.isfinite(both)], ROBUST_PERCENTILE)
    assert np.isclose(robust_limit([a, b]), expected, rtol=1e-6)


def test_fresh_lstm_weights_and_bias_get_their_own_scales() -> None:
    rng = np.random.default_rng(0)
    units = 256
    kernel = rng.uniform(-0.05, 0.05, (32, 4 * units))
    bias = np.concatenate([np.zeros(units), np.ones(units), np.zeros(2 * units)])
    assert 0.04 < robust_limit([kernel]) <= 0.05
    assert robust_limit([bias]) == 1.0
    assert max_abs([kernel, bias]) == 1.0  # one shared scale: the kernel would span 5% of it


def test_degenerate_matrices_still_get_a_scale() -> None:
    sparse = np.zeros(10_000)
    sparse[:3] = [0.5, -2.0, 1.0]  # the percentile is 0: fall back to the largest |w|
    assert robust_limit([sparse]) == 2.0
    assert robust_limit([np.full((3, 3), np.nan)]) == 1.0
    assert robust_limit([]) == 1.0
    assert clipped_count(np.array([np.nan, np.inf, 3.0, -3.0, 0.1]), 1.0) == 2


def test_huge_matrices_are_sampled_evenly(monkeypatch) -> None:
    rng = np.random.default_rng(5)
    values = rng.normal(0, 1, 400_000)
    exact = robust_limit([values])
    monkeypatch.setattr(weight_stats, "ROBUST_SAMPLE", 40_000)
    assert abs(robust_limit([values]) - exact) / exact < 0.05
