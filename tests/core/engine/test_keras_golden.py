"""Golden values stated in Keras's own layer tests (keras-team/keras, keras/src/layers/rnn/*_test.py,
as installed with keras 3.15.1). Each case cites the test it comes from. Keras asserts these
with atol=rtol=1e-5; so do we.

Keras's tests build layers with Constant initializers: kernel 0.01, recurrent_kernel 0.02,
bias 0.03 (LSTM: unit_forget_bias=True makes the forget-gate bias 1.0; GRU reset_after=True
stores 0.03 in both bias rows). Masks passed as `layer(x, mask=m)` are reproduced with a
Masking layer over a copy of the input whose masked steps equal the mask value.
"""

from __future__ import annotations

import numpy as np
import pytest
from engine_builders import (
    GRU_MASK,
    LSTM_MASK,
    SEQ_2_3_4,
    SEQ_2_4_3,
    SEQ_3_6_4,
    TOL,
    bidirectional,
    constant_rnn,
    conv_lstm,
    make_layer,
    model,
    run_bidirectional,
    single_layer_model,
)

from inspector.core.engine import run
from inspector.core.model.canonical import InputSpec, TensorRef


def predict_single(class_name, units, sequence, **config):
    m = single_layer_model(
        lambda src: constant_rnn(class_name, units, sequence.shape[-1], inputs=[src], **config),
        sequence.shape[1:],
    )
    return run(m, sequence).outputs


def predict_masked(class_name, units, sequence, mask, **config):
    """Keras `layer(sequence, mask=mask)` via Masking(mask_value=-1) on masked steps set to -1."""
    masked = np.where(mask[..., None], sequence, -1.0).astype("float32")
    spec = InputSpec("input", (None,) + sequence.shape[1:])
    masking = make_layer("masking", "Masking", {"mask_value": -1.0}, inputs=["input"])
    rnn = constant_rnn(class_name, units, sequence.shape[-1], inputs=["masking"], **config)
    return run(model([spec], [masking, rnn], ["rnn"]), masked).outputs[0]


def predict_with_state(class_name, units, sequence, states, **config):
    specs = [InputSpec("input", (None,) + sequence.shape[1:])]
    specs += [InputSpec(f"s{k}", (None,) + s.shape[1:]) for k, s in enumerate(states)]
    names = [s.name for s in specs]
    rnn = constant_rnn(class_name, units, sequence.shape[-1], inputs=names, **config)
    return run(model(specs, [rnn], ["rnn"]), [sequence, *states]).outputs[0]


# lstm_test.py::test_correctness
@pytest.mark.parametrize(
    "config, expected",
    [
        ({}, [0.6288687, 0.86899155, 0.9460773]),
        ({"go_backwards": True}, [0.35622165, 0.74789524, 0.8872726]),
        ({"unroll": True}, [0.6288687, 0.86899155, 0.9460773]),
        ({"unit_forget_bias": False}, [0.57019705, 0.8661914, 0.9459622]),
        ({"bias": None}, [0.54986924, 0.86226785, 0.9443936]),
    ],
)
def test_lstm_correctness(config, expected):
    (out,) = predict_single("LSTM", 3, SEQ_3_6_4, **config)
    np.testing.assert_allclose(out, np.repeat(np.array(expected)[:, None], 3, axis=1), **TOL)


# lstm_test.py::test_pass_initial_state
@pytest.mark.parametrize(
    "config, expected",
    [
        ({}, [[0.20574439, 0.3558822], [0.64930826, 0.66276]]),
        ({"go_backwards": True}, [[0.13281618, 0.2790356], [0.5839337, 0.5992567]]),
    ],
)
def test_lstm_initial_state(config, expected):
    state = np.arange(4).reshape((2, 2)).astype("float32")
    out = predict_with_state("LSTM", 2, SEQ_2_4_3, [state, state], **config)
    np.testing.assert_allclose(out, expected, **TOL)




