"""The output the model would give if the input sequence ended after each time step t.

Three ways, the cheapest exact one that applies:

- "head": the last recurrent layer runs forwards, returns only its last output, and everything
  before it works step by step (causally). Its output after a prefix x[:, :t+1] is then its
  state h at t (the trace holds it), so the layers after it run once on the T states as a batch.
- "sequence": every layer works step by step and every model output has a time axis: the output
  at step t already is what the prefix x[:, :t+1] would give.
- "prefix": anything else (a Bidirectional layer sees the future, a head reads more than one
  tensor, ...): the engine runs on every prefix, only for sequences up to MAX_PREFIX_STEPS.

No Qt here; the GUI runs `per_step_outputs` in a worker when `per_step_method` says "prefix".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from inspector.core.engine import Result, run
from inspector.core.engine.graph import Step, call_order
from inspector.core.errors import InspectorError
from inspector.core.model.canonical import InputSpec, Layer, Model, with_inner_layers

MAX_PREFIX_STEPS = 200
DENSE_CELLS = ("LSTM", "GRU", "SimpleRNN")
STEPWISE = {  # classes that compute each time step from that step alone
    "Activation", "ActivityRegularization", "AlphaDropout", "Dropout", "GaussianDropout", "GaussianNoise",
    "Identity", "SpatialDropout1D", "Dense", "Masking", "Embedding", "ELU", "LeakyReLU", "ReLU",
    "ThresholdedReLU", "TimeDistributed", "Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract",
}
LAST_AXIS_ONLY = {"Softmax": -1, "Concatenate": -1, "BatchNormalization": -1, "LayerNormalization": -1}
METHOD_TEXT = {
    "head": "the layers after {layer} applied to its state h after every step (exact)",
    "sequence": "the model's own output at every step (every layer works step by step; exact)",
    "prefix": "the model run on every prefix of the sequence",
}


@dataclass(frozen=True, eq=False)
class PerStep:
    """values[k][b, t] is model output k for sequence b if the sequence had ended after step t."""

    values: list[np.ndarray]
    method: str  # "head", "sequence" or "prefix"
    layer: str = ""  # the last recurrent layer ("head")

    @property
    def time_steps(self) -> int:
        return int(self.values[0].shape[1]) if self.values else 0

    @property
    def description(self) -> str:
        return METHOD_TEXT[self.method].format(layer=self.layer)


def per_step_method(model: Model, time_steps: int, max_prefix_steps: int = MAX_PREFIX_STEPS) -> tuple[str, str]:
    """("head" | "sequence" | "prefix", "") or ("", reason why there is no per-step output)."""
    try:
        steps = call_order(model, needed_only=True)
    except InspectorError as error:
        return "", str(error)
    last = _last_recurrent(steps)
    if last is None:
        return "", "the model has no recurrent layer"
    if _head_applies(model, steps, last):
        return "head", ""
    if all(works_step_by_step(s.layer) for s in steps):
        return "sequence", ""
    if time_steps <= max_prefix_steps:
        return "prefix", ""
    return "", (f"not available: {_why_not_exact(steps, last)}, and running the model on every prefix of "
                f"{time_steps} steps is too slow (at most {max_prefix_steps})")


def per_step_outputs(model: Model, inputs: list[np.ndarray] | None, result: Result, *,
                     progress: Callable[[float], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     max_prefix_steps: int = MAX_PREFIX_STEPS) -> PerStep | str:
    """The per-step outputs for the inputs `result` was computed from, or a one-line reason.

    `inputs` defaults to the model inputs `result` recorded. Raises engine `Cancelled` when
    `cancelled()` turns True during prefix runs.
    """
    inputs = inputs if inputs is not None else model_inputs_of(model, result)
    steps_count = int(inputs[0].shape[1]) if inputs and inputs[0].ndim >= 2 else 0
    method, reason = per_step_method(model, steps_count, max_prefix_steps)
    if not method:
        return reason
    try:
        if method == "head":
            return _head_outputs(model, result)
        if method == "sequence":
            return PerStep([np.asarray(out) for out in result.outputs], "sequence")
        return _prefix_outputs(model, inputs, result, progress, cancelled)
    except InspectorError as error:
        return f"not available: {error}"


def model_inputs_of(model: Model, result: Result) -> list[np.ndarray]:
    """The model inputs an engine result was computed from (the engine records them by input name)."""
    return [result.layer_outputs[spec.name][0] for spec in model.inputs]


# ----- which method ------------------------------------------------------------------------
def _last_recurrent(steps: list[Step]) -> Step | None:
    """The last call of a recurrent layer, or of a model used as a layer that holds one."""
    recurrent = [s for s in steps if any(layer.directions() for layer in with_inner_layers([s.layer]))]
    return recurrent[-1] if recurrent else None


def works_step_by_step(layer: Layer) -> bool:
    """True when the layer's output at step t depends on input steps <= t only, time length kept."""
    config = layer.config
    if layer.class_name in DENSE_CELLS:
        return bool(config.get("return_sequences")) and not config.get("go_backwards")
    if layer.class_name == "Conv1D":
        return str(config.get("padding", "")).lower() == "causal" and _ints(config.get("strides", 1)) == [1]
    if layer.class_name in LAST_AXIS_ONLY:
        return _ints(config.get("axis", -1)) in ([-1], [2])
    return layer.class_name in STEPWISE or layer.class_name == "InputLayer"


