"""Where the real-world corpus is: $INSPECTOR_CORPUS, else ../shared/realworld beside the repo."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

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


def ref_files() -> list[str]:
    """The corpus files with outputs computed by real Keras (refs/refs.json)."""
    path = corpus_path() / "refs" / "refs.json"
    if not path.exists():
        return ["<corpus missing>"]
    return [entry["file"] for entry in json.loads(path.read_text())]


def ref_arrays(path: Path, prefix: str) -> list[np.ndarray]:
    """`in0`, `in1`, ... (or `out0`, ...) of a refs .npz, in order."""
    with np.load(path) as data:
        return [data[f"{prefix}{k}"] for k in range(len(data.files))]


def companions() -> list[tuple[str, str]]:
    """(model, Deeplearning4j companion) pairs whose companion recorded predictions; one companion holds
    training targets only, so it is not a test case at all (deselected here, not skipped)."""

    path = corpus_path() / "manifest.json"
    if not path.exists():
        return [("<corpus missing>", "")]
    pairs = [(entry["file"], companion["file"])
             for entry in json.loads(path.read_text()) for companion in entry.get("companions") or []]
    return [pair for pair in pairs if _has_predictions(corpus_path() / "models" / pair[1])]


def _has_predictions(companion: Path) -> bool:
    import h5py

    with h5py.File(companion, "r") as f:
        return "predictions" in f
