"""Hostile inputs get one line that says what is wrong and where: NaN/Inf, empty, ragged, wrong
feature counts, token ids, batches that disagree, and sequences too long to trace."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from inspector.core.engine import check_runnable, run
from inspector.core.errors import BadSequence, InspectorError
from inspector.core.inputs.generators import default_inputs
from inspector.core.inputs.sequences import TRACE_LIMIT_BYTES, read_inputs, trace_bytes, validate
from inspector.core.model.canonical import InputSpec
from inspector.core.model.load import open_model

sys.path.insert(0, str(Path(__file__).parent / "engine"))
from engine_builders import constant_rnn, make_layer, model  # noqa: E402


@pytest.fixture
def lstm():
    return model([InputSpec("x", (None, None, 3))], [constant_rnn("LSTM", 512, 3, inputs=["x"])], ["rnn"])


@pytest.fixture
def tokens():
    emb = make_layer("emb", "Embedding", {"input_dim": 10, "output_dim": 3}, {"embeddings": np.ones((10, 3))},
                     inputs=["ids"])
    return model([InputSpec("ids", (None, None))], [emb], ["emb"])


def test_nan_and_inf_are_refused_with_where_they_are(lstm) -> None:
    x = np.zeros((2, 6, 3), np.float32)
    x[1, 4, 2] = np.nan
    x[1, 5, 0] = np.inf
    with pytest.raises(BadSequence, match=r"'x': NaN at sequence 2, time step 4, feature 3 \(and 1 more NaN or Inf\); the model cannot take NaN"):
        validate([x], lstm)
    with pytest.raises(BadSequence, match=r": -Inf at sequence 1, time step 0, feature 1;"):
        validate([np.array([[[-np.inf, 0, 0]]])], lstm)


def test_empty_input(lstm) -> None:
    with pytest.raises(BadSequence, match=r"the sequence is empty: add a time step"):
        validate([np.zeros((1, 0, 3))], lstm)
    with pytest.raises(BadSequence, match="empty"):
        validate([np.zeros((0, 5, 3))], lstm)


def test_wrong_feature_count_names_the_axis(lstm) -> None:
    with pytest.raises(BadSequence, match=r"axis 2 must be 3 for this model \(3 features per time step\), got shape \(1, 5, 4\)"):
        validate([np.zeros((1, 5, 4))], lstm)
    fixed = model([InputSpec("x", (None, 14, 3))], [constant_rnn("LSTM", 2, 3, inputs=["x"])], ["rnn"])
    with pytest.raises(BadSequence, match=r"axis 1 must be 14 for this model \(exactly 14 time steps\)"):
        validate([np.zeros((1, 15, 3))], fixed)


def test_ragged_rows(lstm) -> None:
    with pytest.raises(BadSequence, match="rows have different lengths"):
        validate([[[[1, 2, 3], [4, 5]]]], lstm)


def test_token_ids_say_which_one(tokens) -> None:
    with pytest.raises(BadSequence, match=r"integer token ids, got fractions \(2.5 at sequence 1, time step 1\)"):
        validate([np.array([[1, 2.5, 3]])], tokens)
    with pytest.raises(BadSequence, match=r"token ids must be 0..9, got 1..12 \(12 at sequence 1, time step 2\)"):
        validate([np.array([[1, 3, 12]])], tokens)
    with pytest.raises(BadSequence, match="NaN"):
        validate([np.array([[1.0, np.nan]])], tokens)


def test_every_input_needs_the_same_batch() -> None:
    specs = [InputSpec("a", (None, 4, 3)), InputSpec("b", (None, 4, 3))]
    two = model(specs, [constant_rnn("LSTM", 2, 3, inputs=["a"])], ["rnn"])
    with pytest.raises(BadSequence, match="same number of sequences; got 'a' 1, 'b' 2"):
        validate([np.zeros((1, 4, 3)), np.zeros((2, 4, 3))], two)


def test_trace_size_cap(lstm) -> None:
    # 512-unit LSTM: (2 x 4 gates + h + c) x 512 x 4 bytes + mask = 20,481 bytes per time step
    assert trace_bytes(lstm, 1, 1000) == 20481 * 1000
    long = np.zeros((1, 30_000, 3), np.float32)
    assert validate([long], lstm)[0].shape == (1, 30_000, 3)  # without a cap (the command line)
    with pytest.raises(BadSequence, match=r"30000 time steps x 1 sequence\(s\) would need about 586 MB .* limit is 512 MB"):
        validate([long], lstm, max_trace_bytes=TRACE_LIMIT_BYTES)
    validate([long[:, :20_000]], lstm, max_trace_bytes=TRACE_LIMIT_BYTES)


def test_trace_size_estimate_is_close_for_the_corpus(corpus_dir: Path) -> None:
    """Within a factor 2 of what the engine records (exact for plain recurrent stacks)."""
    exact = 0
    for path in sorted((corpus_dir / "models").iterdir()):
        try:
            found = open_model(path)
            check_runnable(found)
        except InspectorError:
            continue
        inputs = default_inputs(found)
        recorded = run(found, inputs).trace.nbytes
        timed = [a for a in inputs if a.ndim >= 2]
        estimate = trace_bytes(found, inputs[0].shape[0], max(a.shape[1] for a in timed), timed[0].shape[2:])
        assert recorded / 2 <= estimate <= recorded * 2, path.name
        exact += estimate == recorded
    assert exact >= 30


def test_csv_file_messages(tmp_path, lstm) -> None:
    (tmp_path / "semi.csv").write_text("a;b;c\n1,5;2;3\n4;5;6\n")  # a spreadsheet with decimal commas
    np.testing.assert_array_equal(read_inputs(tmp_path / "semi.csv", lstm)[0], [[[1.5, 2, 3], [4, 5, 6]]])
    (tmp_path / "bad.csv").write_text("1,2,3\n4,x,6\n")
    with pytest.raises(BadSequence, match=r"bad.csv: row 2, column 2: 'x' is not a number"):
        read_inputs(tmp_path / "bad.csv", lstm)
    (tmp_path / "nan.csv").write_text("1,2,3\n4,nan,6\n")
    with pytest.raises(BadSequence, match=r"NaN at sequence 1, time step 1, feature 2"):
        read_inputs(tmp_path / "nan.csv", lstm)
    (tmp_path / "wide.csv").write_text("1,2,3,4\n")
    with pytest.raises(BadSequence, match="3 features per time step"):
        read_inputs(tmp_path / "wide.csv", lstm)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(BadSequence, match="no rows of numbers"):
        read_inputs(tmp_path / "empty.csv", lstm)
    (tmp_path / "latin1.csv").write_bytes("t\xe9mp\n1\n".encode("latin-1"))
    with pytest.raises(BadSequence, match="cannot read it as CSV"):
        read_inputs(tmp_path / "latin1.csv", lstm)
