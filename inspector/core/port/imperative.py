"""The C and JavaScript ports share one program: calls into a small runtime, one per layer.

`program(plan)` turns the plan into `Call`s whose arguments are language-neutral (`Weight`,
`StateSlot`, Python numbers, constant names, tensor variables); to_c.py and to_js.py print
them. The runtime functions (runtime/runtime.c, runtime/runtime.js) have the same names,
arguments and semantics in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inspector.core.model.canonical import Layer
from inspector.core.model.gates import GATES
from inspector.core.port.axes import axes_call
from inspector.core.port.plan import ELEMENTWISE_MERGES, PortPlan, PortStep, Tensor, applied_mask
from inspector.core.port.support import IDENTITIES
from inspector.core.port.weights import fused_recurrent

KINDS = {"LSTM": "KIND_LSTM", "GRU": "KIND_GRU", "SimpleRNN": "KIND_SIMPLE_RNN"}
MERGE_OPS = {"Add": "MERGE_ADD", "Subtract": "MERGE_SUBTRACT", "Multiply": "MERGE_MULTIPLY",
             "Average": "MERGE_ADD", "Maximum": "MERGE_MAXIMUM", "Minimum": "MERGE_MINIMUM"}
PADDINGS = {"valid": "PAD_VALID", "same": "PAD_SAME", "causal": "PAD_CAUSAL"}
SCORE_MODES = {"dot": "SCORE_DOT", "concat": "SCORE_CONCAT"}  # Attention's; AdditiveAttention: SCORE_ADDITIVE
NONE = "NONE"


@dataclass(frozen=True)
class Weight:
    """A weight array by its identifier in the generated code (None: no such array)."""

    name: str


@dataclass(frozen=True)
class StateSlot:
    """The part of the caller's state array a recurrent direction carries (offset per batch row)."""

    offset: int


@dataclass(frozen=True)
class RNNSpec:
    """A recurrent direction's constant description (rnn_layer in the runtime)."""

    name: str
    kind: str
    inputs: int
    units: int
    gates: int
    activation: str
    recurrent_activation: str
    reset_after: bool
    backwards: bool


@dataclass(frozen=True)
class Call:
    outs: tuple[str, ...]
    fn: str
    args: tuple[object, ...]


@dataclass
class Program:
    calls: list[Call] = field(default_factory=list)
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    rnns: list[RNNSpec] = field(default_factory=list)
    state_floats: int = 0  # per batch row


def act(name: str | None) -> str:
    return "ACT_" + str(name or "linear").upper()


def program(plan: PortPlan) -> Program:
    prog = Program()
    for step in plan.steps:
        emit(prog, step, plan)
    return prog


def mask_arg(tensor: Tensor) -> str:
    return tensor.mask_var if tensor.masked else NONE


def emit(prog: Program, step: PortStep, plan: PortPlan) -> None:
    layer, ins, outs = step.layer, step.inputs, step.outputs
    if layer.is_recurrent:
        _recurrent(prog, step, plan)
    elif layer.class_name == "Bidirectional":
        _bidirectional(prog, step, plan)
    elif layer.class_name in ELEMENTWISE_MERGES:
        _merge(prog, step)
    elif layer.class_name == "Dot":
        _dot(prog, step, plan)
    elif layer.class_name in ("Attention", "AdditiveAttention"):
        _attention(prog, step)
    elif layer.class_name == "Concatenate":
        axis = int(layer.config.get("axis", -1))
        acc = ins[0].var
        for k, t in enumerate(ins[1:]):
            target = outs[0].var if k == len(ins) - 2 else f"{step.ident}_part{k}"
            prog.calls.append(Call((target,), "concat2", (acc, t.var, axis)))
            acc = target
    elif layer.class_name == "Embedding":
        table = _weight(prog, f"{step.ident}_embeddings", layer.weights["embeddings"])
        vocabulary, dim = layer.weights["embeddings"].shape
        prog.calls.append(Call((outs[0].var,), "embedding", (ins[0].var, table, int(vocabulary), int(dim))))
    elif layer.class_name == "Masking":
        value = float(layer.config.get("mask_value", 0.0))
        prog.calls.append(Call((outs[0].var, outs[0].mask_var), "masking", (ins[0].var, value)))
    elif layer.class_name == "GlobalAveragePooling1D" or layer.class_name == "GlobalMaxPooling1D":
        average = int(layer.class_name == "GlobalAveragePooling1D")
        prog.calls.append(Call((outs[0].var,), "global_pool", (ins[0].var, mask_arg(ins[0]) if average else NONE,
                                                             average, int(bool(layer.config.get("keepdims"))))))
    else:
        prog.calls.append(Call((outs[0].var,), *per_tensor(prog, layer, step.ident, ins[0].var, 0)))
    _masks(prog, step, plan)


