"""Text from a model file (layer, model and input names, paths, messages quoting them) is shown as text.

Such text may carry markup (<b>, <img src=...>, <a href>), newlines or terminal escapes. Item views,
combo boxes, the status bar and the window title are plain text already and need only `shown`
(control characters escaped as \\n, \\x1b, ...). Labels and message boxes guess rich text, so they are
made `plain`; pyqtgraph titles, legends and text items, rich labels and tooltips render HTML, so the
names they quote go through `shown_html`, and a tooltip is given as `tip` (escaped and marked as HTML,
which is the only way a tooltip is never guessed to be markup).
"""

from __future__ import annotations

import html
from typing import Any, TypeVar

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QMessageBox, QWidget

from inspector.core.model.names import printable, printable_lines

Shown = TypeVar("Shown", QLabel, QMessageBox)


def shown(text: Any) -> str:
    """`text` for a plain-text widget: control characters escaped."""
    return printable(str(text))


def shown_html(text: Any) -> str:
    """`text` for the content of HTML (pyqtgraph titles and legends, rich labels; never an attribute value):
    markup and control characters escaped."""
    return html.escape(shown(text), quote=False)


def tip(text: Any) -> str:
    """A tooltip that shows `text` as it is: markup escaped, control characters escaped, spaces kept."""
    return f"<p style='white-space:pre-wrap'>{shown_html(text)}</p>"


def plain(widget: Shown) -> Shown:
    """`widget` (a label or message box) showing its text as plain text, never guessed to be rich text."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A modal message box whose text (possibly quoting names from a file) is plain text; shown and returned."""
    box = plain(QMessageBox(icon, title, printable_lines(text), QMessageBox.StandardButton.Ok, parent))
    box.exec()
    return box
