"""Which time steps mattered: occlusion over time.

For each step t, x_t (of the first model input) is replaced by a baseline - zeros, or the mean of
that sequence over its steps - and the model runs again; the change of every model output is
recorded (its last step, for outputs with a time axis). When the model reads the sequence strictly
forwards (inspector.core.units.resume) only the steps from t on are re-run, from the states the
trace saved; otherwise the whole model runs once per step. Progress and cancel between steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from inspector.core.analysis.per_step import result_dtype
from inspector.core.engine import Cancelled, Result, run
from inspector.core.errors import BadSequence, InspectorError
from inspector.core.model.canonical import Model
from inspector.core.units.resume import Resumable, resumable, run_from

ZERO, MEAN = "zero", "mean"
BASELINES = (ZERO, MEAN)
RESUMED = "re-run from step t on, from the saved states"
WHOLE = "whole model re-run for every step"


@dataclass(frozen=True, eq=False)
class Occlusion:
    """changes[k][b, t, ...] = output k of sequence b with x_t replaced, minus the original output k."""

    baseline: str
    method: str  # RESUMED or WHOLE
    reason: str  # why the whole model had to re-run ("" when resumed)
    original: list[np.ndarray]  # the final outputs [batch, ...] without occlusion
    changes: list[np.ndarray]

    @property
    def time_steps(self) -> int:
        return int(self.changes[0].shape[1]) if self.changes else 0


def baseline_values(x: np.ndarray, kind: str) -> np.ndarray:
    """[batch, ...] the value that replaces one step of each sequence: zeros, or the sequence's mean."""
    if kind not in BASELINES:
        raise ValueError(f"baseline {kind!r} is not one of {BASELINES}")
    if kind == ZERO:
        return np.zeros_like(x[:, 0])
    if not np.issubdtype(x.dtype, np.floating):
        raise BadSequence("the mean of token ids is not a token: occlude with the zero baseline instead")
    return x.mean(axis=1).astype(x.dtype)


def occlusion(model: Model, result: Result, inputs: list[np.ndarray], baseline: str = ZERO, *,
              progress: Callable[[float], None] | None = None,
              cancelled: Callable[[], bool] | None = None, resume: bool = True) -> Occlusion:
    """Occlude every time step of input 0 in turn; raises engine `Cancelled` when `cancelled()` turns True.

    `resume=False` re-runs the whole model for every step even when resuming would be exact."""
    x = np.asarray(inputs[0])
    if x.ndim < 2 or x.shape[1] == 0:
        raise InspectorError("occlusion needs an input with a time axis")
    replacement = baseline_values(x, baseline)
    prepared = resumable(model) if result.trace is not None else "the run kept no trace"
    if not resume:
        prepared = "asked to re-run the whole model"
    original = [_final(out, x.shape[1]) for out in result.outputs]
    changes: list[list[np.ndarray]] = [[] for _ in original]
    for t in range(x.shape[1]):
        if cancelled is not None and cancelled():
            raise Cancelled()
        occluded = x.copy()
        occluded[:, t] = replacement
        outputs = _outputs(model, result, prepared, inputs, occluded, t)
        for k, (out, before) in enumerate(zip(outputs, original, strict=True)):
            changes[k].append(out.astype(np.float64) - before)
        if progress is not None:
            progress((t + 1) / x.shape[1])
    method, reason = (RESUMED, "") if isinstance(prepared, Resumable) else (WHOLE, prepared)
    return Occlusion(baseline, method, reason, original, [np.stack(c, axis=1) for c in changes])


def _outputs(model: Model, result: Result, prepared: Resumable | str, inputs: list[np.ndarray],
             occluded: np.ndarray, t: int) -> list[np.ndarray]:
    if isinstance(prepared, Resumable):
        return run_from(prepared, result, occluded, t)
    dtype = result_dtype(result)
    outputs = run(model, [occluded, *inputs[1:]], dtype=dtype, record_trace=False).outputs
    return [_final(out, occluded.shape[1]) for out in outputs]


def _final(output: np.ndarray, time_steps: int) -> np.ndarray:
    """An output's last step when it has the input's time axis, else the output itself (float64)."""
    output = np.asarray(output)
    final = output[:, -1] if output.ndim >= 3 and output.shape[1] == time_steps else output
    return final.astype(np.float64)
