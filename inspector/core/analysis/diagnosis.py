"""Why the engine and Keras disagree: re-run the engine on changed copies of the model.

For the first layer that disagrees, each known cause is tried as a variant of the canonical
model (hard_sigmoid meaning 0.2x + 0.5 versus x/6 + 0.5, a changed recurrent_activation
default, the GRU second bias row / reset_after, swapped gate blocks, go_backwards, the
Bidirectional merge mode, masking). A variant whose output agrees with Keras names the cause;
the numbers decide, not a guess. Pure numpy: the variants run in the numpy engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import combinations
from typing import Any

import numpy as np

from inspector.core.analysis.compare import Comparison, LayerDiff, compare_lists, json_number
from inspector.core.engine import run as run_engine
from inspector.core.errors import InspectorError
from inspector.core.model.activations import describe
from inspector.core.model.canonical import Layer, Model, frozen_mapping

Runner = Callable[..., Any]
GATES = {"LSTM": "ifco", "ConvLSTM1D": "ifco", "ConvLSTM2D": "ifco", "ConvLSTM3D": "ifco", "GRU": "zrh"}
HARD_SIGMOID_SWAP = {"hard_sigmoid_keras2": "hard_sigmoid_keras3", "hard_sigmoid_keras3": "hard_sigmoid_keras2"}
DEFAULT_SWAP = {"sigmoid": "hard_sigmoid_keras2", "hard_sigmoid_keras2": "sigmoid"}
MERGE_MODES = ("concat", "sum", "ave", "mul")
IMPROVED = 100.0  # a variant that cuts the error this much, without agreeing, "partly explains"


@dataclass(frozen=True)
class Finding:
    """One cause tried on one layer, and how well Keras's numbers fit it."""

    cause: str
    layer: str
    message: str
    agrees: bool
    max_abs_err_before: float
    max_abs_err_after: float

    def to_json(self) -> dict[str, Any]:
        return {"cause": self.cause, "layer": self.layer, "message": self.message, "agrees": self.agrees,
                "max_abs_err_before": json_number(self.max_abs_err_before),
                "max_abs_err_after": json_number(self.max_abs_err_after)}


@dataclass(frozen=True)
class Variant:
    cause: str
    message: str
    model: Model


def diagnose(model: Model, inputs: Sequence[np.ndarray], comparison: Comparison,
             keras_layers: Mapping[str, Sequence[np.ndarray]], runner: Runner | None = None) -> list[Finding]:
    """Findings for the first disagreeing layer: the causes that fit, else the best partial fit."""
    target = comparison.first_disagreement
    if target is None or target.name not in keras_layers:
        return []
    attempts = [_try(variant, target, inputs, keras_layers[target.name], target.tolerance, runner or run_engine)
                for variant in variants(model, target.name)]
    tried = [finding for finding in attempts if finding is not None]
    fits = [finding for finding in tried if finding.agrees]
    if fits:
        return fits
    partial = [f for f in tried if f.max_abs_err_after * IMPROVED <= f.max_abs_err_before]
    if partial:
        return [min(partial, key=lambda f: f.max_abs_err_after)]
    return [_unexplained(target, len(tried), target.tolerance)]


def _try(variant: Variant, target: LayerDiff, inputs: Sequence[np.ndarray], keras: Sequence[np.ndarray],
         tolerance: float, runner: Runner) -> Finding | None:
    try:
        outputs = runner(variant.model, list(inputs), record_trace=False).layer_outputs.get(target.name)
    except InspectorError:
        return None
    if outputs is None:
        return None
    diffs = compare_lists(outputs, keras, tolerance)
    after = max(d.max_abs_err for d in diffs)
    return Finding(variant.cause, target.name, variant.message, all(d.ok for d in diffs), target.max_abs_err, after)


def _unexplained(target: LayerDiff, tried: int, tolerance: float) -> Finding:
    steps = target.outputs[0].per_step if target.outputs else None
    where = ""
    if steps is not None:
        first = next((t for t, err in enumerate(steps) if err > tolerance), None)
        where = f"; the error first exceeds the tolerance at time step {first}" if first is not None else ""
    return Finding("unknown", target.name, f"none of the {tried} known causes tried explains the difference in "
                   f"{target.name!r} ({target.class_name}){where}", False, target.max_abs_err, target.max_abs_err)


