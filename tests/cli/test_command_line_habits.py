"""The command line never crashes on its user: no display, a mistyped word, a closed pipe, a slow file, Ctrl+C.

Each case runs `python -m inspector.cli` as the user would, and checks the one line and the exit status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector.commands.display import display_problem
from inspector.commands.waiting import still_reading
from inspector.demo import demo_model

CLI = [sys.executable, "-m", "inspector.cli"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, env=env)


def headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["XDG_RUNTIME_DIR"] = "/nonexistent"
    return env


@pytest.mark.parametrize("args", [[], [str(demo_model())]])
def test_without_a_display_one_line_and_exit_2(args: list[str]) -> None:
    done = run_cli(*args, env=headless_env())
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display found" in lines[0]
    for command in ("info", "export"):
        assert command in lines[0]
    assert "install-desktop" not in lines[0].split("these work:")[1]


def test_display_problem_reads_what_qt_would_use(tmp_path: Path) -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert "DISPLAY is not set" in display_problem({"XDG_RUNTIME_DIR": str(tmp_path)})
    assert "no X server answers" in display_problem({"DISPLAY": ":97", "XDG_RUNTIME_DIR": str(tmp_path)})
    assert "no Wayland compositor" in display_problem({"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path),
                                                       "QT_QPA_PLATFORM": "wayland"})


@pytest.mark.parametrize(("word", "expected"), [
    ("install-desktp", "did you mean 'install-desktop'"),
    ("infoo", "did you mean 'info'"),
    ("modle.h5", "no such file: modle.h5"),
    ("somewhere/else", "no such file"),
    ("banana", "neither a command nor a file"),
])
def test_a_word_that_is_neither_command_nor_file_gets_one_line(word: str, expected: str) -> None:
    done = run_cli(word, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], done.stderr


def test_a_folder_is_not_a_model(tmp_path: Path) -> None:
    done = run_cli(str(tmp_path), env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 2 and "is a folder" in done.stderr


def test_output_piped_into_head_ends_quietly() -> None:
    shell = f"{' '.join(CLI)} info {demo_model()} | head -3"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=120)
    assert len(done.stdout.splitlines()) == 3
    assert done.stderr == "", done.stderr
    # 141 when head had gone before the last write; 0 when the whole output fit in the pipe before it left
    assert done.returncode in (0, 141)


def test_writing_into_a_closed_pipe_is_status_141_and_silent() -> None:
    shell = f"{' '.join(CLI)} info {demo_model()} | head -n 0"  # head leaves long before the first write
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=120)
    assert done.stderr == "", done.stderr
    assert done.returncode == 141  # SIGPIPE's status, like any other tool in a pipe


def test_still_reading_says_so_after_a_while() -> None:
    lines: list[str] = []

    class Lines:
        def write(self, text: str) -> None:
            lines.extend(line for line in text.splitlines() if line)

        def flush(self) -> None:
            pass

    with still_reading("model.h5", after=0.05, every=0.1, stream=Lines()):  # type: ignore[arg-type]
        time.sleep(0.4)
    assert lines and all("still reading model.h5" in line and "Ctrl+C" in line for line in lines)
    count = len(lines)
    time.sleep(0.2)
    assert len(lines) == count  # quiet once the read is over
    with still_reading("quick.h5", after=5.0, stream=Lines()):  # type: ignore[arg-type]
        pass
    assert len(lines) == count


HANGING_OPEN = """
import sys
import inspector.commands.waiting as waiting
import inspector.core.sandbox.isolated_open as isolated_open
waiting.FIRST_NOTICE = 0.5
isolated_open.child_command = lambda: [sys.executable, "-c", "import time; time.sleep(120)"]
from inspector.cli import main
sys.exit(main(["info", sys.argv[1]]))
"""


def test_ctrl_c_stops_a_read_that_hangs_and_kills_its_child() -> None:
    process = subprocess.Popen([sys.executable, "-c", HANGING_OPEN, str(demo_model())], stderr=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    assert process.stderr is not None
    first = process.stderr.readline()
    assert "still reading" in first
    children = _children(process.pid)
    assert children
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == "lstm-inspector: stopped", err
    time.sleep(0.2)
    assert not any(_alive(pid) for pid in children)


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"
