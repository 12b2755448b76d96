"""lstm-inspector: the command line. The parser is built before anything imports Qt or TensorFlow."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from inspector.core.errors import InspectorError
from inspector.core.model.names import printable, printable_lines

COMMANDS = ("info", "predict", "verify", "export", "port", "units", "install-desktop")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstm-inspector",
        description="See inside Keras recurrent models: weights by gate, every gate at every time step, "
        "and proof that numpy computes what Keras computes.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"inspector.commands.{name.replace('-', '_')}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; output piped into `head` and Ctrl+C end quietly (status 141, 130)."""
    try:
        status = _main(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return status
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("lstm-inspector: stopped", file=sys.stderr)
        return 130


def _main(args_list: list[str]) -> int:
    parser = build_parser()
    if not args_list or args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        from inspector.commands.window import open_window

        return open_window(args_list, COMMANDS)
    args = parser.parse_args(args_list)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return _run(args.run, args)


def _run(command, args: argparse.Namespace) -> int:
    try:
        with _printable_output():  # a name from the file never sends control characters to the terminal
            return command(args)
    except InspectorError as exc:
        print(f"lstm-inspector: {printable(str(exc))}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, BrokenPipeError):
        raise
    except Exception as exc:  # a bug of ours: one line for the user, the traceback on request
        if os.environ.get("LSTM_INSPECTOR_DEBUG"):
            raise
        print(f"lstm-inspector: internal error: {type(exc).__name__}: {printable(str(exc))} "
              "(set LSTM_INSPECTOR_DEBUG=1 for the traceback)", file=sys.stderr)
        return 2


class _PrintableStream:
    """A text stream that escapes control characters (terminal escapes, carriage returns) in what is written."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable_lines(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _printable_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _PrintableStream(sys.stdout), _PrintableStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


if __name__ == "__main__":
    sys.exit(main())
