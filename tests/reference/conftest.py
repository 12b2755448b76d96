"""Fixtures for the Keras reference tests: the zoo and corpus batches, verify run in-process."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reference_cases import ZOO_IDS, Batch, Case, keras_or_skip, read_npz_inputs, run_batch

from inspector import cli
from inspector.commands import verify
from inspector.core.model.load import open_model
from inspector.reference import seeded_inputs


@pytest.fixture(scope="session")
def keras_required() -> None:
    keras_or_skip()


@pytest.fixture(scope="session")
def zoo_batch(keras_zoo: list[dict[str, Any]]) -> Batch:
    keras_or_skip()
    cases = []
    for entry in keras_zoo:
        path = entry["files"].get("keras") or entry["files"].get("h5")
        if entry["id"] in ZOO_IDS and path is not None:
            case = Case(f"{entry['id']}.{entry['runtime']}", open_model(path), read_npz_inputs(entry["files"]["input"]))
            case.extra["entry"] = entry
            cases.append(case)
    assert cases, "no zoo model of ZOO_IDS was generated"
    return run_batch(cases)


@pytest.fixture(scope="session")
def corpus_batch(corpus_dir: Path) -> Batch:
    """Every corpus model with its refs input ("<file>") and, as `verify` does without --input, with a
    seeded one ("<file>+seeded"); files without refs get only the seeded one, under "<file>"."""
    keras_or_skip()
    cases = []
    for entry in json.loads((corpus_dir / "manifest.json").read_text()):
        name = entry["file"]
        if name.endswith("_inputs_and_outputs.h5"):
            continue  # DL4J companions: data, not models
        model = open_model(corpus_dir / "models" / name)
        seeded = seeded_inputs(model) if model.has_architecture else []
        refs = corpus_dir / "refs" / f"{name}.input.npz"
        if refs.exists():
            cases += [Case(name, model, read_npz_inputs(refs)), Case(f"{name}+seeded", model, seeded)]
        else:
            cases.append(Case(name, model, seeded))
    return run_batch(cases)


@pytest.fixture()
def run_verify(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """verify MODEL ... in-process, through the CLI's error handling: (exit status, stdout, stderr)."""
    parser = argparse.ArgumentParser(prog="lstm-inspector")
    verify.add_parser(parser.add_subparsers())

    def run(*argv: str) -> tuple[int, str, str]:
        args = parser.parse_args(["verify", *argv])
        code = cli._run(args.run, args)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