def _weight(prog: Program, name: str, array: np.ndarray | None) -> Weight | None:
    if array is None:
        return None
    prog.weights[name] = np.ascontiguousarray(array, np.float32).ravel()
    return Weight(name)


def per_tensor(prog: Program, layer: Layer, ident: str, x: str, axis_shift: int) -> tuple[str, tuple]:
    """(function, arguments) for a layer with one input and one output."""
    name, config, w = layer.class_name, layer.config, layer.weights
    weight = lambda role: _weight(prog, f"{ident}_{role}", w.get(role))  # noqa: E731
    if name == "Dense":
        kernel = w["kernel"]
        return "dense", (x, weight("kernel"), weight("bias"), int(kernel.shape[0]), int(kernel.shape[1]),
                         act(config.get("activation")))
    if name == "Activation":
        return "activation", (x, act(config.get("activation")))
    if name in IDENTITIES:
        return "identity", (x,)
    if name == "TimeDistributed":
        return per_tensor(prog, layer.children["layer"], f"{ident}_layer", x, 1)
    # normalizations, Softmax, Rescaling and Permute: over any axes (axes.py)
    over_axes = axes_call(layer, x, axis_shift, lambda role, array: _weight(prog, f"{ident}_{role}", array))
    if over_axes:
        return over_axes
    return _shapes_and_activations(prog, layer, ident, x)


def _shapes_and_activations(prog: Program, layer: Layer, ident: str, x: str) -> tuple[str, tuple]:
    name, config = layer.class_name, layer.config
    if name == "Flatten":
        return "flatten", (x,)
    if name == "Reshape":
        target = [int(v) for v in config["target_shape"]]
        return "reshaped", (x, len(target), tuple(target))
    if name == "RepeatVector":
        return "repeat_vector", (x, int(config["n"]))
    if name == "ReLU":
        top = config.get("max_value")
        return "relu_layer", (x, float(config.get("negative_slope") or 0.0), int(top is not None),
                              float(top or 0.0), float(config.get("threshold") or 0.0))
    if name == "LeakyReLU":
        return "leaky_relu", (x, float(config.get("negative_slope", config.get("alpha", 0.3))), 0, 0.0)
    if name == "ELU":
        return "leaky_relu", (x, float(config.get("alpha", 1.0)), 1, 0.0)
    if name == "ThresholdedReLU":
        return "leaky_relu", (x, 0.0, 2, float(config.get("theta", 1.0)))
    if name == "PReLU":  # alpha [*input_shape[1:]], shared axes of size 1 (inside TimeDistributed: per step)
        alpha = layer.weights["alpha"]
        return "prelu", (x, _weight(prog, f"{ident}_alpha", alpha), alpha.ndim, tuple(int(d) for d in alpha.shape))
    return _conv(prog, layer, ident, x)


def _int(value: Any, default: int = 1) -> int:
    if value is None:
        return default
    return int(value[0]) if isinstance(value, (list, tuple)) else int(value)


