"""inspector.load / inspector.show: the Python API, checked against real Keras.

The caller that holds a live Keras model is a child process (Keras 3, then tf_keras), as a notebook
would be: it builds a small seeded model, hands the live object to inspector.load and compares what
the API gives with Keras's own predict, weights and intermediate outputs. The test process itself
never imports TensorFlow or Qt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import inspector
from inspector.core.errors import InspectorError
from inspector.demo import demo_model

REPO = Path(__file__).resolve().parents[2]

CALLER = r"""
import json, os, sys
os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1", KERAS_BACKEND="tensorflow")
runtime = sys.argv[1]
if runtime == "tf_keras":
    import tf_keras as keras
else:
    os.environ.pop("TF_USE_LEGACY_KERAS", None)
    import keras
import numpy as np
from inspector.core.analysis.compare import tolerance_for
import inspector

rng = np.random.default_rng(7)
inputs = keras.Input((12, 3))
hidden = keras.layers.LSTM(5, return_sequences=True, name="lstm")(inputs)
outputs = keras.layers.Dense(2, name="head")(keras.layers.GRU(4, name="gru")(hidden))
model = keras.Model(inputs, outputs)
for layer in model.layers:
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
x = rng.normal(size=(3, 12, 3)).astype("float32")

m = inspector.load(model)
saved = m.temporary
keras_out = model.predict(x, verbose=0)
hidden_keras = keras.Model(inputs, hidden).predict(x, verbose=0)
trace = m.trace(x)
kernel, recurrent, bias = model.get_layer("lstm").get_weights()
gates = m.gates("lstm")
units = 5
split_ok = all(np.array_equal(gates["W"][g], kernel[:, k * units:(k + 1) * units])
               and np.array_equal(gates["U"][g], recurrent[:, k * units:(k + 1) * units])
               and np.array_equal(gates["b"][g][0], bias[k * units:(k + 1) * units])
               for k, g in enumerate("ifco"))
tolerance = tolerance_for(12)
report = {
    "suffix": saved.suffix,
    "predict": float(np.max(np.abs(m.predict(x) - keras_out))),
    "single": float(np.max(np.abs(m.predict(x[0]) - keras_out[:1]))),
    "trace_h": float(np.max(np.abs(trace["lstm"]["h"] - hidden_keras))),
    "trace_names": sorted(trace["lstm"]),
    "gru_names": sorted(trace["gru"]),
    "split_ok": bool(split_ok),
    "tolerance": tolerance,
    "modules": sorted({k.split(".")[0] for k in sys.modules if k.startswith(("PyQt6", "pyqtgraph"))}),
}
del m
import gc; gc.collect()
report["temporary_removed"] = not saved.exists()
print("REPORT " + json.dumps(report))
"""


def _caller(runtime: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", CALLER, runtime], capture_output=True, text=True, timeout=600,
                          env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line[len("REPORT "):])


@pytest.mark.parametrize(("runtime", "suffix"), [("keras", ".keras"), ("tf_keras", ".h5")])
def test_a_live_keras_model_matches_keras(runtime: str, suffix: str) -> None:
    report = _caller(runtime)
    assert report["suffix"] == suffix
    for key in ("predict", "single", "trace_h"):
        assert report[key] <= report["tolerance"], (key, report)
    assert report["split_ok"]
    assert {"i", "f", "c~", "o", "i_pre", "h", "c", "mask"} <= set(report["trace_names"])
    assert {"z", "r", "h~", "h"} <= set(report["gru_names"]) and "c" not in report["gru_names"]
    assert report["modules"] == []  # the API never brought Qt in
    assert report["temporary_removed"]


def test_importing_the_api_brings_in_neither_qt_nor_tensorflow() -> None:
    code = ("import sys, inspector; inspector.load; import inspector.api; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'PyQt6', 'pyqtgraph', 'tensorflow', 'keras', "
            "'tf_keras'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_load_a_file_and_ask_it_things() -> None:
    m = inspector.load(demo_model("bilstm_classifier"))
    assert m.recurrent_layers == ["bidirectional"]
    assert m.info()["format"] == "keras3-zip"
    x = np.linspace(-1, 1, 40, dtype=np.float32)[:, None]
    assert m.predict(x).shape == (1, 3)
    trace = m.trace(x)["bidirectional"]
    assert trace["forward/h"].shape == (1, 40, 16) and "backward/f" in trace
    assert set(m.gates("bidirectional", "backward")) == {"W", "U", "b"}
    assert "bidirectional" in repr(m)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: inspector.load("no/such/model.h5"), "no such file"),
    (lambda: inspector.load(42), "not int"),
    (lambda: inspector.load(demo_model()).gates("nope"), "no layer 'nope'"),
    (lambda: inspector.load(demo_model("bilstm_classifier")).gates("bidirectional", "sideways"), "directions"),
    (lambda: inspector.load(demo_model()).predict(np.zeros((2, 7, 9))), "axis"),
])
def test_mistakes_are_one_line_errors(call, message: str) -> None:
    with pytest.raises(InspectorError, match=message):
        call()


def test_show_without_a_display_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")
    with pytest.raises(InspectorError, match="no display found"):
        inspector.show(demo_model())
