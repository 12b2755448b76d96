"""`lstm-inspector export`: every plot of a Bidirectional model as non-blank PNGs of the expected sizes, with no
display at all (no DISPLAY, no QT_QPA_PLATFORM); bad input gives exit status 2 and one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.demo import demo_model
from inspector.gui.predictions.export import OVERLAY_SIZE, RESIDUAL_SIZE, SCATTER_SIZE
from inspector.gui.weights.export import BIAS_SIZE, GRID_SIZE, HEATMAP_SIZE, HISTOGRAM_SIZE
from tests.gui.images import png_size, shows_data
from tests.reference.reference_cases import keras_or_skip

REPO = Path(__file__).resolve().parents[2]
PREDICTION_SIZES = {"overlay": OVERLAY_SIZE, "residual": RESIDUAL_SIZE, "scatter": SCATTER_SIZE}


def export(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process without any display."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "inspector.cli", "export", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=600)


def written_files(result: subprocess.CompletedProcess[str], folder: Path) -> list[Path]:
    assert result.returncode == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert paths and all(path.parent == folder and path.is_file() for path in paths)
    assert sorted(paths) == sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    return paths


def check_bidirectional(paths: list[Path], layer: str, rows_by_gate: dict[str, int], keras: bool = True) -> None:
    """Weights of both directions, gates over time of both directions, predictions: drawn, expected sizes."""
    names = {path.name for path in paths}
    for direction in ("forward", "backward"):
        stem = f"{layer}_{direction}"
        assert {f"{stem}_weights.png", f"{stem}_histograms.png", f"{stem}_stats.csv"} <= names
        assert any(name.startswith(f"{stem}_time") for name in names), f"no time plots of {stem}"
        for path in paths:
            if path.name.startswith(f"{stem}_") and path.name[len(stem) + 1:-4] in rows_by_gate:
                rows = rows_by_gate[path.name[len(stem) + 1:-4]]
                assert png_size(path) == (BIAS_SIZE if rows == 1 else HEATMAP_SIZE), path.name
        assert png_size(next(p for p in paths if p.name == f"{stem}_weights.png")) == GRID_SIZE
        assert png_size(next(p for p in paths if p.name == f"{stem}_histograms.png")) == HISTOGRAM_SIZE
    for kind, size in PREDICTION_SIZES.items():
        if kind != "overlay" and not keras:
            assert not any(path.stem.endswith(kind) for path in paths), f"{kind} written without Keras"
            continue
        found = [path for path in paths if path.name.startswith("predictions_") and path.stem.endswith(kind)]
        assert found and all(png_size(path) == size for path in found), kind
    for path in paths:
        if path.suffix == ".png":
            assert shows_data(path), f"{path.name} shows no data"


def test_export_the_bidirectional_demo_with_keras(tmp_path: Path) -> None:
    keras_or_skip()
    out = tmp_path / "plots"
    result = export(str(demo_model("bilstm_classifier")), "--out", str(out))
    paths = written_files(result, out)
    rows = {f"{m}_{g}": 1 if m in "Wb" else 16 for m in "WUb" for g in "ifco"}  # 1 input feature, 16 units
    check_bidirectional(paths, "bidirectional", rows)
    assert "agrees to" in result.stderr
    table = (out / "predictions_layers.csv").read_text().splitlines()
    assert table[0].startswith("layer,class,max_abs_err") and len(table) == 3
    assert all(",agrees," in line for line in table[1:])


def test_export_a_corpus_bidirectional_file_without_keras(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "plots"
    model = corpus_dir / "models" / "tfk1_dl4j_stacked_bilstm_224tf.h5"
    result = export(str(model), "--out", str(out), "--no-reference")
    paths = written_files(result, out)
    assert result.stderr == ""
    layers = sorted({p.name.split("_forward")[0] for p in paths if "_forward_weights" in p.name})
    assert layers, "no Bidirectional layer exported"
    for layer in layers:
        check_bidirectional(paths, layer, {}, keras=False)
    assert not (out / "predictions_layers.csv").exists()  # nothing compared without Keras


def test_a_file_keras_cannot_load_says_so_and_draws_the_numpy_output(corpus_dir: Path, tmp_path: Path) -> None:
    result = export(str(corpus_dir / "models" / "k1_dl4j_bidirectional_lstm_tensorflow_1.h5"), "--out", str(tmp_path))
    paths = written_files(result, tmp_path)
    assert result.stderr.startswith("lstm-inspector: Keras reference unavailable: the file was written by Keras 1")
    assert any(path.name.startswith("predictions_") for path in paths)


def test_bad_model_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "model.h5"
    bad.write_text("not a model")
    result = export(str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("lstm-inspector: ")


@pytest.mark.parametrize(("args", "message"), [
    (["--input", "missing.csv"], "no such input file"),
    (["--input", "bad.csv"], "axis 1 must be 30"),
    (["--sequence", "3"], "--sequence 3: the input holds 1 sequence"),
])
def test_bad_input_exits_2(args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("1,2\n")
    code = main(["export", str(demo_model("sine_lstm")), "--out", str(tmp_path / "out"), *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_unwritable_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    code = main(["export", str(demo_model("sine_lstm")), "--out", str(blocker / "plots")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write into" in err and len(err.strip().splitlines()) == 1