def _conv(prog: Program, layer: Layer, ident: str, x: str) -> tuple[str, tuple]:
    name, config = layer.class_name, layer.config
    padding = PADDINGS[str(config.get("padding", "valid")).lower()]
    if name == "Conv1D":
        kernel = layer.weights["kernel"]
        k, fin, fout = (int(v) for v in kernel.shape)
        return "conv1d", (x, _weight(prog, f"{ident}_kernel", kernel), _weight(prog, f"{ident}_bias",
                          layer.weights.get("bias")), k, fin, fout, _int(config.get("strides")),
                          _int(config.get("dilation_rate")), padding, act(config.get("activation")))
    size = _int(config.get("pool_size"), 2)
    stride = _int(config.get("strides"), size)
    return "pool1d", (x, size, stride, padding, int(name == "AveragePooling1D"))


def _merge(prog: Program, step: PortStep) -> None:
    op = MERGE_OPS[step.layer.class_name]
    ins, out = step.inputs, step.outputs[0].var
    acc = ins[0].var
    for k, t in enumerate(ins[1:]):
        last = k == len(ins) - 2 and step.layer.class_name != "Average"
        target = out if last else f"{step.ident}_part{k}"
        prog.calls.append(Call((target,), "merge2", (acc, t.var, op)))
        acc = target
    if step.layer.class_name == "Average":
        prog.calls.append(Call((out,), "scale", (acc, float(len(ins)))))


def _dot(prog: Program, step: PortStep, plan: PortPlan) -> None:
    """Keras Dot: axes an int (both inputs) or a pair, negative from the end (the runtime resolves them)."""
    config = step.layer.config
    axes = config.get("axes", -1)
    ax, ay = (int(a) for a in axes) if isinstance(axes, (list, tuple)) else (int(axes), int(axes))
    prog.calls.append(Call((step.outputs[0].var,), "dot", (step.inputs[0].var, step.inputs[1].var, ax, ay,
                                                           int(bool(config.get("normalize"))),
                                                           int(plan.model.keras_major >= 3))))


def _attention(prog: Program, step: PortStep) -> None:
    """Attention / AdditiveAttention: inputs [query, value] or [query, value, key]; the query and value
    masks; outputs the result and the attention weights (the second output of return_attention_scores)."""
    layer, config, ins = step.layer, step.layer.config, step.inputs
    weight = lambda role: _weight(prog, f"{step.ident}_{role}", layer.weights.get(role))  # noqa: E731
    additive = layer.class_name == "AdditiveAttention"
    mode = "SCORE_ADDITIVE" if additive else SCORE_MODES[str(config.get("score_mode", "dot"))]
    scale = weight("scale") if not additive or config.get("use_scale", True) else None
    key = ins[2] if len(ins) > 2 else ins[1]
    causal = int(bool(config.get("use_causal_mask") or config.get("causal")))
    outs = [t.var for t in step.outputs] + [f"{step.ident}_weights"] * (2 - len(step.outputs))
    prog.calls.append(Call(tuple(outs), "attention", (ins[0].var, ins[1].var, key.var, mask_arg(ins[0]),
                                                      mask_arg(ins[1]), mode, scale,
                                                      weight("concat_score_weight"), causal)))


def _direction(prog: Program, cell: Layer, name: str) -> RNNSpec:
    fused = fused_recurrent(cell)
    for role, array in fused.items():
        _weight(prog, f"{name}_{role}", array)
    config = cell.config
    spec = RNNSpec(name, KINDS[cell.class_name], int(fused["kernel"].shape[0]), int(config["units"]),
                   len(GATES[cell.class_name]), act(config.get("activation")),
                   act(config.get("recurrent_activation")), bool(config.get("reset_after")),
                   bool(config.get("go_backwards")))
    prog.rnns.append(spec)
    return spec


