"""Mutation fuzzing over the real-world corpus: only LSTM Inspector's own errors ever come out.

200 seeded cases (truncation, bit flips, block overwrites of .h5 and .keras files, .keras members
mutated inside the zip; tests/core/fuzzing.py) go through `open_model` in worker processes. Any
exception that is not an InspectorError is a bug of the reader. libhdf5 itself loops forever on a
few damaged files (a corrupted global heap behind a string attribute): no Python code can stop that
in process, so those cases must be refused by the isolated open (child process, timeout) instead.
A sample also goes through `lstm-inspector info`: exit 0 or 2, and one line on stderr.
The 1,000-case soak is tests/soak/fuzz_soak.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from inspector.core.sandbox.isolated_open import ParserFailed, open_model_isolated
from inspector.demo import DEMOS, demo_model
from tests.core.fuzzing import Outcome, cases, run_in_process, source_files

SEED = 8
CASES = 200
HANG_SECONDS = 3  # a sound file of this size opens in well under 0.2 s
CLI_SAMPLE = 12
CLI = Path(sys.executable).with_name("lstm-inspector")


@pytest.fixture(scope="module")
def outcomes(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    folder = tmp_path_factory.mktemp("fuzz")
    batch = cases(source_files(corpus_dir, [demo_model(name) for name in DEMOS]), CASES, SEED)
    with ThreadPoolExecutor(2) as pool:
        parts = pool.map(lambda part: run_in_process(part, folder, HANG_SECONDS), [batch[0::2], batch[1::2]])
        found = [outcome for part in parts for outcome in part]
    return sorted(found, key=lambda outcome: outcome.case.index)


def test_only_inspector_errors_come_out(outcomes: list[Outcome]) -> None:
    assert len(outcomes) == CASES
    bugs = [f"{o.case}: {o.kind}\n{o.detail}" for o in outcomes if o.is_bug]
    assert bugs == [], "\n\n".join(bugs)
    kinds = Counter(o.kind for o in outcomes)
    assert kinds["opened"] and kinds["CorruptFile"], kinds  # the mutations both hurt and spare files


def test_what_hangs_or_crashes_libhdf5_is_refused_by_the_isolated_open(outcomes: list[Outcome], tmp_path) -> None:
    paths = [o.case.write(tmp_path) for o in outcomes if o.kind in ("hang", "crash")]
    with ThreadPoolExecutor(4) as pool:
        errors = list(pool.map(isolated_error, paths))
    for path, error in zip(paths, errors):
        assert isinstance(error, ParserFailed), f"{path.name}: {error!r}"
        assert "longer than" in str(error) or "crashed" in str(error), f"{path.name}: {error}"


def isolated_error(path: Path) -> Exception | None:
    try:
        open_model_isolated(path, timeout=HANG_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the test looks at which
        return exc
    return None


def run_info(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), "info", str(path)], capture_output=True, text=True, timeout=120)


def test_the_command_line_exits_0_or_2_with_one_line(outcomes: list[Outcome], tmp_path: Path) -> None:
    quick = [o for o in outcomes if o.kind not in ("hang", "crash")]  # a hang would take info's 60 s timeout
    sample = quick[:: max(1, len(quick) // CLI_SAMPLE)][:CLI_SAMPLE]
    paths = [o.case.write(tmp_path) for o in sample]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run_info, paths))
    for outcome, done in zip(sample, results):
        assert done.returncode in (0, 2), f"{outcome.case}: exit {done.returncode}\n{done.stderr}"
        if done.returncode == 2:
            assert done.stderr.count("\n") == 1 and done.stderr.startswith("lstm-inspector: "), done.stderr
            assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert (done.returncode == 0) == (outcome.kind == "opened"), f"{outcome.case}: {outcome.kind} {done.stderr}"
