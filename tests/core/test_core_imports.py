"""The core is importable and usable without Qt and without TensorFlow."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("PyQt6", "pyqtgraph", "tensorflow", "keras", "tf_keras")


def test_core_imports_neither_qt_nor_tensorflow() -> None:
    code = (
        "import sys, inspector.core, inspector.core.load, inspector.core.describe, inspector.core.gates\n"
        "import inspector.cli\n"
        f"print([m for m in {FORBIDDEN!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_core_works_when_qt_and_tensorflow_cannot_be_imported(tmp_path) -> None:
    """Block the imports outright: reading a model and describing it still works."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {FORBIDDEN!r}:\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    code = (
        "from inspector.core.errors import InspectorError\n"
        "from inspector.core.model import Model\n"
        "from inspector.core import load, describe, gates, activations\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "ok", result.stderr
