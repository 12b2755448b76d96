"""Every Keras zoo model (built by real Keras 3 and tf_keras in child processes) ported to numpy,
JavaScript and C, run through its runner, compared with the outputs Keras computed.

All zoo models, both runtimes, the legacy .h5 save (the .keras save of the same model holds the
same weights: the reader tests cover both). The generated programs are built and run two at a
time; C at -O1 and numpy imported in this process (its runner is covered by the corpus and command
tests) to stay inside the time budget. Tolerance as `verify` (1e-5 for these short sequences,
relative above 1). A model may be refused only for a class its generator does not cover, or a
configuration listed in CONFIG_REFUSALS (or one the engine cannot run either), and the refusal
must name the layer and the language.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from inspector.core.model.load import open_model
from inspector.core.port.plan import LANGUAGES, plan_port
from inspector.core.port.support import LANGUAGE_TITLES, SUPPORTED
from tests.port.porting import Case, assert_matches_keras, port_all, require_tools
from tests.zoo.cache import load_arrays
from tests.zoo.recipes import all_recipes

CONFIG_REFUSALS = ("is not generated",)
_ported: dict[str, dict[str, Case]] = {}



def cases() -> list[Any]:
    return [pytest.param(language, recipe.id, runtime, id=f"{language}-{recipe.id}-{runtime}")
            for language in LANGUAGES for recipe in all_recipes() for runtime in recipe.runtimes]


def ported(language: str, zoo: list[dict[str, Any]], root: Path) -> dict[str, Case]:
    if language not in _ported:
        require_tools(language)
        built = []
        for entry in zoo:
            if "h5" not in entry["files"]:
                continue
            model = open_model(entry["files"]["h5"])
            built.append(Case(f"{entry['id']}-{entry['runtime']}", model, load_arrays(entry["files"]["input"]),
                              load_arrays(entry["files"]["expected"])))
        _ported[language] = port_all(built, language, root / language, in_process=True)
    return _ported[language]


@pytest.fixture(scope="module")
def port_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("port-zoo")


@pytest.mark.parametrize("language, recipe_id, runtime", cases())
def test_zoo_port_matches_keras(language: str, recipe_id: str, runtime: str, keras_zoo, port_root: Path) -> None:
    by_key = ported(language, keras_zoo, port_root)
    case = by_key.get(f"{recipe_id}-{runtime}")
    if case is None:
        pytest.skip(f"{runtime} did not build or save {recipe_id} as .h5 (see test_zoo_generates)")
    if case.refusal:
        assert case.refusal.startswith("layer '"), case.refusal
        if "cannot run" not in case.refusal:  # else the engine cannot run it either (reader limits)
            assert f"cannot be ported to {LANGUAGE_TITLES[language]}" in case.refusal
            missing = re.search(r"generator has no (\w+) yet", case.refusal)
            if missing:
                assert missing.group(1) not in SUPPORTED[language], f"refused a covered class: {case.refusal}"
            else:
                assert any(p in case.refusal for p in CONFIG_REFUSALS), f"unexpected refusal: {case.refusal}"
        return
    assert_matches_keras(case)


def test_prelu_streams_only_with_its_alpha_shared_over_time(keras_zoo) -> None:
    """PReLU(shared_axes=[1]) before an LSTM steps one time step at a time; an alpha per time step cannot."""
    entry = next(e for e in keras_zoo if e["id"] == "td_prelu_lstm" and "h5" in e["files"])
    model = open_model(entry["files"]["h5"])
    assert plan_port(model, "c").streams
    prelu = next(layer for layer in model.layers if layer.class_name == "PReLU")
    per_step = replace(prelu, weights={"alpha": np.ones((6, 4), np.float32)})
    changed = replace(model, layers=tuple(per_step if layer is prelu else layer for layer in model.layers))
    assert "alpha per time step" in plan_port(changed, "c").stream_reason