def _ints(value: int | list[int] | tuple[int, ...]) -> list[int]:
    values = value if isinstance(value, (list, tuple)) else [value]
    return [int(v) for v in values]


def _head_applies(model: Model, steps: list[Step], last: Step) -> bool:
    layer, config = last.layer, last.layer.config
    if layer.class_name not in DENSE_CELLS or len(layer.calls) != 1 or len(last.call.inputs) != 1:
        return False  # a Bidirectional sees the future; initial states come from elsewhere
    if config.get("return_sequences") or config.get("return_state") or config.get("go_backwards"):
        return False
    upstream = _ancestors(steps, last)
    if not all(works_step_by_step(s.layer) for s in steps if (s.layer.name, s.node) in upstream):
        return False
    return _head_steps(model, steps, last) is not None


def _ancestors(steps: list[Step], step: Step) -> set[tuple[str, int]]:
    by_key = {(s.layer.name, s.node): s for s in steps}
    found: set[tuple[str, int]] = set()
    todo = [(r.layer, r.node) for r in step.call.inputs]
    while todo:
        key = todo.pop()
        if key not in found and key in by_key:
            found.add(key)
            todo += [(r.layer, r.node) for r in by_key[key].call.inputs]
    return found


def _head_steps(model: Model, steps: list[Step], last: Step) -> list[Step] | None:
    """The calls after `last` when the outputs depend on the inputs through `last` alone."""
    source = (last.layer.name, last.node)
    after: set[tuple[str, int]] = {source}
    head = []
    for step in steps[steps.index(last) + 1:]:
        reads = {(r.layer, r.node) for r in step.call.inputs}
        if reads <= after and all(r.index == 0 for r in step.call.inputs if (r.layer, r.node) == source):
            after.add((step.layer.name, step.node))
            head.append(step)
    outputs_after = all((r.layer, r.node) in after for r in model.outputs)
    shared = any(len(s.layer.calls) > 1 for s in head)
    return head if outputs_after and not shared else None


