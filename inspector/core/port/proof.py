"""Proving a port: write it, build it, run the generated program on inputs and compare what it
printed with the numpy engine and with Keras. The one piece `lstm-inspector port` and the window
(File > Export Code, Keras > Run Ported Code) both use.

Keras's outputs are an argument (a `ReferenceResult`, or None with the reason there is none): core
never starts Keras. `stage(name)` is called before each step, so a caller can report progress or
stop between steps (raise from it).

    exported = export_port(plan, folder, inputs, engine_outputs, KerasOutputs.of(reference))
    exported.proof.ok, exported.ported                # the proof and the program's outputs
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from inspector.core.analysis.compare import ArrayDiff, compare_arrays, sequence_steps, tolerance_for
from inspector.core.analysis.verification import ReferenceResult
from inspector.core.errors import BadSequence
from inspector.core.port import build, run_generated, write_port, write_readme
from inspector.core.port.names import comment_text
from inspector.core.port.plan import PortPlan
from inspector.core.port.readme import Proof
from inspector.core.port.support import LANGUAGE_TITLES

ENGINE_SOURCE = "the LSTM Inspector numpy engine"
STAGES = ("writing the code", "building", "running the generated program", "comparing")
Stage = Callable[[str], None]


@dataclass(frozen=True)
class KerasOutputs:
    """Keras's outputs for the inputs and which Keras computed them, or why there are none."""

    outputs: list[np.ndarray] | None = None
    runtime: str = ""
    reason: str = ""

    @classmethod
    def of(cls, reference: ReferenceResult | None, missing: str = "no Keras reference") -> KerasOutputs:
        if reference is None:
            return cls(reason=missing)
        if not reference.available:
            return cls(reason=reference.reason)
        return cls(list(reference.outputs), reference.runtime)


@dataclass(frozen=True, eq=False)
class PortedRun:
    """What the generated program of `language` in `folder` printed for `inputs` (batch first)."""

    language: str
    folder: Path
    inputs: list[np.ndarray]
    outputs: list[np.ndarray]
    proof: Proof | None = None  # set by an export: the proof on these inputs
    files: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return LANGUAGE_TITLES.get(self.language, self.language)


def output_errors(ported: list[np.ndarray], reference: list[np.ndarray], tolerance: float) -> list[ArrayDiff]:
    """Each output of the program against the same output of the reference (engine or Keras)."""
    if len(ported) != len(reference):
        raise BadSequence(f"the generated program gave {len(ported)} outputs, the reference {len(reference)}")
    return [compare_arrays(p, r, tolerance) for p, r in zip(ported, reference, strict=True)]


def max_error(ported: list[np.ndarray], reference: list[np.ndarray], tolerance: float) -> tuple[float, bool]:
    """The largest absolute error over all outputs, and whether every element is within tolerance."""
    diffs = output_errors(ported, reference, tolerance)
    return max((d.max_abs_err for d in diffs), default=0.0), all(d.ok for d in diffs)


def port_tolerance(inputs: list[np.ndarray]) -> float:
    """`verify`'s tolerance for sequences as long as these."""
    return tolerance_for(sequence_steps(inputs))


def prove(ported: list[np.ndarray], engine: list[np.ndarray], keras: KerasOutputs,
          inputs: list[np.ndarray]) -> Proof:
    """The program's outputs against the engine, and against Keras when there are Keras outputs."""
    tolerance = port_tolerance(inputs)
    engine_error, engine_ok = max_error(ported, engine, tolerance)
    if keras.outputs is None:
        return Proof(tolerance, engine_error, engine_ok, keras_reason=keras.reason)
    keras_error, keras_ok = max_error(ported, keras.outputs, tolerance)
    return Proof(tolerance, engine_error, engine_ok, keras_error, keras_ok, keras.runtime)


def export_port(plan: PortPlan, folder: Path, inputs: list[np.ndarray], engine: list[np.ndarray],
                keras: KerasOutputs, stage: Stage | None = None) -> PortedRun:
    """Write the port into `folder` (expected outputs from Keras, else the engine), build and run it on
    `inputs`, prove it and write its README with the proof."""
    step = stage or (lambda _name: None)
    expected, source = (keras.outputs, keras.runtime) if keras.outputs is not None else (engine, ENGINE_SOURCE)
    step(STAGES[0])
    files = write_port(plan, folder, inputs, expected, comment_text(source))
    step(STAGES[1])
    build(folder, plan.language)
    step(STAGES[2])
    ported = run_generated(folder, plan.language, inputs, plan.token_inputs)
    step(STAGES[3])
    proof = prove(ported, engine, keras, inputs)
    write_readme(plan, folder, proof, comment_text(source))
    return PortedRun(plan.language, folder, inputs, ported, proof, files)


def run_port(plan: PortPlan, folder: Path, inputs: list[np.ndarray]) -> PortedRun:
    """Run an exported (and built) port on other inputs."""
    outputs = run_generated(folder, plan.language, inputs, plan.token_inputs)
    return PortedRun(plan.language, folder, inputs, outputs)


def report(proof: Proof, language: str) -> str:
    """The proof in a few lines, as the command prints it and the window shows it."""
    lines = []
    if proof.keras_error is not None:
        lines.append(f"against Keras ({proof.keras_runtime}): max abs err {proof.keras_error:.2e}")
    else:
        lines.append(f"no Keras reference: {proof.keras_reason}; compared with the engine only")
    lines.append(f"against the numpy engine: max abs err {proof.engine_error:.2e}")
    verdict = "AGREES" if proof.ok else "DISAGREES"
    lines.append(f"the {language} port {verdict} (tolerance {proof.tolerance:g})")
    return "\n".join(lines)
