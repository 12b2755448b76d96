"""Write the application icon to resources/desktop/ (SVG and PNG in the hicolor sizes) from the drawing the
window uses.

    .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PyQt6.QtCore import QRect, QSize
    from PyQt6.QtGui import QGuiApplication
    from PyQt6.QtSvg import QSvgGenerator

    from inspector.gui.icon import icon_image, paint_icon

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (painting needs an application)
    out = HERE.parent / "resources" / "desktop"  # what install-desktop installs
    for size in (16, 32, 48, 64, 128, 256):  # the hicolor sizes install-desktop installs
        icon_image(size).save(str(out / f"lstm-inspector-{size}.png"))
    svg = QSvgGenerator()
    svg.setFileName(str(out / "lstm-inspector.svg"))
    svg.setSize(QSize(256, 256))
    svg.setViewBox(QRect(0, 0, 256, 256))
    svg.setTitle("LSTM Inspector")
    paint_icon(svg, 256)
    print("wrote", ", ".join(sorted(p.name for p in out.glob("lstm-inspector*.*") if p.suffix in (".png", ".svg"))))


if __name__ == "__main__":
    main()