def _why_not_exact(steps: list[Step], last: Step) -> str:
    upstream = _ancestors(steps, last) | {(last.layer.name, last.node)}
    blockers = [s.layer for s in steps if (s.layer.name, s.node) in upstream and not works_step_by_step(s.layer)]
    blockers = [layer for layer in blockers if layer is not last.layer] or blockers
    if not blockers or (blockers == [last.layer] and not last.layer.config.get("return_sequences")
                        and last.layer.class_name in DENSE_CELLS):
        return f"the model output depends on more than the last output of {last.layer.name}"
    layer = blockers[0]
    if layer.class_name == "Bidirectional" or layer.config.get("go_backwards"):
        return f"{layer.name} ({layer.class_name}) reads the sequence backwards, so it sees the future"
    return f"{layer.name} ({layer.class_name}) mixes time steps"


# ----- computing ---------------------------------------------------------------------------
def _head_outputs(model: Model, result: Result) -> PerStep:
    steps = call_order(model, needed_only=True)
    last = _last_recurrent(steps)
    assert last is not None  # per_step_method chose "head" only after finding the last recurrent layer
    if result.trace is None:
        raise ValueError("per-step outputs by the head method need a result run with record_trace=True")
    head = _head_steps(model, steps, last)
    trace = result.trace[last.name]["forward"]
    zero_output = bool(last.layer.config.get("zero_output_for_mask", False))
    last_outputs = last_outputs_by_step(trace.h, trace.mask, zero_output)
    batch, time_steps = last_outputs.shape[:2]
    rows = np.ascontiguousarray(last_outputs.reshape((batch * time_steps,) + last_outputs.shape[2:]))
    if not head:  # the recurrent layer is the model output
        return PerStep([last_outputs.copy()], "head", last.name)
    sub_model = replace(model, layers=tuple(s.layer for s in head),
                        inputs=(InputSpec(last.name, (None,) + rows.shape[1:], str(rows.dtype)),))
    outputs = run(sub_model, [rows], dtype=rows.dtype, record_trace=False).outputs
    return PerStep([out.reshape((batch, time_steps) + out.shape[1:]) for out in outputs], "head", last.name)


def last_outputs_by_step(h: np.ndarray, mask: np.ndarray, zero_output: bool) -> np.ndarray:
    """[batch, time, ...]: what a forward recurrent layer returns as its last output after step t.

    Keras (as the engine does): 0 at a masked step when `zero_output_for_mask`, else the state
    carried from the last unmasked step, and 0 while no step has been unmasked yet.
    """
    valid = mask if zero_output else np.logical_or.accumulate(mask, axis=1)
    if valid.all():
        return h.copy()
    return np.where(valid.reshape(valid.shape + (1,) * (h.ndim - 2)), h, h.dtype.type(0))


def _prefix_outputs(model: Model, inputs: list[np.ndarray], result: Result,
                    progress: Callable[[float], None] | None, cancelled: Callable[[], bool] | None) -> PerStep:
    time_steps = int(inputs[0].shape[1])
    dtype = result_dtype(result)
    timed = [x.ndim >= 2 and x.shape[1] == time_steps for x in inputs]
    sequence_outputs = [out.ndim >= 3 and out.shape[1] == time_steps for out in result.outputs]
    values: list[list[np.ndarray]] = [[] for _ in result.outputs]
    for t in range(time_steps):
        prefix = [x[:, : t + 1] if is_timed else x for x, is_timed in zip(inputs, timed, strict=True)]
        try:
            outputs = run(model, prefix, dtype=dtype, record_trace=False, cancelled=cancelled).outputs
        except InspectorError as error:
            raise InspectorError(f"the model cannot run on the first {t + 1} step(s) alone ({error})") from error
        for k, out in enumerate(outputs):
            values[k].append(out[:, -1] if sequence_outputs[k] else out)
        if progress is not None:
            progress((t + 1) / time_steps)
    return PerStep([np.stack(v, axis=1) for v in values], "prefix")


def result_dtype(result: Result) -> np.dtype:
    """The float dtype the engine ran in (float32 unless it was asked for float64)."""
    floats = [out.dtype for out in result.outputs if np.issubdtype(out.dtype, np.floating)]
    return floats[0] if floats else np.dtype(np.float32)
