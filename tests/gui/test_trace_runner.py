"""The live trace: debounced, in a worker, outdated runs stopped, only the newest result lands."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from inspector.core import engine
from inspector.core.inputs.generators import sine
from inspector.core.model.canonical import InputSpec
from inspector.gui.state import InspectorState
from inspector.gui.workers import trace as trace_runner
from inspector.gui.workers.opening import Document
from inspector.gui.workers.trace import TraceRunner, TraceStatus
from tests.gui.big_kernel import char_lstm_model


@pytest.fixture
def state(qtbot):
    state = InspectorState()
    model = replace(char_lstm_model(symbols=1, units=512), inputs=(InputSpec("chars", (None, None, 1)),))
    state.set_document(Document(model, Path("lstm_512.h5"), 0.0))
    return state


@pytest.fixture
def runner(qtbot, state, monkeypatch):
    """A runner whose engine calls are recorded: (time steps, how the run ended)."""
    calls: list[tuple[int, str]] = []

    def recorded(model, inputs, **kwargs):
        try:
            result = engine.run(model, inputs, **kwargs)
        except engine.Cancelled:
            calls.append((inputs[0].shape[1], "cancelled"))
            raise
        calls.append((inputs[0].shape[1], "done"))
        return result

    monkeypatch.setattr(trace_runner, "run", recorded)
    runner = TraceRunner(state)
    runner.calls = calls
    yield runner
    runner.cancel()
    runner.wait(10000)


def inputs(steps: int, phase: float = 0.0) -> list[np.ndarray]:
    return [sine(steps, 1, phase=phase)[None]]


def landed(qtbot, runner, state) -> None:
    qtbot.waitUntil(lambda: not runner.pending and (state.result is not None or bool(state.result_reason)),
                    timeout=30000)


def test_a_burst_of_edits_runs_once_with_the_last_inputs(qtbot, runner, state) -> None:
    started = []
    runner.started.connect(lambda: started.append(1))
    for phase in range(5):
        state.set_inputs(inputs(20, phase * 10.0))
    landed(qtbot, runner, state)
    assert len(started) == 1 and runner.calls == [(20, "done")]
    expected = engine.run(state.document.model, inputs(20, 40.0))
    np.testing.assert_array_equal(state.result.trace["lstm_1"]["forward"].h, expected.trace["lstm_1"]["forward"].h)


def test_an_outdated_run_is_stopped_and_only_the_newest_lands(qtbot, runner, state) -> None:
    progress: list[float] = []
    runner.progress.connect(progress.append)
    state.set_inputs(inputs(20_000))
    qtbot.waitUntil(lambda: len(progress) > 2, timeout=30000)  # the long run is under way
    state.set_inputs(inputs(7))
    landed(qtbot, runner, state)
    assert runner.calls == [(20_000, "cancelled"), (7, "done")]
    assert state.result.trace["lstm_1"]["forward"].time_steps == 7


def test_progress_reaches_the_end_and_the_status_shows_the_time(qtbot, runner, state) -> None:
    status = TraceStatus(runner)
    qtbot.addWidget(status)
    progress: list[float] = []
    runner.progress.connect(progress.append)
    state.set_inputs(inputs(2000))
    landed(qtbot, runner, state)
    assert len(progress) > 10 and progress[-1] == 1.0
    assert status.label.text() == f"trace {runner.last_seconds * 1000:.0f} ms" and status.bar.isHidden()


def test_a_model_that_cannot_run_gives_one_line(qtbot, runner, state) -> None:
    broken = replace(state.document.model, has_architecture=False)
    state.set_document(Document(broken, Path("weights.h5"), 0.0))
    state.set_inputs(inputs(5))
    landed(qtbot, runner, state)
    assert state.result is None and "weights only" in state.result_reason and "\n" not in state.result_reason


def test_a_new_model_drops_the_running_trace(qtbot, runner, state) -> None:
    progress: list[float] = []
    runner.progress.connect(progress.append)
    state.set_inputs(inputs(20_000))
    qtbot.waitUntil(lambda: len(progress) > 2, timeout=30000)
    state.set_document(state.document)
    runner.wait(30000)
    qtbot.wait(50)
    assert state.result is None and runner.calls == [(20_000, "cancelled")]
