"""Unit order: sorting by a table column and average-linkage clustering give permutations whose
labels follow the units, and clustering puts units that move together next to each other."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.load import open_model
from inspector.core.units.clustering import average_linkage, correlation_distance
from inspector.core.units.ordering import BY_SIMILARITY, natural_order, order_by_column, order_by_similarity
from inspector.demo import demo_model, demo_sequence


def grouped_signals(seed: int = 0) -> tuple[np.ndarray, list[set[int]]]:
    """[samples, 9 units]: three groups of three units, each a noisy copy of one hidden signal."""
    rng = np.random.default_rng(seed)
    sources = rng.standard_normal((200, 3))
    groups = [{0, 4, 8}, {1, 5, 6}, {2, 3, 7}]
    samples = np.empty((200, 9))
    for g, members in enumerate(groups):
        for u in members:
            samples[:, u] = sources[:, g] * rng.uniform(0.5, 2) + 0.05 * rng.standard_normal(200)
    return samples, groups


def test_clustering_puts_each_group_of_units_together() -> None:
    samples, groups = grouped_signals()
    clustering = average_linkage(correlation_distance(samples))
    order = list(clustering.order)
    assert sorted(order) == list(range(9))
    for members in groups:
        positions = sorted(order.index(u) for u in members)
        assert positions[-1] - positions[0] == 2, (order, members)
    # the last two merges join the groups, far apart; the first ones are inside groups, close
    assert clustering.merges[:6, 2].max() < 0.05 < clustering.merges[-2:, 2].min()
    assert clustering.merges[-1, 3] == 9


def test_average_linkage_merges_by_mean_distance() -> None:
    # points on a line at 0, 1, 5, 6.5: {0,1} (d=1), then {2,3} (d=1.5), then the mean of the four
    # cross distances (5 + 6.5 + 4 + 5.5) / 4 = 5.25
    at = np.array([0.0, 1.0, 5.0, 6.5])
    clustering = average_linkage(np.abs(at[:, None] - at[None, :]))
    np.testing.assert_allclose(clustering.merges, [[0, 1, 1.0, 2], [2, 3, 1.5, 2], [4, 5, 5.25, 4]])


def test_sorting_by_a_column_is_a_permutation_with_labels_following_it() -> None:
    values = np.array([0.3, np.nan, 0.9, 0.1, 0.9])
    order = order_by_column(values, "std h")
    assert list(order.order) == [2, 4, 0, 3, 1]  # largest first, ties by unit number, NaN last
    assert order.labels == ["2", "4", "0", "3", "1"]
    heatmap = np.arange(10 * 5).reshape(10, 5)  # [time, units]: column u holds unit u's values
    ordered = order.apply(heatmap)
    for position, label in enumerate(order.labels):
        np.testing.assert_array_equal(ordered[:, position], heatmap[:, int(label)])
        assert order.position_of(int(label)) == position
    ascending = order_by_column(values, "std h", descending=False)
    assert list(ascending.order) == [3, 0, 2, 4, 1]
    assert natural_order(4).is_natural and not order.is_natural
    assert order.ticks() == [(0, "2"), (1, "4"), (2, "0"), (3, "3"), (4, "1")]
    assert order.ticks(max_labels=2) == [(0, "2"), (3, "3")]
    assert len(natural_order(512).ticks()) <= 24
    levels = natural_order(32).tick_levels()
    assert [len(level) for level in levels] == [4, 12, 16] and levels[0] == [(0, "0"), (8, "8"), (16, "16"), (24, "24")]
    assert sorted(k for level in order.tick_levels(first=2) for k, _ in level) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("name", ["sine_lstm", "bilstm_classifier"])
def test_similarity_order_of_a_real_layer_is_a_permutation(name: str) -> None:
    model = open_model(demo_model(name))
    result = run(model, read_inputs(demo_sequence(name), model))
    for trace in next(iter(result.trace.layers.values())).values():
        order = order_by_similarity(trace)
        assert order.by == BY_SIMILARITY
        assert sorted(order.order) == list(range(trace.h.shape[-1]))
        assert order.labels == [str(u) for u in order.order]
        np.testing.assert_array_equal(order.apply(trace.h[0])[:, 0], trace.h[0][:, order.order[0]])


def test_weight_blocks_follow_the_unit_order_on_both_axes_of_u() -> None:
    from inspector.core.analysis.weight_blocks import layer_blocks
    from inspector.core.units.ordering import ordered_block

    model = open_model(demo_model("sine_lstm"))
    blocks = {b.label: b for b in layer_blocks(model.layer("lstm"))}
    order = order_by_column(np.arange(32.0), "test")  # 31, 30, ..., 0
    w, u, b = (ordered_block(blocks[name], order) for name in ("W_f", "U_f", "b_f"))
    np.testing.assert_array_equal(w.values[:, 0], blocks["W_f"].values[:, 31])
    np.testing.assert_array_equal(u.values[0, 1], blocks["U_f"].values[31, 30])  # h_t-1 unit 31 -> unit 30
    np.testing.assert_array_equal(b.values[0, :3], blocks["b_f"].values[0, [31, 30, 29]])
