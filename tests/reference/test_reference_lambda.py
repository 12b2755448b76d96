"""A Lambda payload is never executed by info, predict or verify.

The payload files are built by tf_keras in a child process; that child also proves the payload
is live: loading each file with tf_keras `load_model` creates the marker file. Then our commands
run on the same files and the marker must never appear.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inspector import cli
from inspector.commands import info, predict

BUILD = r'''
import json, os, sys
os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
import numpy as np
import tf_keras as keras
from tf_keras import layers

folder, marker = sys.argv[1], sys.argv[2]
payload = lambda x: (open(MARKER, "w").write("ran"), x)[1]

def top():
    inp = keras.Input((5, 3))
    return keras.Model(inp, layers.LSTM(2)(layers.Lambda(payload, name="payload")(inp)))

def wrapped():
    inp = keras.Input((5, 3))
    td = layers.TimeDistributed(layers.Lambda(payload, name="payload"), name="td")(inp)
    return keras.Model(inp, layers.GRU(2)(td))

def nested():
    inner = keras.Sequential([keras.Input((5, 3)), layers.Lambda(payload, name="payload"), layers.LSTM(2)], name="inner")
    inp = keras.Input((5, 3))
    return keras.Model(inp, layers.Dense(1)(inner(inp)))

proof = {}
for name, build in (("top", top), ("wrapped", wrapped), ("nested", nested)):
    path = os.path.join(folder, f"lambda_{name}.h5")
    build().save(path)
    if os.path.exists(marker):
        os.remove(marker)  # building the model ran the payload once; that is not the proof
    keras.models.load_model(path, compile=False)
    proof[path] = os.path.exists(marker)
    if os.path.exists(marker):
        os.remove(marker)
print(json.dumps(proof))
'''


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory, keras_required: None) -> tuple[list[Path], Path]:
    folder = tmp_path_factory.mktemp("lambda")
    marker = folder / "MARKER_payload_ran"
    script = folder / "build.py"
    script.write_text(BUILD.replace("MARKER", repr(str(marker))), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(folder), str(marker)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "KERAS_BACKEND": "tensorflow"})
    assert done.returncode == 0, done.stderr[-2000:]
    proof = json.loads(done.stdout.strip().splitlines()[-1])
    assert proof and all(proof.values()), f"tf_keras load_model did not run the payload: {proof}"
    assert not marker.exists()
    return [Path(p) for p in proof], marker


def run_command(module, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lstm-inspector")
    module.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    return cli._run(args.run, args)


def test_payload_never_runs(payloads, tmp_path: Path, capsys: pytest.CaptureFixture[str], run_verify) -> None:
    files, marker = payloads
    for path in files:
        assert run_command(info, ["info", str(path), "--json"]) == 0
        assert not all(layer["runnable"] for layer in json.loads(capsys.readouterr().out)["layers"])
        assert not marker.exists(), f"info ran the payload of {path.name}"

        np.save(tmp_path / "in.npy", np.zeros((1, 5, 3), np.float32))
        code = run_command(predict, ["predict", str(path), "--input", str(tmp_path / "in.npy"),
                                     "--output", str(tmp_path / "out.npz")])
        assert code == 2 and capsys.readouterr().err.count("\n") == 1  # one line, no traceback
        assert not marker.exists(), f"predict ran the payload of {path.name}"

        code, out, _ = run_verify(str(path), "--json")
        assert code == 3
        reason = json.loads(out)["reference"]["reason"]
        assert "Lambda" in reason and "Python code" in reason
        assert not marker.exists(), f"verify ran the payload of {path.name}"
