"""Audit: opening a file with a Lambda payload never runs code from the file and spawns only our children.

A child Python installs `sys.addaudithook` and then runs `info`, `predict` and `verify` and opens the
window (offscreen) on two Lambda files: one made here whose marshalled bytecode is live for this very
Python (run, it would write a marker file), and the corpus's Keras 2.0.5 file with marshalled Lambdas.
What counts as code from the file:
- `marshal.loads` from anywhere but importlib reading a .pyc (we never unmarshal);
- `compile` called by anything but the standard library or site-packages (we never compile), or of
  source that mentions the payload;
- `exec` of a code object that is neither from a real .py file of the standard library, site-packages
  or this package, nor compiled by the standard library (dataclasses and namedtuple make methods that way);
- `pickle.find_class` at all.
Processes: every `subprocess.Popen` / `os.posix_spawn` / `os.exec*` / `os.fork` / `os.system` is
recorded; the only ones allowed are the parse child (inspector.core.sandbox.open_child) and the Keras
reference child (inspector.reference.child). One library spawn is allowed by name: h5py's import
asks platform.processor(), which runs `uname -p` (whether or not a file is ever opened).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.hostile_files import write_lambda_file

AUDITED = r'''
import json, os, sys, sysconfig

REPORT, MARKER, FILES, WORK = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
PACKAGE = os.path.dirname(os.path.abspath(__import__("inspector").__file__))
ROOTS = tuple({os.path.realpath(sysconfig.get_paths()[k]) + os.sep for k in ("stdlib", "platstdlib", "purelib", "platlib")})
OURS = os.path.realpath(PACKAGE) + os.sep
CHILDREN = ("inspector.core.sandbox.open_child", "inspector.reference.child")
events = {"violations": [], "spawned": [], "library": [], "counts": {}}


def trusted_file(name):
    if name.startswith("<frozen "):
        return True
    path = os.path.realpath(name) if os.path.isfile(name) else ""
    return bool(path) and path.startswith(ROOTS + (OURS,))


def caller():
    frame = sys._getframe(2)  # 0: this function, 1: the hook, 2: whoever raised the event
    return frame.f_code.co_filename, frame.f_code.co_name


def importing_h5py():
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.endswith(os.path.join("h5py", "__init__.py")) and frame.f_code.co_name == "<module>":
            return True
        frame = frame.f_back
    return False


def hook(event, args):
    if event in ("exec", "compile", "marshal.loads", "marshal.load", "pickle.find_class"):
        events["counts"][event] = events["counts"].get(event, 0) + 1
    if event in ("marshal.loads", "marshal.load"):
        if caller() != ("<frozen importlib._bootstrap_external>", "_compile_bytecode"):
            events["violations"].append(f"{event} called from {caller()}")
    elif event == "compile":
        source, filename = args
        text = source.decode("latin-1") if isinstance(source, (bytes, bytearray)) else str(source or "")
        where = caller()[0]
        if not where.startswith(ROOTS) and not where.startswith("<frozen ") or MARKER in text:
            events["violations"].append(f"compile of {filename!r} called from {where}")
    elif event == "exec":
        code = args[0]
        name = getattr(code, "co_filename", "?")
        if not trusted_file(name) and not caller()[0].startswith(ROOTS):
            events["violations"].append(f"exec of code from {name!r} called from {caller()[0]}")
    elif event == "pickle.find_class":
        events["violations"].append(f"pickle.find_class{args}")
    elif event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.spawn"):
        argv = [str(a) for a in (args[1] or [])]
        if argv == ["uname", "-p"] and importing_h5py():
            events["library"].append(argv)  # platform.processor() while h5py is imported, file or not
            return
        events["spawned"].append(argv)
        if not (argv and argv[0] == sys.executable and any(c in argv for c in CHILDREN)):
            events["violations"].append(f"{event} {argv}")
    elif event in ("os.fork", "os.forkpty", "os.system", "os.startfile", "pty.spawn"):
        events["violations"].append(f"{event} {args}")


def window_open(path):
    from PyQt6.QtWidgets import QApplication
    from PyQt6.QtCore import QSettings
    from inspector.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(settings=QSettings(os.path.join(WORK, "settings.ini"), QSettings.Format.IniFormat))
    window.open_file(path)
    while window.opener.pending:
        app.processEvents()
        window.opener.wait(20)
    app.processEvents()
    document = window.state.document
    return [layer.name for layer in document.model.layers if not layer.runnable] if document else None


sys.addaudithook(hook)
from inspector import cli

results = {}
if sys.argv[5:] == ["control"]:  # what a careless loader would do: the hook must see it
    import base64, marshal, subprocess, types, h5py
    with h5py.File(FILES[0], "r") as handle:
        function = json.loads(handle.attrs["model_config"])["config"]["layers"][0]["config"]["function"][0]
    types.FunctionType(marshal.loads(base64.decodebytes(function.encode())), {})(0)
    exec(compile("x = 1", FILES[0], "exec"), {})
    subprocess.run(["true"])
    FILES = []
for path in FILES:
    name = os.path.basename(path)
    x = os.path.join(WORK, "x.npy")
    results[name] = {
        "info": cli.main(["info", path]),
        "predict": cli.main(["predict", path, "--input", x, "--output", os.path.join(WORK, "out.npz")]),
        "verify": cli.main(["verify", path]),
        "window": window_open(path),
    }
events["results"] = results
events["marker"] = os.path.exists(MARKER)
with open(REPORT, "w") as handle:
    json.dump(events, handle)
'''


def run_audited(work: Path, files: list[str], *extra: str) -> dict:
    marker = work / "PAYLOAD_RAN"
    script = work / "audited.py"
    script.write_text(AUDITED, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(script), str(work / "report.json"), str(marker), json.dumps(files),
                           str(work), *extra], capture_output=True, text=True, timeout=600, env=env, cwd=work)
    assert done.returncode == 0, done.stderr[-3000:]
    return {**json.loads((work / "report.json").read_text()), "marker_path": marker}


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> dict:
    import numpy as np

    work = tmp_path_factory.mktemp("audit")
    crafted = write_lambda_file(work / "live_payload.h5", work / "PAYLOAD_RAN")
    np.save(work / "x.npy", np.zeros((1, 5, 3), np.float32))
    files = [str(crafted), str(corpus_dir / "models" / "k2_vui_fmind_model0_gru_ctc_lambda_205.h5")]
    return run_audited(work, files)


def test_the_audit_sees_a_careless_loader(tmp_path: Path) -> None:
    """Control: unmarshalling and running the payload, compiling file text and spawning are all caught."""
    crafted = write_lambda_file(tmp_path / "live_payload.h5", tmp_path / "PAYLOAD_RAN")
    report = run_audited(tmp_path, [str(crafted)], "control")
    assert report["marker"]
    kinds = {v.split(" ")[0] for v in report["violations"]}
    assert kinds == {"marshal.loads", "compile", "exec", "subprocess.Popen"}, report["violations"]


def test_the_payload_is_live(tmp_path: Path) -> None:
    """Without this, 'never ran' would prove nothing: loading the payload as Keras 2 did runs it."""
    import base64
    import json as json_module
    import marshal
    import types

    import h5py

    marker = tmp_path / "ran"
    path = write_lambda_file(tmp_path / "payload.h5", marker)
    with h5py.File(path, "r") as handle:
        layer = json_module.loads(handle.attrs["model_config"])["config"]["layers"][0]
    code = marshal.loads(base64.decodebytes(layer["config"]["function"][0].encode("ascii")))
    types.FunctionType(code, {})(0)  # what keras.utils.generic_utils.func_load does
    assert marker.read_text() == "ran"


def test_no_code_from_the_file_runs(audit: dict) -> None:
    assert audit["violations"] == []
    assert not audit["marker"] and not audit["marker_path"].exists()
    assert audit["counts"].get("exec", 0) > 0  # the hook did see Python's own imports


def test_commands_and_window_opened_the_files(audit: dict) -> None:
    for name, result in audit["results"].items():
        assert result["info"] == 0, name
        assert result["predict"] == 2, name  # Lambda layers cannot run: one-line refusal
        assert result["verify"] == 3, name  # no Keras reference: Lambda code would have to run
        assert result["window"], name  # the window shows the model, Lambda layers marked
    assert audit["results"]["live_payload.h5"]["window"] == ["payload"]


def test_only_our_own_children_were_started(audit: dict) -> None:
    spawned = audit["spawned"]
    assert spawned, "the parse child was never started: the audit saw nothing"
    assert all(argv[1:] == ["-P", "-m", "inspector.core.sandbox.open_child"] for argv in spawned), spawned
