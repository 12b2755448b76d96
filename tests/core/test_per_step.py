"""Per-step outputs: which method applies, masking rules, progress and cancel, and - as a
self-consistency property only - that the fast methods ("head", "sequence") equal the engine run on
every prefix. Correctness against Keras itself, at every step, is tests/reference/test_per_step_keras.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inspector.core.analysis.per_step import PerStep, last_outputs_by_step, per_step_method, per_step_outputs
from inspector.core.engine import run
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.load import open_model
from inspector.demo import DEMOS, demo_model, demo_sequence
from inspector.reference import seeded_inputs

# corpus models and the method that must apply to them
CORPUS = {
    "k3_stacked_lstm_341.keras": "head",  # LSTM -> Dropout -> LSTM -> Dropout -> Dense
    "k2_dl4j_masking_zero_lstm_220.h5": "head",  # Masking -> LSTM (the model output)
    "k3_embedding_gru_3132.keras": "head",  # token ids -> Embedding -> GRU -> Dense
    "tfk1_dl4j_stacked_bilstm_224tf.h5": "prefix",  # Bidirectional sees the future
    "k2_seq2seq_encoder_decoder_td_224.h5": "prefix",  # encoder state -> RepeatVector -> decoder
    "tfk1_dl4j_lstm_recurrent_relu_224tf.h5": "sequence",  # return_sequences LSTM is the output
    "tfk2_stateful_gru_resetafter_td_2150.h5": "sequence",  # GRU sequences -> TimeDistributed(Dense)
}


def prefix_output(model, inputs: list[np.ndarray], t: int, full: list[np.ndarray]) -> list[np.ndarray]:
    """What the engine gives for the first t+1 steps (the last step of a sequence output)."""
    steps = inputs[0].shape[1]
    prefix = [x[:, : t + 1] if x.ndim >= 2 and x.shape[1] == steps else x for x in inputs]
    outputs = run(model, prefix, record_trace=False).outputs
    return [out[:, -1] if out.ndim >= 3 and ref.ndim >= 3 and ref.shape[1] == steps else out
            for out, ref in zip(outputs, full, strict=True)]


def assert_every_step_equals_prefix_runs(model, inputs: list[np.ndarray]) -> PerStep:
    result = run(model, inputs, record_trace=True)
    per_step = per_step_outputs(model, inputs, result)
    assert isinstance(per_step, PerStep), per_step
    for t in range(inputs[0].shape[1]):
        for k, expected in enumerate(prefix_output(model, inputs, t, result.outputs)):
            np.testing.assert_allclose(per_step.values[k][:, t], expected, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{model.path} t={t} output {k} ({per_step.method})")
    return per_step


@pytest.mark.parametrize("name", DEMOS)
def test_property_demos_every_step_equals_the_engine_on_the_prefix(name: str) -> None:
    model = open_model(demo_model(name))
    inputs = read_inputs(demo_sequence(name), model)
    inputs = [np.concatenate([inputs[0], inputs[0][:, ::-1] * 0.5])]  # two sequences
    per_step = assert_every_step_equals_prefix_runs(model, inputs)
    assert per_step.method == ("prefix" if name == "bilstm_classifier" else "head")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_property_corpus_every_step_equals_the_engine_on_the_prefix(corpus_dir: Path, name: str) -> None:
    model = open_model(corpus_dir / "models" / name)
    per_step = assert_every_step_equals_prefix_runs(model, seeded_inputs(model))
    assert per_step.method == CORPUS[name]


def test_property_masked_steps_follow_keras_last_output_rule(corpus_dir: Path) -> None:
    """Masking model: sequences with masked (all-zero) steps at the start, middle and end."""
    model = open_model(corpus_dir / "models" / "k2_dl4j_masking_zero_lstm_220.h5")
    x = seeded_inputs(model)[0]
    x[0, :3] = 0  # masked before anything was seen: output 0
    x[1, 4:6] = 0
    x[1, -2:] = 0  # masked at the end: the state carried from step 7
    per_step = assert_every_step_equals_prefix_runs(model, [x])
    assert np.all(per_step.values[0][0, :3] == 0)
    np.testing.assert_array_equal(per_step.values[0][1, -1], per_step.values[0][1, -3])


def test_zero_output_for_mask_gives_zero_at_a_masked_step() -> None:
    h = np.arange(12, dtype=np.float32).reshape(1, 4, 3) + 1
    mask = np.array([[False, True, False, True]])
    carried = last_outputs_by_step(h, mask, zero_output=False)
    zeroed = last_outputs_by_step(h, mask, zero_output=True)
    np.testing.assert_array_equal(carried[0, 0], 0)
    np.testing.assert_array_equal(carried[0, 2], h[0, 2])  # the trace already carries the state
    np.testing.assert_array_equal(zeroed[0, 2], 0)
    np.testing.assert_array_equal(zeroed[0, 3], h[0, 3])


def test_long_bidirectional_sequence_says_why_not(corpus_dir: Path) -> None:
    model = open_model(corpus_dir / "models" / "k2_medaka_flip213_stacked_bigru_215.hdf5")
    method, reason = per_step_method(model, 1000)
    assert method == ""
    assert reason.startswith("not available:") and "Bidirectional" in reason and "1000" in reason
    assert per_step_method(model, 50)[0] == "prefix"


def test_a_model_that_needs_the_whole_sequence_says_so(corpus_dir: Path) -> None:
    model = open_model(corpus_dir / "models" / "k2_cudnnlstm_attention_220.h5")
    inputs = seeded_inputs(model)
    answer = per_step_outputs(model, inputs, run(model, inputs))
    assert isinstance(answer, str) and answer.startswith("not available: the model cannot run on the first")


def test_prefix_runs_report_progress_and_can_be_cancelled() -> None:
    from inspector.core.engine import Cancelled

    model = open_model(demo_model("bilstm_classifier"))
    inputs = read_inputs(demo_sequence("bilstm_classifier"), model)
    result = run(model, inputs)
    seen: list[float] = []
    per_step_outputs(model, inputs, result, progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) == inputs[0].shape[1]
    with pytest.raises(Cancelled):
        per_step_outputs(model, inputs, result, cancelled=lambda: True)


def test_inputs_default_to_the_ones_the_result_recorded() -> None:
    model = open_model(demo_model("sine_lstm"))
    inputs = read_inputs(demo_sequence("sine_lstm"), model)
    result = run(model, inputs)
    a, b = per_step_outputs(model, inputs, result), per_step_outputs(model, None, result)
    np.testing.assert_array_equal(a.values[0], b.values[0])
    np.testing.assert_allclose(a.values[0][:, -1], result.outputs[0], rtol=1e-6, atol=1e-7)
