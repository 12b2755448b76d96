"""`lstm-inspector predict`: outputs against real Keras's (corpus refs), trace file, user errors."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

from inspector.commands import predict

REPO = Path(__file__).resolve().parents[3]
MODEL = "k3_bilstm_380.keras"  # Keras 3 Bidirectional(LSTM) + LSTM; refs by keras 3.15.1


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lstm-inspector")
    predict.add_parser(parser.add_subparsers())
    return parser.parse_args(argv)


def test_predict_writes_outputs_and_trace(tmp_path, corpus_dir, capsys):
    model = corpus_dir / "models" / MODEL
    inputs = corpus_dir / "refs" / f"{MODEL}.input.npz"
    out, trace = tmp_path / "out.npz", tmp_path / "trace.npz"
    args = parse(["predict", str(model), "--input", str(inputs), "--output", str(out), "--trace", str(trace)])
    assert args.run(args) == 0
    with np.load(out) as ours, np.load(corpus_dir / "refs" / f"{MODEL}.expected.npz") as keras:
        assert ours.files == ["out0"]
        np.testing.assert_allclose(ours["out0"], keras["out0"], atol=1e-5, rtol=0)
    with np.load(trace) as recorded:
        assert "bidirectional/backward/c~" in recorded.files
        assert recorded["bidirectional/forward/h"].shape[:2] == np.load(inputs)["in0"].shape[:2]
    assert "wrote" in capsys.readouterr().out
    assert "tensorflow" not in sys.modules


def test_predict_float64(tmp_path, corpus_dir):
    model = corpus_dir / "models" / MODEL
    inputs = corpus_dir / "refs" / f"{MODEL}.input.npz"
    args = parse(["predict", str(model), "--input", str(inputs), "--output", str(tmp_path / "o.npz"), "--float64"])
    assert args.run(args) == 0
    with np.load(tmp_path / "o.npz") as ours, np.load(corpus_dir / "refs" / f"{MODEL}.expected.npz") as keras:
        assert ours["out0"].dtype == np.float64
        np.testing.assert_allclose(ours["out0"], keras["out0"], atol=1e-5, rtol=0)


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from inspector.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=REPO, timeout=120)


def test_lambda_model_exits_2_naming_the_layer(tmp_path, corpus_dir):
    np.save(tmp_path / "x.npy", np.zeros((1, 30, 3), "float32"))
    done = run_cli("predict", str(corpus_dir / "models" / "k3_gru_lambda_attention_legacy_391.h5"),
                   "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "o.npz"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "'lambda'" in done.stderr and "Lambda" in done.stderr and "Traceback" not in done.stderr


def test_bad_input_exits_2_with_one_line(tmp_path, corpus_dir):
    np.save(tmp_path / "x.npy", np.zeros((1, 14, 5), "float32"))
    done = run_cli("predict", str(corpus_dir / "models" / MODEL), "--input", str(tmp_path / "x.npy"),
                   "--output", str(tmp_path / "o.npz"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "axis 2" in done.stderr
    assert not (tmp_path / "o.npz").exists()
