"""PNG export: File > Export Weight Plots, right-click on a plot, and the same code without a window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PyQt6.QtWidgets import QFileDialog

from inspector.gui.weights.export import BIAS_SIZE, GRID_SIZE, HEATMAP_SIZE, HISTOGRAM_SIZE, export_layer_plots
from tests.gui.images import is_drawn, png_size

REPO = Path(__file__).resolve().parents[2]


def test_export_weight_plots_of_the_current_layer(window, open_and_wait, tmp_path: Path) -> None:
    open_and_wait(demo="sine_lstm")
    written = window.export_weight_plots(tmp_path)
    names = sorted(p.name for p in written)
    labels = [f"{m}_{g}" for m in "WUb" for g in "ifco"]
    assert names == sorted(["lstm_weights.png", "lstm_histograms.png", "lstm_stats.csv"]
                           + [f"lstm_{label}.png" for label in labels])
    sizes = {"lstm_weights.png": GRID_SIZE, "lstm_histograms.png": HISTOGRAM_SIZE}
    sizes |= {f"lstm_{m}_{g}.png": BIAS_SIZE for m in "Wb" for g in "ifco"}  # 1 input feature: W is 1 x 32 too
    for path in written:
        if path.suffix == ".png":
            assert png_size(path) == sizes.get(path.name, HEATMAP_SIZE), path.name
            assert is_drawn(path), f"{path.name} is blank"
    stats = (tmp_path / "lstm_stats.csv").read_text().splitlines()
    assert len(stats) == 13 and stats[0].startswith("matrix,shape,mean")
    assert "lstm" in window.statusBar().currentMessage()


def test_right_click_export_of_one_plot(window, open_and_wait, qtbot, tmp_path: Path, monkeypatch) -> None:
    window.show()
    qtbot.waitExposed(window)
    open_and_wait(demo="sine_gru")
    plot = window.weights_view.figure.heatmaps[3].plot  # U_z
    actions = {a.text(): a for a in plot.vb.menu.actions()}
    assert {"Export PNG (this plot)...", "Export PNG (all plots)..."} <= set(actions)
    target = tmp_path / "u_z"
    suggested = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: suggested.append(a[2]) or (str(target), "")))
    actions["Export PNG (this plot)..."].trigger()
    assert suggested[-1].endswith("gru_U_z.png")
    saved = tmp_path / "u_z.png"
    width, height = png_size(saved)
    rect = plot.sceneBoundingRect()
    assert abs(width - rect.width()) <= 2 and abs(height - rect.height()) <= 2
    assert is_drawn(saved)
    actions["Export PNG (all plots)..."].trigger()
    assert suggested[-1].endswith("gru_weights.png")
    assert png_size(saved) == (window.weights_view.heatmaps.width(), window.weights_view.heatmaps.height())


def test_every_direction_of_a_bidirectional_layer(window, open_and_wait, tmp_path: Path) -> None:
    open_and_wait(demo="bilstm_classifier")
    model = window.state.document.model
    forward = export_layer_plots(model, "bidirectional", "forward", tmp_path)
    backward = export_layer_plots(model, "bidirectional", "backward", tmp_path)
    assert (tmp_path / "bidirectional_forward_weights.png") in forward
    assert (tmp_path / "bidirectional_backward_U_o.png") in backward
    dense = export_layer_plots(model, "dense_2", "", tmp_path)
    assert sorted(p.name for p in dense) == ["dense_2_histograms.png", "dense_2_stats.csv", "dense_2_weights.png"]


def test_export_without_a_window_in_a_fresh_process(tmp_path: Path) -> None:
    """What `lstm-inspector export` will do: no window, no display, the same drawing code."""
    code = (
        "import sys\n"
        "from inspector.core.model.load import open_model\n"
        "from inspector.demo import demo_model\n"
        "from inspector.gui.weights.export import export_model_plots\n"
        "written = export_model_plots(open_model(demo_model('sine_gru')), sys.argv[1])\n"
        "print(len(written))\n"
    )
    env = {"PATH": "", "HOME": str(tmp_path)}  # no DISPLAY, no QT_QPA_PLATFORM
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert int(result.stdout.split()[-1]) == len(list(out.iterdir())) == 3 + 12 + 3  # gru: grid/hist/csv + 12; dense
    assert png_size(out / "gru_weights.png") == GRID_SIZE and is_drawn(out / "gru_weights.png")