# -- the variants -------------------------------------------------------------------------------

def variants(model: Model, call_name: str) -> Iterator[Variant]:
    """Every known cause that applies to the layer behind `call_name`, as a changed model."""
    name = call_name.split("#")[0]
    try:
        layer = model.layer(name)
    except KeyError:
        return
    for cause, message, changed in _layer_variants(layer):
        yield Variant(cause, message, _with_layer(model, name, changed))
    yield from _masking_variants(model, layer)


def _layer_variants(layer: Layer) -> Iterator[tuple[str, str, Layer]]:
    yield from _activation_variants(layer)
    yield from _gru_bias_variants(layer)
    yield from _gate_order_variants(layer)
    yield from _direction_variants(layer)


def _activation_variants(layer: Layer) -> Iterator[tuple[str, str, Layer]]:
    for key in ("recurrent_activation", "activation"):
        for swap, cause in ((HARD_SIGMOID_SWAP, "hard_sigmoid"), (DEFAULT_SWAP, "activation_default")):
            def swapped(d: Layer, key: str = key, swap: dict[str, str] = swap) -> Layer | None:
                return _set_config(d, **{key: swap[d.config[key]]}) if d.config.get(key) in swap else None

            changed = _map_recurrent(layer, swapped, include_self=True)
            if changed is not None:
                old, new = _first_config(layer, key), _first_config(changed, key)
                yield cause, f"Keras computed {key} as {describe(new)}, the file's Keras as {describe(old)}", changed


def _gru_bias_variants(layer: Layer) -> Iterator[tuple[str, str, Layer]]:
    def reset_after_off(d: Layer) -> Layer | None:
        if d.class_name != "GRU" or not d.config.get("reset_after") or "recurrent_bias" not in d.weights:
            return None
        return _set(d, {"reset_after": False}, bias=d.weights["bias"] + d.weights["recurrent_bias"], recurrent_bias=None)

    def drop_second_row(d: Layer) -> Layer | None:
        if d.class_name != "GRU" or "recurrent_bias" not in d.weights:
            return None
        return _set(d, {}, recurrent_bias=np.zeros_like(d.weights["recurrent_bias"]))

    def swap_rows(d: Layer) -> Layer | None:
        if d.class_name != "GRU" or "recurrent_bias" not in d.weights:
            return None
        return _set(d, {}, bias=d.weights["recurrent_bias"], recurrent_bias=d.weights["bias"])

    def reset_after_on(d: Layer) -> Layer | None:
        if d.class_name != "GRU" or d.config.get("reset_after"):
            return None
        zeros = np.zeros_like(d.weights["bias"]) if "bias" in d.weights else None
        return _set(d, {"reset_after": True}, recurrent_bias=zeros)

    messages = {
        reset_after_off: "Keras used reset_after=False (one bias row, reset before the recurrent product)",
        drop_second_row: "Keras ignored the GRU's second bias row (the recurrent bias)",
        swap_rows: "the GRU's two bias rows are swapped (row 0 input bias, row 1 recurrent bias)",
        reset_after_on: "Keras used reset_after=True (reset applied after the recurrent product, second bias row)",
    }
    for fn, message in messages.items():
        changed = _map_recurrent(layer, fn)
        if changed is not None:
            yield "gru_bias", message, changed


def _gate_order_variants(layer: Layer) -> Iterator[tuple[str, str, Layer]]:
    gates = next((GATES.get(d.class_name) for d in layer.directions().values()), None)
    if not gates:
        return
    for a, b in combinations(range(len(gates)), 2):
        changed = _map_recurrent(layer, partial(_swap_gates, a=a, b=b))
        if changed is not None:
            order = list(gates)
            order[a], order[b] = order[b], order[a]
            yield "gate_order", (f"gate blocks {gates[a]} and {gates[b]} are swapped: Keras's numbers fit the "
                                 f"order {', '.join(order)} (Keras 1 stored LSTM gates as i, c, f, o)"), changed


