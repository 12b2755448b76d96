"""The runner contract every generated runner follows, and running the generated program.

Standard input: for each model input in order, a line `rank d1 ... dn`, then the values in
row-major order separated by white space (decimals; integers for token-id inputs); the first
dimension is the batch. Standard output: for each model output in order, the same form,
values printed with at least 9 significant digits. `run --bench STEPS` prints
`us_per_step <number>` as its last line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from inspector.core.errors import InspectorError, UnsupportedModel

RUN_TIMEOUT = 600.0
TOOLS = {"js": ("node", "Node.js 18 or newer: on Debian/Ubuntu `sudo apt-get install nodejs`"),
         "c": ("cc", "a C compiler and make: on Debian/Ubuntu `sudo apt-get install gcc make`")}


class PortRunFailed(InspectorError):
    """The generated program did not build or run (the message holds its error output)."""


def encode(arrays: list[np.ndarray], tokens: list[bool]) -> str:
    lines = []
    for array, token in zip(arrays, tokens, strict=True):
        array = np.asarray(array)
        lines.append(" ".join(str(v) for v in (array.ndim, *array.shape)))
        width = array.shape[-1] if array.ndim else 1
        if token:
            ids = np.asarray(array).astype(np.int64).reshape(-1, width)
            lines += [" ".join(str(int(v)) for v in row) for row in ids]
        else:
            values = np.asarray(array, np.float32).reshape(-1, width)
            lines += [" ".join(f"{float(v):.9g}" for v in row) for row in values]
    return "\n".join(lines) + "\n"


def decode(text: str) -> list[np.ndarray]:
    """Arrays in the contract's form; lines starting with # are comments."""
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    arrays, at = [], 0
    while at < len(words):
        rank = int(words[at])
        shape = tuple(int(w) for w in words[at + 1 : at + 1 + rank])
        at += 1 + rank
        size = int(np.prod(shape))
        arrays.append(np.array(words[at : at + size], dtype=np.float64).astype(np.float32).reshape(shape))
        at += size
    return arrays


def missing_tool(language: str) -> str:
    """What to install when the language's toolchain is missing ("" when present)."""
    if language not in TOOLS:
        return ""
    tool, install = TOOLS[language]
    if shutil.which(tool) is None or (language == "c" and shutil.which("make") is None):
        return f"`{tool}` was not found; install {install}"
    return ""


def build(folder: Path, language: str, cflags: str | None = None) -> None:
    """Compile the C runner (no-op for numpy and JavaScript)."""
    if language != "c":
        return
    command = ["make", "-s", "-C", str(folder)] + ([f"CFLAGS={cflags}"] if cflags is not None else [])
    _checked(subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT), "make")


def runner_command(folder: Path, language: str) -> list[str]:
    if language == "numpy":
        return [sys.executable, str(folder / "run.py")]
    if language == "js":
        return ["node", str(folder / "run.mjs")]
    return [str(folder / "run")]


def run_generated(folder: Path, language: str, inputs: list[np.ndarray], tokens: list[bool]) -> list[np.ndarray]:
    """Run the generated runner on `inputs` and read its outputs back."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(runner_command(folder, language), input=encode(inputs, tokens), capture_output=True,
                          text=True, timeout=RUN_TIMEOUT, env=env, cwd=folder)
    return decode(_checked(done, "the generated runner"))


def bench(folder: Path, language: str, steps: int) -> float:
    """Microseconds per step of `run --bench STEPS`."""
    done = subprocess.run(runner_command(folder, language) + ["--bench", str(steps)], capture_output=True,
                          text=True, timeout=RUN_TIMEOUT, cwd=folder)
    last = _checked(done, "the benchmark").strip().splitlines()[-1].split()
    if len(last) != 2 or last[0] != "us_per_step":
        raise PortRunFailed(f"the benchmark printed {' '.join(last)!r} instead of us_per_step")
    return float(last[1])


def _checked(done: subprocess.CompletedProcess, what: str) -> str:
    if done.returncode != 0:
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-12:]
        raise PortRunFailed(f"{what} failed (exit {done.returncode}): " + " | ".join(tail))
    return done.stdout


def require_tool(language: str) -> None:
    problem = missing_tool(language)
    if problem:
        raise UnsupportedModel(problem)
