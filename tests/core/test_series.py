"""Series windows as the look-back tutorials cut them, and series files read with one-line errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from inspector.core.errors import BadSequence
from inspector.core.inputs.series import feature_columns, read_series, windows

REPO = Path(__file__).resolve().parents[2]


def tutorial_windows(series: np.ndarray, look_back: int) -> tuple[np.ndarray, np.ndarray]:
    """The loop of the classic tutorials: X[i] = series[i:i+look_back], y[i] = series[i+look_back]."""
    x = [series[i:i + look_back] for i in range(len(series) - look_back)]
    y = [series[i + look_back] for i in range(len(series) - look_back)]
    return np.array(x), np.array(y)


def test_windows_match_the_tutorial_loop() -> None:
    series = np.sin(np.arange(57) / 4.0)
    inputs, targets = windows(series, 10)
    x, y = tutorial_windows(series, 10)
    assert inputs.shape == (47, 10, 1) and targets.shape == (47,)
    np.testing.assert_array_equal(inputs[..., 0], x)
    np.testing.assert_array_equal(targets, y)


def test_windows_match_how_the_demo_models_were_trained() -> None:
    """resources/demo/train_demos.py cut the sine the demos learned from; the same windows come out."""
    spec = importlib.util.spec_from_file_location("train_demos", REPO / "resources" / "demo" / "train_demos.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    series = module.noisy_sine(np.random.default_rng(1), 120)
    x, y = module.windows(series)
    inputs, targets = windows(series, module.LOOK_BACK)
    np.testing.assert_allclose(inputs, x)
    np.testing.assert_allclose(targets, y)


def test_several_columns_features_and_target() -> None:
    values = np.arange(30, dtype=float).reshape(10, 3)  # row t = (3t, 3t+1, 3t+2)
    inputs, targets = windows(values, 4, target_column=2)
    assert inputs.shape == (6, 4, 3)
    np.testing.assert_array_equal(inputs[2], values[2:6])
    np.testing.assert_array_equal(targets, values[4:, 2])
    only, _ = windows(values, 4, target_column=1, features=[1])
    np.testing.assert_array_equal(only[..., 0], tutorial_windows(values[:, 1], 4)[0])


def test_feature_columns_fit_the_model() -> None:
    assert feature_columns(3, 3, 1) == [0, 1, 2]
    assert feature_columns(3, 1, 1) == [1]  # a univariate model reads the target column
    with pytest.raises(BadSequence, match="reads 2 features per time step but the series has 3"):
        feature_columns(3, 2, 0)


@pytest.mark.parametrize(("values", "look_back", "message"), [
    (np.arange(5.0), 5, "has 5 values; a look-back of 5 needs at least 6"),
    (np.arange(5.0), 0, "look-back must be at least 1"),
    (np.array([1.0, np.nan, 3.0, 4.0]), 2, "data row 2, column 1 is nan"),
    (np.array([1.0, np.inf, 3.0, 4.0]), 2, "infinite"),
    (np.array(["a", "b"]), 1, "expected numbers"),
    (np.zeros((0, 2)), 1, "needs rows of numbers"),
])
def test_bad_series_say_what_is_wrong(values: np.ndarray, look_back: int, message: str) -> None:
    with pytest.raises(BadSequence, match=message):
        windows(values, look_back)


def test_bad_target_column() -> None:
    with pytest.raises(BadSequence, match="there is no target column 3"):
        windows(np.zeros((10, 2)), 3, target_column=2)


def test_read_csv_with_header_dates_and_separators(tmp_path: Path) -> None:
    path = tmp_path / "airline.csv"
    path.write_text("Month,Passengers\n1949-01,112\n1949-02,118\n1949-03,132\n")
    series = read_series(path)
    assert series.columns == ("Passengers",) and series.values[:, 0].tolist() == [112, 118, 132]
    path = tmp_path / "two.csv"
    path.write_text("x;y\n1;2\n3;4\n")
    assert read_series(path).columns == ("x", "y")
    path = tmp_path / "plain.csv"
    path.write_text("0.5\n-1.25\n2\n")
    assert read_series(path).values[:, 0].tolist() == [0.5, -1.25, 2.0]


def test_read_npy(tmp_path: Path) -> None:
    np.save(tmp_path / "s.npy", np.arange(6.0))
    series = read_series(tmp_path / "s.npy")
    assert series.values.shape == (6, 1) and series.length == 6


@pytest.mark.parametrize(("text", "message"), [
    ("v\n1\nabc\n", "line 3 holds 'abc', which is not a number"),
    ("a,b\nx,y\nz,w\n", "no column holds numbers"),
    ("a,b\n1,\n2,3\n", "data row 1, column 2 is nan"),
    ("a,b\n1,2\n3\n", "line 3 has 1 columns"),
    ("only,a,header\n", "no rows of numbers"),
])
def test_bad_csv_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(BadSequence, match=message):
        read_series(path)


def test_wrong_files(tmp_path: Path) -> None:
    with pytest.raises(BadSequence, match="no such file"):
        read_series(tmp_path / "missing.csv")
    with pytest.raises(BadSequence, match="must be a .csv or .npy file"):
        read_series(tmp_path / "model.h5")
