"""The bundled demo models: `resources/demo/`, installed inside the package as inspector.resources."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEMOS = ("sine_lstm", "sine_gru", "bilstm_classifier")


def demo_folder() -> Path:
    return Path(str(resources.files("inspector.resources") / "demo"))


def demo_model(name: str = "sine_lstm") -> Path:
    return demo_folder() / f"{name}.keras"


def demo_sequence(name: str = "sine_lstm") -> Path:
    return demo_folder() / f"{name}.sequence.csv"
