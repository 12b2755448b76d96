"""Element-wise comparison rules: tolerance, NaN, shapes, worst element, per-step error."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.analysis.compare import compare_arrays, json_number, sequence_steps, tolerance_for


def test_tolerance_grows_with_the_sequence_length() -> None:
    assert tolerance_for(1) == tolerance_for(100) == 1e-5
    assert tolerance_for(500) == pytest.approx(5e-5)
    assert tolerance_for(1000) == tolerance_for(5000) == 1e-4
    assert sequence_steps([np.zeros((2, 37, 3)), np.zeros((2,))]) == 37


def test_agreement_is_absolute_below_one_and_relative_above() -> None:
    keras = np.array([0.5, 1000.0], np.float32)
    assert compare_arrays(keras + np.array([9e-6, 9e-3]), keras, 1e-5).ok
    diff = compare_arrays(keras + np.array([2e-5, 0.0]), keras, 1e-5)
    assert not diff.ok and diff.worst_index == (0,)
    assert diff.max_abs_err == pytest.approx(2e-5, rel=1e-3)
    assert diff.keras_value == pytest.approx(0.5)


def test_nan_at_the_same_positions_agrees_and_elsewhere_does_not() -> None:
    keras = np.array([[np.nan, 1.0], [2.0, np.nan]])
    same = compare_arrays(keras.copy(), keras, 1e-5)
    assert same.ok and same.nan_positions == 2 and same.max_abs_err == 0
    moved = compare_arrays(np.array([[np.nan, 1.0], [np.nan, 3.0]]), keras, 1e-5)
    assert not moved.ok and moved.nan_mismatch == 2 and json_number(moved.max_abs_err) is None


def test_shape_mismatch_is_reported_not_raised() -> None:
    diff = compare_arrays(np.zeros((2, 3)), np.zeros((2, 4)), 1e-5)
    assert not diff.ok and "shape" in diff.problem


def test_per_step_error_of_sequences() -> None:
    keras = np.zeros((2, 5, 3))
    engine = keras.copy()
    engine[1, 3, 2] = 1e-3
    diff = compare_arrays(engine, keras, 1e-5, time_axis=True)
    assert diff.per_step == pytest.approx((0, 0, 0, 1e-3, 0))
    assert diff.worst_index == (1, 3, 2)
