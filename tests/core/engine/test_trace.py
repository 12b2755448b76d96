"""The trace: layout, time indexing (also backwards), masks, and its numbers against Keras's own
golden values (keras/src/layers/rnn/lstm_test.py, bidirectional_test.py, conv_lstm2d_test.py)."""

from __future__ import annotations

import numpy as np
from engine_builders import (
    LSTM_MASK,
    SEQ_2_4_3,
    TOL,
    bidirectional,
    constant_rnn,
    conv_lstm,
    make_layer,
    model,
    single_layer_model,
)

from inspector.core.engine import run
from inspector.core.model.canonical import InputSpec


def masked_lstm_trace(mask, **config):
    masked = np.where(mask[..., None], SEQ_2_4_3, -1.0).astype("float32")
    masking = make_layer("masking", "Masking", {"mask_value": -1.0}, inputs=["input"])
    rnn = constant_rnn("LSTM", 2, 3, inputs=["masking"], **config)
    result = run(model([InputSpec("input", (None, 4, 3))], [masking, rnn], ["rnn"]), masked)
    return result.trace["rnn"]["forward"]


def test_h_over_time_and_mask_match_keras_masked_sequence():
    # lstm_test.py::test_masking, return_sequences=True: masked steps carry the state
    record = masked_lstm_trace(LSTM_MASK)
    np.testing.assert_allclose(record.h[0, :, 0], [0.01588910, 0.05552048, 0.11755939, 0.11755939], **TOL)
    np.testing.assert_allclose(record.h[1, :, 1], [0.14185596, 0.28556206, 0.28556206, 0.28556206], **TOL)
    np.testing.assert_array_equal(record.mask, LSTM_MASK)
    assert not record.go_backwards


def test_backward_trace_is_indexed_by_input_time_step():
    # lstm_test.py::test_masking, go_backwards=True: the final output 0.15341201 is the state
    # after input step 0, which is masked, so it equals the state after input step 1
    backwards_mask = np.array([[False, True, True, True], [False, False, True, True]])
    record = masked_lstm_trace(backwards_mask, go_backwards=True)
    assert record.go_backwards
    np.testing.assert_allclose(record.h[0, 0], [0.15341201] * 2, **TOL)
    np.testing.assert_allclose(record.h[0, 1], [0.15341201] * 2, **TOL)
    np.testing.assert_allclose(record.h[1, 0], [0.3844719] * 2, **TOL)
    np.testing.assert_allclose(record.h[1, 2], [0.3844719] * 2, **TOL)
    np.testing.assert_array_equal(record.mask, backwards_mask)


def test_final_c_of_both_directions_match_keras_states():
    # bidirectional_test.py::test_return_state
    layer = bidirectional("LSTM", 2, 3, return_state=True)
    m = model([InputSpec("input", (None, 4, 3))], [layer], ["bidirectional"])
    records = run(m, SEQ_2_4_3).trace["bidirectional"]
    np.testing.assert_allclose(records["forward"].c[:, -1, 0], [0.35567185, 1.0492687], **TOL)
    np.testing.assert_allclose(records["backward"].c[:, 0, 0], [0.2501858, 0.941473], **TOL)
    np.testing.assert_allclose(records["backward"].h[:, 0, 0], [0.12659755, 0.44717982], **TOL)
    assert records["backward"].go_backwards and not records["forward"].go_backwards


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_property_lstm_trace_satisfies_keras_cell_equations():
    # Self-consistency (Keras exposes no gates to compare with; h and c are checked against Keras above and
    # in the zoo): keras/src/layers/rnn/lstm.py LSTMCell.call: i, f, o = sigmoid; c = f*c_prev + i*tanh(z_c)
    for backwards in (False, True):
        m = single_layer_model(lambda s, back=backwards: constant_rnn("LSTM", 3, 4, inputs=[s], go_backwards=back), (5, 4))
        x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype("float32")
        r = run(m, x).trace["rnn"]["forward"]
        for name in ("i", "f", "o"):
            pre, act = r.gate(name)
            np.testing.assert_allclose(act, sigmoid(pre), atol=1e-6)
        pre_c, cand = r.gate("c~")
        np.testing.assert_allclose(cand, np.tanh(pre_c), atol=1e-6)
        c_prev = np.zeros_like(r.c)
        if backwards:
            c_prev[:, :-1] = r.c[:, 1:]
        else:
            c_prev[:, 1:] = r.c[:, :-1]
        np.testing.assert_allclose(r.c, r.gate("f")[1] * c_prev + r.gate("i")[1] * cand, atol=1e-6)
        np.testing.assert_allclose(r.h, r.gate("o")[1] * np.tanh(r.c), atol=1e-6)


