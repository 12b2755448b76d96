"""The parsing child: `python -P -m inspector.core.sandbox.open_child` reads one model file and exits.

It imports the reader first (so a spare child can wait ready), then reads one request line from
stdin, {"path": ..., "architecture": path or null, "memory_limit": bytes or null}, caps its own address space, opens the file
with `open_model` and writes one `transfer` frame to stdout: the Model, or the error's class name
and message. EOF on stdin before a request (the parent closed or died) ends it quietly.
Stray output of libraries goes to stderr: stdout carries the frame only.

Exit status: 0 a frame was written; MEMORY_EXIT the memory cap was hit; anything else is a crash.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import BinaryIO

from inspector.core.errors import InspectorError

MEMORY_EXIT = 3
QUIET_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def main() -> int:
    frames = _frame_stream()
    for key, value in QUIET_ENV.items():  # before numpy loads: the child needs no BLAS threads
        os.environ.setdefault(key, value)
    from inspector.core.model import load  # the expensive imports, done while a spare child waits
    from inspector.core.sandbox import transfer

    line = sys.stdin.buffer.readline()
    if not line.strip():
        return 0
    request = json.loads(line)
    _limit_memory(request.get("memory_limit"))
    status = 0
    try:
        frame = transfer.frame_chunks(load.open_model(request["path"], request.get("architecture")))
    except MemoryError:
        frame, status = [transfer.pack_error("MemoryError", "out of memory")], MEMORY_EXIT
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent as a value
        frame = [transfer.pack_error(type(exc).__name__, str(exc), internal=not isinstance(exc, InspectorError))]
        if not isinstance(exc, InspectorError):
            traceback.print_exc(file=sys.stderr)
    frames.writelines(frame)
    frames.flush()
    return status


def _frame_stream() -> BinaryIO:
    """A private copy of stdout for frames; fd 1 itself then points at stderr."""
    sys.stdout.flush()
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return frames


def _limit_memory(limit: object) -> None:
    if not isinstance(limit, int) or limit <= 0:
        return
    try:
        import resource
    except ImportError:  # not POSIX: the timeout still applies
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    os._exit(status)  # no interpreter teardown (tens of ms with h5py loaded): the answer is already sent
