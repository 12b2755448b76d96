"""How long a cell edit in the Sequence dock takes to land a new trace, and whether the window stays
responsive meanwhile. A script, not a test.

    .venv/bin/python tests/bench/bench_sequence_edit.py [--edits 15]

Cases: the demo (sine_lstm, 30 steps x 1 feature, 32-unit LSTM) and 1,000 steps x 1 feature for a
512-unit LSTM (built in memory). Per edit: the time the GUI thread spends in the edit itself (check +
set_inputs: the window is blocked for this long), the engine's own time, the time until the new
result is in the state (includes the runner's 150 ms debounce) and until every view has redrawn
for it, and the longest gap between two turns of the event loop meanwhile (a 2 ms timer counts the
turns; the views redraw on the GUI thread, the engine does not run there). Uses the offscreen Qt
platform unless $DISPLAY is set. Results go to tests/bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).parent))

from bench_gui_startup import machine  # noqa: E402


def lstm_512_document():
    from inspector.core.model.canonical import InputSpec
    from inspector.gui.workers.opening import Document
    from tests.gui.big_kernel import char_lstm_model

    model = replace(char_lstm_model(symbols=1, units=512), inputs=(InputSpec("chars", (None, None, 1)),))
    return Document(model, Path("lstm_512.h5"), 0.0)


def wait_for_result(app, window, timeout: float = 60.0) -> list[tuple[float, bool]]:
    """Process events until the result lands; returns (gap between event-loop turns in s, whether
    the engine was running in the worker all through that gap)."""
    from PyQt6.QtCore import QTimer

    runner = window.trace_runner
    turns = [(time.perf_counter(), runner.running)]
    timer = QTimer(interval=2)
    timer.timeout.connect(lambda: turns.append((time.perf_counter(), runner.running)))
    timer.start()
    end = time.perf_counter() + timeout
    while (runner.pending or window.state.result is None) and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return [(b - a, ra and rb) for (a, ra), (b, rb) in zip(turns, turns[1:])]


def measure(app, window, edits: int) -> dict:
    from PyQt6.QtCore import Qt

    panel, state = window.sequence_panel, window.state
    arrived: list[float] = []  # when the runner hands the result to the state, before any view redraws
    set_result = state.set_result
    state.set_result = lambda *args: (arrived.append(time.perf_counter()), set_result(*args))
    rows = panel.table.rowCount()
    blocked, landed, drawn, engine, gaps = [], [], [], [], []
    for k in range(edits):
        start = time.perf_counter()
        panel.table.setData(panel.table.index((7 * k) % rows, 0), f"{0.123 + 0.01 * k:.3f}", Qt.ItemDataRole.EditRole)
        blocked.append(time.perf_counter() - start)
        gaps += wait_for_result(app, window)
        drawn.append(time.perf_counter() - start)
        landed.append(arrived[-1] - start)
        engine.append(window.trace_runner.last_seconds)
    state.set_result = set_result
    ms = lambda values: round(1000 * statistics.median(values), 1)  # noqa: E731
    return {"time_steps": rows, "edit_blocks_gui_median_ms": ms(blocked), "engine_median_ms": ms(engine),
            "edit_to_result_in_state_median_ms": ms(landed), "edit_to_views_redrawn_median_ms": ms(drawn),
            "edit_to_views_redrawn_max_ms": round(1000 * max(drawn), 1),
            "longest_event_loop_gap_while_tracing_ms": round(1000 * max((g for g, r in gaps if r), default=0), 1),
            "longest_event_loop_gap_ms": round(1000 * max(g for g, _ in gaps), 1) if gaps else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtCore import QSettings
    from PyQt6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = QSettings(str(Path("/tmp") / f"bench_sequence_{os.getpid()}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    if hasattr(window, "reference_runner"):  # Keras in its child process would compete for the CPUs
        window.reference_runner.auto_action.setChecked(False)
    window.resize(1500, 940)
    window.show()
    window.open_demo("sine_lstm")
    wait_for_result(app, window)
    print("machine:", machine(), "platform:", app.platformName())
    print("demo sine_lstm:", json.dumps(measure(app, window, args.edits), indent=1))
    window.state.set_document(lstm_512_document())
    wait_for_result(app, window)
    window.sequence_panel.generate("sine", 1000, {"frequency": 0.01})
    wait_for_result(app, window)
    print("512-unit LSTM, 1000 x 1:", json.dumps(measure(app, window, args.edits), indent=1))
    window.close()


if __name__ == "__main__":
    main()
