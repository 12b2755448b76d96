"""Keras-style output shapes by probing: run the engine twice on zero inputs of different batch
sizes and free-dimension lengths; a dimension that differs between the runs is None.

No shape rules are duplicated here; a layer that cannot run (and everything after it) gets
None. Costs two forward passes on short sequences (7 and 11 steps).
"""

from __future__ import annotations

import numpy as np

from inspector.core.engine.context import Context
from inspector.core.engine.control import RunControl
from inspector.core.engine.graph import Step, call_order, execute
from inspector.core.errors import InspectorError
from inspector.core.model.canonical import Model

Shape = tuple[int | None, ...]
PROBES = ((2, 7), (3, 11))  # (batch, length of every free dimension)


def output_shapes(model: Model) -> dict[str, list[Shape] | None]:
    """Layer name -> one shape per output (batch and input-dependent dims None), or None."""
    shapes: dict[str, list[Shape] | None] = {layer.name: None for layer in model.layers}
    if not model.has_architecture or not model.inputs:
        return shapes
    for spec in model.inputs:
        shapes[spec.name] = [tuple(spec.shape)]
    try:
        steps = call_order(model)
    except InspectorError:
        return shapes
    runs = [_probe(model, steps, batch, free) for batch, free in PROBES]
    for step in steps:
        if step.node != 0:
            continue
        first, second = (run.get(step.name) for run in runs)
        if first is not None and second is not None:
            shapes[step.layer.name] = [_merge(a, b) for a, b in zip(first, second, strict=True)]
    return shapes


def _probe(model: Model, steps: list[Step], batch: int, free: int) -> dict[str, list[Shape]]:
    arrays = {}
    for spec in model.inputs:
        shape = tuple(free if d is None else int(d) for d in spec.shape[1:])
        leading = batch if not spec.shape or spec.shape[0] is None else int(spec.shape[0])
        integer = str(spec.dtype).startswith(("int", "uint"))
        arrays[spec.name] = np.zeros((leading,) + shape, np.int64 if integer else np.float32)
    ctx = Context(np.dtype(np.float32), model.keras_major, RunControl())
    with np.errstate(all="ignore"):
        result = execute(model, arrays, ctx, steps, tolerate=True)
    return {name: [tuple(np.shape(v)) for v in values] for name, values in result.layer_outputs.items()}


def _merge(a: Shape, b: Shape) -> Shape:
    if len(a) != len(b):
        return tuple(None for _ in a)
    return tuple(x if x == y else None for x, y in zip(a, b, strict=True))
