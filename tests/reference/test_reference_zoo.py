"""Keras 3 and tf_keras models from the zoo: the child's layer outputs, the engine's agreement with
them, and the diagnosis of deliberately broken canonical models (a reader bug, simulated)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from reference_cases import ZOO_IDS, Batch, Case

from inspector.core.analysis.compare import compare_model
from inspector.core.analysis.diagnosis import diagnose
from inspector.core.engine import run as run_engine
from inspector.core.model.canonical import Layer, Model, frozen_mapping


def compare(case: Case, model: Model | None = None):
    model = model or case.model
    engine = run_engine(model, case.inputs, record_trace=False)
    return compare_model(model, case.inputs, engine, case.result.layer_outputs, case.result.outputs)


def test_progress_goes_through_every_state(zoo_batch: Batch) -> None:
    states = zoo_batch.states
    for state in ("loading Keras", "loading model", "running", "done"):
        assert state in states, states
    assert states[-1] == "done"


def test_both_runtimes_answer(zoo_batch: Batch) -> None:
    runtimes = {case.result.runtime.split()[0] for case in zoo_batch.cases.values()}
    assert runtimes == {"keras", "tf_keras"}, runtimes
    assert {key.split(".")[0] for key in zoo_batch.cases} == set(ZOO_IDS)


def test_child_outputs_are_what_keras_recorded(zoo_batch: Batch) -> None:
    """The model outputs from the child equal the zoo's own `model.predict` within float32 noise."""
    for key, case in zoo_batch.cases.items():
        with np.load(case.extra["entry"]["files"]["expected"], allow_pickle=False) as expected:
            assert len(case.result.outputs) == len(expected.files), key
            for i, got in enumerate(case.result.outputs):
                np.testing.assert_allclose(got, expected[f"out{i}"], atol=1e-6, err_msg=key)


@pytest.mark.parametrize("zoo_id", ZOO_IDS)
def test_engine_agrees_with_keras_layer_by_layer(zoo_batch: Batch, zoo_id: str) -> None:
    cases = [case for key, case in zoo_batch.cases.items() if key.split(".")[0] == zoo_id]
    assert cases
    for case in cases:
        assert case.result.available, case.result.reason
        comparison = compare(case)
        assert comparison.layers, case.key
        assert comparison.ok, (case.key, [(d.name, d.max_abs_err) for d in comparison.layers if not d.ok])
        assert not comparison.unpaired, comparison.unpaired


def test_shared_layer_calls_are_compared_separately(zoo_batch: Batch) -> None:
    names = [d.name for d in compare(zoo_batch.cases["shared_lstm.tf_keras"]).layers]
    assert any("#1" in name for name in names), names


def test_sequences_get_a_per_step_error(zoo_batch: Batch) -> None:
    layer = compare(zoo_batch.cases["lstm_seq.tf_keras"]).layers[0]
    steps = zoo_batch.cases["lstm_seq.tf_keras"].inputs[0].shape[1]
    assert layer.outputs[0].per_step is not None and len(layer.outputs[0].per_step) == steps


# -- diagnosis: break the canonical model the way a reader bug would, the numbers must say how ----------

def recurrent(model: Model) -> Layer:
    return next(layer for layer in model.layers if layer.directions())


def with_layer(model: Model, new: Layer) -> Model:
    return replace(model, layers=tuple(new if layer.name == new.name else layer for layer in model.layers))


def set_config(layer: Layer, **changes) -> Layer:
    return replace(layer, config=frozen_mapping({**layer.config, **changes}))


def hard_sigmoid_other_meaning(model: Model) -> Model:
    layer = recurrent(model)
    swap = {"hard_sigmoid_keras2": "hard_sigmoid_keras3", "hard_sigmoid_keras3": "hard_sigmoid_keras2"}
    return with_layer(model, set_config(layer, recurrent_activation=swap[layer.config["recurrent_activation"]]))


def gru_bias_rows_swapped(model: Model) -> Model:
    layer = recurrent(model)
    weights = {**layer.weights, "bias": layer.weights["recurrent_bias"], "recurrent_bias": layer.weights["bias"]}
    return with_layer(model, replace(layer, weights=frozen_mapping(weights)))


def lstm_gates_in_keras1_order(model: Model) -> Model:
    layer = recurrent(model)
    def icfo(array: np.ndarray) -> np.ndarray:
        i, f, c, o = np.split(array, 4, axis=-1)
        return np.concatenate([i, c, f, o], axis=-1)
    weights = {role: icfo(array) for role, array in layer.weights.items()}
    return with_layer(model, replace(layer, weights=frozen_mapping(weights)))


def forgot_go_backwards(model: Model) -> Model:
    return with_layer(model, set_config(recurrent(model), go_backwards=False))


def wrong_merge_mode(model: Model) -> Model:
    return with_layer(model, set_config(recurrent(model), merge_mode="sum"))


def lost_mask_zero(model: Model) -> Model:
    embedding = next(layer for layer in model.layers if layer.class_name == "Embedding")
    return with_layer(model, set_config(embedding, mask_zero=False))


BROKEN: list[tuple[str, Callable[[Model], Model], str]] = [
    ("lstm_hard_sigmoid.tf_keras", hard_sigmoid_other_meaning, "hard_sigmoid"),
    ("lstm_hard_sigmoid.keras3", hard_sigmoid_other_meaning, "hard_sigmoid"),
    ("gru_seq.tf_keras", gru_bias_rows_swapped, "gru_bias"),
    ("lstm_seq.keras3", lstm_gates_in_keras1_order, "gate_order"),
    ("lstm_backwards_seq.tf_keras", forgot_go_backwards, "go_backwards"),
    ("bi_lstm_ave_seq.tf_keras", wrong_merge_mode, "merge_mode"),
    ("emb_mask_lstm.tf_keras", lost_mask_zero, "masking"),
]


@pytest.mark.parametrize(("key", "breaks", "cause"), BROKEN, ids=[b[2] + "-" + b[0] for b in BROKEN])
def test_diagnosis_names_the_cause(zoo_batch: Batch, key: str, breaks, cause: str) -> None:
    case = zoo_batch.cases[key]
    broken = breaks(case.model)
    comparison = compare(case, broken)
    assert not comparison.ok, "the broken model should disagree with Keras"
    findings = diagnose(broken, case.inputs, comparison, case.result.layer_outputs)
    assert findings and all(f.agrees for f in findings), findings
    assert cause in {f.cause for f in findings}, findings


def test_no_diagnosis_when_nothing_fits(zoo_batch: Batch) -> None:
    case = zoo_batch.cases["simplernn_seq.tf_keras"]
    layer = recurrent(case.model)
    noisy = {role: array + np.float32(0.05) for role, array in layer.weights.items()}
    broken = with_layer(case.model, replace(layer, weights=frozen_mapping(noisy)))
    comparison = compare(case, broken)
    findings = diagnose(broken, case.inputs, comparison, case.result.layer_outputs)
    assert [f.cause for f in findings] == ["unknown"]
    assert "time step 0" in findings[0].message
