"""Models used as layers written out as a flat graph for the generators (inspector.core.port.inline).

What the ports compute is compared with Keras in test_port_zoo (the nested zoo models port to every
language); here, as an extra property of our own code, the flat graph runs to the same numbers in the
engine, and its layers are named by their path."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.model.canonical import NESTED_MODELS
from inspector.core.model.load import open_model
from inspector.core.port.inline import inline_nested
from tests.zoo.cache import load_arrays

NESTED = ("nested_sequential", "nested_functional_shared", "lstm_stacked_cells", "td_sequential_stack")


def test_property_flat_graph_runs_as_the_nested_model(keras_zoo: list[dict[str, Any]]) -> None:
    seen = set()
    for entry in keras_zoo:
        if entry["id"] not in NESTED or "h5" not in entry["files"]:
            continue
        seen.add(entry["id"])
        model = open_model(entry["files"]["h5"])
        flat = inline_nested(model)
        assert not any(layer.class_name in NESTED_MODELS for layer in flat.layers)
        assert not any(layer.children.get("layer") is not None and layer.children["layer"].class_name in NESTED_MODELS
                       for layer in flat.layers)  # TimeDistributed(Sequential) became one TimeDistributed per layer
        assert any("/" in layer.name for layer in flat.layers)
        inputs = load_arrays(entry["files"]["input"])
        for ours, theirs in zip(run(flat, inputs).outputs, run(model, inputs).outputs, strict=True):
            np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))
    if seen != set(NESTED):
        pytest.fail(f"the zoo built no .h5 of {sorted(set(NESTED) - seen)}")


def test_a_nested_model_called_twice_is_written_out_per_call(keras_zoo: list[dict[str, Any]]) -> None:
    entry = next(e for e in keras_zoo if e["id"] == "nested_functional_shared" and "h5" in e["files"])
    flat = inline_nested(open_model(entry["files"]["h5"]))
    names = {layer.name for layer in flat.layers}
    assert {"encoder/lstm", "encoder#1/lstm", "encoder/deep/dense", "encoder#1/deep/dense"} <= names, names


def test_time_distributed_sequential_becomes_a_chain_of_time_distributed(keras_zoo: list[dict[str, Any]]) -> None:
    entry = next(e for e in keras_zoo if e["id"] == "td_sequential_stack" and "h5" in e["files"])
    flat = inline_nested(open_model(entry["files"]["h5"]))
    chain = [layer for layer in flat.layers if layer.class_name == "TimeDistributed"]
    assert [layer.children["layer"].class_name for layer in chain] == ["Dense", "Dense"]
    assert chain[1].calls[0].inputs[0].layer == chain[0].name and chain[0].name.startswith("time_distributed/")
