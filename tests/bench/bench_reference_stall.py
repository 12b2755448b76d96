"""Does the window freeze while Keras computes the reference? A script, not a test.

    .venv/bin/python tests/bench/bench_reference_stall.py [--runs 3]

For each case the window opens the model and, once its own sequence and engine result are there, the
Keras reference is started again (Keras > Run Keras Reference) while a 5 ms QTimer ticks. The longest
gap between two ticks is the longest the event loop was blocked; the clock runs until the comparison
with the engine (and the per-layer table) is on screen. Reported: the longest gap, the 99th percentile
gap, the wall time of the reference (start to comparison shown) and the child's own time.
A second measurement covers the whole flow from File > Open (open worker, sequence, engine, views, Keras).
Uses the offscreen Qt platform unless $DISPLAY is set. Results go to tests/bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TICK_MS = 5
SERIES_LENGTH = 3000


def cases(corpus: Path) -> list[tuple[str, str | None, str | None]]:
    """(label, model path or None, demo name or None)."""
    found = [("demo sine_lstm (1 x 30 steps)", None, "sine_lstm"),
             ("demo bilstm_classifier (1 x 40 steps)", None, "bilstm_classifier"),
             (f"demo sine_lstm, a series of {SERIES_LENGTH} values ({SERIES_LENGTH - 30} windows)", None, "series")]
    medaka = corpus / "models" / "k2_medaka_flip213_stacked_bigru_215.hdf5"
    if medaka.exists():
        found.append(("k2_medaka stacked BiGRU, tf_keras (default input)", str(medaka), None))
    return found


class Ticker:
    """A 5 ms QTimer that remembers when it fired."""

    def __init__(self) -> None:
        from PyQt6.QtCore import QTimer

        self.times: list[float] = []
        self.timer = QTimer(interval=TICK_MS, timeout=lambda: self.times.append(time.perf_counter()))

    def start(self) -> None:
        self.times = [time.perf_counter()]
        self.timer.start()

    def gaps_ms(self) -> list[float]:
        self.timer.stop()
        return sorted(1000 * (b - a) for a, b in zip(self.times, self.times[1:], strict=False))


def wait(app, until, timeout: float = 300.0) -> None:
    end = time.monotonic() + timeout
    while not until():
        if time.monotonic() > end:
            raise TimeoutError("gave up waiting")
        app.processEvents()
        time.sleep(0.001)


def open_case(window, app, model: str | None, demo: str | None, folder: Path) -> None:
    state = window.state
    if model is not None:
        window.open_file(model)
    else:
        window.open_demo("sine_lstm" if demo == "series" else demo)
    wait(app, lambda: state.document is not None and state.inputs is not None and state.result is not None)
    if demo == "series":
        import numpy as np

        t = np.arange(SERIES_LENGTH)
        path = folder / "series.csv"
        np.savetxt(path, np.sin(2 * np.pi * t / 50) + 0.1 * np.random.default_rng(0).normal(size=t.size))
        assert window.predictions_view.series.load(path)
        wait(app, lambda: state.result is not None)


def settled(window) -> bool:
    runner, state = window.reference_runner, window.state
    return not runner.running and not runner._verifying.pending and state.reference is not None and (
        state.comparison is not None or not state.reference.available)


def idle(app, seconds: float) -> None:
    """Let pending work (the paint of the previous result) finish before the clock starts."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.002)


def measure_rerun(window, app) -> dict:
    ticker = Ticker()
    wait(app, lambda: settled(window))
    idle(app, 0.5)
    ticker.start()
    start = time.perf_counter()
    window.reference_runner.rerun()
    wait(app, lambda: settled(window) and window.state.reference is not None)
    app.processEvents()
    wall = time.perf_counter() - start
    gaps = ticker.gaps_ms()
    return {"max_gap_ms": gaps[-1], "p99_gap_ms": gaps[int(0.99 * (len(gaps) - 1))], "wall_s": wall,
            "child_s": window.state.reference.seconds, "status": window.reference_runner.status}


def measure_open(window, app, model: str | None, demo: str | None, folder: Path) -> dict:
    ticker = Ticker()
    ticker.start()
    start = time.perf_counter()
    open_case(window, app, model, demo, folder)
    wait(app, lambda: settled(window))
    return {"max_gap_ms": ticker.gaps_ms()[-1], "wall_s": time.perf_counter() - start}


def run(runs: int) -> list[dict]:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    import tempfile

    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from tests.corpus import corpus_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for label, model, demo in cases(corpus_path()):
            window = MainWindow(settings=QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
            window.resize(1500, 940)
            window.show()
            window.tabs.setCurrentWidget(window.predictions_view)
            opened = measure_open(window, app, model, demo, folder)
            reruns = [measure_rerun(window, app) for _ in range(runs)]
            results.append({"case": label, "platform": app.platformName(), "open_flow": opened,
                            "rerun_max_gap_ms": max(r["max_gap_ms"] for r in reruns),
                            "rerun_p99_gap_ms": statistics.median(r["p99_gap_ms"] for r in reruns),
                            "rerun_wall_s": statistics.median(r["wall_s"] for r in reruns),
                            "child_s": statistics.median(r["child_s"] for r in reruns),
                            "status": reruns[-1]["status"]})
            print(json.dumps(results[-1]), flush=True)
            window.close()
            window.deleteLater()
            app.processEvents()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from tests.bench.bench_gui_startup import machine

    print("machine:", machine())
    run(args.runs)


if __name__ == "__main__":
    main()
