"""Shared by the port tests: generate many models, build and run them two at a time, compare with Keras.

Every generated program runs through its runner (the runner contract); C is built with
`make CFLAGS=-O1` here to keep the suite inside its time budget (the command builds with -O2,
tests/port/test_port_command.py covers that build).
"""

from __future__ import annotations

import importlib.util
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from inspector.core.analysis.compare import compare_arrays, sequence_steps, tolerance_for
from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Model
from inspector.core.port import build, plan_port, run_generated, write_port

WORKERS = 2
TEST_CFLAGS = "-O1"


@dataclass
class Case:
    key: str
    model: Model
    inputs: list[np.ndarray]
    expected: list[np.ndarray]
    folder: Path | None = None
    refusal: str = ""
    outputs: list[np.ndarray] | None = None
    error: str = ""


def require_tools(language: str) -> None:
    tool = {"js": "node", "c": "cc"}.get(language)
    if tool and shutil.which(tool) is None:
        pytest.fail(f"{tool} is required for the {language} port tests (packaging/setup.sh installs it)")


def port_all(cases: list[Case], language: str, root: Path, in_process: bool = False) -> dict[str, Case]:
    """Plan, write, build and run every case (two at a time); refusals and failures are recorded.
    `in_process`: a numpy port is imported and called here instead of through its runner."""
    for case in cases:
        try:
            plan = plan_port(case.model, language)
        except UnsupportedModel as exc:
            case.refusal = str(exc)
            continue
        case.folder = root / case.key
        write_port(plan, case.folder, case.inputs, case.expected, "Keras")
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda c: _build_and_run(c, language, in_process), [c for c in cases if c.folder]))
    return {c.key: c for c in cases}


def _build_and_run(case: Case, language: str, in_process: bool) -> None:
    try:
        if in_process and language == "numpy":
            module = import_numpy_port(case.folder)
            weights = module.load_weights(case.folder / "weights.npz")
            case.outputs = [np.asarray(y) for y in module.predict(case.inputs, weights)]
            return
        build(case.folder, language, TEST_CFLAGS)
        tokens = plan_port(case.model, language).token_inputs
        case.outputs = run_generated(case.folder, language, case.inputs, tokens)
    except Exception as exc:  # recorded, reported by the test of this case
        case.error = f"{type(exc).__name__}: {exc}"


def import_numpy_port(folder: Path):
    """The generated model.py of `folder` as a module (it imports only numpy)."""
    spec = importlib.util.spec_from_file_location(f"ported_{folder.name}".replace("-", "_"), folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_matches_keras(case: Case, atol: float | None = None) -> None:
    assert not case.error, case.error
    assert case.outputs is not None
    assert len(case.outputs) == len(case.expected)
    tolerance = atol if atol is not None else tolerance_for(sequence_steps(case.inputs))
    for k, (ours, keras) in enumerate(zip(case.outputs, case.expected, strict=True)):
        diff = compare_arrays(ours, keras, tolerance)
        assert diff.ok, (f"output {k}: max abs err {diff.max_abs_err:.3g} at {diff.worst_index} "
                         f"(port {diff.engine_value}, Keras {diff.keras_value}) {diff.problem}")
