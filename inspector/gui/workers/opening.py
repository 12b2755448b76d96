"""Opening a model: the one place the window asks for a file to be read.

`load_document` does the work (no Qt; core does all the reading); `ModelOpener` runs it in a
worker thread and hands the result to the state, or a one-line reason to whoever shows errors.
The file itself is parsed in a child process (`inspector.core.sandbox.isolated_open`, capped in memory and
time): a file that crashes or hangs the parser gives a reason, and the window keeps what it showed.
`ModelOpener` shares one spare child, started after each open, so the next open does not pay its imports.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal

from inspector.core.analysis.describe import describe_model
from inspector.core.errors import InspectorError
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.canonical import Model
from inspector.core.sandbox.isolated_open import IsolatedOpener
from inspector.demo import demo_model, demo_sequence

MODEL_SUFFIXES = (".h5", ".hdf5", ".keras")


@dataclass(frozen=True, eq=False)
class Document:
    """An opened model with what the views need besides it."""

    model: Model
    path: Path
    seconds: float
    output_shapes: dict[str, Any] = field(default_factory=dict)  # layer name -> shape list, or None
    demo: str | None = None
    sequence: np.ndarray | None = None  # the demo sequence, time steps x features
    notes: tuple[str, ...] = ()  # things that went wrong without stopping the open

    @property
    def title(self) -> str:
        return f"{self.path.name} (demo)" if self.demo else self.path.name


def load_document(path: str | Path, demo: str | None = None, opener: IsolatedOpener | None = None) -> Document:
    """Read a model file into a Document in a child process (`opener`'s, or a fresh one);
    raises InspectorError with a one-line reason."""
    start = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise InspectorError(f"{path}: no such file")
    model = (opener or IsolatedOpener()).open(path)
    shapes, notes = _output_shapes(model)
    sequence = read_inputs(demo_sequence(demo), model)[0][0] if demo else None  # time steps x features
    return Document(model, path, time.perf_counter() - start, shapes, demo, sequence, notes)


def load_demo(name: str, opener: IsolatedOpener | None = None) -> Document:
    return load_document(demo_model(name), demo=name, opener=opener)


def _output_shapes(model: Model) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Output shapes from the engine; a failure there never stops the file from opening."""
    try:
        layers = describe_model(model)["layers"]
    except Exception as exc:  # the engine is not the reader: show "?" and say why
        traceback.print_exc(file=sys.stderr)
        return {}, (f"output shapes unavailable: {type(exc).__name__}: {exc}",)
    return {layer["name"]: layer["output_shape"] for layer in layers}, ()


@cache
def shared_opener() -> IsolatedOpener:
    """The one warm opener of this process: however many windows, at most one spare child waits."""
    return IsolatedOpener(warm=True)


def reason_text(exc: BaseException) -> str:
    """The one line a user sees for a failed open."""
    if isinstance(exc, InspectorError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"internal error: {type(exc).__name__}: {exc}"


class _Signals(QObject):
    done = pyqtSignal(int, object)  # request id, Document
    failed = pyqtSignal(int, str, str)  # request id, path, reason


class _LoadTask(QRunnable):
    def __init__(self, request: int, path: str, demo: str | None, signals: _Signals, opener: IsolatedOpener) -> None:
        super().__init__()
        self.request, self.path, self.demo, self.signals, self.opener = request, path, demo, signals, opener

    def run(self) -> None:
        try:
            document = load_document(self.path, self.demo, self.opener)
        except Exception as exc:  # every failure becomes a message; the window stays as it was
            if not isinstance(exc, InspectorError):
                traceback.print_exc(file=sys.stderr)
            self.signals.failed.emit(self.request, self.path, reason_text(exc))
        else:
            self.signals.done.emit(self.request, document)


class ModelOpener(QObject):
    """Opens files in a worker thread; only the newest request's result is delivered."""

    opened = pyqtSignal(object)  # Document
    failed = pyqtSignal(str, str)  # path, one-line reason
    busy_changed = pyqtSignal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self._request = 0
        self._pending = False
        self.isolated = shared_opener()
        self.isolated.prepare()  # the child's imports overlap with building the window

    @property
    def pending(self) -> bool:
        """True from a request until its result (or failure) has been delivered."""
        return self._pending

    def open_file(self, path: str | Path) -> None:
        self._start(str(path), None)

    def open_demo(self, name: str) -> None:
        self._start(str(demo_model(name)), name)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _start(self, path: str, demo: str | None) -> None:
        self._request += 1
        self._pending = True
        self.busy_changed.emit(True)
        self.isolated.cancel()  # a file still being read (maybe hanging) is no longer wanted
        self._pool.start(_LoadTask(self._request, path, demo, self._signals, self.isolated))

    def _on_done(self, request: int, document: Document) -> None:
        if request == self._request:
            self._pending = False
            try:
                self.opened.emit(document)
            finally:
                self.busy_changed.emit(False)

    def _on_failed(self, request: int, path: str, reason: str) -> None:
        if request == self._request:
            self._pending = False
            self.busy_changed.emit(False)  # before the (modal) error dialog
            self.failed.emit(path, reason)

