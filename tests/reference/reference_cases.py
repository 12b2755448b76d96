"""Shared pieces of the Keras reference tests: cases, batches (one child per batch, so TensorFlow is
imported once, polled the way the GUI polls), and the skip when TensorFlow is missing."""

from __future__ import annotations

import importlib.util
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from inspector.core.model.canonical import Model
from inspector.reference import ReferenceJob, ReferenceResult

# zoo recipes whose Keras references the agreement and diagnosis tests use (both runtimes)
ZOO_IDS = (
    "lstm_seq", "lstm_hard_sigmoid", "lstm_backwards_seq", "lstm_stateful", "lstm_cell", "gru_seq",
    "gru_rb_seq", "gru_hard_sigmoid", "simplernn_seq", "bi_lstm_ave_seq", "bi_gru_state", "bi_lstm_none_seq",
    "mask_lstm_seq", "emb_mask_lstm", "shared_lstm", "seq2seq_lstm", "convlstm1d_valid_seq",
)


def keras_or_skip() -> None:
    """Skip (or fail, with INSPECTOR_REQUIRE_KERAS=1) when TensorFlow is not installed here."""
    if importlib.util.find_spec("tensorflow") is None:
        if os.environ.get("INSPECTOR_REQUIRE_KERAS") == "1":
            pytest.fail("INSPECTOR_REQUIRE_KERAS=1 but tensorflow is not installed")
        pytest.skip("TensorFlow is not installed: no Keras reference")


@dataclass
class Case:
    """One model with its input and (after the batch ran) Keras's result."""

    key: str
    model: Model
    inputs: list[np.ndarray]
    result: ReferenceResult | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Batch:
    cases: dict[str, Case]
    states: list[str]  # every progress state seen while polling
    seconds: float


def run_batch(cases: list[Case], timeout: float = 300.0) -> Batch:
    """Compute every case's reference in one child, polling like the GUI would."""
    started = time.perf_counter()
    job = ReferenceJob.batch([(case.model, case.inputs) for case in cases], timeout=timeout)
    job.start()
    states: list[str] = []
    while not (progress := job.poll()).finished:
        if not states or states[-1] != progress.state:
            states.append(progress.state)
        time.sleep(0.02)
    states.append(progress.state)
    for case, result in zip(cases, job.results(), strict=True):
        case.result = result
    return Batch({case.key: case for case in cases}, states, time.perf_counter() - started)


def read_npz_inputs(path: Path) -> list[np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return [data[f"in{i}"] for i in range(len(data.files))]
