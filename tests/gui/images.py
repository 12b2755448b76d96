"""Looking at PNGs in tests: size, and whether something was drawn (not one flat colour)."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtGui import QImage


def png_size(path: Path) -> tuple[int, int]:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    return image.width(), image.height()


def distinct_colours(path: Path, step: int = 3) -> int:
    """Distinct colours on a grid of every `step`-th pixel: a blank image has 1, a heatmap figure hundreds."""
    image = QImage(str(path))
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def is_drawn(path: Path) -> bool:
    return distinct_colours(path) > 20