# lstm_test.py::test_masking
def test_lstm_masking():
    out = predict_masked("LSTM", 2, SEQ_2_4_3, LSTM_MASK, unroll=True)
    np.testing.assert_allclose(out, [[0.11755939] * 2, [0.28556206] * 2], **TOL)
    seq = predict_masked("LSTM", 2, SEQ_2_4_3, LSTM_MASK, return_sequences=True)
    np.testing.assert_allclose(seq[0, :, 0], [0.01588910, 0.05552048, 0.11755939, 0.11755939], **TOL)
    np.testing.assert_allclose(seq[1, :, 0], [0.14185596, 0.28556206, 0.28556206, 0.28556206], **TOL)
    zero = predict_masked("LSTM", 2, SEQ_2_4_3, LSTM_MASK, return_sequences=True, zero_output_for_mask=True)
    np.testing.assert_allclose(zero[0, :, 1], [0.01588910, 0.05552048, 0.11755939, 0.0], **TOL)
    np.testing.assert_allclose(zero[1, :, 1], [0.14185596, 0.28556206, 0.0, 0.0], **TOL)
    backwards_mask = np.array([[False, True, True, True], [False, False, True, True]])
    back = predict_masked("LSTM", 2, SEQ_2_4_3, backwards_mask, go_backwards=True)
    np.testing.assert_allclose(back, [[0.15341201] * 2, [0.3844719] * 2], **TOL)


# gru_test.py::test_correctness
@pytest.mark.parametrize(
    "config, expected",
    [
        ({}, [0.5217289, 0.6371659, 0.39384964]),
        ({"go_backwards": True}, [0.24406259, 0.611516, 0.3928808]),
        ({"unroll": True}, [0.5217289, 0.6371659, 0.39384964]),
        ({"reset_after": False}, [0.51447755, 0.6426879, 0.40208298]),
        ({"bias": None}, [0.49988455, 0.64701194, 0.4103359]),
    ],
)
def test_gru_correctness(config, expected):
    (out,) = predict_single("GRU", 3, SEQ_3_6_4, **config)
    np.testing.assert_allclose(out, np.repeat(np.array(expected)[:, None], 3, axis=1), **TOL)


# gru_test.py::test_pass_initial_state and test_pass_return_state
@pytest.mark.parametrize(
    "config, expected",
    [
        ({}, [[0.23774096, 0.33508456], [0.83659905, 1.0227708]]),
        ({"go_backwards": True}, [[0.13486053, 0.23261218], [0.78257304, 0.9691353]]),
    ],
)
def test_gru_initial_and_return_state(config, expected):
    state = np.arange(4).reshape((2, 2)).astype("float32")
    specs = [InputSpec("input", (None, 4, 3)), InputSpec("s0", (None, 2))]
    rnn = constant_rnn("GRU", 2, 3, inputs=["input", "s0"], return_state=True, **config)
    m = model(specs, [rnn], [TensorRef("rnn", 0, 0), TensorRef("rnn", 0, 1)])
    out, final = run(m, [SEQ_2_4_3, state]).outputs
    np.testing.assert_allclose(out, expected, **TOL)
    np.testing.assert_allclose(final, expected, **TOL)




# gru_test.py::test_masking
def test_gru_masking():
    out = predict_masked("GRU", 2, SEQ_2_4_3, GRU_MASK, unroll=True)
    np.testing.assert_allclose(out, [[0.19393763] * 2, [0.30818558] * 2], **TOL)
    seq = predict_masked("GRU", 2, SEQ_2_4_3, GRU_MASK, return_sequences=True)
    np.testing.assert_allclose(seq[0, :, 0], [0.03606692, 0.09497581, 0.09497581, 0.19393763], **TOL)
    np.testing.assert_allclose(seq[1, :, 0], [0.16051409, 0.16051409, 0.16051409, 0.30818558], **TOL)
    zero = predict_masked("GRU", 2, SEQ_2_4_3, GRU_MASK, return_sequences=True, zero_output_for_mask=True)
    np.testing.assert_allclose(zero[0, :, 0], [0.03606692, 0.09497581, 0.0, 0.19393763], **TOL)
    np.testing.assert_allclose(zero[1, :, 0], [0.16051409, 0.0, 0.0, 0.30818558], **TOL)
    back = predict_masked("GRU", 2, SEQ_2_4_3, GRU_MASK, go_backwards=True)
    np.testing.assert_allclose(back, [[0.11669192] * 2, [0.28380975] * 2], **TOL)


# simple_rnn_test.py::test_correctness
@pytest.mark.parametrize(
    "config, expected",
    [
        ({}, [0.405432, 0.73605347]),
        ({"unroll": True}, [0.405432, 0.73605347]),
        ({"go_backwards": True}, [0.11144729, 0.5528889]),
    ],
)
def test_simple_rnn_correctness(config, expected):
    (out,) = predict_single("SimpleRNN", 4, SEQ_2_3_4, **config)
    np.testing.assert_allclose(out, np.repeat(np.array(expected)[:, None], 4, axis=1), **TOL)


