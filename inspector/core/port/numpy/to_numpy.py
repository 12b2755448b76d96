"""The numpy port: `model.py` (imports only numpy), `weights.npz` and the runner `run.py`.

Read top to bottom: the activations the model uses, Keras's time loop, one function per
layer with the equations, then `predict` (whole sequences, batched) and `Stream` (one time
step at a time, when the model allows it).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np

from inspector.core.engine.layers.preprocessing import config_numbers
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer
from inspector.core.port.names import comment_text
from inspector.core.port.numpy.layers import (
    MERGE_EXPRESSIONS,
    Emitted,
    attention,
    bidirectional,
    dot,
    header,
    mask_of,
    multi_head_attention,
    recurrent,
)
from inspector.core.port.numpy.source import ACTIVATION_SOURCE, HELPERS, NEEDS, RUNNER
from inspector.core.port.numpy.spatial import CONVOLUTIONS, SPATIAL_HELPERS, needs_spatial, spatial_lines
from inspector.core.port.numpy.statistics import statistics_lines
from inspector.core.port.plan import ELEMENTWISE_MERGES, PortPlan, PortStep
from inspector.core.port.support import ATTENTION_HEADS, IDENTITIES
from inspector.core.port.weights import port_weights


def body_lines(layer: Layer, w: str, keras_major: int) -> list[str]:
    """Lines computing `y` from `x` for a layer with one input and one output (w: weight prefix)."""
    name, config = layer.class_name, layer.config
    weight = lambda role: f'weights["{w}/{role}"]'  # noqa: E731
    if name == "Dense":
        bias = f" + {weight('bias')}" if "bias" in layer.weights else ""
        return [f"y = {config.get('activation') or 'linear'}(x @ {weight('kernel')}{bias})"]
    if name == "Activation":
        return [f"y = {config.get('activation') or 'linear'}(x)"]
    if name in IDENTITIES:
        return ["y = x  # identity at inference"]
    if name == "Masking":
        return [f"keep = np.any(x != np.float32({float(config.get('mask_value', 0.0))!r}), axis=-1)",
                "y = x * keep[..., None].astype(np.float32)"]
    if name == "BatchNormalization":
        return _batch_norm(layer, weight)
    if name == "LayerNormalization":
        return _layer_norm(layer, weight)
    if name == "RMSNormalization":
        return _rms_norm(layer, weight)
    if name == "Rescaling":
        return _rescaling(layer)
    if name == "TimeDistributed":
        child = body_lines(layer.children["layer"], f"{w}/layer", keras_major)
        return ["x_steps = x", "x = x.reshape((-1,) + x.shape[2:])  # fold time into the batch"] + child + [
            "y = y.reshape(x_steps.shape[:2] + y.shape[1:])"]
    lines = (_shape_lines(layer) or _activation_layer_lines(layer, w) or spatial_lines(layer, weight)
             or statistics_lines(layer, weight, keras_major))
    if not lines:
        raise AssertionError(name)
    return lines


def _batch_norm(layer: Layer, weight: Callable[[str], str]) -> list[str]:
    axis = _one_axis(layer.config.get("axis", -1))
    lines = [f"inv = 1 / np.sqrt({weight('moving_variance')} + np.float32({float(layer.config.get('epsilon', 1e-3))!r}))"]
    if "gamma" in layer.weights:
        lines.append(f"inv = inv * {weight('gamma')}")
    shift = f"-{weight('moving_mean')} * inv"
    if "beta" in layer.weights:
        shift = f"{weight('beta')} - {weight('moving_mean')} * inv"
    return lines + [f"y = x * along(inv, {axis}, x.shape) + along({shift}, {axis}, x.shape)"]


def _layer_norm(layer: Layer, weight: Callable[[str], str]) -> list[str]:
    axis, eps = _one_axis(layer.config.get("axis", -1)), float(layer.config.get("epsilon", 1e-3))
    lines = [f"inv = 1 / np.sqrt(np.var(x, axis={axis}, keepdims=True) + np.float32({eps!r}))"]
    gamma = f" * along({weight('gamma')}, {axis}, x.shape)" if "gamma" in layer.weights else ""
    if layer.config.get("rms_scaling"):
        return lines + [f"y = x * inv{gamma}"]
    lines.append(f"inv = inv{gamma}")
    beta = f"along({weight('beta')}, {axis}, x.shape)" if "beta" in layer.weights else "0"
    return lines + [f"y = x * inv + ({beta} - np.mean(x, axis={axis}, keepdims=True) * inv)"]


def _rms_norm(layer: Layer, weight: Callable[[str], str]) -> list[str]:
    axis, eps = _one_axis(layer.config.get("axis", -1)), float(layer.config.get("epsilon", 1e-6))
    lines = [f"y = x * (1 / np.sqrt(np.mean(np.square(x), axis={axis}, keepdims=True) + np.float32({eps!r})))"]
    if "scale" in layer.weights:  # as Keras 3: the stored scale, by plain broadcasting
        lines.append(f"y = y * {weight('scale')}")
    return lines


def _rescaling(layer: Layer) -> list[str]:
    """y = x * scale + offset with the numbers of the config (Keras casts them to the input's float type)."""
    parts = []
    for key, default in (("scale", "np.float32(1)"), ("offset", "np.float32(0)")):
        value = config_numbers(layer, key, np.dtype(np.float32))
        if value is not None and not np.all(np.isfinite(value)):
            raise UnsupportedModel(f"layer {layer.name!r} (Rescaling): a non-finite {key} is not generated")
        parts.append(default if value is None else f"np.asarray({value.tolist()!r}, np.float32)")
    return [f"y = x * {parts[0]} + {parts[1]}"]


def _one_axis(axis: Any) -> int | tuple[int, ...]:
    """One axis, or a tuple of them (normalization over several axes)."""
    if isinstance(axis, (list, tuple)):
        return int(axis[0]) if len(axis) == 1 else tuple(int(a) for a in axis)
    return int(axis)


def _shape_lines(layer: Layer) -> list[str]:
    name, config = layer.class_name, layer.config
    if name == "Flatten":
        return ["y = x.reshape(x.shape[0], -1)"]
    if name == "Reshape":
        return [f"y = x.reshape((x.shape[0],) + {tuple(int(v) for v in config['target_shape'])!r})"]
    if name == "Permute":
        return [f"y = np.transpose(x, (0,) + {tuple(int(d) for d in config['dims'])!r})"]
    if name == "RepeatVector":
        return [f"y = np.repeat(x[:, None, :], {int(config['n'])}, axis=1)"]
    return []


def _activation_layer_lines(layer: Layer, w: str) -> list[str]:
    name, config = layer.class_name, layer.config
    if name == "LeakyReLU":
        slope = float(config.get("negative_slope", config.get("alpha", 0.3)))
        return [f"y = np.where(x >= 0, x, x * np.float32({slope!r}))"]
    if name == "ELU":
        return [f"y = np.where(x > 0, x, np.float32({float(config.get('alpha', 1.0))!r}) * np.expm1(np.minimum(x, 0)))"]
    if name == "ThresholdedReLU":
        return [f"y = x * (x > np.float32({float(config.get('theta', 1.0))!r})).astype(np.float32)"]
    if name == "Softmax":
        axis = config.get("axis", -1)
        axes = tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else (int(axis),)
        return [f"e = np.exp(x - np.max(x, axis={axes!r}, keepdims=True))",
                f"y = e / np.sum(e, axis={axes!r}, keepdims=True)"]
    if name == "PReLU":
        return [f'y = np.maximum(x, 0) - weights["{w}/alpha"] * np.maximum(-x, 0)']
    if name == "ReLU":  # keras.activations.relu with negative_slope, max_value, threshold
        slope, top = float(config.get("negative_slope") or 0.0), config.get("max_value")
        threshold = float(config.get("threshold") or 0.0)
        lines = [f"y = x * (x > np.float32({threshold!r})).astype(np.float32)" if threshold else "y = np.maximum(x, 0)"]
        if top is not None:
            lines.append(f"y = np.clip(y, 0, np.float32({float(top)!r}))")
        if slope:
            lines.append(f"y = y - np.float32({slope!r}) * np.maximum(np.float32({threshold!r}) - x, 0)")
        return lines
    return []


def emit_step(step: PortStep, plan: PortPlan) -> Emitted:
    layer = step.layer
    if layer.is_recurrent:
        return recurrent(step, plan)
    if layer.class_name == "Bidirectional":
        return bidirectional(step, plan)
    if layer.class_name in ("Attention", "AdditiveAttention"):
        return attention(step, plan)
    if layer.class_name == "Dot":
        return dot(step, plan)
    if layer.class_name in ATTENTION_HEADS:
        return multi_head_attention(step, plan)
    outs = ", ".join(t.var for t in step.outputs)
    if layer.class_name in ELEMENTWISE_MERGES or layer.class_name == "Concatenate":
        expression = MERGE_EXPRESSIONS.get(layer.class_name) or (
            f"np.concatenate(xs, axis={int(layer.config.get('axis', -1))})")
        source = header(step, "xs") + f"    return [{expression}]\n"
        return source, [f"{outs}, = {step.ident}([{', '.join(t.var for t in step.inputs)}])"]
    x = step.inputs[0]
    if layer.class_name == "Embedding":
        vocabulary = int(layer.weights["embeddings"].shape[0])
        source = header(step, "x, weights") + (
            f'    ids = token_ids(x, {vocabulary}, "{step.ident}")\n'
            f'    return [weights["{step.ident}/embeddings"][ids]]\n')
        return source, [f"{outs}, = {step.ident}({x.var}, weights)"]
    if layer.class_name == "GlobalAveragePooling1D":
        keepdims = bool(layer.config.get("keepdims", False))
        source = header(step, "x, mask") + (
            f"    if mask is None:\n        return [np.mean(x, axis=1, keepdims={keepdims})]\n"
            "    # with a mask: the mean over the unmasked steps only (Keras)\n"
            "    weights = mask[:, :, None].astype(np.float32)\n"
            f"    return [np.sum(x * weights, axis=1, keepdims={keepdims}) / "
            f"np.sum(weights, axis=1, keepdims={keepdims})]\n")
        return source, [f"{outs}, = {step.ident}({x.var}, {mask_of(x)})"]
    lines = body_lines(layer, step.ident, plan.model.keras_major)
    source = header(step, "x, weights") + "".join(f"    {line}\n" for line in lines) + "    return [y]\n"
    return source, [f"{outs}, = {step.ident}({x.var}, weights)"]


def mask_lines(step: PortStep, plan: PortPlan) -> list[str]:
    """How `predict` computes the masks of a step's outputs (plan.output_masks decided which exist)."""
    layer, lines = step.layer, []
    ins = step.inputs
    for out in step.outputs:
        if not out.masked:
            continue
        if layer.class_name == "Embedding":
            lines.append(f"{out.mask_var} = np.asarray({ins[0].var}).astype(np.int64) != 0")
        elif layer.class_name == "Masking":
            value = float(layer.config.get("mask_value", 0.0))
            lines.append(f"{out.mask_var} = np.any({ins[0].var} != np.float32({value!r}), axis=-1)")
        elif layer.class_name in ELEMENTWISE_MERGES or layer.class_name == "Concatenate":
            lines.append(f"{out.mask_var} = {_merged_mask(step, plan)}")
        else:
            lines.append(f"{out.mask_var} = {ins[0].mask_var}")
    return lines


def _merged_mask(step: PortStep, plan: PortPlan) -> str:
    """Keras 3 ORs the masks (all present) or, for Concatenate, any unmasked input unmasks all;
    Keras 2 ANDs the masks that exist."""
    present = [t.mask_var for t in step.inputs if t.masked]
    if plan.model.keras_major >= 3:
        if len(present) < len(step.inputs):
            return f"np.ones_like({present[0]})"
        return f"reduce(np.logical_or, [{', '.join(present)}])"
    return f"reduce(np.logical_and, [{', '.join(present)}])"


def model_source(plan: PortPlan) -> str:
    model = plan.model
    used = _activations(plan)
    parts = [_docstring(plan), "from functools import reduce\n\nimport numpy as np\n",
             f"TOKEN_INPUTS = {tuple(plan.token_inputs)!r}  # per model input: integer token ids?",
             f"STREAMS = {plan.streams}",
             f"STREAM_REASON = {plan.stream_reason!r}" if plan.stream_reason else 'STREAM_REASON = ""',
             f"INPUT_STEP_SHAPES = {tuple(tuple(d or 1 for d in s.shape[2:]) for s in model.inputs)!r}\n",
             "\n\n".join(ACTIVATION_SOURCE[name] for name in used), HELPERS.strip() + "\n"]
    if needs_spatial([s.layer for s in plan.steps]):
        parts.append(SPATIAL_HELPERS.strip() + "\n")
    calls = []
    for step in plan.steps:
        source, lines = emit_step(step, plan)
        parts.append(source)
        calls += lines + mask_lines(step, plan)
    parts.append(_predict(plan, calls))
    parts.append(STREAM_SOURCE)
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def _activations(plan: PortPlan) -> list[str]:
    softmax = ("Softmax", "Attention", "AdditiveAttention", *ATTENTION_HEADS)
    names: set[str] = {"softmax"} if any(s.layer.class_name in softmax for s in plan.steps) else set()
    todo = [s.layer for s in plan.steps]
    while todo:
        layer = todo.pop()
        todo += list(layer.children.values())
        names.update(activations_of(layer))
    for name in list(names):
        names.update(NEEDS.get(name, ()))
    return sorted(names, key=lambda n: (n in NEEDS, n))


def activations_of(layer: Layer) -> list[str]:
    config = layer.config
    if layer.is_recurrent:
        return [str(config.get("activation") or "linear"), str(config.get("recurrent_activation") or "linear")]
    if layer.class_name in ("Dense", "Activation", "EinsumDense", "LocallyConnected1D", "LocallyConnected2D",
                            *CONVOLUTIONS):
        return [str(config.get("activation") or "linear")]
    return []


def _docstring(plan: PortPlan) -> str:
    title = comment_text(plan.model.name or "model")
    return (f'"""{title}: ported from Keras by LSTM Inspector to plain numpy (float32).\n\n'
            "predict(inputs, weights) runs whole sequences (batch first); Stream steps one time step.\n"
            "Weights: load_weights('weights.npz'); see README.md for every array and its gate.\n"
            '"""\n')


def _predict(plan: PortPlan, calls: list[str]) -> str:
    lines = ['def predict(inputs, weights, state=None):',
             '    """Model outputs for a list of inputs (one array per model input, batch first).',
             "    With `state` (a dict), recurrent layers start from and leave their states there.\"\"\""]
    for k, tokens in enumerate(plan.token_inputs):
        kind = "np.int64" if tokens else "np.float32"
        lines.append(f"    in{k} = np.asarray(inputs[{k}]).astype({kind})")
    lines += [f"    {line}" for line in calls]
    lines.append(f"    return [{', '.join(t.var for t in plan.outputs)}]")
    return "\n".join(lines) + "\n"


STREAM_SOURCE = '''class Stream:
    """One time step at a time, keeping the recurrent states between calls (Keras `stateful`).
    step(inputs) takes one array per model input without the time axis, [batch, features]."""

    def __init__(self, weights):
        if not STREAMS:
            raise ValueError("this model cannot stream: " + STREAM_REASON)
        self.weights = weights
        self.state = {}

    def reset(self):
        self.state = {}

    def step(self, inputs):
        return predict([np.asarray(x)[:, None] for x in inputs], self.weights, self.state)


def example_step():
    """A batch-1 input for one step (ones), e.g. for timing."""
    return [np.ones((1,) + shape, np.int64 if tokens else np.float32)
            for shape, tokens in zip(INPUT_STEP_SHAPES, TOKEN_INPUTS)]
'''


def weights_npz(plan: PortPlan) -> bytes:
    buffer = io.BytesIO()
    arrays: dict[str, Any] = {w.key: w.array for w in port_weights(plan)}
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def numpy_files(plan: PortPlan) -> dict[str, bytes]:
    return {"model.py": model_source(plan).encode(), "weights.npz": weights_npz(plan), "run.py": RUNNER.encode()}
