"""Which Keras may load a file, decided without Keras: Keras 1, weights-only, Lambda, custom code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.core.model.canonical import Layer, Model, frozen_mapping
from inspector.core.model.load import open_model
from inspector.demo import demo_model
from inspector.reference import KERAS3, TF_KERAS, plan_reference, unsafe_reason

LAMBDA_FILES = ("k2_vui_fmind_model0_gru_ctc_lambda_205.h5", "tfk2_lstm_luong_attention_240.h5",
                "k3_gru_lambda_attention_legacy_391.h5")


def model_of(*layers: Layer, fmt: str = "tfkeras-h5") -> Model:
    return Model(path="x.h5", format=fmt, keras_version="2.15.0", backend="tensorflow", layers=layers)


def layer(name: str, cls: str, config: dict | None = None, **children: Layer) -> Layer:
    return Layer(name, cls, frozen_mapping({"name": name, **(config or {})}), children=frozen_mapping(children),
                 stored_class=cls)


def test_runtime_follows_the_file_format(corpus_dir: Path) -> None:
    models = corpus_dir / "models"
    assert plan_reference(open_model(models / "k3_bilstm_380.keras")).runtime == KERAS3
    assert plan_reference(open_model(models / "k3_gru_legacy_3132.h5")).runtime == KERAS3
    assert plan_reference(open_model(models / "k2_countnet_RNN_keras209.h5")).runtime == TF_KERAS
    assert plan_reference(open_model(models / "tfk2_emoji_stacked_bilstm_2100.h5")).runtime == TF_KERAS
    assert plan_reference(open_model(demo_model())).runtime == KERAS3


def test_keras1_and_weights_only_files_have_no_reference(corpus_dir: Path) -> None:
    keras1 = plan_reference(open_model(corpus_dir / "models" / "k1_dl4j_simple_rnn_tensorflow_1.h5"))
    assert keras1.runtime is None and "Keras 1" in keras1.reason
    weights = plan_reference(open_model(corpus_dir / "models" / "k3w_bilstm_embedding.weights.h5"))
    assert weights.runtime is None and "weights only" in weights.reason


@pytest.mark.parametrize("name", LAMBDA_FILES)
def test_corpus_lambda_files_are_refused(corpus_dir: Path, name: str) -> None:
    plan = plan_reference(open_model(corpus_dir / "models" / name))
    assert plan.runtime is None
    assert "Lambda" in plan.reason and "Python code" in plan.reason


def test_lambda_and_custom_classes_are_found_anywhere() -> None:
    lam = {"class_name": "Lambda", "config": {"name": "lam", "function": ["...", None, None]}}
    nested = layer("inner", "Sequential", {"layers": [{"class_name": "Dense", "config": {}}, lam]})
    assert "Lambda" in unsafe_reason(model_of(layer("in", "InputLayer"), nested))
    wrapped = layer("td", "TimeDistributed", {"layer": lam}, layer=layer("lam", "Lambda"))
    assert "Lambda" in unsafe_reason(model_of(wrapped))
    custom = layer("att", "AttentionWeightedAverage")
    assert "AttentionWeightedAverage" in unsafe_reason(model_of(layer("in", "InputLayer"), custom))
    cell = layer("rnn", "RNN", {"cell": {"class_name": "MyCell", "config": {}}})
    assert "MyCell" in unsafe_reason(model_of(cell))
    keras3_lambda = layer("act", "Activation", {"activation": {"class_name": "__lambda__", "config": {"code": "x"}}})
    assert "serialized Python code" in unsafe_reason(model_of(keras3_lambda))


def test_built_in_layers_are_allowed() -> None:
    stacked = layer("rnn", "RNN", {"cell": {"class_name": "StackedRNNCells", "config": {
        "cells": [{"class_name": "LSTMCell", "config": {}}, {"class_name": "GRUCell", "config": {}}]}}})
    lstm = layer("lstm", "LSTM", {"units": 3})
    bidirectional = layer("bi", "Bidirectional", {"layer": {"class_name": "LSTM", "config": {}}},
                          forward=lstm, backward=lstm)
    assert unsafe_reason(model_of(layer("in", "InputLayer"), stacked, bidirectional)) == ""


def test_the_parent_side_never_imports_tensorflow() -> None:
    code = ("import sys; import inspector.reference, inspector.commands.verify, inspector.core.analysis.diagnosis; "
            "bad = [m for m in ('tensorflow', 'keras', 'tf_keras') if m in sys.modules]; print(bad); "
            "sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout + done.stderr


def test_corpus_refs_are_exactly_the_files_a_reference_is_planned_for(corpus_dir: Path) -> None:
    """Every file with refs is planned; files without refs are refused here or by Keras itself."""
    refs = {entry["file"]: entry["runtime"] for entry in json.loads((corpus_dir / "refs" / "refs.json").read_text())}
    for name, runtime in refs.items():
        plan = plan_reference(open_model(corpus_dir / "models" / name))
        assert plan.possible, (name, plan.reason)
        assert runtime.startswith("keras 3") == (plan.runtime == KERAS3), name
