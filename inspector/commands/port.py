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

from inspector.commands.model_argument import (
    add_input_argument,
    add_model_argument,
    add_timeout_argument,
    open_model_argument,
)
from inspector.core.engine import run as run_engine
from inspector.core.inputs.sequences import read_inputs
from inspector.core.port import LANGUAGES, plan_port
from inspector.core.port.contract import require_tool
from inspector.core.port.proof import KerasOutputs, export_port, report
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
    add_input_argument(parser, "the seeded input `verify` uses")
    parser.add_argument("--no-reference", action="store_true", help="compare with the numpy engine only")
    add_timeout_argument(parser, DEFAULT_TIMEOUT)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model_argument(args)
    plan = plan_port(model, args.lang)  # refuses before anything is written
    require_tool(args.lang)
    inputs = read_inputs(args.input, model) if args.input else seeded_inputs(model)
    engine = run_engine(model, inputs, record_trace=False).outputs
    exported = export_port(plan, Path(args.out), inputs, engine, _keras(args, model, inputs))
    print(f"wrote {exported.folder}: {', '.join(exported.files)}")
    print(report(exported.proof, args.lang))
    return AGREE if exported.proof.ok else DISAGREE


def _keras(args: argparse.Namespace, model, inputs) -> KerasOutputs:
    if args.no_reference:
        return KerasOutputs(reason="--no-reference was given")
    plan = plan_reference(model)
    if not plan.possible:
        return KerasOutputs(reason=plan.reason)
    return KerasOutputs.of(ReferenceJob(model, inputs, timeout=args.timeout).wait()[0])
