"""Run the zoo generator in child processes and cache its output (pytest side).

Never imports TensorFlow or Keras: it only asks the installed package metadata for
versions and starts ``python -m tests.zoo.generate`` once per runtime, in parallel.
The cache lives in ``<tempdir>/lstm-inspector-keras-zoo/<key>/<runtime>/`` where the
key hashes the zoo sources and the versions of everything that shapes the output.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

try:
    import fcntl
except ImportError:  # not POSIX: concurrent sessions may generate twice, still correct
    fcntl = None  # type: ignore[assignment]

from tests.zoo import load_manifest
from tests.zoo.spec import KERAS3, RUNTIMES, TF_KERAS

ZOO_DIR = Path(__file__).resolve().parent
REPO_ROOT = ZOO_DIR.parents[1]
CACHE_ENV = "INSPECTOR_ZOO_CACHE"
TIMEOUT_ENV = "INSPECTOR_ZOO_TIMEOUT"
DEFAULT_TIMEOUT = 900.0
STALE_SECONDS = 3600.0
DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "numpy", "h5py")


class ZooError(RuntimeError):
    """The generator could not run or did not finish; the message says why."""


def distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def missing_runtimes() -> dict[str, str]:
    """Runtimes that cannot run here, with the reason (empty when all can)."""
    where = f"the Python at {sys.executable}"
    if importlib.util.find_spec("tensorflow") is None:
        return {rt: f"tensorflow is not installed in {where}" for rt in RUNTIMES}
    missing: dict[str, str] = {}
    keras_version = distribution_version("keras") or ""
    if importlib.util.find_spec("keras") is None or not keras_version.startswith("3."):
        missing[KERAS3] = f"Keras 3 is not installed in {where} (found {keras_version!r})"
    if importlib.util.find_spec("tf_keras") is None:
        missing[TF_KERAS] = f"tf_keras is not installed in {where}"
    return missing


def cache_key() -> str:
    """Hash of the zoo sources plus the versions of the runtimes that ran them."""
    digest = hashlib.sha256()
    for path in sorted(ZOO_DIR.glob("*.py")):
        if not path.name.startswith("test_"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    versions = [f"{n}={distribution_version(n)}" for n in DISTRIBUTIONS]
    digest.update(";".join([sys.version, *versions]).encode())
    return digest.hexdigest()[:20]


def cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / "lstm-inspector-keras-zoo"


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", CUDA_VISIBLE_DEVICES="-1",
               KERAS_BACKEND="tensorflow", PYTHONHASHSEED="0")
    env.pop("TF_USE_LEGACY_KERAS", None)
    return env


def start(runtime: str, out: Path) -> subprocess.Popen[bytes]:
    out.mkdir(parents=True)
    log = (out / "generate.log").open("wb")
    command = [sys.executable, "-m", "tests.zoo.generate", "--runtime", runtime,
               "--out", str(out)]
    with log:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=child_environment(),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def log_tail(out: Path, lines: int = 25) -> str:
    try:
        text = (out / "generate.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_all(children: dict[str, tuple[subprocess.Popen[bytes], Path]]) -> list[str]:
    """Wait for every child; publish the ones that succeeded, describe the others."""
    deadline = time.monotonic() + float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    problems = []
    for runtime, (child, out) in children.items():
        try:
            code = child.wait(timeout=max(deadline - time.monotonic(), 1.0))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            code = None
        if code != 0 or not (out / f"{runtime}.manifest.json").is_file():
            state = "timed out" if code is None else f"exited with {code}"
            problems.append(f"zoo generator for {runtime} {state}; last lines of "
                            f"{out / 'generate.log'}:\n{log_tail(out)}")
        else:
            publish(out, out.parent / runtime)
    return problems


def publish(tmp: Path, final: Path) -> None:
    """Move a finished run into place; a concurrent run that got there first wins."""
    try:
        os.replace(tmp, final)
    except OSError:
        if not final.is_dir():
            raise
        shutil.rmtree(tmp, ignore_errors=True)


def prune(root: Path, keep: str) -> None:
    """Remove, when nobody touched them for an hour, the cache directories of other
    keys and the leftovers of failed runs of this key."""
    stale = [p for p in root.glob("*") if p.name not in (keep, f"{keep}.lock")]
    stale += list((root / keep).glob("*.tmp-*"))
    for path in stale:
        try:
            if time.time() - path.stat().st_mtime <= STALE_SECONDS:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:  # removed by a concurrent session
            continue


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock`` so that concurrent pytest sessions on one
    machine generate a zoo once and the others wait for it."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_zoo(runtimes: tuple[str, ...] | list[str] = RUNTIMES) -> dict[str, dict[str, Any]]:
    """Generate (or reuse) the zoo of every runtime; runtime -> manifest with 'dir'."""
    root, key = cache_root(), cache_key()
    base = root / key
    if missing_manifests(base, runtimes):
        with exclusive(root / f"{key}.lock"):
            generate(base, missing_manifests(base, runtimes))
        prune(root, key)
    return {rt: load_manifest(base / rt, rt) for rt in runtimes}


def missing_manifests(base: Path, runtimes: tuple[str, ...] | list[str]) -> list[str]:
    return [rt for rt in runtimes if not (base / rt / f"{rt}.manifest.json").is_file()]


def generate(base: Path, runtimes: list[str]) -> None:
    """Run one generator per runtime in parallel into ``base/<runtime>``."""
    if not runtimes:
        return
    tag = f"tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    children = {rt: (start(rt, base / f"{rt}.{tag}"), base / f"{rt}.{tag}") for rt in runtimes}
    try:
        problems = wait_all(children)
    finally:  # interrupted (Ctrl-C): leave no generator running
        for child, _ in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
    if problems:
        raise ZooError("\n\n".join(problems))


def entries(manifests: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every successful entry of every runtime, with 'files' as absolute paths."""
    return [entry for manifest in manifests.values() for entry in manifest["entries"]]


def load_arrays(path: Path) -> list[np.ndarray]:
    """The arrays of a zoo .npz (input, expected, ...) in their order: keys "<prefix>0", "<prefix>1", ..."""
    with np.load(path) as data:
        prefix = data.files[0].rstrip("0123456789") if data.files else ""
        return [data[f"{prefix}{k}"] for k in range(len(data.files))]
