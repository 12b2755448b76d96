"""`lstm-inspector export MODEL [--input IN] --out DIR [--no-reference]`: every plot as PNG, no window.

Writes the weight heatmaps, histograms and statistics of every layer with weights (each direction of a
Bidirectional), the gates over time and the h and c states of every recurrent layer and direction, and
the predictions: the numpy output against Keras's, the residual and the scatter (the Keras part only
when a reference is available; otherwise the reason goes to stderr and the manual output is drawn),
and the units: per recurrent layer and direction the gate saturation plots and h, c and every gate with
the units clustered by the similarity of h (numbers kept on the axis), and the occlusion plot (each
step replaced by zeros in turn; skipped with the reason on stderr for more than 1,000 steps).
The window's own drawing code draws them on Qt's offscreen platform: no display is needed.
Prints every file written. Exit status 2 and one line on stderr for a bad model, input or folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from inspector.commands.model_argument import (
    add_input_argument,
    add_model_argument,
    add_timeout_argument,
    open_model_argument,
)
from inspector.core.analysis.verification import ReferenceResult, verify_against_keras
from inspector.core.errors import InspectorError
from inspector.core.model.canonical import Model
from inspector.demo import DEMOS, demo_model, demo_sequence

DEFAULT_EXPORT_TIMEOUT = 120.0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="write every plot (weights, gates over time, predictions, units) as PNG, without a window",
        description="Draw every plot of the model as PNG files into DIR, exactly as the window draws them, "
        "without a display. Keras runs in a separate process for the predictions' reference (skip it with "
        "--no-reference). Prints each file written; exit status 2 on a bad model, input or folder.")
    add_model_argument(parser)
    add_input_argument(parser, "the demo sequence for a bundled demo, else a sine (random token ids for "
                       "Embedding inputs)")
    parser.add_argument("--out", metavar="DIR", required=True, help="folder for the files (created if needed)")
    parser.add_argument("--sequence", type=int, default=0, metavar="K",
                        help="the sequence (row of the input batch) the time and prediction plots show (default 0)")
    parser.add_argument("--no-reference", action="store_true", help="do not run Keras; plot the numpy output only")
    add_timeout_argument(parser, DEFAULT_EXPORT_TIMEOUT, "compute the reference")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    folder = writable_folder(args.out)
    model = open_model_argument(args)
    inputs = model_inputs(model, args.input)
    batch = int(inputs[0].shape[0]) if inputs and np.ndim(inputs[0]) else 1
    if not 0 <= args.sequence < batch:
        raise InspectorError(f"--sequence {args.sequence}: the input holds {batch} sequence(s) (0 to {batch - 1})")
    from inspector.gui.widgets.png import ensure_app  # Qt only now, after the arguments and files are checked

    ensure_app()
    written = _weights(model, folder)
    result = _run_engine(model, inputs)
    if result is not None:
        reference = None if args.no_reference else _reference(model, inputs, args.timeout)
        written += _time_plots(model, result, folder, args.sequence)
        written += _prediction_plots(model, inputs, result, reference, folder, args.sequence)
        written += _unit_plots(model, inputs, result, folder, args.sequence)
    for path in written:
        print(path)
    return 0


def writable_folder(out: str) -> Path:
    """The output folder, created if needed; InspectorError (exit 2) when it cannot be written."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".lstm-inspector-"):
            pass
    except OSError as error:
        raise InspectorError(f"cannot write into {folder}: {error.strerror or error}; choose another --out") from error
    return folder


def model_inputs(model: Model, path: str | None) -> list[np.ndarray]:
    """--input, else the demo sequence of a bundled demo, else the default input for the model."""
    from inspector.core.inputs.generators import default_inputs
    from inspector.core.inputs.sequences import read_inputs

    if path:
        return read_inputs(path, model)
    demo = next((name for name in DEMOS if _same_file(model.path, demo_model(name))), None)
    if demo is not None:
        return read_inputs(demo_sequence(demo), model)
    return default_inputs(model)


def _same_file(a: str | os.PathLike[str], b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return False


def _weights(model: Model, folder: Path) -> list[Path]:
    from inspector.gui.weights.export import export_model_plots

    return export_model_plots(model, folder)


def _run_engine(model: Model, inputs: list[np.ndarray]):
    """The engine's result with its trace; None (and why, on stderr) when the model cannot run."""
    from inspector.core.engine import check_runnable, run

    try:
        check_runnable(model)
        return run(model, inputs, record_trace=True)
    except InspectorError as error:
        _note(f"the numpy engine cannot run this model ({error}); only the weight plots were written")
        return None


def _reference(model: Model, inputs: list[np.ndarray], timeout: float):
    """Keras's result (blocking, in a child process); when there is none, the reason also goes to stderr."""
    from inspector.reference import compute_reference

    try:
        reference = compute_reference(model, inputs, timeout=timeout)
    except InspectorError as error:  # the child crashed or timed out: still draw the numpy output
        reference = ReferenceResult(False, reason=str(error))
    if not reference.available:
        _note(f"Keras reference unavailable: {reference.reason}; the prediction plots show the numpy output only")
    return reference


def _time_plots(model: Model, result, folder: Path, sequence: int) -> list[Path]:
    from inspector.core.analysis.weight_blocks import directions_of
    from inspector.gui.time.export import export_time_plots

    written: list[Path] = []
    for layer in model.recurrent_layers:
        if result.trace is None or layer.name not in result.trace:
            continue
        for direction in directions_of(layer):
            written += export_time_plots(model, result, layer.name, direction, folder, sequence=sequence)
    return written


def _prediction_plots(model: Model, inputs: list[np.ndarray], result, reference, folder: Path,
                      sequence: int) -> list[Path]:
    from inspector.gui.predictions.export import export_prediction_plots
    from inspector.gui.predictions.figures import make_predictions

    note = "Keras was not run (--no-reference)" if reference is None else ""
    verification = None
    if reference is not None and reference.available:
        verification = verify_against_keras(model, inputs, result, reference)
        _note(f"compared with {verification.verdict}")
    written: list[Path] = []
    for output in range(len(result.outputs)):
        data = make_predictions(model, result, reference, output, note=note)
        written += export_prediction_plots(data, folder, sequence, verification=verification if output == 0 else None)
    return written


def _unit_plots(model: Model, inputs: list[np.ndarray], result, folder: Path, sequence: int) -> list[Path]:
    """Saturation plots and unit-ordered heatmaps of every recurrent layer, and the occlusion plot."""
    from inspector.gui.units.export import export_unit_plots

    notes: list[str] = []
    written = export_unit_plots(model, result, inputs, folder, sequence=sequence, notes=notes)
    for note in notes:
        _note(note)
    return written


def _note(text: str) -> None:
    print(f"lstm-inspector: {text}", file=sys.stderr)
