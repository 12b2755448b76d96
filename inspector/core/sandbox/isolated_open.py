"""Open a model file in a child process, so a file that crashes, hangs or floods the parser cannot
take the caller down with it.

    model = open_model_isolated(path)                      # one child, then it exits
    opener = IsolatedOpener(warm=True)                     # the window: a spare child waits ready
    model = opener.open(path); ...; opener.close()

The child (`python -P -m inspector.core.sandbox.open_child`; -P keeps the current folder, which may be a
downloads folder, off its import path) reads the file with `open_model`, capped in address space
(RLIMIT_AS) and in time, and answers on its stdout with one `transfer` frame: a JSON header and
the raw array bytes. A pipe rather than files in a temporary folder: nothing is written to disk,
nothing is left behind when a child is killed, and a frame is read with one `communicate`.
The result equals `open_model(path)` field by field, arrays bit for bit. A refusal comes back
as the same InspectorError; a crash, hang or memory blow-up becomes a ParserFailed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from inspector.core.model.canonical import Model
from inspector.core.sandbox import transfer
from inspector.core.sandbox.open_child import MEMORY_EXIT
from inspector.core.sandbox.transfer import ParserFailed

DEFAULT_TIMEOUT = 60.0
BASE_MEMORY = 1024**3  # the child's own numpy + h5py + headroom
MEMORY_PER_FILE_BYTE = 4  # a file's arrays, h5py's chunk cache, the frame and its copy
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

__all__ = ["DEFAULT_TIMEOUT", "IsolatedOpener", "ParserFailed", "child_command", "default_memory_limit",
           "open_model_isolated", "stop_in_background"]


def open_model_isolated(path: str | os.PathLike[str], *, architecture: str | os.PathLike[str] | None = None,
                        timeout: float = DEFAULT_TIMEOUT, memory_limit: int | None = None) -> Model:
    """open_model(path, architecture) in a fresh child process; raises InspectorError with a one-line reason."""
    return IsolatedOpener(timeout=timeout, memory_limit=memory_limit).open(path, architecture)


def default_memory_limit(path: str | os.PathLike[str], *others: str | os.PathLike[str]) -> int:
    """1 GiB plus four times the size of the file (and of an architecture file read with it)."""
    size = 0
    for each in (path, *others):
        try:
            size += os.path.getsize(each)
        except OSError:
            pass
    return BASE_MEMORY + MEMORY_PER_FILE_BYTE * size


def child_command() -> list[str]:
    return [sys.executable, "-P", "-m", "inspector.core.sandbox.open_child"]


class IsolatedOpener:
    """Opens files, one child process per file (a file never shares a parser with another). With
    warm=True a spare child is kept started, its imports done, so an open costs 10-25 ms more than in
    process instead of about 150 ms (tests/bench/RESULTS.md)."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, memory_limit: int | None = None, warm: bool = False,
                 command: Sequence[str] | None = None) -> None:
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.warm = warm
        self.command = list(command) if command else child_command()
        self._spare: subprocess.Popen[bytes] | None = None
        self._running: subprocess.Popen[bytes] | None = None
        self._cancelled: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one open at a time; cancel() and close() do not take it

    def prepare(self) -> None:
        """Start the spare child now (warm openers only); returns at once."""
        with self._lock:
            if self.warm and self._spare is None:
                self._spare = self._spawn()

    def open(self, path: str | os.PathLike[str], architecture: str | os.PathLike[str] | None = None) -> Model:
        """The model in `path`; with `architecture`, a weights-only file read with that architecture file."""
        path = os.fspath(path)
        other = None if architecture is None else os.fspath(architecture)
        limit = self.memory_limit or default_memory_limit(path, *([other] if other else []))
        with self._lock:
            process, self._spare = self._spare or self._spawn(), None
            self._running = process
            try:
                return self._ask(process, {"path": path, "architecture": other}, limit)
            finally:
                self._running = None
                if self.warm:
                    self._spare = self._spawn()

    def cancel(self) -> None:
        """Kill the child reading a file now, if any (its open raises ParserFailed); from any thread."""
        process = self._running
        if process is not None and process.poll() is None:
            self._cancelled = process
            process.kill()

    def close(self, wait: bool = True) -> None:
        """Kill the spare child; a later open starts a new one. With wait=False the child is reaped in
        the background, so a closing window never waits for it."""
        spare, self._spare = self._spare, None
        if spare is not None:
            _stop(spare) if wait else stop_in_background(spare)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=_child_env(), close_fds=True)

    def _ask(self, process: subprocess.Popen[bytes], files: dict[str, str | None], limit: int) -> Model:
        request = json.dumps({**files, "memory_limit": limit}).encode("utf-8") + b"\n"
        try:
            out, err = process.communicate(request, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise ParserFailed(f"reading the file took longer than {self.timeout:g} s; the reader was stopped") from None
        except BaseException:
            _stop(process)
            raise
        _debug_echo(err)
        if process.returncode == MEMORY_EXIT:
            raise ParserFailed(f"reading the file needed more than the {limit // 1024**2} MB "
                               "of memory allowed; the file is damaged, crafted or far larger than it looks")
        if process is self._cancelled:
            raise ParserFailed("reading the file was cancelled")
        if process.returncode != 0:
            raise ParserFailed(_crash_message(process.returncode, err))
        return transfer.unpack(out)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    return env


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()


def stop_in_background(process: subprocess.Popen[bytes]) -> None:
    """Kill a child now and reap it in a daemon thread: the caller returns at once."""
    if process.poll() is None:
        process.kill()
    threading.Thread(target=process.communicate, name="reap-child", daemon=True).start()


def signal_name(returncode: int) -> str:
    """'SIGSEGV' for a child killed by signal 11 (returncode -11); also used for the Keras child."""
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def _crash_message(code: int, err: bytes) -> str:
    if code < 0:
        return (f"the file reader crashed ({signal_name(code)}) on this file; "
                "the file is damaged or crafted to attack HDF5 readers")
    lines = err.decode("utf-8", "replace").strip().splitlines()
    detail = f": {lines[-1][:200]}" if lines else ""
    return f"the file reader stopped with exit status {code}{detail}"


def _debug_echo(err: bytes) -> None:
    """The child's stderr (tracebacks of reader bugs) on ours when LSTM_INSPECTOR_DEBUG is set."""
    if err and os.environ.get("LSTM_INSPECTOR_DEBUG"):
        sys.stderr.write(err.decode("utf-8", "replace"))
