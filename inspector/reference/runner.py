"""Run Keras in a child process without blocking: `ReferenceJob` (start, poll, cancel, result).

The parent never imports TensorFlow. It decides whether Keras may load the file (`plan`),
copies the file into a private temporary folder and checks the copy again (so the file
cannot change between the check and the load), writes the inputs as `.npz`, starts
`python -m inspector.reference.child FOLDER` and reads the results back as `.npz` and JSON.

    job = ReferenceJob(model, inputs)       # a canonical Model (or a path) and its input arrays
    job.start()
    while not job.poll().finished:          # non-blocking; a GUI calls this from a timer
        ...
    result = job.result()                   # ReferenceResult: available + layer_outputs, or reason
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inspector.core.analysis.verification import ReferenceResult
from inspector.core.errors import InspectorError
from inspector.core.io import unclosed
from inspector.core.model.canonical import Model
from inspector.core.sandbox.isolated_open import open_model_isolated, signal_name
from inspector.reference import protocol
from inspector.reference.plan import plan_reference

DEFAULT_TIMEOUT = 120.0
PYTHON_ENV = "LSTM_INSPECTOR_KERAS_PYTHON"
FINISHED = ("done", "failed", "cancelled")
Inputs = np.ndarray | Sequence[np.ndarray]


class ReferenceFailed(InspectorError):
    """The Keras child process crashed, was killed, hung or broke the protocol."""


class ReferenceTimeout(ReferenceFailed):
    """The Keras child process did not finish a model within the timeout and was stopped."""


class ReferenceCancelled(ReferenceFailed):
    """The caller cancelled the job; the child process was stopped."""


@dataclass(frozen=True)
class Progress:
    """Where a job is: state, which model (0-based) of how many, and that model's file name."""

    state: str
    job: int = 0
    jobs: int = 1
    model: str = ""

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


@dataclass(eq=False)
class _Request:
    model: Model
    inputs: list[np.ndarray]
    result: ReferenceResult | None = None  # known before the child starts when Keras may not run
    child_index: int = -1


