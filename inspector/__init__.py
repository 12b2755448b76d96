"""LSTM Inspector: see inside Keras recurrent models.

    import inspector
    m = inspector.load("model.keras")   # or a live Keras model; see inspector.api
    inspector.show(m)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
APP_ID = "io.github.lstm_inspector.LSTMInspector"  # desktop file, AppStream id, Wayland app id


def __getattr__(name: str) -> Any:
    """`inspector.load`, `inspector.show`: imported on first use, so `import inspector` stays light."""
    if name in ("load", "show", "InspectedModel"):
        from inspector import api

        return getattr(api, name)
    raise AttributeError(f"module 'inspector' has no attribute {name!r}")
