"""`lstm-inspector verify MODEL [--input IN] [--json] [--timeout S]`: numpy versus Keras, per layer.

Exit status: 0 the engine agrees with Keras (tolerance: 1e-5 up to 100 time steps, growing
linearly to 1e-4 at 1,000 steps; see inspector.core.analysis.compare), 1 they disagree (with the causes
that fit), 2 an error, 3 no Keras reference is possible (the reason is printed).
Keras runs in a child process, and only on files without Lambda, custom or unknown layers.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from inspector.commands.model_argument import (
    add_input_argument,
    add_model_argument,
    add_timeout_argument,
    open_model_argument,
)
from inspector.core.analysis.compare import json_number
from inspector.core.analysis.verification import Verification, verify_against_keras
from inspector.core.engine import check_runnable
from inspector.core.engine import run as run_engine
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.canonical import Model
from inspector.reference import DEFAULT_TIMEOUT, ReferenceJob, plan_reference, seeded_inputs

AGREE, DISAGREE, NO_REFERENCE = 0, 1, 3


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify", help="compare the numpy engine with Keras, layer by layer",
        description="Run the model in the numpy engine and in real Keras (in a separate process) and compare "
        "every layer's output. Exit status: 0 agree, 1 disagree, 2 error, 3 no Keras reference possible.")
    add_model_argument(parser)
    add_input_argument(parser, "a seeded random input shaped by the model (token ids for Embedding inputs)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    add_timeout_argument(parser, DEFAULT_TIMEOUT)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model_argument(args)
    plan = plan_reference(model)
    if not plan.possible:
        return _no_reference(args, model, plan.reason)
    inputs = read_inputs(args.input, model) if args.input else seeded_inputs(model)
    check_runnable(model)
    engine = run_engine(model, inputs, record_trace=False)
    reference = ReferenceJob(model, inputs, timeout=args.timeout).wait()[0]
    if not reference.available:
        return _no_reference(args, model, reference.reason)
    verification = verify_against_keras(model, inputs, engine, reference)
    report = verify_report(model, inputs, verification, given=bool(args.input))
    print(json.dumps(report, indent=1) if args.json else format_report(report))
    return AGREE if verification.comparison.ok else DISAGREE


def _no_reference(args: argparse.Namespace, model: Model, reason: str) -> int:
    report = {"model": model.path, "format": model.format, "keras_version": model.keras_version,
              "reference": {"available": False, "reason": reason},
              "layers": [], "max_abs_err": None, "ok": None}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"no Keras reference for {model.path}: {reason}")
    return NO_REFERENCE


def verify_report(model: Model, inputs: list[np.ndarray], verification: Verification,
                  given: bool = True) -> dict[str, Any]:
    """The `verify --json` object (also what the text table is printed from)."""
    reference, comparison, findings = verification.reference, verification.comparison, verification.findings
    return {
        "model": model.path, "format": model.format, "keras_version": model.keras_version,
        "reference": {"available": True, "runtime": reference.runtime, "seconds": reference.seconds},
        "input": {"source": "file" if given else "seeded", "shapes": [list(x.shape) for x in inputs]},
        "tolerance": comparison.tolerance,
        "layers": [layer.to_json() for layer in comparison.layers],
        "outputs": [{"max_abs_err": json_number(d.max_abs_err), "ok": d.ok, "problem": d.problem}
                    for d in comparison.outputs],
        "max_abs_err": json_number(comparison.max_abs_err),
        "ok": comparison.ok,
        "diagnosis": [finding.to_json() for finding in findings],
        "unpaired": list(comparison.unpaired),
        "notes": list(comparison.notes),
    }


def format_report(report: dict[str, Any]) -> str:
    reference = report["reference"]
    shapes = ", ".join(str(tuple(s)) for s in report["input"]["shapes"])
    lines = [f"model: {report['model']} ({report['format']}, Keras {report['keras_version'] or '?'})",
             f"Keras reference: {reference['runtime']} ({reference['seconds']:.1f} s); "
             f"{report['input']['source']} input {shapes}", ""]
    lines += _table(report["layers"])
    lines += [""] + [f"note: {note}" for note in report["notes"] + report["unpaired"]]
    lines.append(_verdict(report))
    lines += [f"  {'fits' if f['agrees'] else 'partly fits'}: [{f['cause']}] {f['message']} "
              f"(max abs err {_num(f['max_abs_err_before'])} -> {_num(f['max_abs_err_after'])})"
              if f["cause"] != "unknown" else f"  {f['message']}" for f in report["diagnosis"]]
    return "\n".join(lines)


def _table(layers: list[dict[str, Any]]) -> list[str]:
    rows = [("layer", "class", "max abs err", "max rel err", "tolerance", "worst at", "")]
    for layer in layers:
        where = "" if layer.get("worst_index") is None else str(tuple(layer["worst_index"]))
        status = "ok" if layer["ok"] else f"DIFFERS {layer.get('problem') or ''}".rstrip()
        rows.append((layer["name"], layer["class_name"], _num(layer["max_abs_err"]), _num(layer["max_rel_err"]),
                     f"{layer['tolerance']:.0e}", where, status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def _verdict(report: dict[str, Any]) -> str:
    error, tolerance = _num(report["max_abs_err"]), f"{report['tolerance']:g}"
    if any(layer["tolerance"] > report["tolerance"] for layer in report["layers"]):
        tolerance += ", raised per layer to the float32 noise of this model"
    if report["ok"]:
        return f"AGREES with Keras: max abs err {error} (tolerance {tolerance})"
    first = next((layer["name"] for layer in report["layers"] if not layer["ok"]), "the model outputs")
    return f"DISAGREES with Keras from layer {first!r}: max abs err {error} (tolerance {tolerance})"


def _num(value: float | None) -> str:
    return "nan/inf" if value is None else f"{value:.2e}"
