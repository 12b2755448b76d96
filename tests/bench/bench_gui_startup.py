"""How fast the window comes up, and how fast a 1951 x 512 kernel draws and pans. A script, not a test.

    .venv/bin/python tests/bench/bench_gui_startup.py [--runs 5]

Start-up: each run is a fresh interpreter (`lstm-inspector` with no argument = the demo model); the
clock starts in the parent just before the process is started, so interpreter start and imports
count. Milestones: window shown (first paint done), demo model drawn (weights view painted).
Big kernel: a character-level LSTM (1951 symbols, 128 units) built in memory (tests/gui/big_kernel.py):
time to draw its layer, to switch layers, and per frame while panning a W heatmap.
Uses the offscreen Qt platform unless $DISPLAY is set. Results go to tests/bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def child(t0: float) -> None:
    """Runs in the measured process: what `run_app(None)` does, with milestones."""
    from PyQt6.QtWidgets import QApplication

    from inspector.gui.app import create_window

    app = QApplication(sys.argv[:1])
    window = create_window(None)
    window.tabs.setCurrentIndex(0)  # the Weights tab, whatever the last session left in front
    window.show()
    window.repaint()
    app.processEvents()
    shown = time.time() - t0
    window.opener.wait()
    app.processEvents()  # delivers the opened document to the state; the views draw
    window.weights_view.heatmaps.viewport().repaint()
    drawn = time.time() - t0
    print(json.dumps({"shown": shown, "drawn": drawn, "heatmaps": window.weights_view.heatmap_count,
                      "platform": app.platformName()}))


def startup(runs: int) -> dict:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    results = []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, __file__, "--child", repr(t0)], capture_output=True, text=True,
                             env=env, cwd=REPO, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {
        "platform": results[0]["platform"],
        "shown_median_s": statistics.median(r["shown"] for r in results),
        "drawn_median_s": statistics.median(r["drawn"] for r in results),
        "shown_max_s": max(r["shown"] for r in results),
        "drawn_max_s": max(r["drawn"] for r in results),
    }


def big_kernel() -> dict:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    from PyQt6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from tests.gui.big_kernel import char_lstm_document

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.reference_runner.auto_action.setChecked(False)  # the model exists only in memory: no Keras
    window.tabs.setCurrentIndex(0)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    view = window.weights_view
    first = _timed(lambda: window.state.set_document(char_lstm_document()), app, view)
    switches = [_timed(lambda n=name: window.state.select_layer(n), app, view) for name in ["dense_1", "lstm_1"] * 3]
    plot = view.figure.heatmaps[0].plot  # W_i: 1951 x 128
    plot.vb.setRange(yRange=(0, 300), padding=0)
    frames = sorted(_timed(lambda: plot.vb.translateBy(y=7), app, view) for _ in range(100))
    return {"first_draw_s": first, "layer_switch_median_s": statistics.median(switches),
            "pan_frame_median_ms": 1000 * statistics.median(frames), "pan_frame_p95_ms": 1000 * frames[94]}


def _timed(action, app, view) -> float:
    start = time.perf_counter()
    action()
    app.processEvents()
    view.heatmaps.viewport().repaint()
    return time.perf_counter() - start


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        sys.path.insert(0, str(REPO))
        child(args.child)
        return
    print("machine:", machine())
    print("start-up:", json.dumps(startup(args.runs), indent=1))
    print("1951 x 512 kernel:", json.dumps(big_kernel(), indent=1))


if __name__ == "__main__":
    main()
