"""`lstm-inspector port MODEL --lang numpy|js|c --out DIR [--input IN] [--no-reference]`.

Writes standalone code for the model, runs it on a test vector (the given input, or the seeded
one `verify` uses) and compares it with Keras (in its child process, when an installed Keras can
run the file) and with the numpy engine. Exit status: 0 the port agrees within `verify`'s
tolerance, 1 it does not, 2 bad input, a layer the language's generator does not support
(refused before anything is written), or a missing `node` / C compiler.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from inspector.commands.model_argument import add_model_argument, open_model_argument
from inspector.core.analysis.compare import compare_arrays, sequence_steps, tolerance_for
from inspector.core.engine import run as run_engine
from inspector.core.errors import BadSequence
from inspector.core.inputs.sequences import read_inputs
from inspector.core.port import LANGUAGES, Proof, build, plan_port, run_generated, write_port, write_readme
from inspector.core.port.contract import require_tool
from inspector.core.port.names import comment_text
from inspector.reference import DEFAULT_TIMEOUT, ReferenceJob, plan_reference, seeded_inputs

AGREE, DISAGREE = 0, 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "port", help="write the model as standalone numpy, JavaScript or C, and prove it",
        description="Generate standalone code that computes what Keras computes, run it on a test vector and "
        "compare it with Keras (separate process) and with the numpy engine. Exit status: 0 agrees, 1 differs, "
        "2 error or unsupported layer.")
    add_model_argument(parser)
    parser.add_argument("--lang", required=True, choices=LANGUAGES, help="numpy, js (ES module) or c (C99)")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write (created if missing)")
    parser.add_argument("--input", metavar="IN", help=".npy, .npz (in0, in1, ...) or .csv; default: the seeded "
                        "input `verify` uses")
    parser.add_argument("--no-reference", action="store_true", help="compare with the numpy engine only")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"seconds Keras may take to load and run the model (default {DEFAULT_TIMEOUT:g})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model_argument(args)
    plan = plan_port(model, args.lang)  # refuses before anything is written
    require_tool(args.lang)
    inputs = read_inputs(args.input, model) if args.input else seeded_inputs(model)
    engine = run_engine(model, inputs, record_trace=False).outputs
    keras, runtime, reason = _keras(args, model, inputs)
    expected, source = (keras, runtime) if keras is not None else (engine, "the LSTM Inspector numpy engine")
    folder = Path(args.out)
    files = write_port(plan, folder, inputs, expected, comment_text(source))
    build(folder, args.lang)
    ported = run_generated(folder, args.lang, inputs, plan.token_inputs)
    proof = prove(ported, engine, keras, runtime, reason, inputs)
    write_readme(plan, folder, proof, comment_text(source))
    print(f"wrote {folder}: {', '.join(files)}")
    print(report(proof, args.lang))
    return AGREE if proof.ok else DISAGREE


def _keras(args: argparse.Namespace, model, inputs) -> tuple[list[np.ndarray] | None, str, str]:
    if args.no_reference:
        return None, "", "--no-reference was given"
    plan = plan_reference(model)
    if not plan.possible:
        return None, "", plan.reason
    reference = ReferenceJob(model, inputs, timeout=args.timeout).wait()[0]
    if not reference.available:
        return None, "", reference.reason
    return list(reference.outputs), reference.runtime, ""


def max_error(ported: list[np.ndarray], reference: list[np.ndarray], tolerance: float) -> tuple[float, bool]:
    """The largest absolute error over all outputs, and whether every element is within tolerance."""
    if len(ported) != len(reference):
        raise BadSequence(f"the generated program gave {len(ported)} outputs, the reference {len(reference)}")
    diffs = [compare_arrays(p, r, tolerance) for p, r in zip(ported, reference, strict=True)]
    return max((d.max_abs_err for d in diffs), default=0.0), all(d.ok for d in diffs)


def prove(ported: list[np.ndarray], engine: list[np.ndarray], keras: list[np.ndarray] | None, runtime: str,
          reason: str, inputs: list[np.ndarray]) -> Proof:
    tolerance = tolerance_for(sequence_steps(inputs))
    engine_error, engine_ok = max_error(ported, engine, tolerance)
    if keras is None:
        return Proof(tolerance, engine_error, engine_ok, keras_reason=reason)
    keras_error, keras_ok = max_error(ported, keras, tolerance)
    return Proof(tolerance, engine_error, engine_ok, keras_error, keras_ok, runtime)


def report(proof: Proof, language: str) -> str:
    lines = []
    if proof.keras_error is not None:
        lines.append(f"against Keras ({proof.keras_runtime}): max abs err {proof.keras_error:.2e}")
    else:
        lines.append(f"no Keras reference: {proof.keras_reason}; compared with the engine only")
    lines.append(f"against the numpy engine: max abs err {proof.engine_error:.2e}")
    verdict = "AGREES" if proof.ok else "DISAGREES"
    lines.append(f"the {language} port {verdict} (tolerance {proof.tolerance:g})")
    return "\n".join(lines)
