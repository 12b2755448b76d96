"""Benchmark: the units analysis on an LSTM with 512 units over 1,000 steps, and occlusion over time.

A script, not a test:  python tests/bench/bench_units.py [--no-write]

Times (best of 3): the per-unit table and the average-linkage clustering of the 512 units of the
Time view benchmark's model (tests/bench/bench_time_view.py, one sequence of 1,000 steps); then
occlusion over time on a smaller LSTM (64 units) for 100, 200 and 400 steps, re-run from the saved
states against re-running the whole model for every step. Results go to tests/bench/RESULTS.md
under "## Units".
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.bench.bench_engine import machine, write_section  # noqa: E402
from tests.bench.bench_time_view import lstm_model  # noqa: E402

OCCLUSION_STEPS = (100, 200, 400)


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sequence(steps: int, features: int) -> np.ndarray:
    return (np.sin(np.linspace(0, steps / 25, steps))[None, :, None] * np.ones((1, 1, features))).astype(np.float32)


def table_and_clustering() -> list[str]:
    from inspector.core.engine import run
    from inspector.core.units.ordering import order_by_similarity
    from inspector.core.units.statistics import unit_table

    model = lstm_model()
    x = sequence(1000, 16)
    result = run(model, [x])
    trace = result.trace["lstm"]["forward"]
    table = best_of(lambda: unit_table(model, result, [x]))
    clustering = best_of(lambda: order_by_similarity(trace))
    return [f"| per-unit table, LSTM 512 units x 1,000 steps | {1000 * table:.0f} ms |",
            f"| clustering the 512 units by h (average linkage) | {1000 * clustering:.0f} ms |"]


def occlusion_rows() -> list[str]:
    from inspector.core.engine import run
    from inspector.core.units.occlusion import occlusion

    rows = []
    for steps in OCCLUSION_STEPS:
        model = lstm_model(units=64, steps=steps, features=4)
        x = sequence(steps, 4)
        result = run(model, [x])
        resumed = best_of(lambda m=model, r=result, x=x: occlusion(m, r, [x]), 1)
        whole = best_of(lambda m=model, r=result, x=x: occlusion(m, r, [x], resume=False), 1)
        rows.append(f"| occlusion, LSTM 64 units, {steps} steps | {resumed:.2f} s | {whole:.2f} s |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only, do not touch RESULTS.md")
    args = parser.parse_args()
    lines = ["## Units", "", *machine(), "", "| what | time |", "|---|---|", *table_and_clustering(), "",
             "| occlusion over time | re-run from the saved states | whole model re-run per step |", "|---|---|---|",
             *occlusion_rows(), "",
             "Re-running from the saved states costs T(T+1)/2 cell steps against T^2 for whole re-runs, so it "
             "saves about half; both run one engine call per occluded step, in the background in the window."]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(text, "Units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
