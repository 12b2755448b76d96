"""`lstm-inspector port`: writes, runs and proves the folder; refuses by layer and language before
writing; asks for the missing tool; the runner contract and `--bench` hold; streaming one step at
a time gives what the whole-sequence predict gives.

Keras runs (in its child process) for the numpy and C demo ports; the JavaScript one uses
--no-reference (the engine comparison), so the suite starts TensorFlow only twice.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inspector.cli import main
from inspector.core.model.load import open_model
from inspector.core.port import build, plan_port, write_port
from inspector.core.port.contract import bench, decode, encode, runner_command
from tests.port.porting import require_tools

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "sine_lstm.keras"
BILSTM = REPO / "resources" / "demo" / "bilstm_classifier.keras"
NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^-?(nan|inf|NaN|Infinity)$")


@pytest.mark.parametrize("language, reference", [("numpy", True), ("c", True), ("js", False)])
def test_port_writes_runs_and_proves(language: str, reference: bool, tmp_path: Path, capsys) -> None:
    require_tools(language)
    out = tmp_path / "port"
    argv = ["port", str(DEMO), "--lang", language, "--out", str(out)] + ([] if reference else ["--no-reference"])
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"the {language} port AGREES" in printed
    errors = [float(v) for v in re.findall(r"max abs err ([0-9.e+-]+)", printed)]
    assert errors and all(e < 1e-5 for e in errors)
    assert ("against Keras (" in printed) == reference
    for name in ("README.md", "test_input.txt", "expected_output.txt"):
        assert (out / name).is_file()
    readme = (out / "README.md").read_text()
    assert "## Weights" in readme and "max abs error" in readme
    first = (out / "expected_output.txt").read_text().splitlines()[0]
    assert first.startswith("# computed by ") and ("keras" in first) == reference


def test_refusal_names_layer_and_language_before_writing(corpus_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "never"
    model = corpus_dir / "models" / "tfk1_dl4j_bidirectional_convlstm2d_gobackwards_224tf.h5"
    assert main(["port", str(model), "--lang", "c", "--out", str(out), "--no-reference"]) == 2
    message = capsys.readouterr().err
    assert "layer 'bidirectional'" in message and "cannot be ported to C" in message and "ConvLSTM2D" in message
    assert not out.exists()


@pytest.mark.parametrize("language, package", [("js", "nodejs"), ("c", "gcc")])
def test_missing_tool_says_what_to_install(language: str, package: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node, cc or make on this PATH
    assert main(["port", str(DEMO), "--lang", language, "--out", str(tmp_path / "x"), "--no-reference"]) == 2
    assert f"apt-get install {package}" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def ported_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bidirectional demo (no streaming) and the sine LSTM (streams) in every language."""
    folders = {}
    for path in (DEMO, BILSTM):
        model = open_model(path)
        for language in ("numpy", "js", "c"):
            require_tools(language)
            folder = tmp_path_factory.mktemp(f"{path.stem}-{language}")
            plan = plan_port(model, language)
            x = np.random.default_rng(1).normal(size=(3, 7) + tuple(model.inputs[0].shape[2:])).astype(np.float32)
            write_port(plan, folder, [x], [], "nothing")
            build(folder, language)
            folders[f"{path.stem}-{language}"] = folder
    return folders


@pytest.mark.parametrize("language", ["numpy", "js", "c"])
def test_runner_contract(language: str, ported_demo: dict[str, Path]) -> None:
    folder = ported_demo[f"sine_lstm-{language}"]
    x = np.arange(2 * 5, dtype=np.float32).reshape(2, 5, 1) / 7
    done = subprocess.run(runner_command(folder, language), input=encode([x], [False]), capture_output=True,
                          text=True, cwd=folder, check=True)
    lines = done.stdout.splitlines()
    assert lines[0] == "2 2 1"  # rank, batch, units of the Dense output
    values = " ".join(lines[1:]).split()
    assert len(values) == 2 and all(NUMBER.match(v) for v in values)
    assert all(len(v.lstrip("-").replace(".", "").lstrip("0").split("e")[0]) >= 6 for v in values)
    assert len(decode(done.stdout)) == 1


