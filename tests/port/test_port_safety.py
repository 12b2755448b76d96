"""Names from the file end up in generated source: they must never become code.

A crafted Keras 2 file names its model and layers with payloads for every language (comment
terminators, quotes, newlines, C trigraphs and line continuations, Python and JavaScript
statements, terminal escapes), two of them sanitising to the same identifier. For each language
the port must build, run, agree with the engine, and leave no trace of the payloads running
(they would create marker files). Generating code runs in a child Python under an audit hook:
no exec, compile, unmarshal, unpickle or process start may happen while it generates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from inspector.core.engine import run as run_engine
from inspector.core.model.load import open_model
from inspector.core.port import build, plan_port, run_generated, write_port
from inspector.core.port.plan import LANGUAGES
from tests.port.porting import require_tools

MARKER = "PWNED_MARKER"


def payloads(marker: Path) -> dict[str, str]:
    touch = str(marker)
    return {
        "model": f'm"""\n__import__("os").system("touch {touch}")\n"""',
        "masking": f'*/ int pwn = system("touch {touch}"); /* \\\n`${{require("fs")}}`',
        "lstm": f'x");\nrequire("fs").writeFileSync("{touch}", "1"); //\r\n\u2028??/\n\x1b]0;title\x07',
        "lstm_twin": f'x")\n;require("fs").writeFileSync("{touch}", "1"); //\r\n\u2028??/\n\x1b[2J',
        "dense": f"'''; import os; os.system('touch {touch}') # \\\\ */ \" '",
    }


def write_crafted(path: Path, names: dict[str, str]) -> Path:
    layers = [
        {"class_name": "Masking", "config": {"name": names["masking"], "mask_value": 0.0,
                                             "batch_input_shape": [None, 6, 3]}},
        {"class_name": "LSTM", "config": {"name": names["lstm"], "units": 4, "activation": "tanh",
                                          "recurrent_activation": "hard_sigmoid", "use_bias": True,
                                          "return_sequences": True}},
        {"class_name": "GRU", "config": {"name": names["lstm_twin"], "units": 3, "activation": "tanh",
                                         "recurrent_activation": "sigmoid", "use_bias": True, "reset_after": True}},
        {"class_name": "Dense", "config": {"name": names["dense"], "units": 2, "activation": "softmax",
                                           "use_bias": True}},
    ]
    shapes = {names["lstm"]: [(3, 16), (4, 16), (16,)], names["lstm_twin"]: [(4, 9), (3, 9), (2, 9)],
              names["dense"]: [(3, 2), (2,)]}
    rng = np.random.default_rng(3)
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps({"class_name": "Sequential",
                                                   "config": {"name": names["model"], "layers": layers}})
        handle.attrs["keras_version"] = "2.4.0"
        handle.attrs["backend"] = "tensorflow"
        group = handle.create_group("model_weights")
        group.attrs["layer_names"] = np.array([n.encode() for n in (names["masking"], *shapes)])
        group.create_group(names["masking"]).attrs["weight_names"] = np.array([], dtype="S1")
        for k, (layer, layer_shapes) in enumerate(shapes.items()):
            weights = group.create_group(layer)  # a "/" in the name nests groups, as Keras's own files do
            roles = ["kernel", "recurrent_kernel", "bias"] if len(layer_shapes) == 3 else ["kernel", "bias"]
            stored = [f"w{k}/{role}:0" for role in roles]
            weights.attrs["weight_names"] = np.array([n.encode() for n in stored])
            for name, shape in zip(stored, layer_shapes, strict=True):
                weights.create_dataset(name, data=rng.normal(size=shape).astype("float32") * 0.5)
    return path


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("crafted")
    marker = folder / MARKER
    return write_crafted(folder / "crafted.h5", payloads(marker)), marker


@pytest.mark.parametrize("language", LANGUAGES)
def test_names_carrying_code_stay_text(language: str, crafted: tuple[Path, Path], tmp_path: Path) -> None:
    require_tools(language)
    path, marker = crafted
    model = open_model(path)
    plan = plan_port(model, language)
    idents = [step.ident for step in plan.steps]
    assert len(set(idents)) == len(idents)
    assert all(ident.isidentifier() and ident.isascii() for ident in idents)
    x = np.random.default_rng(0).normal(size=(2, 6, 3)).astype(np.float32)
    x[1, -2:] = 0.0  # masked steps
    engine = run_engine(model, [x], record_trace=False).outputs
    write_port(plan, tmp_path, [x], engine, "the engine")
    build(tmp_path, language)
    outputs = run_generated(tmp_path, language, [x], plan.token_inputs)
    np.testing.assert_allclose(outputs[0], engine[0], atol=1e-5)
    assert not marker.exists(), "a name from the file ran as code"
    for source in tmp_path.iterdir():
        if source.suffix in (".py", ".mjs", ".c", ".h", ".md", ".ts"):
            text = source.read_text()
            assert "\x1b" not in text and "\u2028" not in text and "\r" not in text
            assert "*/ int pwn" not in text and 'system("touch' not in text.replace("_", "")


AUDITED = r'''
import json, sys
from pathlib import Path
from inspector.core.model.load import open_model
from inspector.core.port import generate, plan_port
import inspector.core.port.numpy.to_numpy, inspector.core.port.to_js, inspector.core.port.to_c  # imported before the hook
model = open_model(sys.argv[1])
plans = [plan_port(model, language) for language in ("numpy", "js", "c")]
for plan in plans:  # one warm-up run: lazy imports of numpy and the engine happen here, before the hook
    generate(plan)
events = []
WATCHED = ("exec", "compile", "marshal.loads", "pickle.find_class", "subprocess.Popen", "os.system",
           "os.posix_spawn", "os.exec", "os.fork")
def hook(event, args):
    if event in WATCHED:
        events.append(event)
sys.addaudithook(hook)
sizes = [sum(len(v) for v in generate(plan).values()) for plan in plans]
print(json.dumps({"events": events, "sizes": sizes}))
'''


def test_generating_code_executes_nothing(crafted: tuple[Path, Path]) -> None:
    path, marker = crafted
    done = subprocess.run([sys.executable, "-c", AUDITED, str(path)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["events"] == [], report["events"]
    assert all(size > 0 for size in report["sizes"])
    assert not marker.exists()


def test_info_prints_names_with_control_characters_escaped(crafted: tuple[Path, Path], capsys) -> None:
    from inspector.cli import main

    path, _ = crafted
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\u2028" not in out
    masking = [line for line in out.splitlines() if "int pwn" in line and "Masking" in line]
    assert masking, "a layer name with a newline split its table row"
