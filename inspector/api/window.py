"""`show(path_or_model, sequence=None)`: the window on a model, in its own process; returns at once.

The window runs in a child process (`python -m inspector.api.window`), so a notebook's kernel never
hosts a Qt event loop and closing the window never touches the caller. A live Keras model and a
sequence are written to a temporary folder the child owns and removes when its window closes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from inspector.api.inspected import InspectedModel
from inspector.api.live_keras import is_live_keras_model, save_live_model
from inspector.commands.display import display_problem
from inspector.core.errors import InspectorError


def show(source: Any, sequence: Any = None) -> subprocess.Popen[bytes]:
    """Open the window on a file, an InspectedModel or a live Keras model, with `sequence` (an array, or a
    list of arrays for several inputs) in the Sequence dock. Returns the window's process at once."""
    problem = display_problem()
    if problem is not None:
        raise InspectorError(f"no display found ({problem}); inspector.load() works without one")
    folder = Path(tempfile.mkdtemp(prefix="lstm-inspector-show-"))
    try:
        command = [sys.executable, "-m", "inspector.api.window", "--remove-when-closed", str(folder),
                   str(_model_file(source, folder))]
        if sequence is not None:
            command[-1:-1] = ["--sequence", str(_sequence_file(sequence, folder))]
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _model_file(source: Any, folder: Path) -> Path:
    if is_live_keras_model(source):
        return save_live_model(source, folder)
    if isinstance(source, InspectedModel):
        if source.temporary is None:
            return Path(source.path).resolve()
        return Path(shutil.copy(source.temporary, folder / source.temporary.name))  # it may go before the window
    if isinstance(source, str | os.PathLike) and Path(source).is_file():
        return Path(source).resolve()
    raise InspectorError(f"show() takes a model file, inspector.load()'s result or a Keras model, not {source!r}")


def _sequence_file(sequence: Any, folder: Path) -> Path:
    arrays = list(sequence) if isinstance(sequence, list | tuple) else [sequence]
    if len(arrays) == 1:
        np.save(folder / "sequence.npy", np.asarray(arrays[0]))
        return folder / "sequence.npy"
    np.savez(folder / "sequence.npz", **{f"in{k}": np.asarray(a) for k, a in enumerate(arrays)})
    return folder / "sequence.npz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inspector.api.window")
    parser.add_argument("model")
    parser.add_argument("--sequence")
    parser.add_argument("--remove-when-closed", metavar="DIR")
    args = parser.parse_args(argv)
    try:
        from inspector.gui.app import run_app

        return run_app(args.model, sequence=args.sequence)
    finally:
        if args.remove_when_closed:
            shutil.rmtree(args.remove_when_closed, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
