"""`lstm-inspector units MODEL --input IN [--json] [--csv FILE] [--select A-B ...] [--occlusion zero|mean]`.

The per-unit table of every recurrent layer, and on request a selected pattern with where else it occurs
and which time steps changed the output.

For every recurrent layer and direction over the input batch: mean |h|, std of h, the fraction of steps
each sigmoid gate is left-saturated (< 0.1) and right-saturated (> 0.9), memory in steps 1 / (1 - mean f)
(GRU: update gate z), correlations of h with the input features and model outputs, and a dead flag.
Runs the numpy engine only (never TensorFlow). `--json` prints one list of objects, one per unit;
`--csv FILE` also writes every column (correlations included) to FILE. `--select A-B` keeps the units of
one layer that are on throughout steps A..B of one sequence (and off just before) and lists the other
windows of the batch where they are on; `--occlusion` replaces each step by a baseline in turn and reports
the change of the outputs. With either, `--json` prints {"units": [...], "pattern": ..., "occlusion": ...}.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

import numpy as np

from inspector.commands.model_argument import add_input_argument, add_model_argument, open_model_argument
from inspector.core.engine import check_runnable
from inspector.core.engine import run as run_engine
from inspector.core.engine.trace import DirectionTrace
from inspector.core.errors import InspectorError
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.names import printable
from inspector.core.units.occlusion import BASELINES, Occlusion, occlusion
from inspector.core.units.patterns import Match, Selection, find_pattern
from inspector.core.units.quantities import direction_trace
from inspector.core.units.statistics import DirectionUnits, unit_table
from inspector.core.units.summary import match_text, selection_text, summary_lines
from inspector.core.units.table import cell_text, columns, csv_header_and_lines, rows

TEXT_COLUMNS_SKIPPED = ("r ",)  # correlations: in --json and --csv, too wide for the terminal table
OCCLUSION_SEQUENCES, OCCLUSION_STEPS = 10, 5  # the text names the 5 steps that mattered most in 10 sequences


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "units", help="per-unit statistics of every recurrent layer (saturation, memory, correlations)",
        description="Run the model on IN with the numpy engine and print, for every unit of every recurrent "
        "layer and direction: mean |h|, std of h, how often each sigmoid gate is saturated (left < 0.1, "
        "right > 0.9), memory in steps 1/(1 - mean forget gate) (GRU: update gate), correlations of h with "
        "the input features and the model outputs, and whether the unit is dead. Masked steps are left out.")
    add_model_argument(parser)
    add_input_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON list with one object per unit")
    parser.add_argument("--csv", metavar="FILE", help="also write the whole table, correlations included, to FILE")
    pattern = parser.add_argument_group("select a pattern and find it elsewhere")
    pattern.add_argument("--select", metavar="A-B", help="time steps A..B (inclusive) of the selected sequence")
    pattern.add_argument("--sequence", type=int, default=0, metavar="K", help="the sequence (row of the batch, default 0)")
    pattern.add_argument("--layer", default="", help="the recurrent layer (default: the first)")
    pattern.add_argument("--direction", default="", help="forward or backward (default: the first)")
    pattern.add_argument("--quantity", default="h", help="h, c or a gate (i, f, c~, o, z, r, h~); default h")
    pattern.add_argument("--threshold", type=float, default=0.5, help="'on' means above this (default 0.5)")
    parser.add_argument("--occlusion", choices=BASELINES, help="which steps mattered: replace each step by "
                        "zeros or the sequence's mean in turn and report the change of every output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model_argument(args)
    check_runnable(model)
    inputs = read_inputs(args.input, model)
    result = run_engine(model, inputs)
    tables = unit_table(model, result, inputs)
    if not tables:
        raise InspectorError("the model has no recurrent layer the engine can trace; there are no units to describe")
    pattern = _pattern(args, result) if args.select else None
    occluded = occlusion(model, result, inputs, args.occlusion) if args.occlusion else None
    if args.csv:
        _write_csv(args.csv, tables)
    if args.json:
        extras = {"pattern": pattern and pattern_json(*pattern), "occlusion": occluded and occlusion_json(occluded)}
        chosen = {key: value for key, value in extras.items() if value is not None}
        print(json.dumps({"units": rows(tables), **chosen} if chosen else rows(tables), indent=1))
    else:
        texts = [text_table(units) for units in tables]
        texts += [pattern_text(*pattern)] if pattern else []
        texts += [occlusion_text(occluded)] if occluded else []
        print("\n\n".join(texts))
    if args.csv:
        print(f"wrote {args.csv}", file=sys.stderr if args.json else sys.stdout)  # JSON stays parseable
    return 0


def text_table(units: DirectionUnits) -> str:
    """One direction as a terminal table with a few summary lines above it."""
    found = {name: values for name, values in columns(units).items() if not name.startswith(TEXT_COLUMNS_SKIPPED)}
    header = ["unit", *found]
    lines = [[str(u), *(cell_text(values[u], name) for name, values in found.items())] for u in range(units.units)]
    widths = [max(len(row[k]) for row in [header, *lines]) for k in range(len(header))]
    body = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in [header, *lines]]
    title = (f"{printable(units.title)}: {units.cell}, {units.units} units, "
             f"{units.samples} (sequence, step) pairs")
    return "\n".join([title, *(f"  {line}" for line in summary_lines(units)), *body])


def _pattern(args: argparse.Namespace, result) -> tuple[DirectionTrace, Selection, list[Match]]:
    first, _, last = args.select.partition("-")
    if not first.strip().isdigit() or not (last or first).strip().isdigit():
        raise InspectorError(f"--select {args.select}: give the steps as A-B, e.g. --select 5-9")
    trace = direction_trace(result, args.layer, args.direction)
    try:
        selection, matches = find_pattern(trace, args.quantity, args.sequence, int(first), int(last or first) + 1,
                                          args.threshold)
    except ValueError as error:
        raise InspectorError(f"--select: {error}") from error
    return trace, selection, matches


def pattern_text(trace: DirectionTrace, selection: Selection, matches: list[Match]) -> str:
    where = f"{trace.layer} ({trace.direction}), sequence {selection.sequence}"
    lines = [f"pattern on {where}: {selection_text(selection)}"]
    if selection.units.size:
        lines.append(f"  found elsewhere ({len(matches)} window(s)):" if matches else "  found nowhere else")
    lines += [f"  {match_text(match, selection, first=0)}" for match in matches]
    return "\n".join(lines)


def pattern_json(trace: DirectionTrace, selection: Selection, matches: list[Match]) -> dict:
    return {"layer": trace.layer, "direction": trace.direction, "quantity": selection.quantity,
            "sequence": selection.sequence, "start": selection.start, "stop": selection.stop - 1,
            "threshold": selection.threshold, "units": [int(u) for u in selection.units],
            "matches": [{"sequence": m.sequence, "start": m.start, "stop": m.stop - 1, "units_on": m.on,
                         "off_before": m.off_before} for m in matches]}


def occlusion_text(found: Occlusion) -> str:
    lines = [f"which steps mattered (each step replaced by the {found.baseline} baseline; {found.method}"
             + (f": {found.reason})" if found.reason else ")")]
    for sequence in range(min(found.changes[0].shape[0], OCCLUSION_SEQUENCES)):
        biggest = np.max([np.abs(c[sequence].reshape(found.time_steps, -1)).max(axis=1) for c in found.changes], axis=0)
        steps = np.argsort(-biggest, kind="stable")[:OCCLUSION_STEPS]
        named = ", ".join(f"step {t} ({biggest[t]:.3g})" for t in steps)
        lines.append(f"  sequence {sequence}: largest output change at {named}")
    return "\n".join(lines)


def occlusion_json(found: Occlusion) -> dict:
    return {"baseline": found.baseline, "method": found.method, "reason": found.reason,
            "changes": [c.tolist() for c in found.changes]}


def _write_csv(path: str, tables: list[DirectionUnits]) -> None:
    header, lines = csv_header_and_lines(tables)
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(lines)
    except OSError as error:
        raise InspectorError(f"cannot write {path}: {error.strerror or error}; choose another --csv file") from error

