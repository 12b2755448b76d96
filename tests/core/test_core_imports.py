"""The core is importable and usable without Qt and without TensorFlow.

The import-linter contracts in pyproject.toml check the same from the import graph
(tests/test_layout.py runs them); these tests check it at run time, where lazy imports show too.
"""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("PyQt6", "pyqtgraph", "tensorflow", "keras", "tf_keras")

IMPORT_EVERY_CORE_MODULE = (
    "import importlib, pkgutil, inspector.core\n"
    "for info in pkgutil.walk_packages(inspector.core.__path__, 'inspector.core.'):\n"
    "    importlib.import_module(info.name)\n"
)


def test_no_core_module_imports_qt_or_tensorflow() -> None:
    code = IMPORT_EVERY_CORE_MODULE + "import sys, inspector.cli\n" + f"print([m for m in {FORBIDDEN!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_core_reads_describes_and_runs_a_model_when_qt_and_tensorflow_cannot_be_imported(tmp_path) -> None:
    """Block the imports outright: every core module imports, and a demo model opens, is described and runs."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {FORBIDDEN!r}:\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    code = IMPORT_EVERY_CORE_MODULE + (
        "from inspector.core.analysis.describe import describe_model\n"
        "from inspector.core.engine import run\n"
        "from inspector.core.inputs.sequences import read_inputs\n"
        "from inspector.core.model.load import open_model\n"
        "from inspector.demo import demo_model, demo_sequence\n"
        "model = open_model(demo_model('sine_lstm'))\n"
        "description = describe_model(model)\n"
        "result = run(model, read_inputs(demo_sequence('sine_lstm'), model))\n"
        "print(len(description['layers']), result.outputs[0].shape)\n"
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    layers, shape = result.stdout.strip().split(" ", 1)
    assert int(layers) >= 2 and shape.startswith("(1,")
