"""Children are told to stop and reaped in the background: whoever closes never waits for them."""

from __future__ import annotations

import subprocess
import sys
import threading

from inspector.core.errors import InspectorError
from inspector.core.sandbox.isolated_open import IsolatedOpener, stop_in_background
from inspector.demo import demo_model


def test_stop_in_background_kills_and_reaps() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stop_in_background(process)
    assert process.wait(timeout=30) < 0  # killed by a signal, and reaped (no zombie left)


def test_closing_a_warm_opener_without_waiting_kills_its_spare() -> None:
    opener = IsolatedOpener(warm=True)
    opener.prepare()
    spare = opener._spare
    assert spare is not None
    opener.close(wait=False)
    assert spare.wait(timeout=30) < 0
    assert opener.open(demo_model()).layers  # a later open starts a new child
    opener.close()


def test_cancel_stops_a_hanging_read_at_once() -> None:
    opener = IsolatedOpener(command=[sys.executable, "-c", "import time; time.sleep(120)"])
    failure: list[str] = []

    def read() -> None:
        try:
            opener.open(demo_model())
        except InspectorError as error:
            failure.append(str(error))

    worker = threading.Thread(target=read)
    worker.start()
    while opener._running is None:
        worker.join(0.01)
    opener.cancel()
    worker.join(30)
    assert not worker.is_alive() and failure == ["reading the file was cancelled"]
