"""Occlusion over time without Keras: which method applies, progress, cancel, baselines, and (a
self-check, not a proof of correctness) that resuming from the saved states gives what re-running the
whole model gives. tests/reference/test_units_keras.py checks the occluded outputs against Keras."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.engine import Cancelled, run
from inspector.core.errors import BadSequence
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.load import open_model
from inspector.core.units.occlusion import MEAN, RESUMED, WHOLE, ZERO, baseline_values, occlusion
from inspector.core.units.resume import Resumable, resumable
from inspector.demo import demo_model, demo_sequence


def demo(name: str):
    model = open_model(demo_model(name))
    x = read_inputs(demo_sequence(name), model)
    x = [np.concatenate([x[0], x[0][:, ::-1] * 0.5])]  # two sequences
    return model, x, run(model, x)


@pytest.mark.parametrize("name", ["sine_lstm", "sine_gru"])
@pytest.mark.parametrize("baseline", [ZERO, MEAN])
def test_self_check_resumed_occlusion_equals_whole_reruns(name: str, baseline: str) -> None:
    model, x, result = demo(name)
    found = occlusion(model, result, x, baseline)
    assert found.method == RESUMED and found.reason == ""
    assert found.changes[0].shape == (2, x[0].shape[1]) + result.outputs[0].shape[1:]
    whole = occlusion(model, result, x, baseline, resume=False)
    assert whole.method == WHOLE
    np.testing.assert_allclose(found.changes[0], whole.changes[0], atol=1e-6)
    replacement = baseline_values(x[0], baseline)
    for t in (0, 7, x[0].shape[1] - 1):
        occluded = x[0].copy()
        occluded[:, t] = replacement
        whole = run(model, [occluded], record_trace=False).outputs[0]
        np.testing.assert_allclose(found.original[0] + found.changes[0][:, t], whole, atol=1e-6)
    assert np.abs(found.changes[0]).max() > 1e-3, "occluding a step of a sine changes the prediction"


def test_bidirectional_model_reruns_whole_and_says_why() -> None:
    model, x, result = demo("bilstm_classifier")
    assert resumable(model) == "bidirectional (Bidirectional) mixes time steps"
    steps: list[float] = []
    found = occlusion(model, result, x, ZERO, progress=steps.append)
    assert found.method == WHOLE and "Bidirectional" in found.reason
    assert steps[-1] == 1.0 and len(steps) == x[0].shape[1]
    occluded = x[0].copy()
    occluded[:, 3] = 0
    np.testing.assert_allclose(found.original[0] + found.changes[0][:, 3],
                               run(model, [occluded], record_trace=False).outputs[0], atol=1e-6)


def test_cancel_stops_between_steps() -> None:
    model, x, result = demo("sine_lstm")
    calls: list[float] = []
    with pytest.raises(Cancelled):
        occlusion(model, result, x, ZERO, progress=calls.append, cancelled=lambda: len(calls) >= 3)
    assert len(calls) == 3


def test_baselines() -> None:
    x = np.arange(2 * 4 * 3, dtype=np.float32).reshape(2, 4, 3)
    np.testing.assert_array_equal(baseline_values(x, ZERO), np.zeros((2, 3)))
    np.testing.assert_allclose(baseline_values(x, MEAN), x.mean(axis=1))
    with pytest.raises(BadSequence, match="token"):
        baseline_values(np.ones((1, 5), np.int32), MEAN)
    with pytest.raises(ValueError):
        baseline_values(x, "median")


def test_resumable_model_takes_one_state_input_per_saved_state() -> None:
    model, _, _ = demo("sine_lstm")
    prepared = resumable(model)
    assert isinstance(prepared, Resumable)
    assert [state for _, _, state in prepared.states] == ["h", "c"]
    assert len(prepared.model.inputs) == 3 and prepared.timed_outputs == (False,)


def test_a_layer_on_the_final_state_is_not_mistaken_for_a_timed_output() -> None:
    from inspector.core.model.canonical import InputSpec, TensorRef
    from tests.core.engine.engine_builders import constant_rnn, make_layer
    from tests.core.engine.engine_builders import model as build_model

    rnn = constant_rnn("LSTM", 3, 2, kernel=0.4, recurrent=-0.3, return_sequences=True, return_state=True)
    rng = np.random.default_rng(1)
    head = make_layer("head", "Dense", {"units": 2, "activation": "linear"},
                      {"kernel": rng.standard_normal((3, 2)), "bias": np.zeros(2)}, inputs=[TensorRef("rnn", 0, 1)])
    model = build_model([InputSpec("input", (None, 5, 2))], [rnn, head], [TensorRef("rnn"), "head"])
    prepared = resumable(model)
    assert isinstance(prepared, Resumable) and prepared.timed_outputs == (True, False)
    x = [rng.standard_normal((2, 5, 2)).astype(np.float32)]
    result = run(model, x)
    resumed = occlusion(model, result, x, MEAN)
    whole = occlusion(model, result, x, MEAN, resume=False)
    assert resumed.method == RESUMED and resumed.changes[1].shape == (2, 5, 2)
    for ours, theirs in zip(resumed.changes, whole.changes, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
