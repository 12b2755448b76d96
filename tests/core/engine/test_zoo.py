"""Every Keras zoo model (built by real Keras 3 and tf_keras in a child process, random weights):
open the saved file, run the numpy engine, compare with what Keras computed.

Tolerance 1e-5 absolute: Keras and numpy sum the float32 matrix products in different orders
(Eigen vs OpenBLAS blocking), which moves the last bits; over the zoo's short sequences that
stays below 1e-6, 1e-5 leaves room without hiding a wrong gate (those differ by > 1e-2).

The trace is checked against Keras where Keras exposes the same numbers: h over time against a
return_sequences output (at unmasked steps; masked outputs are zero or carried, the trace holds
the carried state), and the final c against the third return_state output of an LSTM.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from inspector.core.engine import run
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer, Model
from inspector.core.model.load import open_model
from tests.zoo.cache import load_arrays
from tests.zoo.recipes import all_recipes

ATOL = 1e-5

# What the canonical model cannot express yet: recipe id -> reason (strict xfail).
KNOWN_UNSUPPORTED: dict[str, str] = {}


def cases() -> list[Any]:
    params = []
    for recipe in all_recipes():
        for runtime in recipe.runtimes:
            for kind in ("keras", "h5") if runtime == "keras3" else ("h5",):
                marks = []
                if recipe.id in KNOWN_UNSUPPORTED:
                    marks.append(pytest.mark.xfail(raises=UnsupportedModel, strict=True,
                                                   reason=KNOWN_UNSUPPORTED[recipe.id]))
                params.append(pytest.param(recipe.id, runtime, kind, marks=marks,
                                           id=f"{recipe.id}-{runtime}-{kind}"))
    return params


@pytest.fixture(scope="module")
def zoo_by_key(keras_zoo: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(entry["id"], entry["runtime"]): entry for entry in keras_zoo}



@pytest.mark.parametrize("recipe_id, runtime, kind", cases())
def test_zoo_model_matches_keras(recipe_id, runtime, kind, zoo_by_key) -> None:
    entry = zoo_by_key.get((recipe_id, runtime))
    if entry is None:
        pytest.skip(f"{runtime} did not build {recipe_id} (see test_zoo_generates)")
    if kind not in entry["files"]:
        pytest.skip(f"{runtime} could not save {recipe_id} as {kind}")
    model = open_model(entry["files"][kind])
    inputs = load_arrays(entry["files"]["input"])
    result = run(model, inputs, record_trace=True)
    expected = load_arrays(entry["files"]["expected"])
    assert len(result.outputs) == len(expected)
    for k, (ours, keras) in enumerate(zip(result.outputs, expected, strict=True)):
        np.testing.assert_allclose(ours, keras, atol=ATOL, rtol=0, err_msg=f"model output {k}")
    check_layer_outputs(result.layer_outputs, entry["files"]["layers"])
    check_trace_against_keras(model, result)


def check_layer_outputs(ours: dict[str, list[np.ndarray]], layers_file) -> None:
    """Keras's per-layer outputs: key `name` (one output) or `name/k` (output k)."""
    with np.load(layers_file) as keras:
        for key in keras.files:
            name, _, index = key.partition("/")
            assert name in ours, f"no output recorded for layer {name}"
            np.testing.assert_allclose(ours[name][int(index or 0)], keras[key], atol=ATOL, rtol=0,
                                       err_msg=f"layer output {key}")


def check_trace_against_keras(model: Model, result) -> None:
    for layer in model.layers:
        if len(layer.calls) != 1 or layer.name not in result.layer_outputs:
            continue
        outputs = result.layer_outputs[layer.name]  # equal to Keras's layer outputs (checked above)
        if layer.is_recurrent:
            config = layer.config
            sequence = outputs[0] if config.get("return_sequences") else None
            final_c = outputs[2] if config.get("return_state") and len(outputs) > 2 else None
            check_direction(layer, result.trace[layer.name]["forward"], sequence, final_c)
        elif layer.class_name == "Bidirectional":
            check_bidirectional(layer, result.trace[layer.name], outputs)


def check_direction(layer: Layer, record, sequence, final_c) -> None:
    """`sequence` in Keras order for this layer (reversed when go_backwards), final c state."""
    if layer.config.get("data_format") == "channels_first":
        return  # the trace is channels_last; Keras's sequence is not
    backwards = bool(layer.config.get("go_backwards"))
    if sequence is not None:
        by_input_time = np.flip(sequence, axis=1) if backwards else sequence
        valid = record.mask
        np.testing.assert_allclose(record.h[valid], by_input_time[valid], atol=ATOL, rtol=0,
                                   err_msg=f"{layer.name}: trace h vs Keras sequence output")
    if final_c is not None and record.c is not None:
        np.testing.assert_allclose(record.c[:, 0 if backwards else -1], final_c, atol=ATOL, rtol=0,
                                   err_msg=f"{layer.name}: trace final c vs Keras state output")


def check_bidirectional(layer: Layer, records, outputs) -> None:
    """Bidirectional outputs: merged (1, or 2 when merge_mode is None), then each direction's states."""
    forward, backward = layer.children["forward"], layer.children["backward"]
    mode = layer.config.get("merge_mode", "concat")
    halves: tuple = (None, None)
    if forward.config.get("return_sequences") and mode == "concat":
        half = outputs[0].shape[-1] // 2
        halves = (outputs[0][..., :half], outputs[0][..., half:])
    elif forward.config.get("return_sequences") and mode is None:
        halves = (outputs[0], outputs[1])
    merged = 1 if mode is not None else 2
    has_c = forward.class_name == "LSTM" or forward.class_name.startswith("ConvLSTM")
    c_forward = c_backward = None
    if forward.config.get("return_state") and has_c:
        c_forward, c_backward = outputs[merged + 1], outputs[merged + 3]
    check_direction(forward, records["forward"], halves[0], c_forward)
    backward_keras_order = None if halves[1] is None else _keras_order(backward, halves[1])
    check_direction(backward, records["backward"], backward_keras_order, c_backward)


def _keras_order(layer: Layer, sequence: np.ndarray) -> np.ndarray:
    """Bidirectional returns the backward sequence in input order; back to the layer's own order."""
    return np.flip(sequence, axis=1) if layer.config.get("go_backwards") else sequence