def _direction_variants(layer: Layer) -> Iterator[tuple[str, str, Layer]]:
    for key, child in (layer.children.items() if layer.class_name == "Bidirectional" else [("", layer)]):
        if not child.is_recurrent:
            continue
        flipped = _set_config(child, go_backwards=not child.config.get("go_backwards", False))
        changed = _replace_child(layer, key, flipped) if key else flipped
        where = f"the {key} direction of {layer.name!r}" if key else repr(layer.name)
        yield "go_backwards", f"Keras ran {where} with go_backwards={flipped.config['go_backwards']}", changed
    if layer.class_name == "Bidirectional":
        current = layer.config.get("merge_mode", "concat")
        for mode in MERGE_MODES:
            if mode != current:
                yield "merge_mode", (f"Keras merged the two directions with merge_mode={mode!r}, the file says "
                                     f"{current!r}"), _set_config(layer, merge_mode=mode)


def _masking_variants(model: Model, target: Layer) -> Iterator[Variant]:
    maskers = [layer for layer in model.layers if layer.class_name == "Masking" or layer.config.get("mask_zero")]
    if maskers:
        unmasked = model
        for layer in maskers:
            unmasked = _with_layer(unmasked, layer.name, _without_mask(layer))
        yield Variant("masking", "Keras did not mask the input (no Masking / mask_zero) but the file asks for it",
                      unmasked)
    for embedding in (layer for layer in model.layers if layer.class_name == "Embedding"):
        if not embedding.config.get("mask_zero"):
            yield Variant("masking", f"Keras masked token 0 in {embedding.name!r} (mask_zero=True)",
                          _with_layer(model, embedding.name, _set_config(embedding, mask_zero=True)))
    if maskers and target.is_recurrent and target.config.get("return_sequences"):
        flag = not target.config.get("zero_output_for_mask", False)
        what = "zeros" if flag else "the previous output"
        yield Variant("masking", f"Keras's sequence output holds {what} at masked time steps "
                      f"(zero_output_for_mask={flag})",
                      _with_layer(model, target.name, _set_config(target, zero_output_for_mask=flag)))


# -- changing canonical layers ----------------------------------------------------------------------

def _without_mask(layer: Layer) -> Layer:
    """Masking becomes an identity (a linear Activation), an Embedding stops masking token 0."""
    if layer.class_name == "Masking":
        return replace(layer, class_name="Activation", config=frozen_mapping({**layer.config, "activation": "linear"}))
    return _set_config(layer, mask_zero=False)


def _with_layer(model: Model, name: str, layer: Layer) -> Model:
    return replace(model, layers=tuple(layer if item.name == name else item for item in model.layers))


def _set_config(layer: Layer, **changes: Any) -> Layer:
    return replace(layer, config=frozen_mapping({**layer.config, **changes}))


def _set(layer: Layer, config: dict[str, Any], **weights: np.ndarray | None) -> Layer:
    merged = {**layer.weights, **weights}
    kept = {role: array for role, array in merged.items() if array is not None}
    return replace(layer, config=frozen_mapping({**layer.config, **config}), weights=frozen_mapping(kept))


def _replace_child(layer: Layer, key: str, child: Layer) -> Layer:
    return replace(layer, children=frozen_mapping({**layer.children, key: child}))


def _map_recurrent(layer: Layer, fn: Callable[[Layer], Layer | None], include_self: bool = False) -> Layer | None:
    """Apply `fn` to every recurrent layer inside `layer` (itself, Bidirectional or TimeDistributed
    children); None when `fn` applies to none of them."""
    if layer.is_recurrent or (include_self and not layer.children):
        return fn(layer)
    changed = {key: _map_recurrent(child, fn, include_self) for key, child in layer.children.items()}
    if all(child is None for child in changed.values()):
        return None
    return replace(layer, children=frozen_mapping({k: changed[k] or c for k, c in layer.children.items()}))


def _first_config(layer: Layer, key: str) -> Any:
    if key in layer.config:
        return layer.config[key]
    return next((_first_config(child, key) for child in layer.children.values()), None)


def _swap_gates(layer: Layer, a: int, b: int) -> Layer | None:
    roles = [role for role in ("kernel", "recurrent_kernel", "bias", "recurrent_bias") if role in layer.weights]
    if not roles:
        return None
    return _set(layer, {}, **{role: _swapped_blocks(layer.weights[role], a, b, len(GATES[layer.class_name]))
                               for role in roles})


def _swapped_blocks(array: np.ndarray, a: int, b: int, gates: int) -> np.ndarray:
    blocks = np.split(array, gates, axis=-1)
    blocks[a], blocks[b] = blocks[b], blocks[a]
    return np.concatenate(blocks, axis=-1)