# simple_rnn_test.py::test_pass_initial_state
@pytest.mark.parametrize(
    "config, expected",
    [({}, [0.33621645, 0.6262637]), ({"go_backwards": True}, [0.07344437, 0.43043602])],
)
def test_simple_rnn_initial_state(config, expected):
    state = np.arange(8).reshape((2, 4)).astype("float32")
    out = predict_with_state("SimpleRNN", 4, SEQ_2_4_3, [state], **config)
    np.testing.assert_allclose(out, np.repeat(np.array(expected)[:, None], 4, axis=1), **TOL)


# simple_rnn_test.py::test_masking
def test_simple_rnn_masking():
    out = predict_masked("SimpleRNN", 4, SEQ_2_4_3, GRU_MASK, unroll=True)
    np.testing.assert_allclose(out[:, 0], [0.32951632, 0.61799484], **TOL)
    seq = predict_masked("SimpleRNN", 2, SEQ_2_4_3, GRU_MASK, return_sequences=True)
    np.testing.assert_allclose(seq[0, :, 0], [0.0599281, 0.15122814, 0.15122814, 0.32394567], **TOL)
    np.testing.assert_allclose(seq[1, :, 0], [0.3969304, 0.3969304, 0.3969304, 0.608085], **TOL)
    zero = predict_masked("SimpleRNN", 2, SEQ_2_4_3, GRU_MASK, return_sequences=True, zero_output_for_mask=True)
    np.testing.assert_allclose(zero[0, :, 0], [0.0599281, 0.15122814, 0.0, 0.32394567], **TOL)
    np.testing.assert_allclose(zero[1, :, 0], [0.3969304, 0.0, 0.0, 0.608085], **TOL)
    back = predict_masked("SimpleRNN", 4, SEQ_2_4_3, GRU_MASK, go_backwards=True)
    np.testing.assert_allclose(back[:, 0], [0.07376196, 0.43645123], **TOL)


# bidirectional_test.py::test_correctness
def test_bidirectional_correctness():
    (out,) = run_bidirectional(bidirectional("SimpleRNN", 2, 4), SEQ_2_3_4)
    np.testing.assert_allclose(
        out, [[0.39687276, 0.39687276, 0.10004295, 0.10004295], [0.7237238, 0.7237238, 0.53391594, 0.53391594]], **TOL
    )
    (ave,) = run_bidirectional(bidirectional("SimpleRNN", 2, 4, "ave"), SEQ_2_3_4)
    np.testing.assert_allclose(ave, [[0.24845785] * 2, [0.6288199] * 2], **TOL)
    first, second = run_bidirectional(bidirectional("SimpleRNN", 2, 4, None), SEQ_2_3_4, outputs=2)
    np.testing.assert_allclose(first, [[0.39687276] * 2, [0.7237238] * 2], **TOL)
    np.testing.assert_allclose(second, [[0.10004295] * 2, [0.53391594] * 2], **TOL)
    backward = constant_rnn(
        "SimpleRNN", 2, 4, name="backward", inputs=(), kernel=0.03, recurrent=0.02, bias=0.01, go_backwards=True
    )
    (mul,) = run_bidirectional(bidirectional("SimpleRNN", 2, 4, "mul", backward=backward), SEQ_2_3_4)
    np.testing.assert_allclose(mul, [[0.08374989] * 2, [0.6740834] * 2], **TOL)
    (summed,) = run_bidirectional(bidirectional("GRU", 2, 4, "sum", return_sequences=True), SEQ_2_3_4)
    expected = [[0.20937867, 0.34462988, 0.40290534], [0.59829646, 0.6734641, 0.6479671]]
    np.testing.assert_allclose(summed[..., 0], expected, **TOL)
    np.testing.assert_allclose(summed[..., 1], expected, **TOL)


# bidirectional_test.py::test_pass_initial_state
def test_bidirectional_initial_state():
    base = np.arange(4).reshape((2, 2)).astype("float32")
    states = [base * 1, base * 2, base * 3, base * 4]
    (out,) = run_bidirectional(
        bidirectional("LSTM", 2, 3, inputs=("input", "s0", "s1", "s2", "s3")), SEQ_2_4_3, states
    )
    expected = [[0.20794602, 0.4577124, 0.14046375, 0.48191673], [0.6682636, 0.6711909, 0.60943645, 0.60950446]]
    np.testing.assert_allclose(out, expected, **TOL)


