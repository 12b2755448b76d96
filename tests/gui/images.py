"""Looking at PNGs in tests: size, and whether the plot area holds data.

Axes, tick labels and titles are black or grey (antialiased text alone gives ~150 shades of grey), so
"drawn" means coloured pixels - the colour maps of heatmaps and the pens of curves and bars - over a
real share of the image. A colour bar alone covers far less (tests/gui/test_images.py shows that an
empty plot with axes, title and colour bar fails the check).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PyQt6.QtGui import QImage

CHROMA = 40  # max - min of r, g, b: greys (text, axes, NaN background) stay below it
SPREAD = 0.1


def png_size(path: Path) -> tuple[int, int]:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    return image.width(), image.height()


def rgb_array(path: Path | QImage) -> np.ndarray:
    """height x width x 3 uint8."""
    image = path if isinstance(path, QImage) else QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits().asstring(stride * height), np.uint8)
    return buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def data_mask(path: Path | QImage) -> np.ndarray:
    """Pixels that show data: coloured ones (colour maps, pens, bars) and the inside of grey filled areas
    (histograms). Text, ticks and axes are black or grey and thin, so they are never in the mask."""
    rgb = rgb_array(path).astype(np.int16)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    level = rgb.mean(axis=2)
    grey_fill = (chroma < 12) & (level > 150) & (level < 240)
    inside = grey_fill.copy()
    for dy in (-2, 0, 2):
        for dx in (-2, 0, 2):
            inside &= np.roll(np.roll(grey_fill, dy, axis=0), dx, axis=1)
    return (chroma > CHROMA) | inside


def data_spread(path: Path | QImage) -> tuple[float, float]:
    """Shares of the image's rows and of its columns that hold data pixels."""
    mask = data_mask(path)
    return float((mask.sum(axis=1) >= 2).mean()), float((mask.sum(axis=0) >= 2).mean())


def is_drawn(path: Path | QImage) -> bool:
    """True when data spread over at least a tenth of the image's height and width: a colour bar, a title or
    axes alone never do (tests/gui/test_images.py)."""
    rows, columns = data_spread(path)
    return rows >= SPREAD and columns >= SPREAD


def has_marks(path: Path | QImage, pixels: int = 30) -> bool:
    """For plots whose data may be a few points (one output value, a residual): coloured marks are there.
    Such plots carry no colour bar, and their axes, grid and title are grey, so an empty one has none."""
    return int(data_mask(path).sum()) >= pixels


def shows_data(path: Path) -> bool:
    """The check for an exported PNG by its name: prediction plots may hold a single point, saturation plots
    one dot for all units (none saturates)."""
    few_points = path.name.startswith("predictions_") or path.stem.endswith("_saturation")  # units may share a dot
    return has_marks(path) if few_points else is_drawn(path)
