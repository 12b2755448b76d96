"""`lstm-inspector units`: the per-unit table of a real model as text, JSON and CSV; errors in one line."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inspector.cli import main
from inspector.core.engine import run
from inspector.core.model.load import open_model

COUNTNET = "k2_countnet_RNN_keras209.h5"  # 3 Bidirectional GRUs/LSTMs on 500 steps; some units dead


def corpus_input(corpus_dir: Path, name: str) -> Path:
    return corpus_dir / "refs" / f"{name}.input.npz"


def test_json_has_one_object_per_unit_of_every_direction(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model_path = corpus_dir / "models" / COUNTNET
    assert main(["units", str(model_path), "--input", str(corpus_input(corpus_dir, COUNTNET)), "--json"]) == 0
    objects = json.loads(capsys.readouterr().out)
    model = open_model(model_path)
    with np.load(corpus_input(corpus_dir, COUNTNET)) as data:
        trace = run(model, [data["in0"]]).trace
    directions = [(layer, d) for layer in trace.layers for d in trace[layer]]
    assert len(objects) == sum(trace[layer][d].h.shape[-1] for layer, d in directions)
    first = trace[directions[0][0]][directions[0][1]]
    row = objects[3]
    assert (row["layer"], row["direction"], row["unit"]) == (*directions[0], 3)
    assert row["std_h"] == pytest.approx(float(first.h[..., 3].astype(np.float64).std()), rel=1e-6)
    for obj in objects:
        for left, right in obj["saturation"].values():
            assert 0 <= left <= 1 and 0 <= right <= 1 and left + right <= 1
        assert obj["memory_steps"] is None or 1 <= obj["memory_steps"] <= 1e6
    assert any(obj["dead"] for obj in objects)


def test_text_table_and_csv(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "units.csv"
    model = corpus_dir / "models" / COUNTNET
    result = subprocess.run([sys.executable, "-m", "inspector.cli", "units", str(model), "--input",
                             str(corpus_input(corpus_dir, COUNTNET)), "--csv", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "most saturated: unit" in result.stdout and "longest memory" in result.stdout
    assert f"wrote {out}" in result.stdout
    with open(out, newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:5] == ["layer", "direction", "unit", "mean |h|", "std h"]
    assert any(name.startswith("r out0") for name in lines[0]) and len(lines) == 1 + 180
    dead: dict[tuple[str, str], list[str]] = {}
    for line in lines[1:]:
        if line[lines[0].index("dead")] == "yes":
            dead.setdefault((line[0], line[1]), []).append(line[2])
    assert dead, "countnet has dead units"
    for units in dead.values():  # the text names the same dead units as the CSV
        assert f"dead: {', '.join(units)}" in result.stdout


@pytest.mark.parametrize("extra, message", [
    (["--input", "/nonexistent.csv"], "no such input file"),
    (["--input", "REF", "--csv", "/nonexistent/dir/units.csv"], "cannot write"),
])
def test_mistakes_give_one_line_and_exit_2(corpus_dir: Path, capsys, extra: list[str], message: str) -> None:
    extra = [str(corpus_input(corpus_dir, "k3_gru_legacy_3132.h5")) if a == "REF" else a for a in extra]
    status = main(["units", str(corpus_dir / "models" / "k3_gru_legacy_3132.h5"), *extra])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_select_and_occlusion_report_the_pattern_and_the_steps(capsys) -> None:
    from inspector.core.inputs.sequences import read_inputs
    from inspector.core.units.occlusion import occlusion
    from inspector.core.units.patterns import find_pattern
    from inspector.demo import demo_model, demo_sequence

    model_path, sequence = demo_model("sine_lstm"), demo_sequence("sine_lstm")
    argv = ["units", str(model_path), "--input", str(sequence), "--select", "5-9", "--threshold", "0.1",
            "--occlusion", "mean"]
    assert main([*argv, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    model = open_model(model_path)
    inputs = read_inputs(sequence, model)
    result = run(model, inputs)
    selection, matches = find_pattern(result.trace["lstm"]["forward"], "h", 0, 5, 10, 0.1)
    assert found["pattern"]["units"] == [int(u) for u in selection.units] and selection.units.size
    assert [(m["start"], m["stop"]) for m in found["pattern"]["matches"]] == [(m.start, m.stop - 1) for m in matches]
    np.testing.assert_allclose(found["occlusion"]["changes"][0], occlusion(model, result, inputs, "mean").changes[0])
    assert len(found["units"]) == 32
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "pattern on lstm (forward), sequence 0" in text and "largest output change at step" in text


@pytest.mark.parametrize("extra, message", [
    (["--select", "5-99"], "not inside"), (["--select", "x"], "give the steps as A-B"),
    (["--select", "3-4", "--quantity", "z"], "choose one of h, c, i, f, c~, o"),
    (["--select", "3-4", "--layer", "nope"], "no recurrent layer 'nope'"),
    (["--select", "3-4", "--sequence", "4"], "sequence 4 does not exist"),
])
def test_pattern_mistakes_give_one_line(capsys, extra: list[str], message: str) -> None:
    from inspector.demo import demo_model, demo_sequence

    status = main(["units", str(demo_model("sine_lstm")), "--input", str(demo_sequence("sine_lstm")), *extra])
    err = capsys.readouterr().err
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_export_writes_the_units_plots(tmp_path: Path) -> None:
    from inspector.demo import demo_model
    from tests.gui.images import has_marks, is_drawn

    result = subprocess.run([sys.executable, "-m", "inspector.cli", "export", str(demo_model("sine_gru")), "--out",
                             str(tmp_path), "--no-reference", "--sequence", "0"],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    names = {Path(line).name for line in result.stdout.splitlines()}
    expected = {"gru_saturation.png", "occlusion_zero_sequence1.png"} | {
        f"gru_units_{q}_ordered.png" for q in ("h", "z", "r", "h_tilde")}
    assert expected <= names
    for name in expected:
        assert (has_marks if "saturation" in name else is_drawn)(tmp_path / name), name
