"""How long opening a model takes in process and in the parsing child. A script, not a test.

    .venv/bin/python tests/bench/bench_open.py [--runs 9]

For each demo model, the window's `load_document` (read, output shapes, demo sequence) with the
file read in this process (what the window did before the child), through a cold child (a fresh
process per open, what `info` does) and through the warm shared opener (a spare child started after
each open, what the window does; the bench waits 2 s between opens, so the spare has finished its imports, as between a user's opens). Then `info`
on the demo, wall clock with interpreter start, in process (the same code `info` ran before) and
as `lstm-inspector info` now. Results go to tests/bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from inspector.core.model.load import open_model  # noqa: E402
from inspector.core.sandbox.isolated_open import IsolatedOpener  # noqa: E402
from inspector.demo import DEMOS, demo_model  # noqa: E402
from inspector.gui.workers.opening import load_document, shared_opener  # noqa: E402
from tests.bench.bench_gui_startup import machine  # noqa: E402

IN_PROCESS_INFO = ("import sys; from inspector.core.analysis.describe import describe_model, format_table; "
                   "from inspector.core.model.load import open_model; print(format_table(describe_model(open_model(sys.argv[1]))))")


class InProcess:
    """An opener that reads in this process, as load_document did before the child."""

    @staticmethod
    def open(path):
        return open_model(path)


def median_ms(action, runs: int, pause: float = 0.0) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        time.sleep(pause)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print("machine:", machine())
    open_model(demo_model())  # h5py imported once, as in a running window
    shared_opener().prepare()
    time.sleep(1)
    print(f"{'demo':<20} {'in process':>11} {'cold child':>11} {'warm child':>11}  (median ms of {args.runs})")
    for name in DEMOS:
        direct = median_ms(lambda n=name: load_document(demo_model(n), n, InProcess()), args.runs)
        cold = median_ms(lambda n=name: load_document(demo_model(n), n, IsolatedOpener()), args.runs)
        warm = median_ms(lambda n=name: load_document(demo_model(n), n, shared_opener()), args.runs, pause=2.0)
        print(f"{name:<20} {direct:>11.1f} {cold:>11.1f} {warm:>11.1f}")
    cli = Path(sys.executable).with_name("lstm-inspector")
    for label, command in (("in process", [sys.executable, "-c", IN_PROCESS_INFO]), ("now", [str(cli), "info"])):
        info = median_ms(lambda c=command: subprocess.run([*c, str(demo_model())], check=True, capture_output=True),
                         args.runs)
        print(f"info sine_lstm.keras, {label}: {info:.0f} ms (median of {args.runs}, wall clock)")
    shared_opener().close()


if __name__ == "__main__":
    main()
