"""`lstm-inspector [MODEL]`: open the window, after making sure it can open and MODEL exists.

Without a display the process would be aborted by Qt; a mistyped command or path would open an empty
window with an error dialog. Both end here in one line on stderr and exit status 2 instead.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from inspector.commands.display import display_problem

NEEDS_DISPLAY = ("install-desktop",)  # commands that are no use without one


def open_window(args_list: list[str], commands: Sequence[str]) -> int:
    """Open the window on MODEL (the demo when none); 2 with one line on stderr when it cannot."""
    parser = argparse.ArgumentParser(prog="lstm-inspector", add_help=False)
    parser.add_argument("model", nargs="?")
    parser.add_argument("--architecture")
    args = parser.parse_args(args_list)
    problem = _model_problem(args.model, commands) if args.model else None
    if not problem and args.architecture and not Path(args.architecture).is_file():
        problem = f"no such file: {args.architecture} (--architecture)"
    problem = problem or _no_display(commands)
    if problem:
        print(f"lstm-inspector: {problem}", file=sys.stderr)
        return 2
    from inspector.gui.app import run_app  # Qt is imported only now, after these checks

    return run_app(args.model, args.architecture)


def _model_problem(word: str, commands: Sequence[str]) -> str | None:
    path = Path(word)
    if path.is_file():
        return None
    if path.exists():
        return f"{word} is a folder, not a model file; give a .h5, .hdf5 or .keras file"
    close = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    if close:
        return f"'{word}' is neither a command nor a file; did you mean '{close[0]}'?"
    if path.suffix or "/" in word or "\\" in word:
        return f"no such file: {word}"
    return f"'{word}' is neither a command nor a file; commands: {', '.join(commands)} (see --help)"


def _no_display(commands: Sequence[str]) -> str | None:
    problem = display_problem()
    if problem is None:
        return None
    headless = ", ".join(name for name in commands if name not in NEEDS_DISPLAY)
    return (f"no display found ({problem}), so the window cannot open; "
            f"without a display these work: {headless} (lstm-inspector COMMAND --help)")