@pytest.mark.parametrize("language", ["numpy", "js", "c"])
def test_bench_prints_us_per_step(language: str, ported_demo: dict[str, Path]) -> None:
    assert bench(ported_demo[f"sine_lstm-{language}"], language, 200) > 0
    done = subprocess.run(runner_command(ported_demo[f"bilstm_classifier-{language}"], language) + ["--bench", "5"],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "stream" in (done.stderr + done.stdout)


@pytest.mark.parametrize("demo", ["sine_lstm", "bilstm_classifier"])
def test_js_without_webassembly_computes_the_same_bits(demo: str, ported_demo: dict[str, Path]) -> None:
    """Self-check of the JavaScript fallback: with WebAssembly hidden from the module, its plain loops give
    the outputs of the SIMD kernel bit for bit (the kernel itself is held to Keras by the zoo tests)."""
    folder = ported_demo[f"{demo}-js"]
    shape = open_model(REPO / "resources" / "demo" / f"{demo}.keras").inputs[0].shape
    x = np.random.default_rng(2).normal(size=(2, 6) + tuple(shape[2:])).astype(np.float32)
    outputs = [subprocess.run(["node", *flags, str(folder / "run.mjs")], input=encode([x], [False]),
                              capture_output=True, text=True, check=True).stdout
               for flags in ([], ["--noexpose_wasm"])]
    assert outputs[0] == outputs[1] and len(decode(outputs[0])[0]) == 2

def test_bidirectional_folder_says_why_it_does_not_stream(ported_demo: dict[str, Path]) -> None:
    folder = ported_demo["bilstm_classifier-c"]
    assert "#define MODEL_STREAMS 0" in (folder / "model.h").read_text()
    assert "model_step" not in (folder / "model.h").read_text()


STREAM_C = r"""
#include <stdio.h>
#include "model.h"
int main(void) {
    static float x[9], state[MODEL_STATE_FLOATS], scratch[MODEL_STEP_SCRATCH_FLOATS], whole[1 << 16];
    model_array in[1] = {{x, 3, {1, 9, 1}}}, out[MODEL_OUTPUTS], stepped[MODEL_OUTPUTS];
    const float *step_in[1];
    int t, err = 0;
    for (t = 0; t < 9; t++) x[t] = (float)t / 4.0f - 1.0f;
    model_reset(state);
    for (t = 0; t < 9; t++) { step_in[0] = x + t; err |= model_step(step_in, stepped, state, scratch); }
    printf("%.9g ", stepped[0].data[0]);
    err |= model_predict(in, out, NULL, whole, model_scratch_floats(in));
    printf("%.9g %d\n", out[0].data[0], err);
    return 0;
}
"""

STREAM_JS = """
import { predict, Stream } from "./model.mjs";
const x = JSON.parse(process.argv[2]);
const stream = new Stream(1);
let last;
for (const v of x) last = stream.step([Float32Array.from(v)]);
const whole = predict([{ data: x.flat(), shape: [1, x.length, x[0].length] }]);
console.log(JSON.stringify([Array.from(last[0].data), Array.from(whole[0].data)]));
"""


def test_streaming_equals_whole_sequence(ported_demo: dict[str, Path]) -> None:
    """Stepping t steps then reading the output equals predict on the whole sequence (Keras stateful)."""
    x = np.sin(np.arange(9, dtype=np.float32) / 2).reshape(1, 9, 1)
    folder = ported_demo["sine_lstm-numpy"]
    sys.path.insert(0, str(folder))
    try:
        import model as ported  # the generated module
    finally:
        sys.path.remove(str(folder))
    weights = ported.load_weights(folder / "weights.npz")
    stream = ported.Stream(weights)
    for t in range(9):
        stepped = stream.step([x[:, t]])
    np.testing.assert_allclose(stepped[0], ported.predict([x], weights)[0], atol=1e-6)
    js = ported_demo["sine_lstm-js"]
    (js / "stream_check.mjs").write_text(STREAM_JS)
    done = subprocess.run(["node", "stream_check.mjs", json.dumps(x[0].tolist())], capture_output=True, text=True,
                          cwd=js, check=True)
    last, whole = (np.array(v) for v in json.loads(done.stdout))
    np.testing.assert_allclose(last, whole, atol=1e-6)
    sys.modules.pop("model", None)
    c = ported_demo["sine_lstm-c"]
    (c / "stream_check.c").write_text(STREAM_C)
    subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-o", "stream_check", "stream_check.c",
                    "model.c", "-lm"], cwd=c, check=True)
    stepped, whole, err = subprocess.run(["./stream_check"], cwd=c, capture_output=True, text=True,
                                         check=True).stdout.split()
    assert err == "0" and abs(float(stepped) - float(whole)) < 1e-6


def test_bad_input_is_refused_before_writing(tmp_path: Path, capsys) -> None:
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((2, 5, 3), np.float32))  # the demo LSTM reads 30 steps of 1 feature
    out = tmp_path / "never"
    assert main(["port", str(DEMO), "--lang", "numpy", "--out", str(out), "--input", str(wrong),
                 "--no-reference"]) == 2
    message = capsys.readouterr().err
    assert "shape (2, 5, 3)" in message and message.count("\n") == 1
    assert not out.exists()
