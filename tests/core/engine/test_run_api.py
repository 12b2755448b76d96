"""The engine's API for the GUI and the CLI: progress, cancellation, errors a user can read."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from engine_builders import SEQ_2_4_3, TOL, constant_rnn, make_layer, model, single_layer_model

from inspector.core.engine import Cancelled, check_runnable, run
from inspector.core.errors import BadSequence, UnsupportedModel
from inspector.core.model.canonical import Call, InputSpec, TensorRef


def lstm_model(steps: int = 50):
    return single_layer_model(lambda s: constant_rnn("LSTM", 3, 3, inputs=[s]), (steps, 3))


def test_progress_rises_to_one():
    seen: list[float] = []
    run(lstm_model(), np.ones((1, 50, 3), "float32"), progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= a <= b <= 1.0 for a, b in zip(seen, seen[1:], strict=False))
    assert len(seen) > 3  # reports from inside the time loop, not only between layers


def test_cancel_between_time_steps():
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 5

    with pytest.raises(Cancelled):
        run(lstm_model(500), np.ones((1, 500, 3), "float32"), cancelled=cancelled)


def test_lambda_layer_is_refused_before_anything_runs():
    dense = make_layer("dense", "Dense", {"units": 1}, {"kernel": np.ones((3, 1))}, inputs=["rnn"])
    code = make_layer("lambda_1", "Lambda", inputs=["dense"], runnable=False,
                      reason="a Lambda layer holds Python code")
    rnn = constant_rnn("LSTM", 3, 3)
    m = model([InputSpec("input", (None, 4, 3))], [rnn, dense, code], ["lambda_1"])
    with pytest.raises(UnsupportedModel, match="lambda_1.*Python code"):
        check_runnable(m)
    seen: list[float] = []
    with pytest.raises(UnsupportedModel, match="lambda_1"):
        run(m, SEQ_2_4_3, progress=seen.append)
    assert seen == []


def test_unknown_class_names_the_layer():
    m = single_layer_model(lambda s: make_layer("mystery", "MyCustomLayer", inputs=[s]), (4, 3))
    with pytest.raises(UnsupportedModel, match="mystery.*MyCustomLayer"):
        run(m, SEQ_2_4_3)


def test_weights_only_file_cannot_run():
    m = replace(lstm_model(), has_architecture=False)
    with pytest.raises(UnsupportedModel, match="weights only"):
        run(m, np.ones((1, 50, 3), "float32"))


def test_wrong_number_of_inputs():
    with pytest.raises(BadSequence, match="1 input"):
        run(lstm_model(4), [SEQ_2_4_3, SEQ_2_4_3])


def test_token_ids_out_of_range():
    emb = make_layer("emb", "Embedding", {"input_dim": 5, "output_dim": 2}, {"embeddings": np.ones((5, 2))},
                     inputs=["input"])
    m = model([InputSpec("input", (None, 3), "int32")], [emb], ["emb"])
    with pytest.raises(BadSequence, match="0..4"):
        run(m, np.array([[1, 2, 7]]))


def test_inputs_by_name_and_shared_layer_calls():
    # lstm_test.py::test_correctness values, one LSTM applied to two inputs
    rnn = constant_rnn("LSTM", 3, 4, inputs=["a"])
    shared = replace(rnn, calls=(Call((TensorRef("a"),)), Call((TensorRef("b"),))))
    specs = [InputSpec("a", (None, 6, 4)), InputSpec("b", (None, 6, 4))]
    m = model(specs, [shared], [TensorRef("rnn", 0), TensorRef("rnn", 1)])
    sequence = np.arange(72).reshape((3, 6, 4)).astype("float32")
    result = run(m, {"b": sequence[:1], "a": sequence})
    np.testing.assert_allclose(result.outputs[0][:, 0], [0.6288687, 0.86899155, 0.9460773], **TOL)
    np.testing.assert_allclose(result.outputs[1][:, 0], [0.6288687], **TOL)
    assert set(result.trace.layers) == {"rnn", "rnn#1"}
    assert set(result.layer_outputs) >= {"rnn", "rnn#1", "a", "b"}
