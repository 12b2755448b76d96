"""`still_reading(name)`: says on stderr that a slow read is still going, and how to stop it.

    with still_reading(path):
        model = open_model_isolated(path)

Quiet for the first few seconds; then one line every few seconds with the elapsed time, so a file that
makes the reader loop never leaves the user before a silent terminal. Ctrl+C stops the read: the child
reading the file is killed (inspector.core.sandbox) and the command ends with status 130.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

FIRST_NOTICE = 3.0  # seconds before the first "still reading"
NOTICE_EVERY = 10.0


@contextmanager
def still_reading(name: str, *, after: float | None = None, every: float | None = None,
                  stream: TextIO | None = None) -> Iterator[None]:
    """Run the body; while it lasts longer than `after` seconds, say so every `every` seconds."""
    stop = threading.Event()
    start = time.monotonic()
    first = FIRST_NOTICE if after is None else after
    period = NOTICE_EVERY if every is None else every

    def tell() -> None:
        wait = first
        while not stop.wait(wait):
            elapsed = time.monotonic() - start
            print(f"lstm-inspector: still reading {name} ({elapsed:.0f} s) ... Ctrl+C stops",
                  file=stream or sys.stderr, flush=True)
            wait = period

    thread = threading.Thread(target=tell, name="still-reading", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
