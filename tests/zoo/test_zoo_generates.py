"""Smoke test of the Keras zoo: both runtimes generated every recipe they support."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pytest

from tests.zoo.cache import missing_runtimes
from tests.zoo.recipes import all_recipes, recipe_ids
from tests.zoo.spec import RUNTIMES


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_recipe_builds(runtime: str, keras_zoo_manifests: dict[str, dict[str, Any]]
                             ) -> None:
    if runtime not in keras_zoo_manifests:
        assert os.environ.get("INSPECTOR_REQUIRE_KERAS") != "1"
        pytest.skip(missing_runtimes().get(runtime, f"{runtime} not generated"))
    manifest = keras_zoo_manifests[runtime]
    assert manifest["failures"] == []
    built = [entry["id"] for entry in manifest["entries"]]
    assert built == recipe_ids(runtime)


def test_entries_point_at_files(keras_zoo: list[dict[str, Any]]) -> None:
    assert {entry["runtime"] for entry in keras_zoo} <= set(RUNTIMES)
    for entry in keras_zoo:
        for path in entry["files"].values():
            assert path.is_absolute() and path.is_file(), path
        model_kinds = {"keras", "h5"} if entry["runtime"] == "keras3" else {"h5"}
        assert model_kinds <= set(entry["files"])
        with np.load(entry["files"]["expected"]) as expected:
            assert len(expected.files) == len(entry["output_arrays"])
            assert all(np.all(np.isfinite(expected[k])) for k in expected.files)


def test_pytest_process_never_imports_tensorflow(keras_zoo: list[dict[str, Any]]) -> None:
    assert keras_zoo
    assert "tensorflow" not in sys.modules
    assert "keras" not in sys.modules and "tf_keras" not in sys.modules


def test_recipe_ids_are_unique() -> None:
    ids = [recipe.id for recipe in all_recipes()]
    assert len(ids) == len(set(ids))
