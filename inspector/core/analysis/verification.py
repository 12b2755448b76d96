"""Verification: the engine's result compared with Keras's, layer by layer, with the causes that fit a difference.

The one pipeline behind `lstm-inspector verify`, `lstm-inspector export` and the window's Predictions view:
`verify_against_keras` compares (`compare_model`) and, when a layer disagrees, diagnoses (`diagnose`).
What Keras computed arrives as a `ReferenceResult` (made by `inspector.reference` in its child process;
defined here so that core never imports the package that starts Keras).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from inspector.core.analysis.compare import Comparison, compare_model
from inspector.core.analysis.diagnosis import Finding, diagnose
from inspector.core.engine import Result
from inspector.core.model.canonical import Model


@dataclass(frozen=True, eq=False)
class ReferenceResult:
    """What Keras computed for one model, or why no reference is possible."""

    available: bool
    runtime: str = ""  # which Keras: "keras 3.15.1", "tf_keras 2.21.0"
    reason: str = ""
    layer_outputs: Mapping[str, list[np.ndarray]] = field(default_factory=dict)
    outputs: list[np.ndarray] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True, eq=False)
class Verification:
    """The engine's result compared with Keras's, layer by layer, with the causes that fit a difference."""

    result: Result
    reference: ReferenceResult
    comparison: Comparison
    findings: tuple[Finding, ...] = ()

    @property
    def verdict(self) -> str:
        """'keras 3.15.1: agrees to 3e-7' or 'tf_keras 2.21.0: differs by 2e-2 at layer lstm'."""
        comparison, runtime = self.comparison, self.reference.runtime
        if comparison.ok:
            return f"{runtime}: agrees to {short_number(comparison.max_abs_err)}"
        first = comparison.first_disagreement
        where = f" at layer {first.name}" if first is not None else " in the model outputs"
        error = first.max_abs_err if first is not None else comparison.max_abs_err
        return f"{runtime}: differs by {short_number(error)}{where}"


def verify_against_keras(model: Model, inputs: list[np.ndarray], result: Result,
                         reference: ReferenceResult) -> Verification:
    """Compare every layer's output with Keras's, and diagnose the first disagreement."""
    comparison = compare_model(model, inputs, result, reference.layer_outputs, reference.outputs)
    findings = () if comparison.ok else tuple(diagnose(model, inputs, comparison, reference.layer_outputs))
    return Verification(result, reference, comparison, findings)


def short_number(value: float) -> str:
    """3e-07 -> '3e-7', 0 -> '0': an error's size at a glance."""
    if value == 0:
        return "0"
    if not np.isfinite(value):
        return str(value)
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"
