"""`lstm-inspector predict MODEL --input IN --output OUT.npz [--trace TRACE.npz] [--float64]`.

Runs the numpy engine only (never TensorFlow). OUT.npz holds out0, out1, ... in model output
order; TRACE.npz holds `<layer>/<direction>/<name>` arrays (see inspector.core.engine.trace).
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import numpy as np

from inspector.commands.model_argument import add_input_argument, add_model_argument, open_model_argument
from inspector.core.engine import check_runnable
from inspector.core.engine import run as run_engine
from inspector.core.errors import InspectorError
from inspector.core.inputs.sequences import read_inputs


class OutputError(InspectorError):
    """The result file cannot be written."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="run a model on an input with the numpy engine",
        description="Run a Keras model on an input with the numpy engine (no TensorFlow) "
        "and save its outputs, optionally every gate at every time step.",
    )
    add_model_argument(parser)
    add_input_argument(parser)
    parser.add_argument("--output", required=True, metavar="OUT.npz", help="where to write out0, out1, ...")
    parser.add_argument("--trace", metavar="TRACE.npz",
                        help="also write every recurrent layer's gates, c, h and mask per time step")
    parser.add_argument("--float64", action="store_true", help="compute in float64 instead of float32")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    model = open_model_argument(args)
    check_runnable(model)
    inputs = read_inputs(args.input, model)
    dtype = np.float64 if args.float64 else np.float32
    result = run_engine(model, inputs, dtype=dtype, record_trace=bool(args.trace))
    outputs = {f"out{k}": array for k, array in enumerate(result.outputs)}
    _save(args.output, outputs)
    for name, array in outputs.items():
        print(f"{name}: shape {array.shape} {array.dtype}")
    print(f"wrote {args.output}")
    if args.trace:
        arrays = result.trace.arrays() if result.trace is not None else {}
        _save(args.trace, arrays)
        layers = len(result.trace.layers) if result.trace is not None else 0
        print(f"wrote {args.trace} ({len(arrays)} arrays from {layers} recurrent layer(s))")
    return 0


def _save(path: str, arrays: dict[str, np.ndarray]) -> None:
    target = Path(path)
    if target.suffix.lower() != ".npz":
        raise OutputError(f"{path}: results are written as .npz; give a file name ending in .npz")
    try:
        with open(target, "wb") as handle:
            np.savez(handle, **arrays)
    except (OSError, zipfile.LargeZipFile) as error:
        raise OutputError(f"cannot write {path}: {getattr(error, 'strerror', None) or error}") from error