# bidirectional_test.py::test_masking
def test_bidirectional_masking():
    masked = np.where(GRU_MASK[..., None], SEQ_2_4_3, -1.0).astype("float32")
    masking = make_layer("masking", "Masking", {"mask_value": -1.0}, inputs=["input"])
    layer = bidirectional("GRU", 2, 3, inputs=("masking",))
    m = model([InputSpec("input", (None, 4, 3))], [masking, layer], ["bidirectional"])
    (out,) = run(m, masked).outputs
    expected = [[0.19393763, 0.19393763, 0.11669192, 0.11669192], [0.30818558, 0.30818558, 0.28380975, 0.28380975]]
    np.testing.assert_allclose(out, expected, **TOL)


# bidirectional_test.py::test_return_state
def test_bidirectional_return_state():
    layer = bidirectional("LSTM", 2, 3, return_state=True)
    out, h1, c1, h2, c2 = run_bidirectional(layer, SEQ_2_4_3, outputs=5)
    np.testing.assert_allclose(out[:, 0], [0.1990008, 0.52335435], **TOL)
    np.testing.assert_allclose(out[:, 2], [0.12659755, 0.44717982], **TOL)
    np.testing.assert_allclose(h1[:, 0], [0.1990008, 0.52335435], **TOL)
    np.testing.assert_allclose(c1[:, 0], [0.35567185, 1.0492687], **TOL)
    np.testing.assert_allclose(h2[:, 0], [0.12659755, 0.44717982], **TOL)
    np.testing.assert_allclose(c2[:, 0], [0.2501858, 0.941473], **TOL)


# conv_lstm1d_test.py::test_correctness
def test_conv_lstm1d_correctness():
    sequence = np.arange(120).reshape((2, 3, 4, 5)).astype("float32") / 10
    (out,) = run(single_layer_model(lambda s: conv_lstm(1, 2, 5, inputs=[s]), (3, 4, 5)), sequence).outputs
    expected = [[[0.40807986] * 2, [0.46421072] * 2], [[0.80933154] * 2, [0.8233646] * 2]]
    np.testing.assert_allclose(out, expected, **TOL)


# conv_lstm2d_test.py::test_correctness
def test_conv_lstm2d_correctness():
    sequence = np.arange(480).reshape((2, 3, 4, 4, 5)).astype("float32") / 100
    (out,) = run(single_layer_model(lambda s: conv_lstm(2, 2, 5, inputs=[s]), (3, 4, 4, 5)), sequence).outputs
    expected = [
        [[[0.48694518] * 2, [0.50237733] * 2], [[0.5461202] * 2, [0.5598283] * 2]],
        [[[0.8661607] * 2, [0.86909103] * 2], [[0.8774414] * 2, [0.8800861] * 2]],
    ]
    np.testing.assert_allclose(out, expected, **TOL)


def _conv_lstm_with_state(x, s1, s2, **config):
    specs = [InputSpec("input", (None,) + x.shape[1:]), InputSpec("h0", (None, 5, 5, 4)), InputSpec("c0", (None, 5, 5, 4))]
    layer = conv_lstm(2, 4, 3, bias=0.0, padding="same", inputs=("input", "h0", "c0"), **config)
    refs = [TensorRef("conv_lstm", 0, k) for k in range(3 if config.get("return_state") else 1)]
    return run(model(specs, [layer], refs), [x, s1, s2]).outputs


# conv_lstm_test.py::ConvLSTMCellTest::test_correctness (one cell step = a 1-step sequence)
def test_conv_lstm_cell_step():
    x = np.arange(150).reshape((2, 1, 5, 5, 3)).astype("float32") / 10
    s = np.arange(200).reshape((2, 5, 5, 4)).astype("float32") / 10
    out, h, c = _conv_lstm_with_state(x, s, s, return_state=True)
    np.testing.assert_allclose(out.sum(), 188.89502, rtol=1e-5)
    np.testing.assert_allclose(h.sum(), 188.89502, rtol=1e-5)
    np.testing.assert_allclose(c.sum(), 2170.444, rtol=1e-5)


# conv_lstm_test.py::ConvLSTMTest::test_correctness
def test_conv_lstm_sequence_with_state():
    x = np.arange(450).reshape((2, 3, 5, 5, 3)).astype("float32") / 100
    s = np.arange(200).reshape((2, 5, 5, 4)).astype("float32") / 100
    (out,) = _conv_lstm_with_state(x, s, s)
    np.testing.assert_allclose(out.sum(), 119.812454, rtol=1e-5)
