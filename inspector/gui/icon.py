"""The application icon, drawn with QPainter: a gate-weight heatmap with a sequence running through it.

The window uses `app_icon()`; packaging/make_icon.py writes the same drawing to resources/desktop/.
"""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QIcon, QImage, QPaintDevice, QPainter, QPainterPath, QPen, QPixmap

BACKGROUND = QColor("#1d2b44")
CELLS = (  # a 4 x 4 heatmap in the blue-white-red map of the weights view (-1..1)
    (-0.9, 0.3, 0.8, -0.2),
    (0.5, -0.6, 0.1, 0.9),
    (-0.3, 0.95, -0.8, 0.4),
    (0.7, -0.1, -0.5, -0.95),
)


def diverging(value: float) -> QColor:
    """-1 blue, 0 white, +1 red."""
    blue, red, white = (58, 76, 192), (180, 4, 38), (245, 245, 245)
    end = red if value > 0 else blue
    t = min(abs(value), 1.0)
    return QColor(*(round(w + (e - w) * t) for w, e in zip(white, end, strict=True)))


def paint_icon(device: QPaintDevice, size: int) -> None:
    """Draw the icon into any paint device of size x size (image, pixmap, SVG generator)."""
    painter = QPainter(device)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BACKGROUND)
    painter.drawRoundedRect(QRectF(2 * s, 2 * s, 60 * s, 60 * s), 12 * s, 12 * s)
    cell, gap, origin = 10 * s, 1.5 * s, QPointF(9.25 * s, 9.25 * s)
    for row, values in enumerate(CELLS):
        for col, value in enumerate(values):
            painter.setBrush(diverging(value))
            x, y = origin.x() + col * (cell + gap), origin.y() + row * (cell + gap)
            painter.drawRoundedRect(QRectF(x, y, cell, cell), 1.5 * s, 1.5 * s)
    painter.setPen(QPen(QColor("#ffd23f"), 4 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(_wave(s))
    painter.end()


def _wave(s: float) -> QPainterPath:
    path = QPainterPath(QPointF(7 * s, 40 * s))
    path.cubicTo(QPointF(18 * s, 12 * s), QPointF(26 * s, 12 * s), QPointF(32 * s, 32 * s))
    path.cubicTo(QPointF(38 * s, 52 * s), QPointF(46 * s, 52 * s), QPointF(57 * s, 24 * s))
    return path


def icon_image(size: int = 256) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    paint_icon(image, size)
    return image


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        icon.addPixmap(QPixmap.fromImage(icon_image(size)))
    return icon
