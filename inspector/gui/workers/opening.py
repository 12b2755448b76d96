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
from functools import cache
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from inspector.core.analysis.describe import describe_model
from inspector.core.errors import InspectorError
from inspector.core.inputs.sequences import read_inputs
from inspector.core.model.canonical import Model
from inspector.core.sandbox.isolated_open import IsolatedOpener
from inspector.demo import demo_model, demo_sequence
from inspector.gui.state import Document
from inspector.gui.workers.base import LatestJob

MODEL_SUFFIXES = (".h5", ".hdf5", ".keras")


def load_document(path: str | Path, demo: str | None = None, opener: IsolatedOpener | None = None,
                  architecture: str | Path | None = None) -> Document:
    """Read a model file (a weights-only file with its `architecture` file) into a Document in a child
    process (`opener`'s, or a fresh one); raises InspectorError with a one-line reason."""
    start = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise InspectorError(f"{path}: no such file")
    if architecture is not None and not Path(architecture).is_file():
        raise InspectorError(f"{architecture}: no such file")
    model = (opener or IsolatedOpener()).open(path, architecture)
    shapes, notes = _output_shapes(model)
    sequence = read_inputs(demo_sequence(demo), model)[0][0] if demo else None  # time steps x features
    return Document(model, path, time.perf_counter() - start, shapes, demo, sequence, notes)


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


class ModelOpener(QObject):
    """Opens files in a worker thread; only the newest request's result is delivered."""

    opened = pyqtSignal(object)  # Document
    failed = pyqtSignal(str, str)  # path, one-line reason
    busy_changed = pyqtSignal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = LatestJob(self)
        self._job.done.connect(self.opened)
        self._job.failed.connect(lambda reason: self.failed.emit(self._path, reason))
        self._job.busy_changed.connect(self.busy_changed)
        self._path = ""
        self.isolated = shared_opener()
        self.isolated.prepare()  # the child's imports overlap with building the window

    @property
    def pending(self) -> bool:
        """True from a request until its result (or failure) has been delivered."""
        return self._job.pending

    def open_file(self, path: str | Path, architecture: str | Path | None = None) -> None:
        self._start(str(path), None, architecture)

    def open_demo(self, name: str) -> None:
        self._start(str(demo_model(name)), name)

    def wait(self, msecs: int = -1) -> bool:
        return self._job.wait(msecs)

    def cancel(self) -> None:
        """Stop the file being read now: its child is killed, nothing is delivered, the open model stays."""
        self._job.cancel()
        self.isolated.cancel()

    def shutdown(self) -> None:
        """The window closes: stop reading, and let the spare child go in the background (never waited for)."""
        self.cancel()
        self.isolated.close(wait=False)

    def _start(self, path: str, demo: str | None, architecture: str | Path | None = None) -> None:
        self._path = path
        self.isolated.cancel()  # a file still being read (maybe hanging) is no longer wanted
        opener = self.isolated
        self._job.submit(lambda _progress, _cancelled: load_document(path, demo, opener, architecture))
