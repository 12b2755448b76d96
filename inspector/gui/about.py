"""Help > About: what LSTM Inspector is and the versions it runs with."""

from __future__ import annotations

import platform

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
from PyQt6.QtWidgets import QMessageBox, QWidget

from inspector import __version__
from inspector.gui.state import Document
from inspector.gui.widgets.plain import shown_html


def versions(document: Document | None) -> list[tuple[str, str]]:
    import h5py  # only here: the window starts without it

    keras = "no file open"
    if document is not None:
        keras = document.model.keras_version or "not recorded in the file"
    return [
        ("LSTM Inspector", __version__),
        ("Keras that wrote the open file", keras),
        ("Python", platform.python_version()),
        ("numpy", np.__version__),
        ("h5py", h5py.__version__),
        ("Qt", QT_VERSION_STR),
        ("PyQt6", PYQT_VERSION_STR),
        ("pyqtgraph", pg.__version__),
    ]


def about_html(document: Document | None) -> str:
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;<b>{shown_html(value)}</b></td></tr>"
                   for name, value in versions(document))
    return (
        "<h3>LSTM Inspector</h3>"
        "<p>See inside Keras recurrent models: weights by gate, every gate at every time step, "
        "and numpy versus Keras. Files are read without TensorFlow and nothing stored in them is run.</p>"
        f"<table>{rows}</table>"
    )


def show_about(parent: QWidget, document: Document | None) -> None:
    QMessageBox.about(parent, "About LSTM Inspector", about_html(document))
