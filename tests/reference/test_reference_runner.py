"""The child process as seen from the parent: killed, crashing, hanging, silent, cancelled, no TensorFlow.

Fake children (a `command=` that is not the real child) make every failure fast and certain.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

from inspector.core.model.load import open_model
from inspector.demo import demo_model
from inspector.reference import ReferenceCancelled, ReferenceFailed, ReferenceJob, ReferenceTimeout, seeded_inputs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> tuple[object, list[np.ndarray]]:
    model = open_model(demo_model())
    return model, seeded_inputs(model)


def fake(code: str) -> list[str]:
    """A child command running `code`; the parent appends the folder as the last argument."""
    return [sys.executable, "-c", code]


def test_a_killed_child_is_a_clean_error(demo) -> None:
    job = ReferenceJob(*demo, command=fake("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"))
    with pytest.raises(ReferenceFailed, match="killed \\(SIGKILL\\)"):
        job.wait()
    assert job.poll().state == "failed" and "killed" in job.reason


def test_a_crashing_child_reports_its_last_words(demo) -> None:
    job = ReferenceJob(*demo, command=fake("import sys; sys.stderr.write('Fatal: out of cheese\\n'); sys.exit(7)"))
    with pytest.raises(ReferenceFailed, match="exit status 7: Fatal: out of cheese"):
        job.wait()


def test_a_hanging_child_is_stopped_at_the_timeout(demo) -> None:
    job = ReferenceJob(*demo, timeout=0.5, command=fake("import time; time.sleep(60)"))
    started = time.monotonic()
    with pytest.raises(ReferenceTimeout, match="within 0.5 s"):
        job.wait()
    assert time.monotonic() - started < 10
    assert job._process is not None and job._process.poll() is not None  # really gone


def test_a_child_that_writes_nothing_breaks_no_promise(demo) -> None:
    job = ReferenceJob(*demo, command=fake("pass"))
    with pytest.raises(ReferenceFailed, match="no usable result"):
        job.wait()


def test_cancel_kills_the_child_and_poll_never_blocks(demo) -> None:
    job = ReferenceJob(*demo, command=fake("import time; time.sleep(60)"))
    job.start()
    started = time.monotonic()
    for _ in range(5):
        assert job.poll().state == "starting"
    assert time.monotonic() - started < 1.0
    job.cancel()
    assert job.poll().state == "cancelled" and job.poll().finished
    assert job._process.poll() is not None
    with pytest.raises(ReferenceCancelled):
        job.result()


def test_no_tensorflow_gives_a_reason_not_an_error(demo, tmp_path: Path) -> None:
    """The real child, with a `tensorflow` on its path that cannot be imported."""
    fake_tf = tmp_path / "tensorflow"
    fake_tf.mkdir()
    (fake_tf / "__init__.py").write_text("raise ImportError('No module named tensorflow')\n")
    job = ReferenceJob(*demo, env={"PYTHONPATH": f"{tmp_path}:{REPO}"})
    result = job.wait()[0]
    assert not result.available
    assert "TensorFlow is not installed" in result.reason and "pip install" in result.reason


def test_files_keras_cannot_load_are_answered_without_a_child(corpus_dir: Path) -> None:
    model = open_model(corpus_dir / "models" / "k1_dl4j_simple_rnn_tensorflow_1.h5")
    job = ReferenceJob(model, seeded_inputs(model), command=fake("raise SystemExit(9)"))
    job.start()
    assert job._process is None and job.poll().state == "done"
    assert "Keras 1" in job.result().reason and not job.result().available
