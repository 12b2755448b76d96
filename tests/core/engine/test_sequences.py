"""Reading model input files (.npy, .npz, .csv) and checking them against the model's inputs."""

from __future__ import annotations

import numpy as np
import pytest
from engine_builders import constant_rnn, make_layer, model

from inspector.core.errors import BadSequence
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.canonical import InputSpec


@pytest.fixture
def float_model():
    return model([InputSpec("input", (None, None, 3))], [constant_rnn("LSTM", 2, 3)], ["rnn"])


@pytest.fixture
def token_model():
    emb = make_layer("emb", "Embedding", {"input_dim": 10, "output_dim": 3}, {"embeddings": np.ones((10, 3))},
                     inputs=["input"])
    return model([InputSpec("input", (None, None), "float32")], [emb], ["emb"])


@pytest.fixture
def two_input_model():
    specs = [InputSpec("a", (None, 4, 3)), InputSpec("b", (None, 2))]
    return model(specs, [constant_rnn("LSTM", 2, 3, inputs=["a"])], ["rnn"])


def test_npy_with_and_without_batch_axis(tmp_path, float_model):
    np.save(tmp_path / "x.npy", np.ones((2, 5, 3)))
    assert read_inputs(tmp_path / "x.npy", float_model)[0].shape == (2, 5, 3)
    np.save(tmp_path / "y.npy", np.ones((5, 3), "float32"))
    assert read_inputs(tmp_path / "y.npy", float_model)[0].shape == (1, 5, 3)


def test_npz_in_model_input_order(tmp_path, two_input_model):
    np.savez(tmp_path / "x.npz", in0=np.ones((1, 4, 3)), in1=np.zeros((1, 2)))
    a, b = read_inputs(tmp_path / "x.npz", two_input_model)
    assert a.shape == (1, 4, 3) and b.shape == (1, 2)
    np.savez(tmp_path / "missing.npz", in0=np.ones((1, 4, 3)))
    with pytest.raises(BadSequence, match="in0, in1"):
        read_inputs(tmp_path / "missing.npz", two_input_model)
    np.savez(tmp_path / "extra.npz", in0=np.ones((1, 4, 3)), in1=np.zeros((1, 2)), x=np.ones(1))
    with pytest.raises(BadSequence, match="unexpected arrays x"):
        read_inputs(tmp_path / "extra.npz", two_input_model)


def test_csv_rows_are_time_steps(tmp_path, float_model):
    (tmp_path / "x.csv").write_text("a,b,c\n1,2,3\n4,5,6\n")
    (x,) = read_inputs(tmp_path / "x.csv", float_model)
    np.testing.assert_array_equal(x, [[[1, 2, 3], [4, 5, 6]]])
    (tmp_path / "ragged.csv").write_text("1,2,3\n4,5\n")
    with pytest.raises(BadSequence, match="different numbers of columns"):
        read_inputs(tmp_path / "ragged.csv", float_model)
    (tmp_path / "text.csv").write_text("1,2,3\n4,five,6\n")
    with pytest.raises(BadSequence, match="row 2"):
        read_inputs(tmp_path / "text.csv", float_model)


def test_shape_nan_and_empty_are_reported(tmp_path, float_model, two_input_model):
    np.save(tmp_path / "wide.npy", np.ones((1, 5, 4)))
    with pytest.raises(BadSequence, match="axis 2 must be 3"):
        read_inputs(tmp_path / "wide.npy", float_model)
    np.save(tmp_path / "nan.npy", np.array([[[1, np.nan, 3]]]))
    with pytest.raises(BadSequence, match="NaN"):
        read_inputs(tmp_path / "nan.npy", float_model)
    np.save(tmp_path / "empty.npy", np.ones((1, 0, 3)))
    with pytest.raises(BadSequence, match="empty"):
        read_inputs(tmp_path / "empty.npy", float_model)
    np.save(tmp_path / "one.npy", np.ones((1, 4, 3)))
    with pytest.raises(BadSequence, match="2 input"):
        read_inputs(tmp_path / "one.npy", two_input_model)


def test_token_ids_for_embedding_inputs(tmp_path, token_model):
    (tmp_path / "ids.csv").write_text("3\n1\n9\n")
    (ids,) = read_inputs(tmp_path / "ids.csv", token_model)
    assert ids.shape == (1, 3) and ids.dtype.kind == "i"
    np.save(tmp_path / "frac.npy", np.array([[1.5, 2.0]]))
    with pytest.raises(BadSequence, match="integer token ids"):
        read_inputs(tmp_path / "frac.npy", token_model)
    np.save(tmp_path / "big.npy", np.array([[1, 10]]))
    with pytest.raises(BadSequence, match=r"0\.\.9"):
        read_inputs(tmp_path / "big.npy", token_model)


def test_unreadable_files(tmp_path, float_model):
    with pytest.raises(BadSequence, match="no such input file"):
        read_inputs(tmp_path / "nothere.npy", float_model)
    (tmp_path / "x.txt").write_text("1")
    with pytest.raises(BadSequence, match=".npy, .npz or .csv"):
        read_inputs(tmp_path / "x.txt", float_model)
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(BadSequence, match="cannot read"):
        read_inputs(tmp_path / "objects.npy", float_model)
    (tmp_path / "broken.npz").write_bytes(b"PK not really")
    with pytest.raises(BadSequence, match="cannot read"):
        read_inputs(tmp_path / "broken.npz", float_model)