def test_property_gru_trace_mixes_previous_state_and_candidate():
    # Self-consistency, as for the LSTM: keras/src/layers/rnn/gru.py GRUCell.call: h = z * h_prev + (1 - z) * hh
    for reset_after in (True, False):
        m = single_layer_model(lambda s, after=reset_after: constant_rnn("GRU", 3, 4, inputs=[s], reset_after=after), (5, 4))
        x = np.random.default_rng(1).standard_normal((2, 5, 4)).astype("float32")
        r = run(m, x).trace["rnn"]["forward"]
        assert r.gates == ("z", "r", "h~") and r.c is None
        z, cand = r.gate("z")[1], r.gate("h~")[1]
        h_prev = np.concatenate([np.zeros_like(r.h[:, :1]), r.h[:, :-1]], axis=1)
        np.testing.assert_allclose(r.h, z * h_prev + (1 - z) * cand, atol=1e-6)


def test_layout_is_batch_time_gate_unit_and_contiguous():
    m = single_layer_model(lambda s: constant_rnn("LSTM", 3, 4, inputs=[s]), (7, 4))
    r = run(m, np.ones((2, 7, 4), "float32")).trace["rnn"]["forward"]
    assert r.pre.shape == r.act.shape == (2, 7, 4, 3)
    assert r.h.shape == r.c.shape == (2, 7, 3) and r.mask.shape == (2, 7)
    assert all(a.flags.c_contiguous for a in (r.pre, r.act, r.h, r.c))
    step = r.step(3, batch=1)
    assert set(step) == {"h", "c", "mask", "i", "f", "c~", "o", "i_pre", "f_pre", "c~_pre", "o_pre"}
    assert np.shares_memory(step["h"], r.h)  # a view: O(1), no copy
    keys = set(run(m, np.ones((1, 7, 4), "float32")).trace.arrays())
    assert {"rnn/forward/h", "rnn/forward/c", "rnn/forward/mask", "rnn/forward/c~", "rnn/forward/c~_pre"} <= keys


def test_conv_lstm_trace_layout_and_last_state():
    # conv_lstm2d_test.py::test_correctness: the last h is the layer output
    sequence = np.arange(480).reshape((2, 3, 4, 4, 5)).astype("float32") / 100
    result = run(single_layer_model(lambda s: conv_lstm(2, 2, 5, inputs=[s]), (3, 4, 4, 5)), sequence)
    r = result.trace["conv_lstm"]["forward"]
    assert r.pre.shape == (2, 3, 4, 2, 2, 2)  # [batch, time, gate, rows, cols, filters]
    assert r.h.shape == r.c.shape == (2, 3, 2, 2, 2)
    np.testing.assert_allclose(r.h[:, -1, 0, 0, 0], [0.48694518, 0.8661607], **TOL)


def test_float64_trace_and_outputs():
    m = model([InputSpec("input", (None, 3, 4))], [bidirectional("SimpleRNN", 2, 4)], ["bidirectional"])
    result = run(m, np.arange(24).reshape((2, 3, 4)).astype("float64"), dtype=np.float64)
    assert result.outputs[0].dtype == np.float64
    assert result.trace["bidirectional"]["forward"].h.dtype == np.float64
    # bidirectional_test.py::test_correctness
    np.testing.assert_allclose(result.outputs[0][:, [0, 2]], [[0.39687276, 0.10004295], [0.7237238, 0.53391594]], **TOL)


def test_no_trace_when_not_requested():
    m = single_layer_model(lambda s: constant_rnn("GRU", 3, 4, inputs=[s]), (5, 4))
    assert run(m, np.ones((1, 5, 4), "float32"), record_trace=False).trace is None
