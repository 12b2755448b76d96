"""The fuzz soak: 1,000 mutated corpus files through the reader, twice. A script, not a test.

    .venv/bin/python tests/soak/fuzz_soak.py [--cases 1000] [--seed 2026] [--timeout 3] [--workers 2]

1. In process: `open_model` in worker processes (tests/core/fuzzing.py); anything but an
   InspectorError is a reader bug, and a worker stuck or killed by libhdf5 is counted as hang/crash.
2. Isolated: the same files through `open_model_isolated`, what the window and the CLI use; every
   case must end as in step 1 (same error class, or opened), and every hang/crash as a ParserFailed.
Prints a summary; exit status 1 if there was a bug or a mismatch. Results go to tests/bench/RESULTS.md
by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from inspector.core.errors import InspectorError  # noqa: E402
from inspector.core.sandbox.isolated_open import ParserFailed, open_model_isolated  # noqa: E402
from inspector.demo import DEMOS, demo_model  # noqa: E402
from tests.core.fuzzing import Case, Outcome, cases, run_in_process, source_files  # noqa: E402
from tests.corpus import corpus_path  # noqa: E402


def in_process(batch: list[Case], folder: Path, timeout: float, workers: int) -> list[Outcome]:
    parts = [batch[k::workers] for k in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        found = [o for part in pool.map(lambda p: run_in_process(p, folder, timeout), parts) for o in part]
    return sorted(found, key=lambda o: o.case.index)


def isolated_kind(path: Path, timeout: float) -> str:
    try:
        open_model_isolated(path, timeout=timeout)
    except ParserFailed as exc:
        return "ParserFailed: " + str(exc).split(";")[0]
    except InspectorError as exc:
        return type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - counted, never expected
        return f"BUG {type(exc).__name__}"
    return "opened"


def agrees(direct: Outcome, isolated: str) -> bool:
    if direct.kind in ("hang", "crash"):
        return isolated.startswith("ParserFailed")
    return direct.kind == isolated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds before a case counts as a hang")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sources = source_files(corpus_path(), [demo_model(name) for name in DEMOS])
    batch = cases(sources, args.cases, args.seed)
    print(f"{len(batch)} cases, seed {args.seed}, from {len(sources)} files; mutations:",
          dict(Counter(case.mutation + (" in zip member" if case.member else "") for case in batch)))
    with tempfile.TemporaryDirectory(prefix="fuzz-soak-") as folder:
        start = time.perf_counter()
        direct = in_process(batch, Path(folder), args.timeout, args.workers)
        middle = time.perf_counter()
        paths = [Path(folder) / p.name for p in (case.write(Path(folder)) for case in batch)]
        with ThreadPoolExecutor(args.workers + 1) as pool:
            isolated = list(pool.map(lambda p: isolated_kind(p, args.timeout), paths))
        end = time.perf_counter()
    print(f"in process ({middle - start:.1f} s):", dict(Counter(o.kind for o in direct)))
    print(f"isolated ({end - middle:.1f} s):", dict(Counter(isolated)))
    problems = [f"{o.case}: {o.kind}\n{o.detail}" for o in direct if o.is_bug]
    problems += [f"{o.case}: in process {o.kind}, isolated {k}" for o, k in zip(direct, isolated) if not agrees(o, k)]
    for o in direct:
        if o.kind in ("hang", "crash"):
            print(f"  {o.kind}: {o.case}")
    print("\n".join(problems) if problems else "no reader bug; the isolated open agrees on every case")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
