"""The zoo models of the layers that act over chosen axes (tests/zoo/recipes_axes.py) are generated
in every language - none refused - so test_port_zoo compares each with Keras; and a layer that
reaches the batch axis is refused by name."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.core.errors import UnsupportedModel
from inspector.core.model.canonical import Layer
from inspector.core.model.load import open_model
from inspector.core.port import plan_port
from inspector.core.port.plan import LANGUAGES
from inspector.core.port.support import refusal
from tests.zoo import recipes_axes


@pytest.mark.parametrize("language", LANGUAGES)
def test_axes_recipes_are_generated(language: str, keras_zoo: list[dict[str, Any]]) -> None:
    ids = {r.id for r in recipes_axes.recipes()}
    entries = [e for e in keras_zoo if e["id"] in ids]
    assert {e["id"] for e in entries} == ids
    for entry in entries:
        try:
            plan_port(open_model(entry["files"]["h5"]), language)
        except UnsupportedModel as exc:
            pytest.fail(f"{entry['id']} ({entry['runtime']}): {exc}")


@pytest.mark.parametrize("name, config", [("BatchNormalization", {"axis": 0}), ("LayerNormalization", {"axis": [0, 2]}),
                                          ("Softmax", {"axis": 0}), ("RMSNormalization", {"axis": [0]})])
def test_batch_axis_is_refused(name: str, config: dict[str, Any]) -> None:
    layer = Layer("over_batch", name, config)
    for language in ("js", "c"):
        assert "batch axis is not generated" in refusal(layer, language, 3)
    wrapped = Layer("td", "TimeDistributed", {}, children={"layer": layer})
    assert "batch axis is not generated" in refusal(wrapped, "c", 3)