def _run_direction(prog: Program, spec: RNNSpec, step: PortStep, plan: PortPlan, initial: list[Tensor],
                   zero_output: bool, sequences: bool, prefix: str) -> tuple[str, str, str]:
    x = step.inputs[0]
    masked = applied_mask(step.layer, [t.masked for t in step.inputs], plan.model.keras_major)
    init = [t.var for t in initial] + [NONE] * (2 - len(initial))
    slot = StateSlot(prog.state_floats)
    prog.state_floats += 2 * spec.units
    outs = (f"{prefix}_y", f"{prefix}_h", f"{prefix}_c")
    prog.calls.append(Call(outs, "rnn", (spec, x.var, x.mask_var if masked else NONE, *init, slot,
                                         int(zero_output), int(sequences))))
    return outs


def _recurrent(prog: Program, step: PortStep, plan: PortPlan) -> None:
    layer, outs = step.layer, step.outputs
    spec = _direction(prog, layer, f"{step.ident}_forward")
    y, h, c = _run_direction(prog, spec, step, plan, step.inputs[1:], bool(layer.config.get("zero_output_for_mask")),
                             bool(layer.config.get("return_sequences")), step.ident)
    results = [y, h, c][: len(outs)]
    for out, value in zip(outs, results, strict=True):
        prog.calls.append(Call((out.var,), "identity", (value,)))


def _bidirectional(prog: Program, step: PortStep, plan: PortPlan) -> None:
    layer, outs = step.layer, step.outputs
    forward, backward = layer.children["forward"], layer.children["backward"]
    sequences = bool(forward.config.get("return_sequences"))
    initial = step.inputs[1:]
    half = len(initial) // 2
    a = _run_direction(prog, _direction(prog, forward, f"{step.ident}_forward"), step, plan, initial[:half],
                       sequences, sequences, f"{step.ident}_fw")
    b = _run_direction(prog, _direction(prog, backward, f"{step.ident}_backward"), step, plan, initial[half:],
                       sequences, sequences, f"{step.ident}_bw")
    y, y_reverse = a[0], b[0]
    if sequences:
        prog.calls.append(Call((f"{step.ident}_bw_flipped",), "flip_time", (b[0],)))
        y_reverse = f"{step.ident}_bw_flipped"
    mode = layer.config.get("merge_mode", "concat")
    merged = [y, y_reverse] if mode is None else [outs[0].var]
    if mode == "concat":
        prog.calls.append(Call((outs[0].var,), "concat2", (y, y_reverse, -1)))
    elif mode in ("sum", "mul", "ave"):
        op = "MERGE_MULTIPLY" if mode == "mul" else "MERGE_ADD"
        target = outs[0].var if mode != "ave" else f"{step.ident}_sum"
        prog.calls.append(Call((target,), "merge2", (y, y_reverse, op)))
        if mode == "ave":
            prog.calls.append(Call((outs[0].var,), "scale", (target, 2.0)))
    states = [a[1], a[2], b[1], b[2]] if forward.class_name == "LSTM" else [a[1], b[1]]
    values = merged + (states if forward.config.get("return_state") else [])
    for out, value in zip(outs, values, strict=True):
        if out.var != value:
            prog.calls.append(Call((out.var,), "identity", (value,)))


def _masks(prog: Program, step: PortStep, plan: PortPlan) -> None:
    layer, ins = step.layer, step.inputs
    for out in step.outputs:
        if not out.masked or layer.class_name == "Masking":
            continue
        if layer.class_name == "Embedding":
            prog.calls.append(Call((out.mask_var,), "token_mask", (ins[0].var,)))
        elif layer.class_name in ELEMENTWISE_MERGES or layer.class_name == "Concatenate":
            present = [t.mask_var for t in ins if t.masked]
            if plan.model.keras_major >= 3 and len(present) < len(ins):
                prog.calls.append(Call((out.mask_var,), "mask_ones", (present[0],)))
                continue
            acc = present[0]
            for k, m in enumerate(present[1:]):
                target = f"{out.mask_var}_{k}"
                prog.calls.append(Call((target,), "mask_merge", (acc, m, int(plan.model.keras_major < 3))))
                acc = target
            prog.calls.append(Call((out.mask_var,), "identity", (acc,)))
        else:
            prog.calls.append(Call((out.mask_var,), "identity", (ins[0].mask_var,)))
