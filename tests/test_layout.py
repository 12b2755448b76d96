"""The checks that keep the layout (pyproject.toml holds their configuration):

- import-linter contracts: core never imports the GUI, the Keras reference, Qt or TensorFlow; data flows
  one way through core's rooms; only the GUI imports Qt, only the reference imports Keras; views never
  import each other;
- mypy on inspector/core (every function typed, strict optional);
- ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade);
- no module over 400 lines and no folder of inspector/ with more than 15 modules.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MAX_LINES = 400
MAX_MODULES = 15


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_import_contracts_are_kept() -> None:
    result = _run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_core_is_clean_under_mypy() -> None:
    result = _run("mypy", "--no-error-summary")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", "inspector", "tests", "resources", "packaging")
    assert result.returncode == 0, result.stdout[-4000:]


def test_no_module_over_400_lines() -> None:
    long = {str(p.relative_to(REPO)): n for p in (REPO / "inspector").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_no_folder_with_more_than_15_modules() -> None:
    crowded = {}
    for folder in [REPO / "inspector", *(p for p in (REPO / "inspector").rglob("*") if p.is_dir())]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > MAX_MODULES:
            crowded[str(folder.relative_to(REPO))] = len(modules)
    assert not crowded, crowded


def test_every_folder_of_inspector_is_a_package() -> None:
    """A folder without __init__.py would be a namespace package the contracts and the wheel may miss."""
    missing = [str(p.relative_to(REPO)) for p in (REPO / "inspector").rglob("*")
               if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py")) and not (p / "__init__.py").exists()]
    assert not missing, missing
