"""The layers of a model used as a layer are listed and found by their path ("inner_rnn/lstm"), the name the
engine's trace gives them, so the Weights, Time steps and Units views and `inspector.load(...).trace` can show
them. Files written by real Keras (the zoo)."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.core.analysis.per_step import per_step_method
from inspector.core.analysis.weight_blocks import weight_layers
from inspector.core.engine import run
from inspector.core.model.load import open_model
from tests.zoo.cache import load_arrays

NESTED = ("nested_sequential", "lstm_stacked_cells")


def _nested_entries(keras_zoo: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [entry for entry in keras_zoo if entry["id"] in NESTED and "keras" in entry["files"]]
    if not found:
        pytest.fail(f"the zoo built none of {NESTED}")
    return found


def test_nested_recurrent_layers_are_the_traced_ones_by_path(keras_zoo: list[dict[str, Any]]) -> None:
    for entry in _nested_entries(keras_zoo):
        model = open_model(entry["files"]["keras"])
        inputs = load_arrays(entry["files"]["input"])
        traced = run(model, inputs, record_trace=True).trace
        names = [layer.name for layer in model.recurrent_layers]
        assert names and all("/" in name for name in names), entry["id"]
        assert names == list(traced.layers), entry["id"]  # every listed layer has a trace, and only those
        for name in names:
            layer = model.layer(name)
            assert layer.name == name and layer.directions()
            assert any(shown.name == name for shown in weight_layers(model))
        outer = names[0].split("/")[0]
        assert model.layer(outer).class_name == "Sequential"  # the model itself is still found by its name
        assert per_step_method(model, int(inputs[0].shape[1]))[0] == "prefix"  # not "no recurrent layer"


def test_an_unknown_path_is_a_key_error(keras_zoo: list[dict[str, Any]]) -> None:
    model = open_model(_nested_entries(keras_zoo)[0]["files"]["keras"])
    for name in ("inner_rnn/nothing", "nothing/lstm", "/"):
        with pytest.raises(KeyError):
            model.layer(name)
    assert [layer.name for layer in model.all_layers if "/" not in layer.name] == [layer.name for layer in model.layers]
