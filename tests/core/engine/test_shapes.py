"""Keras-style output shapes found by probing the engine (None = batch or input-dependent)."""

from __future__ import annotations

import numpy as np
from engine_builders import constant_rnn, make_layer, model

from inspector.core.engine import output_shapes
from inspector.core.model.canonical import InputSpec, TensorRef


def conv_stack(steps):
    conv = make_layer("conv", "Conv1D", {"filters": 4, "kernel_size": (3,), "padding": "valid"},
                      {"kernel": np.ones((3, 8, 4)), "bias": np.zeros(4)}, inputs=["input"])
    rnn = constant_rnn("LSTM", 5, 4, inputs=["conv"], return_sequences=True)
    pool = make_layer("pool", "GlobalAveragePooling1D", inputs=["rnn"])
    dense = make_layer("dense", "Dense", {"units": 2}, {"kernel": np.ones((5, 2))}, inputs=["pool"])
    return model([InputSpec("input", (None, steps, 8))], [conv, rnn, pool, dense], ["dense"])


def test_free_time_axis_stays_none():
    shapes = output_shapes(conv_stack(None))
    assert shapes == {
        "input": [(None, None, 8)],
        "conv": [(None, None, 4)],
        "rnn": [(None, None, 5)],
        "pool": [(None, 5)],
        "dense": [(None, 2)],
    }


def test_fixed_time_axis_is_computed():
    shapes = output_shapes(conv_stack(10))
    assert shapes["conv"] == [(None, 8, 4)]  # valid convolution: 10 - 3 + 1
    assert shapes["rnn"] == [(None, 8, 5)]


def test_fixed_batch_is_kept_and_states_listed():
    rnn = constant_rnn("LSTM", 3, 2, return_state=True)
    m = model([InputSpec("input", (4, None, 2))], [rnn], [TensorRef("rnn", 0, k) for k in range(3)])
    assert output_shapes(m)["rnn"] == [(4, 3), (4, 3), (4, 3)]


def test_layers_that_cannot_run_and_everything_after_are_none():
    rnn = constant_rnn("GRU", 3, 2)
    code = make_layer("lambda", "Lambda", inputs=["rnn"], runnable=False, reason="Python code")
    dense = make_layer("dense", "Dense", {"units": 1}, {"kernel": np.ones((3, 1))}, inputs=["lambda"])
    m = model([InputSpec("input", (None, 7, 2))], [rnn, code, dense], ["dense"])
    shapes = output_shapes(m)
    assert shapes["rnn"] == [(None, 3)]
    assert shapes["lambda"] is None and shapes["dense"] is None