class ReferenceJob:
    """Keras outputs for one or more models, computed by one child process in the background."""

    def __init__(self, model: Model | str | os.PathLike[str], inputs: Inputs, *,
                 timeout: float = DEFAULT_TIMEOUT, command: Sequence[str] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self._requests = [_request(model, inputs)]
        self.timeout = float(timeout)
        self._command = list(command) if command else [keras_python(), "-m", "inspector.reference.child"]
        self._extra_env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        self._progress = Progress("starting", 0, 1, _file_name(self._requests[0].model))
        self._deadline = 0.0
        self._error: ReferenceFailed | None = None

    @classmethod
    def batch(cls, items: Sequence[tuple[Model | str | os.PathLike[str], Inputs]], **options) -> ReferenceJob:
        """One child for several models: TensorFlow is imported once."""
        if not items:
            raise ValueError("ReferenceJob.batch needs at least one (model, inputs) pair")
        job = cls(*items[0], **options)
        job._requests += [_request(model, inputs) for model, inputs in items[1:]]
        return job

    # -- the non-blocking API --------------------------------------------------------------

    def start(self) -> None:
        """Decide per model whether Keras may run it, then start the child if any may.

        Copies each file into the private folder and reads the copy again (milliseconds for
        typical models; a GUI may call this from a worker for files of hundreds of MB)."""
        if self._process is not None or self._progress.finished:
            return
        children = [r for r in self._requests if _plan_result(r) is None]
        if not children:
            self._progress = Progress("done", len(self._requests) - 1, len(self._requests))
            return
        self._folder = Path(tempfile.mkdtemp(prefix="lstm-inspector-keras-"))
        try:
            self._write_jobs(children)
            self._process = self._spawn()
        except BaseException:
            self._cleanup()
            raise
        self._deadline = time.monotonic() + self.timeout

    def poll(self) -> Progress:
        """The current progress; collects the results when the child has finished. Never blocks."""
        if self._process is None or self._progress.finished:
            return self._progress
        code = self._process.poll()
        if code is None:
            self._follow_child()
        else:
            self._finish(code)
        return self._progress

    def cancel(self) -> None:
        """Stop the child (if running) and mark the job cancelled."""
        if self._progress.finished:
            return
        self._kill()
        self._fail(ReferenceCancelled("the Keras reference was cancelled"), "cancelled")

    @property
    def error(self) -> ReferenceFailed | None:
        return self._error

    @property
    def reason(self) -> str:
        """Why there is no reference: the failure, or the first model's reason; "" otherwise."""
        if self._error is not None:
            return str(self._error)
        result = self._requests[0].result
        return result.reason if result is not None else ""

    def results(self) -> list[ReferenceResult]:
        """One result per model, in the order given; raises if the job failed or is not done."""
        if self._error is not None:
            raise self._error
        if self._progress.state != "done":
            raise RuntimeError("the reference job has not finished; poll() until progress.finished")
        return [r.result for r in self._requests if r.result is not None]

    def result(self) -> ReferenceResult:
        return self.results()[0]

    # -- blocking convenience --------------------------------------------------------------

    def wait(self, poll_interval: float = 0.05) -> list[ReferenceResult]:
        """Start if needed and block until the child has finished; then `results()`."""
        self.start()
        while not self.poll().finished:
            time.sleep(poll_interval)
        return self.results()

    # -- internals ---------------------------------------------------------------------------

    def _write_jobs(self, children: list[_Request]) -> None:
        assert self._folder is not None
        jobs = []
        for index, request in enumerate(children):
            request.child_index = index
            copy, architecture = _private_copy(request.model, self._folder / f"job{index}")
            jobs.append({"model": str(copy), "runtime": plan_reference(request.model).runtime,
                         "architecture": architecture and str(architecture)})
            arrays = {f"in{i}": np.asarray(a) for i, a in enumerate(request.inputs)}
            protocol.save_arrays(protocol.input_file(self._folder, index), arrays)
        protocol.write_json(self._folder / protocol.JOBS, {"jobs": jobs})

    def _spawn(self) -> subprocess.Popen[bytes]:
        assert self._folder is not None
        stderr = open(self._folder / protocol.STDERR, "wb")  # noqa: SIM115 - closed below
        try:
            return subprocess.Popen(
                [*self._command, str(self._folder)], cwd=self._folder, env=self._child_env(),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                start_new_session=True,  # its own process group: cancel stops TF's helpers too
            )
        finally:
            stderr.close()

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(protocol.QUIET_ENV)
        env.pop("TF_USE_LEGACY_KERAS", None)
        root = str(Path(__file__).resolve().parents[2])  # the folder that holds the inspector package
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        env.update(self._extra_env)
        return env

    def _follow_child(self) -> None:
        assert self._folder is not None
        state = protocol.read_state(self._folder)
        child_job = int(state.get("job", 0))
        request = self._by_child_index(child_job)
        index = self._requests.index(request) if request is not None else self._progress.job
        if index != self._progress.job:
            self._deadline = time.monotonic() + self.timeout  # the timeout is per model
        said = str(state.get("state", "starting"))
        said = "running" if said in FINISHED else said  # "done" only once the results are read
        self._progress = Progress(said, index, len(self._requests),
                                  _file_name(request.model) if request else self._progress.model)
        if time.monotonic() > self._deadline:
            self._kill()
            self._fail(ReferenceTimeout(
                f"Keras did not finish {self._progress.model or 'the model'} within {self.timeout:g} s "
                f"(it was {self._progress.state}); the child process was stopped"), "failed")

    def _finish(self, code: int) -> None:
        if code != 0:
            self._fail(ReferenceFailed(_exit_message(code, self._stderr_tail())), "failed")
            return
        try:
            for request in self._requests:
                if request.result is None:
                    request.result = self._read_result(request)
        except (OSError, ValueError, KeyError) as exc:
            self._fail(ReferenceFailed(f"the Keras child process returned no usable result: {exc}"), "failed")
            return
        self._progress = Progress("done", len(self._requests) - 1, len(self._requests))
        self._cleanup()

    def _read_result(self, request: _Request) -> ReferenceResult:
        assert self._folder is not None
        index = request.child_index
        meta = protocol.read_json(protocol.result_file(self._folder, index))
        if not meta.get("available"):
            return ReferenceResult(False, reason=str(meta.get("reason", "")), seconds=meta.get("seconds", 0.0))
        arrays = protocol.load_arrays(protocol.output_file(self._folder, index))
        layers = {str(name): [arrays[protocol.layer_key(k, j)] for j in range(int(count))]
                  for k, (name, count) in enumerate(meta["layers"])}
        outputs = [arrays[protocol.output_key(j)] for j in range(int(meta["outputs"]))]
        return ReferenceResult(True, str(meta["runtime"]), "", layers, outputs, float(meta.get("seconds", 0.0)))

    def _by_child_index(self, index: int) -> _Request | None:
        return next((r for r in self._requests if r.child_index == index), None)

    def _stderr_tail(self) -> str:
        try:
            lines = (self._folder / protocol.STDERR).read_text(errors="replace").strip().splitlines()
        except (OSError, TypeError):
            return ""
        return lines[-1][:300] if lines else ""

    def _kill(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the group we created for this child
        except (ProcessLookupError, PermissionError):
            process.kill()
        process.wait()

    def _fail(self, error: ReferenceFailed, state: str) -> None:
        self._error = error
        self._progress = Progress(state, self._progress.job, len(self._requests), self._progress.model)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __del__(self) -> None:  # a forgotten job must not leave a TensorFlow process behind
        try:
            self._kill()
            self._cleanup()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def keras_python() -> str:
    """The Python that runs Keras: $LSTM_INSPECTOR_KERAS_PYTHON (e.g. a venv with TensorFlow, for an
    installation without it), else this one."""
    return os.environ.get(PYTHON_ENV) or sys.executable


def compute_reference(model: Model | str | os.PathLike[str], inputs: Inputs, *,
                      timeout: float = DEFAULT_TIMEOUT) -> ReferenceResult:
    """Blocking: Keras's outputs for `model` on `inputs`, or an unavailable result with the reason."""
    return ReferenceJob(model, inputs, timeout=timeout).wait()[0]


def _request(model: Model | str | os.PathLike[str], inputs: Inputs) -> _Request:
    model = model if isinstance(model, Model) else open_model_isolated(model)
    arrays = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
    return _Request(model, [np.asarray(a) for a in arrays])


def _plan_result(request: _Request) -> ReferenceResult | None:
    plan = plan_reference(request.model)
    if not plan.possible:
        request.result = ReferenceResult(False, reason=plan.reason)
    return request.result


def _private_copy(model: Model, folder: Path) -> tuple[Path, Path | None]:
    """Copy the file (and its architecture file) where only we can write, and check the copies: the child
    loads exactly those. A file still marked open for writing is copied as we read it, corrected."""
    folder.mkdir()
    copy = folder / _weights_name(model)
    source, _ = unclosed.readable_source(model.path) if _is_hdf5(model.path) else (model.path, "")
    if isinstance(source, bytes):
        copy.write_bytes(source)
    else:
        shutil.copyfile(model.path, copy)
    architecture = None
    if model.architecture:
        (folder / "architecture").mkdir()
        architecture = folder / "architecture" / Path(model.architecture).name
        shutil.copyfile(model.architecture, architecture)
    again = plan_reference(open_model_isolated(copy, architecture=architecture))  # parsed in a child, like every file
    if again.runtime != plan_reference(model).runtime:
        raise ReferenceFailed(f"{model.path} changed while it was being prepared for Keras; open it again")
    return copy, architecture


def _weights_name(model: Model) -> str:
    """Keras 3 load_weights reads its own format only from a name ending in .weights.h5."""
    name = Path(model.path).name
    if model.architecture and model.format == "keras3-zip" and not name.endswith(".weights.h5"):
        return Path(name).stem + ".weights.h5"
    return name


def _is_hdf5(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(unclosed.SIGNATURE)) == unclosed.SIGNATURE


def _file_name(model: Model) -> str:
    return Path(model.path).name


def _exit_message(code: int, stderr: str) -> str:
    if code < 0:
        return f"the Keras child process was killed ({signal_name(code)}) before it finished"
    detail = f": {stderr}" if stderr else ""
    return f"the Keras child process failed with exit status {code}{detail}"
