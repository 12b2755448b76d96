"""The engine's layer table is complete whatever layer module was imported first."""

from __future__ import annotations

import subprocess
import sys


def test_importing_one_layer_module_first_still_loads_every_class() -> None:
    code = (
        "import inspector.core.engine.layers.core\n"
        "from inspector.core.engine.registry import supported_classes\n"
        "assert {'LSTM', 'GRU', 'Bidirectional', 'Dense'} <= supported_classes(), supported_classes()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
