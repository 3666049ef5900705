"""Toolbar icons: SVGs shipped in backpropviz.resources/icons, drawn in the theme's ink colour."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48)


@cache
def _svg_text(name: str) -> str:
    return (resources.files("backpropviz.resources") / "icons" / f"{name}.svg").read_text(encoding="utf-8")


def icon(name: str, colour: str) -> QIcon:
    """The icon ``name`` with its strokes and fills in ``colour`` (SVGs use currentColor)."""
    renderer = QSvgRenderer(QByteArray(_svg_text(name).replace("currentColor", colour).encode("utf-8")))
    result = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(pixmap)
    return result
