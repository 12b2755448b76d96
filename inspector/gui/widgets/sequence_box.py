"""The sequence picker of the views: holds the batch row (0-based, as `state.sequence`) and shows it
counted from 1, as the Sequence dock and every message do ("sequence 2 of 3")."""

from __future__ import annotations

from PyQt6.QtWidgets import QSpinBox, QWidget


class SequenceBox(QSpinBox):
    def __init__(self, parent: QWidget | None = None, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        self.setRange(0, 0)

    def textFromValue(self, value: int) -> str:  # noqa: N802 (Qt override)
        return str(value + 1)

    def valueFromText(self, text: str) -> int:  # noqa: N802 (Qt override)
        digits = text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()
        return int(digits) - 1 if digits.isdigit() else self.value()

    def set_batch(self, batch: int) -> None:
        """Rows 0..batch-1, shown as 1..batch, with "of N" after the number."""
        self.setMaximum(max(batch - 1, 0))
        self.setSuffix(f" of {max(batch, 1)}")
