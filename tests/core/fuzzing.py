"""A seeded mutation fuzzer over real Keras files: truncation, byte flips and block overwrites.

`.keras` zips are mutated two ways: as raw bytes (mostly caught by the zip CRC) and member by member
(config.json or model.weights.h5 mutated, then zipped again), so the JSON and HDF5 readers inside get
fuzzed too. Case `i` of seed `s` is always the same file and the same bytes.

    for case in cases(sources, count=200, seed=8): case.write(folder) -> path
    outcomes = run_in_process(cases, folder, timeout=3)   # open_model in a worker, restarted after a hang

`run_in_process` calls `open_model` itself (not the isolated opener) in a worker process that takes
case after case; the worker is the only protection, so when libhdf5 hangs or crashes on a case the
case is recorded as "hang"/"crash" and a fresh worker goes on with the next one.
"""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MUTATIONS = ("truncate", "flip", "overwrite")
MAX_SOURCE_BYTES = 1_500_000  # keeps a case fast; the corpus has plenty of files below this


@dataclass(frozen=True)
class Case:
    index: int
    source: Path
    mutation: str
    member: str  # "" = the file's raw bytes, else the zip member that was mutated
    data: bytes

    def write(self, folder: Path) -> Path:
        path = folder / f"case{self.index:04d}_{self.source.stem}{_suffix(self.source)}"
        path.write_bytes(self.data)
        return path

    def __str__(self) -> str:
        where = f" member {self.member}" if self.member else ""
        return f"case {self.index}: {self.mutation} of {self.source.name}{where}"


def source_files(corpus_dir: Path, demos: list[Path]) -> list[Path]:
    models = sorted(p for p in (corpus_dir / "models").iterdir() if p.suffix in (".h5", ".hdf5", ".keras"))
    return [p for p in models + demos if p.stat().st_size <= MAX_SOURCE_BYTES]


def cases(sources: list[Path], count: int, seed: int) -> list[Case]:
    return [case(sources, index, seed) for index in range(count)]


def case(sources: list[Path], index: int, seed: int) -> Case:
    rng = np.random.default_rng([seed, index])
    source = sources[int(rng.integers(len(sources)))]
    mutation = MUTATIONS[int(rng.integers(len(MUTATIONS)))]
    data = source.read_bytes()
    if data[:2] == b"PK" and rng.random() < 0.6:
        member, data = _mutate_member(data, mutation, rng)
        return Case(index, source, mutation, member, data)
    return Case(index, source, mutation, "", mutate(data, mutation, rng))


def mutate(data: bytes, mutation: str, rng: np.random.Generator) -> bytes:
    buffer = bytearray(data)
    if mutation == "truncate":
        keep = int(rng.integers(len(buffer))) if rng.random() < 0.5 else int(len(buffer) * rng.uniform(0.9, 1.0))
        return bytes(buffer[:keep])
    if mutation == "flip":
        for _ in range(int(rng.integers(1, 33))):
            position = _position(len(buffer), rng)
            buffer[position] ^= 1 << int(rng.integers(8))
        return bytes(buffer)
    size = int(rng.integers(4, 4097))
    start = _position(len(buffer), rng)
    fill = rng.choice([b"\x00", b"\xff", None])
    block = rng.bytes(size) if fill is None else bytes(fill) * size
    buffer[start:start + size] = block[: len(buffer) - start]
    return bytes(buffer)


def _position(length: int, rng: np.random.Generator) -> int:
    """Half the hits in the first 4 KiB, where HDF5 superblocks, object headers and zip headers live."""
    if rng.random() < 0.5:
        return int(rng.integers(min(length, 4096)))
    return int(rng.integers(length))


def _mutate_member(data: bytes, mutation: str, rng: np.random.Generator) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    names = [name for name in ("config.json", "model.weights.h5") if name in members] or sorted(members)
    member = names[int(rng.integers(len(names)))]
    members[member] = mutate(members[member], mutation, rng)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return member, out.getvalue()


def _suffix(path: Path) -> str:
    return "".join(path.suffixes[-2:]) if path.name.endswith(".weights.h5") else path.suffix


@dataclass(frozen=True)
class Outcome:
    case: Case
    kind: str  # "opened", an InspectorError class name, "hang", "crash", or "BUG <exception type>"
    detail: str = ""

    @property
    def is_bug(self) -> bool:
        return self.kind.startswith("BUG")


def run_in_process(batch: list[Case], folder: Path, timeout: float) -> list[Outcome]:
    """Every case through `open_model` in worker processes; a worker that hangs or dies is replaced."""
    paths = [str(case.write(folder)) for case in batch]
    outcomes: list[Outcome] = []
    while len(outcomes) < len(batch):
        done = len(outcomes)
        outcomes += _worker(batch[done:], paths[done:], timeout)
    return outcomes


def _worker(batch: list[Case], paths: list[str], timeout: float) -> list[Outcome]:
    process = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(p + "\n" for p in paths).encode())
    process.stdin.close()
    lines = _Lines(process.stdout.fileno())
    outcomes: list[Outcome] = []
    if lines.next(60) == "ready":  # imports done: from now on, silence means a hang
        for case in batch:
            line = lines.next(timeout)
            if not line:  # None: silence past the timeout, a hang; "": end of output, a crash
                process.kill()
                outcomes.append(Outcome(case, "hang" if line is None else "crash", f"exit status {process.wait()}"))
                break
            answer = json.loads(line)
            outcomes.append(Outcome(case, answer["kind"], answer["detail"]))
    process.kill()
    process.wait()
    process.stdout.close()
    if not outcomes:
        raise RuntimeError("the fuzzing worker did not start")
    return outcomes


class _Lines:
    """Lines from a pipe with a timeout per line (unbuffered: select() must see what is unread)."""

    def __init__(self, fd: int) -> None:
        self.fd, self.pending = fd, b""

    def next(self, timeout: float) -> str | None:
        while b"\n" not in self.pending:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return ""
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()


def _serve() -> None:
    """The worker: one JSON line per path read from stdin."""
    import traceback

    from inspector.core.errors import InspectorError
    from inspector.core.model.load import open_model

    print("ready", flush=True)
    for path in sys.stdin:
        try:
            open_model(path.rstrip("\n"))
            kind, detail = "opened", ""
        except InspectorError as exc:
            kind, detail = type(exc).__name__, str(exc)[:300]
        except Exception as exc:  # noqa: BLE001 - this is what the fuzzer looks for
            kind, detail = f"BUG {type(exc).__name__}", traceback.format_exc()[-1500:]
        print(json.dumps({"kind": kind, "detail": detail}), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    _serve()
