"""The Keras reference in the background: status texts, cancel (the child is gone), new inputs replace a running job,
files Keras cannot load, and the real thing end to end (skipped without TensorFlow)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from inspector.core.analysis.verification import short_number
from inspector.gui.workers.reference import CANCELLED
from inspector.reference import ReferenceJob
from tests.reference.reference_cases import keras_or_skip

SLEEPING_CHILD = "import time; time.sleep(120)"


class FakeChildren:
    """A job factory whose children run `code` instead of Keras; remembers every job it made."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.jobs: list[ReferenceJob] = []

    def __call__(self, model, inputs) -> ReferenceJob:
        job = ReferenceJob(model, inputs, command=[sys.executable, "-c", self.code])
        self.jobs.append(job)
        return job

    @property
    def last(self) -> ReferenceJob | None:
        return self.jobs[-1] if self.jobs else None


def child_started(job: ReferenceJob | None) -> bool:
    return job is not None and job._process is not None


def child_gone(job: ReferenceJob) -> bool:
    return job._process is not None and job._process.poll() is not None


def use_children(window, code: str) -> FakeChildren:
    factory = FakeChildren(code)
    window.reference_runner.job_factory = factory
    return factory


def test_running_then_cancel_stops_the_child(qtbot, window, open_and_wait) -> None:
    children = use_children(window, SLEEPING_CHILD)
    open_and_wait(demo="sine_lstm")
    runner = window.reference_runner
    qtbot.waitUntil(lambda: child_started(children.last), timeout=20000)
    qtbot.waitUntil(lambda: bool(re.fullmatch(r"Keras reference: running \(\d+ s.*\)", runner.status)), timeout=5000)
    assert runner.cancel_action.isEnabled() and not runner.cancel_button.isHidden()
    runner.cancel_action.trigger()
    assert runner.status == "Keras reference cancelled"
    qtbot.waitUntil(lambda: child_gone(children.jobs[-1]), timeout=5000)
    reference = window.state.reference
    assert reference is not None and not reference.available and reference.reason == CANCELLED
    assert "cancelled" in window.predictions_view.header.text()
    assert not runner.cancel_action.isEnabled() and runner.run_action.isEnabled()


def test_new_inputs_replace_the_running_job(qtbot, window, open_and_wait) -> None:
    children = use_children(window, SLEEPING_CHILD)
    open_and_wait(demo="sine_lstm")
    qtbot.waitUntil(lambda: child_started(children.last), timeout=20000)
    first = children.jobs[-1]
    window.state.set_inputs([np.asarray(window.state.inputs[0]) * 0.5])
    qtbot.waitUntil(lambda: child_gone(first), timeout=5000)
    qtbot.waitUntil(lambda: len(children.jobs) == 2 and child_started(children.last), timeout=20000)
    assert window.reference_runner.status.startswith("Keras reference: running")
    window.reference_runner.cancel()
    qtbot.waitUntil(lambda: child_gone(children.jobs[-1]), timeout=5000)


def test_a_crashing_child_is_unavailable_with_its_reason(qtbot, window, open_and_wait) -> None:
    use_children(window, "import sys; sys.stderr.write('Fatal: no cheese\\n'); sys.exit(7)")
    open_and_wait(demo="sine_lstm")
    runner = window.reference_runner
    qtbot.waitUntil(lambda: runner.status.startswith("Keras reference unavailable"), timeout=20000)
    assert runner.status == ("Keras reference unavailable: the Keras child process failed with exit status 7: "
                             "Fatal: no cheese")
    assert "exit status 7" in window.state.reference.reason


def test_automatic_off_waits_for_ctrl_r(qtbot, window, open_and_wait) -> None:
    children = use_children(window, SLEEPING_CHILD)
    runner = window.reference_runner
    runner.auto_action.setChecked(False)
    open_and_wait(demo="sine_lstm")
    qtbot.waitUntil(lambda: window.state.result is not None, timeout=20000)
    qtbot.wait(600)  # longer than the debounce: nothing starts by itself
    assert not children.jobs and "not run for these sequences" in runner.status
    runner.run_action.trigger()
    qtbot.waitUntil(lambda: child_started(children.last), timeout=20000)
    runner.cancel()
    qtbot.waitUntil(lambda: child_gone(children.jobs[-1]), timeout=5000)


def test_a_file_keras_cannot_load_says_why(qtbot, window, open_and_wait, corpus: Path) -> None:
    open_and_wait(corpus / "models" / "k1_dl4j_bidirectional_lstm_tensorflow_1.h5")
    runner = window.reference_runner
    qtbot.waitUntil(lambda: window.state.reference is not None, timeout=20000)
    assert runner.status.startswith("Keras reference unavailable: the file was written by Keras 1")
    assert "Keras reference unavailable: the file was written by Keras 1" in window.predictions_view.header.text()


def test_short_numbers() -> None:
    assert [short_number(v) for v in (3e-7, 2.4e-2, 0.0, 1.0)] == ["3e-7", "2e-2", "0", "1e0"]


def test_real_keras_in_the_background(qtbot, window, open_and_wait) -> None:
    """Open the demo: the sequence, the engine and Keras run by themselves; the status and the table agree with
    |engine - Keras| computed here."""
    keras_or_skip()
    open_and_wait(demo="bilstm_classifier")
    runner, state = window.reference_runner, window.state
    qtbot.waitUntil(lambda: state.comparison is not None and not runner.running, timeout=120000)
    reference = state.reference
    assert re.fullmatch(r"(keras 3|tf_keras 2)\.[\d.]+: agrees to \de-\d+", runner.status), runner.status
    assert runner.status.startswith(reference.runtime)
    errors = {name: max(float(np.abs(e.astype(np.float64) - k).max())
                        for e, k in zip(state.result.layer_outputs[name], values, strict=True))
              for name, values in reference.layer_outputs.items() if name in state.result.layer_outputs}
    table = window.predictions_view.table
    shown = {table.cell_text(row, 0): table.cell_text(row, 2) for row in range(table.rowCount())}
    inputs = {spec.name for spec in state.document.model.inputs}
    assert shown == {name: f"{error:.2e}" for name, error in errors.items() if name not in inputs}
    assert runner.status.endswith(short_number(max(errors.values())))
