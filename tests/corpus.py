"""Where the real-world corpus is: $INSPECTOR_CORPUS, else ../shared/realworld beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def corpus_path() -> Path:
    return Path(os.environ.get("INSPECTOR_CORPUS") or REPO.parent / "shared" / "realworld")


def corpus_required() -> bool:
    """When INSPECTOR_CORPUS is set (as CI does), a missing corpus fails the run instead of skipping."""
    return bool(os.environ.get("INSPECTOR_CORPUS"))


def corpus_dir_or_skip() -> Path:
    import pytest

    path = corpus_path()
    if not (path / "manifest.json").exists():
        if corpus_required():
            pytest.fail(f"INSPECTOR_CORPUS={path} has no manifest.json: the real-world corpus is missing")
        pytest.skip(f"the real-world corpus is not at {path} (set INSPECTOR_CORPUS)")
    return path
