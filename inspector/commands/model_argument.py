"""The MODEL argument every command takes, and opening it: one place for every command.

`add_model_argument` declares MODEL (and, with it, the options about how to read it);
`open_model_argument` reads it in a child process (inspector.core.sandbox), so a hostile file
cannot take the command down.
"""

from __future__ import annotations

import argparse

from inspector.commands.waiting import still_reading
from inspector.core.model.canonical import Model
from inspector.core.sandbox.isolated_open import open_model_isolated

MODEL_HELP = "a Keras file: .h5, .hdf5, .keras or .weights.h5"
ARCHITECTURE_HELP = ("for a weights-only MODEL: the architecture to read its weights with - to_json() or "
                     "to_yaml() output, a Keras 3 config.json, or a full-model file of the same network")


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help=MODEL_HELP)
    parser.add_argument("--architecture", metavar="FILE", help=ARCHITECTURE_HELP)


def open_model_argument(args: argparse.Namespace) -> Model:
    """The model named on the command line, read in a child process ("still reading ..." when slow)."""
    with still_reading(args.model):
        return open_model_isolated(args.model, architecture=getattr(args, "architecture", None))


INPUT_FORMATS = ".npy (one input), .npz (in0, in1, ...) or .csv (rows = time steps)"


def add_input_argument(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    """--input IN; required unless `default` says what is used without it."""
    help_text = INPUT_FORMATS + (f"; default: {default}" if default else "")
    parser.add_argument("--input", metavar="IN", required=default is None, help=help_text)


def add_timeout_argument(parser: argparse.ArgumentParser, default: float, what: str = "load and run the model") -> None:
    parser.add_argument("--timeout", type=float, default=default, metavar="S",
                        help=f"seconds Keras may take to {what} (default {default:g})")
