"""Benchmark: moving the time cursor of the Time steps view, LSTM with 512 units over 1,000 steps.

A script, not a test:  python tests/bench/bench_time_view.py [--moves N] [--no-write]

The model (16 features -> LSTM 512 -> Dense 1) is built in memory with random weights; the engine
traces one sequence of 1,000 steps and the view draws its six 512 x 1,000 heatmaps (i, f, c~, o, c,
h) once. Each cursor move is timed from `state.set_time_step(t)` until the view has repainted:
"events" lets Qt repaint only what changed (what a user sees), "full repaint" forces the whole view to
repaint synchronously (`QWidget.repaint()`), the worst case. Results go to tests/bench/RESULTS.md
under "## Time view". Runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.bench.bench_engine import machine, write_section  # noqa: E402

UNITS, STEPS, FEATURES = 512, 1000, 16
VIEW_SIZE = (1600, 1000)
TARGET_MS = 16.0
FIRST_DRAW_TARGET_MS = 300.0


def lstm_model(units: int = UNITS, steps: int = STEPS, features: int = FEATURES):
    from inspector.core.model.canonical import Call, InputSpec, Layer, Model, TensorRef, frozen_mapping

    rng = np.random.default_rng(512)
    weights = {
        "kernel": rng.normal(0, 0.3, (features, 4 * units)).astype(np.float32),
        "recurrent_kernel": rng.normal(0, 1 / np.sqrt(units), (units, 4 * units)).astype(np.float32),
        "bias": np.concatenate([np.zeros(units), np.ones(units), np.zeros(2 * units)]).astype(np.float32),
    }
    config = {"units": units, "activation": "tanh", "recurrent_activation": "sigmoid", "return_sequences": False}
    spec = InputSpec("series", (None, steps, features))
    layers = (
        Layer("series", "InputLayer", frozen_mapping({"batch_shape": spec.shape})),
        Layer("lstm", "LSTM", frozen_mapping(config), frozen_mapping(weights), calls=(Call((TensorRef("series"),)),)),
        Layer("dense", "Dense", frozen_mapping({"units": 1, "activation": "linear"}),
              frozen_mapping({"kernel": rng.normal(0, 0.1, (units, 1)).astype(np.float32),
                              "bias": np.zeros(1, np.float32)}),
              calls=(Call((TensorRef("lstm"),)),)),
    )
    return Model("lstm_512_1000.h5", "keras2-h5", "2.15.0", "tensorflow", layers, (spec,), (TensorRef("dense"),))


def setup():
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])
    from inspector.core.engine import run
    from inspector.gui.state import InspectorState
    from inspector.gui.time.view import TimeView
    from inspector.gui.workers.opening import Document

    model = lstm_model()
    x = np.sin(np.linspace(0, 40, STEPS))[None, :, None] * np.ones((1, 1, FEATURES), np.float32)
    state = InspectorState()
    view = TimeView(state)
    view.resize(*VIEW_SIZE)
    view.show()
    view.prepare()  # what the window does in idle steps after start-up
    view.drawing.finish()
    state.set_document(Document(model, Path(model.path), 0.0, {}))
    state.set_inputs([x.astype(np.float32)])
    state.set_units([0, 100, 200])
    start = time.perf_counter()
    result = run(model, [x], record_trace=True)  # in the window: the trace worker's thread
    engine = time.perf_counter() - start
    draws = []
    for _ in range(2):  # the first draw builds the plots; a later result reuses them
        start = time.perf_counter()
        state.set_result(result)
        while not view.drawing.done:  # the drawing's parts, one per event-loop turn, as the window runs them
            app.processEvents()
        view.repaint()
        app.processEvents()
        draws.append(time.perf_counter() - start)
        result = run(model, [x], record_trace=True)
    return app, state, view, (engine, *draws)


def time_moves(app, state, view, moves: int, full: bool) -> list[float]:
    rng = np.random.default_rng(7)
    times = []
    for k in range(moves):
        t = (state.time_step + 1) % STEPS if k % 2 else int(rng.integers(0, STEPS))  # steps and jumps
        start = time.perf_counter()
        state.set_time_step(t)
        if full:
            view.repaint()
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000)
    return times


def section(timings: tuple[float, float, float], events: list[float], full: list[float], moves: int) -> str:
    def cells(values: list[float]) -> str:
        ordered = sorted(values)
        return (f"{statistics.median(values):.1f} | {ordered[int(0.95 * (len(values) - 1))]:.1f} "
                f"| {max(values):.1f}")

    verdict = "met" if statistics.median(full) < TARGET_MS else "NOT met"
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return "\n".join([
        "## Time view",
        "",
        f"`python tests/bench/bench_time_view.py` - LSTM {UNITS} units x {STEPS} time steps (six {UNITS} x {STEPS} "
        f"heatmaps, six bar charts of {UNITS} bars, 3 unit plots, per-step output), view {VIEW_SIZE[0]} x "
        f"{VIEW_SIZE[1]}, Qt platform {platform}, {moves} cursor moves (alternating one step and random jumps).",
        "",
        *machine(),
        "",
        f"Engine run with the trace (the trace worker's thread, not the window's): {timings[0] * 1000:.0f} ms. "
        f"Drawing a new result in the GUI thread, until painted: first draw {timings[1] * 1000:.0f} ms (the grid's "
        f"plots prepared at idle as in the window, the unit and per-step plots built), next result {timings[2] * 1000:.0f} ms (plots reused). Target for the first draw: under "
        f"{FIRST_DRAW_TARGET_MS:.0f} ms - {'met' if timings[1] * 1000 < FIRST_DRAW_TARGET_MS else 'NOT met'}.",
        "",
        "| cursor move, set_time_step until painted | median ms | 95th percentile ms | worst ms |",
        "|---|---:|---:|---:|",
        f"| events (Qt repaints what changed) | {cells(events)} |",
        f"| full repaint of the view (`repaint()`) | {cells(full)} |",
        "",
        f"Target: a cursor move redraws in under {TARGET_MS:.0f} ms - {verdict} (median of the full repaint).",
        "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print only, do not touch RESULTS.md")
    args = parser.parse_args()
    app, state, view, timings = setup()
    time_moves(app, state, view, 20, True)  # warm-up
    events = time_moves(app, state, view, args.moves, False)
    full = time_moves(app, state, view, args.moves, True)
    text = section(timings, events, full, args.moves)
    print(text)
    if not args.no_write:
        write_section(text, "Time view")
    return 0


if __name__ == "__main__":
    sys.exit(main())
