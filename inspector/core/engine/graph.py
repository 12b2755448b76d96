"""Execute a canonical Model: every layer call in dependency order, carrying Keras masks.

`run(model, inputs)` is the engine's public entry point. Tensors are addressed like Keras
history: (layer name, call index) -> list of outputs; model inputs are (input name, 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from inspector.core.engine import nested as _nested  # noqa: F401 - registers models used as layers
from inspector.core.engine.blas_threads import single_blas_thread
from inspector.core.engine.context import Context
from inspector.core.engine.control import RunControl
from inspector.core.engine.registry import Array, Mask, apply_layer, lookup
from inspector.core.engine.trace import Trace
from inspector.core.errors import BadSequence, InspectorError, UnsupportedModel
from inspector.core.model.canonical import Call, Layer, Model, TensorRef

Inputs = Array | Sequence[Array] | Mapping[str, Array]
Store = dict[tuple[str, int], tuple[list[Array], list[Mask]]]  # (layer, call) -> its outputs and masks
# what a layer may raise on a file it cannot handle; reported as UnsupportedModel with its name
LAYER_FAILURES = (InspectorError, ValueError, IndexError, KeyError, TypeError)


@dataclass(frozen=True, eq=False)
class Step:
    """One layer call: the layer, which call of it, and the tensors it reads."""

    layer: Layer
    node: int
    call: Call

    @property
    def name(self) -> str:
        return self.layer.name if self.node == 0 else f"{self.layer.name}#{self.node}"


@dataclass(eq=False)
class Result:
    """Model outputs in model order, every layer's outputs by call name, and the trace."""

    outputs: list[Array]
    layer_outputs: dict[str, list[Array]] = field(default_factory=dict)
    trace: Trace | None = None
    layer_masks: dict[str, list[Mask]] = field(default_factory=dict)


def call_order(model: Model, needed_only: bool = False) -> list[Step]:
    """Layer calls sorted so that every call comes after the calls it reads from."""
    steps = [Step(layer, k, call) for layer in model.layers for k, call in enumerate(layer.calls)]
    if needed_only:
        steps = _needed(model, steps)
    ready = {(spec.name, 0) for spec in model.inputs}
    ordered: list[Step] = []
    while steps:
        runnable = [s for s in steps if all((r.layer, r.node) in ready for r in s.call.inputs)]
        if not runnable:
            missing = {r.layer for s in steps for r in s.call.inputs if (r.layer, r.node) not in ready}
            raise UnsupportedModel(f"the layer graph cannot be ordered: nothing produces {sorted(missing)}")
        for s in runnable:
            ready.add((s.layer.name, s.node))
        ordered += runnable
        steps = [s for s in steps if s not in runnable]
    return ordered


def _needed(model: Model, steps: list[Step]) -> list[Step]:
    by_key = {(s.layer.name, s.node): s for s in steps}
    wanted, todo = set(), [(r.layer, r.node) for r in model.outputs]
    while todo:
        key = todo.pop()
        if key in wanted or key not in by_key:
            continue
        wanted.add(key)
        todo += [(r.layer, r.node) for r in by_key[key].call.inputs]
    return [s for s in steps if (s.layer.name, s.node) in wanted]


def model_inputs(model: Model, inputs: Inputs, dtype: np.dtype) -> dict[str, Array]:
    """Inputs by InputLayer name; floats cast to `dtype`, integer token ids kept."""
    names = [spec.name for spec in model.inputs]
    if isinstance(inputs, Mapping):
        missing = [n for n in names if n not in inputs]
        if missing:
            raise BadSequence(f"no array given for model input(s) {', '.join(missing)}")
        arrays = [inputs[n] for n in names]
    else:
        arrays = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
    if len(arrays) != len(names):
        raise BadSequence(f"the model has {len(names)} input(s), got {len(arrays)} array(s)")
    out = {}
    for name, array in zip(names, arrays, strict=True):
        array = np.asarray(array)
        out[name] = array if np.issubdtype(array.dtype, np.integer) else array.astype(dtype, copy=False)
    return out


def execute(model: Model, inputs: dict[str, Array], ctx: Context, steps: list[Step], tolerate: bool = False,
            input_masks: Mapping[str, Mask] | None = None) -> Result:
    """Run `steps`; with `tolerate`, a failing call only removes itself and its dependents. `input_masks`:
    the Keras mask arriving with each input (a model used as a layer receives its caller's mask)."""
    masks_in = input_masks or {}
    store: Store = {
        (name, 0): ([array], [masks_in.get(name)]) for name, array in inputs.items()
    }
    result = Result([], {name: [a] for name, a in inputs.items()}, ctx.trace)
    for index, step in enumerate(steps):
        ctx.control.begin_call(index)
        found = [store.get((r.layer, r.node)) for r in step.call.inputs]
        sources = [s for s in found if s is not None]
        if len(sources) != len(found):
            continue  # only in tolerate mode: an upstream call failed
        args = [s[0][r.index] for s, r in zip(sources, step.call.inputs, strict=True)]
        masks = [s[1][r.index] for s, r in zip(sources, step.call.inputs, strict=True)]
        try:
            values, out_masks = apply_layer(step.layer, args, masks, ctx.named(step.name))
        except LAYER_FAILURES as error:
            if not tolerate:
                raise _explained(error, step) from error
            continue
        store[(step.layer.name, step.node)] = (values, out_masks)
        result.layer_outputs[step.name] = values
        result.layer_masks[step.name] = out_masks
    if not tolerate:
        result.outputs = [_output(store, ref) for ref in model.outputs]
    return result


def _explained(error: Exception, step: Step) -> Exception:
    if isinstance(error, InspectorError):
        return error
    return UnsupportedModel(f"layer {step.name!r} ({step.layer.class_name}) failed: {error}")


def _output(store: Store, ref: TensorRef) -> Array:
    if (ref.layer, ref.node) not in store:
        raise UnsupportedModel(f"model output {ref.layer!r} was not computed")
    return store[(ref.layer, ref.node)][0][ref.index]


def check_runnable(model: Model) -> list[Step]:
    """The calls needed for the outputs, after checking each can run (else UnsupportedModel)."""
    if not model.has_architecture or not model.layers:
        raise UnsupportedModel("the file holds weights only: there is no architecture to run")
    steps = call_order(model, needed_only=True)
    for step in steps:
        lookup(step.layer)
    return steps


def run(
    model: Model,
    inputs: Inputs,
    *,
    dtype: np.dtype | type = np.float32,
    record_trace: bool = True,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Result:
    """Run the model in numpy; record every recurrent layer's gates when `record_trace`.

    Raises UnsupportedModel (naming the layer and why) before computing anything if a layer
    on the way to the outputs cannot run, BadSequence for inputs that do not fit, and
    `Cancelled` when `cancelled()` becomes True between layers or time steps.
    """
    steps = check_runnable(model)
    dtype = np.dtype(dtype)
    arrays = model_inputs(model, inputs, dtype)
    control = RunControl(progress, cancelled, calls=len(steps))
    trace = Trace() if record_trace else None
    ctx = Context(dtype, model.keras_major, control, trace)
    # NaN or Inf weights and overflowing pre-activations give NaN/Inf as they do in Keras, silently:
    # the reader already flags such weights, and numpy's floating-point warnings would only add noise
    with single_blas_thread(), np.errstate(all="ignore"):
        result = execute(model, arrays, ctx, steps)
    control.finish()
    return result
