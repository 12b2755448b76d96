"""The table of built-in Keras layer classes agrees with the README, the reader and the engine.

Each check can fail: a class the engine registers but the table calls refused (or omits), a
class the table says runs but the engine has no function for, a README row that says something
else than the table, a built-in class the reader calls custom code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspector.core.engine.registry import supported_classes
from inspector.core.model import layer_build
from inspector.core.model.builtin_layers import (
    BUILTIN_CLASSES,
    CODE_CLASSES,
    GROUPS,
    REFUSED,
    RUNNABLE_CLASSES,
    option_refusal,
    refusal,
)
from inspector.core.model.dialects import normalize_layer, unwrap
from inspector.core.model.graph_config import entry as graph_entry

README = Path(__file__).resolve().parents[3] / "README.md"
GRAPH_CLASSES = {"InputLayer"}  # fed by the graph itself, no layer function
ROW = re.compile(r"^\| (`[^|]+`) \| ([^|]+) \| ([^|]+) \|$")


def readme_rows() -> dict[frozenset[str], str]:
    """classes -> status, for every row of the README's class table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Which Keras layers run", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = ROW.match(line.strip())
        if found:
            classes = frozenset(re.findall(r"`([A-Za-z0-9_]+)`", found[1]))
            rows[classes] = found[3].strip()
    return rows


def expected_status(group) -> str:
    if not group.runs:
        return f"refused: {group.reason}"
    if group.read_as:
        return "runs, read as " + ", ".join(f"`{name}`" for name in group.read_as)
    return "runs"


def test_readme_table_lists_every_group_with_its_status() -> None:
    rows = readme_rows()
    expected = {frozenset(group.classes): expected_status(group) for group in GROUPS}
    assert set(rows) == set(expected), "README class table and builtin_layers.GROUPS list different classes"
    for classes, status in expected.items():
        assert rows[classes] == status, f"README says {rows[classes]!r} for {sorted(classes)}"


def test_every_class_is_listed_once() -> None:
    names = [name for group in GROUPS for name in group.classes]
    assert len(names) == len(set(names))
    assert RUNNABLE_CLASSES | set(REFUSED) == BUILTIN_CLASSES


def test_every_class_the_table_runs_has_an_engine_function() -> None:
    engine = supported_classes()
    for group in GROUPS:
        if not group.runs:
            continue
        needed = set(group.read_as or group.classes) - GRAPH_CLASSES
        assert needed <= engine, f"the engine cannot run {sorted(needed - engine)}"


def test_every_class_the_engine_runs_is_in_the_table_as_running() -> None:
    engine = supported_classes()
    assert engine <= RUNNABLE_CLASSES, f"registered but not listed as running: {sorted(engine - RUNNABLE_CLASSES)}"
    assert not engine & set(REFUSED)


def test_the_reader_uses_the_table() -> None:
    assert layer_build.RUNNABLE_CLASSES is RUNNABLE_CLASSES
    assert layer_build.CODE_CLASSES is CODE_CLASSES


@pytest.mark.parametrize("group", [g for g in GROUPS if g.read_as], ids=lambda g: g.classes[0])
def test_classes_read_as_others_become_engine_classes(group) -> None:
    engine = supported_classes()
    for stored in group.classes:
        if stored.endswith(("Cell", "Cells")) or stored == "RNN":
            cell = {"class_name": "LSTMCell" if stored in ("RNN", "StackedRNNCells") else stored,
                    "config": {"units": 2}}
            if stored == "StackedRNNCells":
                cell = {"class_name": stored, "config": {"cells": [cell, cell]}}
            canonical, _ = normalize_layer("RNN", {"name": "x", "cell": cell}, 2)
        else:
            canonical, _ = normalize_layer(stored, {"name": "x"}, 1 if group.keras.startswith("1.") else 2)
        assert canonical in engine, f"{stored} is read as {canonical}, which the engine cannot run"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_built_in_classes_give_their_reason_not_custom_code(name: str) -> None:
    layer = layer_build.build_layer(name, name, {"name": "x"}, [], 3)
    assert not layer.runnable
    assert "custom code" not in layer.reason
    assert REFUSED[name] in layer.reason


def test_unknown_classes_are_custom_code() -> None:
    layer = layer_build.build_layer("AttentionWeightedAverage", "AttentionWeightedAverage", {"name": "x"}, [], 2)
    assert not layer.runnable and "custom code" in layer.reason
    assert "custom code" in refusal("MyLayer") and refusal("Conv2D") == ""


def test_options_the_engine_does_not_take_are_refused_by_name() -> None:
    assert "bicubic" in option_refusal("UpSampling2D", {"interpolation": "bicubic"})
    assert option_refusal("UpSampling2D", {"interpolation": "bilinear"}) == ""
    assert "attention_axes" in option_refusal("MultiHeadAttention", {"attention_axes": [1, 2]})
    assert option_refusal("MultiHeadAttention", {"attention_axes": [1]}) == ""


def test_keras3_operations_in_a_graph_are_named_as_operations() -> None:
    """keras.ops on symbolic tensors are recorded like layers, with a keras.src.ops module."""
    stored = {"module": "keras.src.ops.numpy", "class_name": "Sin", "config": {"name": "sin"},
              "registered_name": "Sin", "name": "sin", "inbound_nodes": []}
    entry = graph_entry(unwrap(stored), 3)
    layer = layer_build.build_layer(entry.class_name, entry.stored_class, entry.config, [], 3)
    assert not layer.runnable and "Keras operation (ops.numpy.Sin)" in layer.reason
    assert "custom code" not in layer.reason
    mask_op = graph_entry(unwrap({**stored, "class_name": "NotEqual", "config": {"name": "not_equal"}}), 3)
    reason = layer_build.build_layer(mask_op.class_name, mask_op.stored_class, mask_op.config, [], 3).reason
    assert REFUSED["NotEqual"] in reason
