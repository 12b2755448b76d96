"""The wheel ships every inspector package and the demo models."""

from __future__ import annotations

import tomllib
from pathlib import Path

from inspector.demo import DEMOS, demo_model, demo_sequence

REPO = Path(__file__).resolve().parent.parent


def test_every_inspector_package_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "inspector").rglob("__init__.py")}
    assert found <= listed


def test_demo_models_and_sequences_are_bundled() -> None:
    for name in DEMOS:
        assert demo_model(name).is_file() and demo_sequence(name).is_file()
