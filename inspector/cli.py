"""lstm-inspector: the command line. The parser is built before anything imports Qt or TensorFlow."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from inspector.core.errors import InspectorError

COMMANDS = ("info", "predict", "verify", "export")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstm-inspector",
        description="See inside Keras recurrent models: weights by gate, every gate at every time step, "
        "and proof that numpy computes what Keras computes.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"inspector.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        return _open_window(parser, args_list)
    args = parser.parse_args(args_list)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return _run(args.run, args)


def _run(command, args: argparse.Namespace) -> int:
    try:
        return command(args)
    except InspectorError as exc:
        print(f"lstm-inspector: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: one line for the user, the traceback on request
        if os.environ.get("LSTM_INSPECTOR_DEBUG"):
            raise
        print(f"lstm-inspector: internal error: {type(exc).__name__}: {exc} "
              "(set LSTM_INSPECTOR_DEBUG=1 for the traceback)", file=sys.stderr)
        return 2


def _open_window(parser: argparse.ArgumentParser, args_list: list[str]) -> int:
    window = argparse.ArgumentParser(prog="lstm-inspector", parents=[], add_help=False)
    window.add_argument("model", nargs="?")
    args = window.parse_args(args_list)
    from inspector.gui.app import run_app  # Qt is imported only now, after parsing

    return run_app(args.model)


if __name__ == "__main__":
    sys.exit(main())
