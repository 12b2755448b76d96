"""Layers of the C and JavaScript ports that act over chosen axes: BatchNormalization, LayerNormalization,
RMSNormalization, Softmax, Rescaling and Permute.

`axes_call` gives a layer's runtime call (the runtimes' "over these axes" helper does the rest: any axes,
negative ones from the end, a parameter per position along them in Keras's order). The first `lead`
axes are the batch, and time in TimeDistributed, whose child sees batch and time folded into one axis:
its positive axes move one to the right, and nothing may reach the folded axis. `step_reason` says
why such a layer needs the whole sequence when a model is stepped one time step at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from inspector.core.engine.layers.preprocessing import config_numbers
from inspector.core.model.canonical import Layer

if TYPE_CHECKING:
    from inspector.core.port.plan import PortPlan

AXES_LAYERS = ("BatchNormalization", "LayerNormalization", "RMSNormalization", "Softmax")
Store = Callable[[str, "np.ndarray | None"], object]  # (role, array) -> the weight's argument


def config_axes(config: Mapping[str, Any], default: int = -1) -> list[int]:
    axis = config.get("axis", default)
    return [int(a) for a in axis] if isinstance(axis, (list, tuple)) else [int(axis)]


def shifted(axes: list[int], shift: int) -> tuple[int, ...]:
    return tuple(a + shift if a >= 0 else a for a in axes)


def axes_call(layer: Layer, x: str, shift: int, store: Store) -> tuple[str, tuple] | None:
    """(function, arguments) of a layer acting over axes, None for any other layer."""
    name, config, w = layer.class_name, layer.config, layer.weights
    lead = 1 + shift
    weight = lambda role: store(role, w.get(role))  # noqa: E731
    if name in AXES_LAYERS:
        axes = shifted(config_axes(config), shift)
        count = next((int(w[r].size) for r in ("moving_mean", "gamma", "beta") if r in w), 0)
        where = (x, lead, len(axes), axes)
        if name == "BatchNormalization":
            return "batch_norm", (*where, count, weight("gamma"), weight("beta"), weight("moving_mean"),
                                  weight("moving_variance"), float(config.get("epsilon", 1e-3)))
        if name == "LayerNormalization":
            return "layer_norm", (*where, count, weight("gamma"), weight("beta"), float(config.get("epsilon", 1e-3)),
                                  int(bool(config.get("rms_scaling"))))
        if name == "RMSNormalization":  # Keras 3 multiplies by scale as stored: numpy broadcasting
            spread, dims = broadcast_axes(w["scale"].shape) if "scale" in w else ((), ())
            return "rms_norm", (*where, len(spread), spread, dims, weight("scale"), float(config.get("epsilon", 1e-6)))
        if axes == (-1,):
            return "activation", (x, "ACT_SOFTMAX")
        return "softmax_axes", where
    if name == "Rescaling":
        parts: tuple = (x, lead)
        for role, default in (("scale", 1.0), ("offset", 0.0)):
            value = rescaling_value(layer, role, default)
            axes, dims = broadcast_axes(value.shape)
            parts += (len(axes), axes, dims, store(role, value))
        return "rescale", parts
    if name == "Permute":
        dims = tuple(range(1, shift + 1)) + tuple(int(d) + shift for d in config["dims"])
        return "permute", (x, len(dims), dims)
    return None


def rescaling_value(layer: Layer, role: str, default: float) -> np.ndarray:
    """Rescaling's scale or offset from the config (a number or nested lists), leading 1s dropped."""
    value = config_numbers(layer, role, np.dtype(np.float32))
    value = np.asarray(default if value is None else value, np.float32)
    while value.ndim and value.shape[0] == 1:
        value = value[0]
    return value


def broadcast_axes(shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The axes (from the end) where an array of `shape` does not broadcast, numpy-style, and their sizes."""
    kept = [(k - len(shape), int(n)) for k, n in enumerate(shape) if n != 1]
    return tuple(a for a, _ in kept), tuple(n for _, n in kept)


def batch_axis_refusal(layer: Layer) -> str:
    """Why a layer over axes is not generated ("" when it is): an axis 0 is the batch axis."""
    if layer.class_name in AXES_LAYERS and 0 in config_axes(layer.config):
        return "normalization or softmax over the batch axis is not generated"
    return ""


def step_reason(plan: PortPlan, rank_keeping: tuple[str, ...]) -> str:
    """Why a layer over axes reaches across time steps ("" when none does), for the streaming API.

    Ranks are followed statically: the layers a streamed model may hold keep the rank of their input,
    but Embedding (one more), the recurrent layers (3 with return_sequences, 2 otherwise) and
    TimeDistributed around a layer not in `rank_keeping` (unknown: None); a tensor has a time axis
    (axis 1) from the inputs until a recurrent layer returns only its last output."""
    known: dict[str, tuple[int | None, bool]] = {t.var: (len(spec.shape), True) for t, spec in
                                                 zip(plan.inputs, plan.model.inputs, strict=True)}
    for step in plan.steps:
        layer = step.layer
        rank, timed = known.get(step.inputs[0].var, (None, True))
        timed = timed or any(known.get(t.var, (None, True))[1] for t in step.inputs[1:])
        if layer.is_recurrent:
            sequences = bool(layer.config.get("return_sequences"))
            known[step.outputs[0].var] = (3 if sequences else 2, timed and sequences)
            known.update({t.var: (2, False) for t in step.outputs[1:]})
            continue
        if layer.class_name == "Embedding" and rank is not None:
            rank += 1
        if layer.class_name == "TimeDistributed" and layer.children["layer"].class_name not in rank_keeping:
            rank = None
        reason = _across_time(layer, rank) if timed else ""
        if reason:
            return f"layer {step.ident} ({layer.class_name}) {reason}"
        known.update({t.var: (rank, timed) for t in step.outputs})
    return ""


def _across_time(layer: Layer, rank: int | None) -> str:
    """Why a layer on a tensor with a time axis (axis 1) reaches across steps; rank None: not known."""
    name = layer.class_name
    if name in AXES_LAYERS:
        axes = config_axes(layer.config)
        if rank is None and min(axes) < 0:
            return "acts along axes counted from the end of a tensor whose rank is not known here"
        if 1 in [a % rank if rank else a for a in axes]:
            return "acts along the time axis"
    if name == "Permute" and int(layer.config["dims"][0]) != 1:
        return "moves the time axis"
    if name == "Rescaling":
        for role, default in (("scale", 1.0), ("offset", 0.0)):
            spread, _ = broadcast_axes(rescaling_value(layer, role, default).shape)
            if spread and rank is None or rank is not None and 1 - rank in spread:
                return f"may have a {role} per time step" if rank is None else f"has a {role} per time step"
    return ""
