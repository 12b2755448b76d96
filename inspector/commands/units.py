"""`lstm-inspector units MODEL --input IN [--json] [--csv FILE]`: the per-unit table of every recurrent layer.

For every recurrent layer and direction over the input batch: mean |h|, std of h, the fraction of steps
each sigmoid gate is left-saturated (< 0.1) and right-saturated (> 0.9), memory in steps 1 / (1 - mean f)
(GRU: update gate z), correlations of h with the input features and model outputs, and a dead flag.
Runs the numpy engine only (never TensorFlow). `--json` prints one list of objects, one per unit;
`--csv FILE` also writes every column (correlations included) to FILE.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

from inspector.commands.model_argument import add_model_argument, open_model_argument
from inspector.core.engine import check_runnable
from inspector.core.engine import run as run_engine
from inspector.core.errors import InspectorError
from inspector.core.inputs.sequences import read_inputs
from inspector.core.units.statistics import DirectionUnits, unit_table
from inspector.core.units.summary import summary_lines
from inspector.core.units.table import cell_text, columns, csv_header_and_lines, rows

TEXT_COLUMNS_SKIPPED = ("r ",)  # correlations: in --json and --csv, too wide for the terminal table


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "units", help="per-unit statistics of every recurrent layer (saturation, memory, correlations)",
        description="Run the model on IN with the numpy engine and print, for every unit of every recurrent "
        "layer and direction: mean |h|, std of h, how often each sigmoid gate is saturated (left < 0.1, "
        "right > 0.9), memory in steps 1/(1 - mean forget gate) (GRU: update gate), correlations of h with "
        "the input features and the model outputs, and whether the unit is dead. Masked steps are left out.")
    add_model_argument(parser)
    parser.add_argument("--input", required=True, metavar="IN",
                        help=".npy (one input), .npz (in0, in1, ...) or .csv (rows = time steps)")
    parser.add_argument("--json", action="store_true", help="print a JSON list with one object per unit")
    parser.add_argument("--csv", metavar="FILE", help="also write the whole table, correlations included, to FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model_argument(args)
    check_runnable(model)
    inputs = read_inputs(args.input, model)
    tables = unit_table(model, run_engine(model, inputs), inputs)
    if not tables:
        raise InspectorError("the model has no recurrent layer the engine can trace; there are no units to describe")
    if args.csv:
        _write_csv(args.csv, tables)
    if args.json:
        print(json.dumps(rows(tables), indent=1))
    else:
        print("\n\n".join(text_table(units) for units in tables))
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
    title = (f"{units.title}: {units.cell}, {units.units} units, "
             f"{units.samples} (sequence, step) pairs")
    return "\n".join([title, *(f"  {line}" for line in summary_lines(units)), *body])


def _write_csv(path: str, tables: list[DirectionUnits]) -> None:
    header, lines = csv_header_and_lines(tables)
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(lines)
    except OSError as error:
        raise InspectorError(f"cannot write {path}: {error.strerror or error}; choose another --csv file") from error

