"""Shared fixtures: the Keras zoo (reference models made by real Keras in child
processes; this process never imports TensorFlow) and the real-world corpus."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The window remembers its layout and recent files in the user's settings: tests (and the windows they start
# in child processes) keep theirs in a folder of this run, so no test sees another's or the user's.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="lstm-inspector-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], True)

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.corpus import corpus_dir_or_skip  # noqa: E402 - needs the path above
from tests.zoo import cache as zoo_cache  # noqa: E402

REQUIRE_KERAS_ENV = "INSPECTOR_REQUIRE_KERAS"


@pytest.fixture(scope="session")
def keras_zoo_manifests() -> dict[str, dict[str, Any]]:
    """runtime ("keras3", "tf_keras") -> manifest of its zoo run (entries, failures,
    not_for_runtime, runtime_version, seconds, dir). A runtime that is not installed is
    absent (skip if none is); with INSPECTOR_REQUIRE_KERAS=1 a missing one fails."""
    missing = zoo_cache.missing_runtimes()
    if missing and os.environ.get(REQUIRE_KERAS_ENV) == "1":
        pytest.fail(f"{REQUIRE_KERAS_ENV}=1 but: " + "; ".join(missing.values()))
    available = [rt for rt in zoo_cache.RUNTIMES if rt not in missing]
    if not available:
        pytest.skip("Keras zoo needs TensorFlow: " + "; ".join(sorted(set(missing.values()))))
    try:
        return zoo_cache.ensure_zoo(available)
    except zoo_cache.ZooError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def keras_zoo(keras_zoo_manifests: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every zoo model that real Keras built, both runtimes: dicts with id, runtime,
    runtime_version, tags, files (kind -> absolute Path), input_arrays, output_arrays,
    layers, layer_output_keys, skipped_layer_outputs, ... (see tests/zoo/generate.py)."""
    return zoo_cache.entries(keras_zoo_manifests)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real-world model corpus: $INSPECTOR_CORPUS or <repo>/../shared/realworld."""
    return corpus_dir_or_skip()
