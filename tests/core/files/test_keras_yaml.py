"""The YAML subset Keras's to_yaml wrote, and what is refused. Expected values are what PyYAML's safe
loader (with !!python/tuple read as a list) gives for the same text."""

from __future__ import annotations

import pytest

from inspector.core.errors import CorruptFile, UnsafeFile
from inspector.core.io.keras_yaml import loads


@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb: -2.5e-3\nc: .inf\nd: ~\ne: True\nf: 'it''s'\ng: \"tab\\tx\"\nh: 007x\n",
     {"a": 1, "b": -0.0025, "c": float("inf"), "d": None, "e": True, "f": "it's", "g": "tab\tx", "h": "007x"}),
    ("shape: !!python/tuple [null, 10, 3]\nempty: !!python/tuple []\nname: !!python/unicode 'lstm_1'\n",
     {"shape": [None, 10, 3], "empty": [], "name": "lstm_1"}),
    ("shape: !!python/tuple\n- null\n- 8\nnext: 1\n", {"shape": [None, 8], "next": 1}),
    ("init: {distribution: uniform, mode: fan_avg, scale: 1.0,\n  seed: null}\n",
     {"init": {"distribution": "uniform", "mode": "fan_avg", "scale": 1.0, "seed": None}}),
    ("layers:\n- class_name: Dense\n  config: {units: 2}\n- class_name: LSTM\n  config:\n    units: 3\n",
     {"layers": [{"class_name": "Dense", "config": {"units": 2}}, {"class_name": "LSTM", "config": {"units": 3}}]}),
    ("nodes:\n- - - input_1\n    - 0\n    - 0\n    - {}\n", {"nodes": [[["input_1", 0, 0, {}]]]}),
    ("nodes:\n  - [[input_1, 0, 0, {}], [other, 1, 0, {}]]\n", {"nodes": [[["input_1", 0, 0, {}], ["other", 1, 0, {}]]]}),
    ("doc: a long plain text that\n  goes on here\nx: 'quoted: with colon'\n",
     {"doc": "a long plain text that goes on here", "x": "quoted: with colon"}),
])
def test_reads_what_yaml_dump_writes(text: str, expected: object) -> None:
    assert loads(text) == expected


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system [echo hi]\n",
    "a: !!python/name:builtins.eval\n",
    "a: !!python/object:keras.Model {}\n",
    "a: [1, !!python/object/new:os.system [x]]\n",
    "a: !custom 3\n",
])
def test_python_and_custom_tags_are_refused(text: str) -> None:
    with pytest.raises(UnsafeFile):
        loads(text)


@pytest.mark.parametrize("text", ["", "a: [1, 2\n", "a: &anchor 3\nb: *anchor\n", "a: 'unclosed\n"])
def test_what_keras_never_wrote_is_one_clear_error(text: str) -> None:
    with pytest.raises(CorruptFile):
        loads(text)
