"""Benchmark: does opening a model ever stall the window? A script, not a test.

    .venv/bin/python tests/bench/bench_open_stall.py [--runs 3] [--no-write]

The window (1500 x 940, offscreen unless $DISPLAY is set; automatic Keras reference off) opens a file
while a 2 ms QTimer notes every gap of the event loop; a gap is how long the window could not answer.
Files: the demo `sine_lstm` and an LSTM of 512 units over 1,000 steps (16 features -> LSTM 512 -> Dense 1,
saved once by tf_keras in a child process into the temporary folder). The flow measured is everything a
user waits for: the file read in its child, the document handed to the views, the default sequence, the
engine's trace in its worker and the result drawn - with the Weights tab in front, then with the Time
steps tab in front. Last, the Time steps tab is brought forward after an open made behind it (its
first draw, which happens then). Each run also starts a new window with the file, as the command line
does, while its views are still making their plots ahead. Results go to tests/bench/RESULTS.md under "## Open without stalling".
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.bench.bench_engine import machine, write_section  # noqa: E402

TICK_MS = 2
TARGET_MS = 100.0
BIG_MODEL = Path(tempfile.gettempdir()) / "lstm-inspector-bench" / "lstm512_1000.h5"
BUILD_BIG = f"""
import os
os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1")
import numpy as np, tf_keras as keras
rng = np.random.default_rng(512)
model = keras.Sequential([keras.Input((1000, 16)), keras.layers.LSTM(512), keras.layers.Dense(1)])
model.set_weights([rng.normal(0, 0.05, w.shape).astype("float32") for w in model.get_weights()])
model.save({str(BIG_MODEL)!r})
"""


def big_model() -> Path:
    if not BIG_MODEL.is_file():
        BIG_MODEL.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", BUILD_BIG], check=True, timeout=600)
    return BIG_MODEL


class StallMeter:
    """The longest time the event loop did not come round, measured by a fast timer."""

    def __init__(self) -> None:
        from PyQt6.QtCore import QTimer

        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.gaps: list[float] = []

    def start(self) -> None:
        self.gaps, self.last = [], time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000 - TICK_MS)
        self.last = now


def wait_for(app, condition, timeout: float = 120.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the window did not finish in time")
        app.processEvents()
        time.sleep(0.001)


def settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def open_once(app, window, path: Path, tab: int) -> tuple[float, float]:
    """(longest stall ms, seconds until the result was drawn) for one open with `tab` in front."""
    meter = StallMeter()
    window.tabs.setCurrentIndex(tab)
    settle(app, 0.3)
    old_result = window.state.result
    meter.start()
    start = time.perf_counter()
    window.open_file(path)
    wait_for(app, lambda: window.state.result is not None and window.state.result is not old_result
             and window.state.document is not None and window.state.document.path == path)
    done = time.perf_counter() - start
    settle(app, 0.5)  # whatever the views do after the result
    return meter.stop(), done


def first_time_tab(app, window, path: Path) -> float:
    """Open behind the Weights tab, then bring Time steps forward: the stall that causes (ms)."""
    open_once(app, window, path, 0)
    meter = StallMeter()
    meter.start()
    window.tabs.setCurrentIndex(1)
    settle(app, 0.5)
    return meter.stop()


def at_start_up(app, path: Path) -> tuple[float, float]:
    """(longest stall ms, seconds until drawn) for the open a new window starts with (`lstm-inspector MODEL`,
    or the demo): it overlaps the plots each view makes ahead in idle steps, so it ends 1.5 s after the result."""
    from PyQt6.QtCore import QSettings

    from inspector.gui.main_window import MainWindow

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    gc.freeze()  # as run_app does after building its window
    window.reference_runner.auto_action.setChecked(False)
    window.resize(1500, 940)
    window.show()
    meter = StallMeter()
    meter.start()
    start = time.perf_counter()
    window.open_file(path)
    wait_for(app, lambda: window.state.result is not None)
    done = time.perf_counter() - start
    settle(app, 1.5)
    stall = meter.stop()
    window.close()
    settle(app, 0.2)
    return stall, done


def measure(runs: int) -> dict[str, list[float]]:
    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QApplication

    from inspector.demo import demo_model
    from inspector.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["bench"])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)  # a first start: not the layout a user left
    window.reference_runner.auto_action.setChecked(False)
    window.resize(1500, 940)
    window.show()
    settle(app, 1.0)
    files = {"demo sine_lstm": demo_model("sine_lstm"), "LSTM 512 x 1,000 steps": big_model()}
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, path in files.items():
            stall, seconds = at_start_up(app, path)
            found.setdefault(f"{name}, at start-up (Weights in front): longest stall ms", []).append(stall)
            found.setdefault(f"{name}, at start-up: result drawn after s", []).append(seconds)
            for tab, tab_name in ((0, "Weights"), (1, "Time steps")):
                stall, seconds = open_once(app, window, path, tab)
                found.setdefault(f"{name}, {tab_name} in front: longest stall ms", []).append(stall)
                found.setdefault(f"{name}, {tab_name} in front: result drawn after s", []).append(seconds)
            found.setdefault(f"{name}: Time steps brought forward after the open, stall ms", []).append(
                first_time_tab(app, window, path))
    window.close()
    return found


def section(found: dict[str, list[float]], runs: int) -> str:
    rows = [f"| {name} | {statistics.median(values):.0f} | {max(values):.0f} |" if "ms" in name else
            f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} |" for name, values in found.items()]
    stalls = [max(v) for k, v in found.items() if "longest stall" in k]
    verdict = "met" if max(stalls) <= TARGET_MS else "NOT met"
    return "\n".join([
        "## Open without stalling",
        "",
        f"`python tests/bench/bench_open_stall.py --runs {runs}`: window 1500 x 940, Qt platform "
        f"{os.environ.get('QT_QPA_PLATFORM', 'xcb')}, automatic Keras reference off; a {TICK_MS} ms timer notes "
        "every gap of the event loop from the open until half a second after the result is drawn.",
        "",
        *machine(),
        "",
        f"| open (median and worst of {runs}) | median | worst |",
        "|---|---:|---:|",
        *rows,
        "",
        f"Target: the open flow never stalls the event loop more than {TARGET_MS:.0f} ms - {verdict}.",
        "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only, do not touch RESULTS.md")
    args = parser.parse_args()
    big_model()
    text = section(measure(args.runs), args.runs)
    print(text)
    if not args.no_write:
        write_section(text, "Open without stalling")
    return 0


if __name__ == "__main__":
    sys.exit(main())
