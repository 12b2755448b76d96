"""`lstm-inspector info MODEL [--json]`: format, Keras version, layers, shapes, gates, what runs."""

from __future__ import annotations

import argparse
import json

from inspector.commands.model_argument import add_model_argument, open_model_argument
from inspector.core.analysis.describe import describe_model, format_table
from inspector.core.model.names import printable


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="describe a Keras model file",
                                   description="Describe a Keras model file without running anything in it.")
    add_model_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    info = describe_model(open_model_argument(args))
    print(json.dumps(info, indent=1) if args.json else format_table(printable(info)))
    return 0
