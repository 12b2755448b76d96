"""The numbers and blocks behind the weights view, without Qt: statistics, levels, histograms, grid layout."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.analysis.weight_blocks import directions_of, file_stem, grid_positions, layer_blocks, weight_layers
from inspector.core.analysis.weight_stats import (
    SATURATION_HELP,
    SATURATION_THRESHOLD,
    histogram,
    max_abs,
    symmetric_levels,
    weight_stats,
)
from inspector.core.model.load import open_model
from inspector.demo import demo_model


def test_stats_of_known_values() -> None:
    s = weight_stats(np.array([[3.0, -4.0], [0.0, 1.0]]))
    assert (s.count, s.non_finite) == (4, 0)
    assert s.mean == 0.0 and s.min == -4.0 and s.max == 3.0
    assert s.std == pytest.approx(np.sqrt((9 + 16 + 0 + 1) / 4))
    assert s.l2_norm == pytest.approx(np.sqrt(26))
    assert s.saturating == 0.5  # 3 and -4 are beyond |w| > 2


def test_non_finite_values_are_counted_and_left_out() -> None:
    s = weight_stats(np.array([1.0, np.nan, np.inf, -1.0]))
    assert (s.count, s.non_finite, s.mean, s.max) == (2, 2, 0.0, 1.0)
    empty = weight_stats(np.full((2, 2), np.nan))
    assert empty.count == 0 and empty.non_finite == 4 and np.isnan(empty.mean)


def test_saturation_threshold_is_explained() -> None:
    assert SATURATION_THRESHOLD == 2.0 and "|w| > 2" in SATURATION_HELP


def test_levels_are_centred_at_zero() -> None:
    assert symmetric_levels([np.array([0.1, -0.3]), np.array([0.2])]) == (-0.3, 0.3)
    assert symmetric_levels([np.zeros(3)]) == (-1.0, 1.0)
    assert max_abs([np.array([np.nan, -np.inf, 0.5])]) == 0.5


def test_histogram_in_percent_sums_to_100() -> None:
    values = np.random.default_rng(0).normal(size=1000)
    edges, share = histogram(values, bins=20, percent=True)
    assert len(edges) == 21 and share.sum() == pytest.approx(100.0)
    assert edges[0] == -edges[-1] == -np.abs(values).max()


def test_demo_lstm_blocks_and_grid() -> None:
    model = open_model(demo_model("sine_lstm"))
    assert [layer.name for layer in weight_layers(model)] == ["lstm", "dense"]
    blocks = layer_blocks(model.layer("lstm"))
    assert [b.label for b in blocks[:4]] == ["W_i", "W_f", "W_c", "W_o"]
    assert blocks[0].values.shape == (1, 32) and blocks[4].values.shape == (32, 32)
    assert grid_positions(blocks)[:5] == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    assert blocks[5].title == "U_f  recurrent kernel · forget gate"
    (dense,) = layer_blocks(model.layer("dense"))
    assert dense.label == "kernel" and dense.values.shape == (32, 1) and dense.gate == ""


def test_bidirectional_directions_and_file_names() -> None:
    model = open_model(demo_model("bilstm_classifier"))
    layer = model.layer("bidirectional")
    assert directions_of(layer) == ["forward", "backward"]
    assert file_stem(layer, "backward") == "bidirectional_backward"
    assert file_stem(model.layer("dense_2"), "") == "dense_2"
    forward, backward = layer_blocks(layer, "forward"), layer_blocks(layer, "backward")
    assert not np.array_equal(forward[0].values, backward[0].values)
