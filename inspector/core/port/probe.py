"""Sizes of a model's tensors for one time step at batch 1, measured with the engine."""

from __future__ import annotations

import numpy as np

from inspector.core.engine import run
from inspector.core.port.plan import PortPlan


def step_inputs(plan: PortPlan) -> list[np.ndarray]:
    """Batch 1, one time step: ones (token id 1 for token inputs)."""
    arrays = []
    for spec, tokens in zip(plan.model.inputs, plan.token_inputs, strict=True):
        shape = (1, 1) + tuple(int(d or 1) for d in spec.shape[2:])
        arrays.append(np.ones(shape, np.int64 if tokens else np.float32))
    return arrays


def step_output_floats(plan: PortPlan) -> int:
    """The largest layer output (in floats) of one step at batch 1."""
    result = run(plan.model, step_inputs(plan), record_trace=False)
    sizes = [int(np.size(a)) for outputs in result.layer_outputs.values() for a in outputs]
    return max(sizes, default=1)
