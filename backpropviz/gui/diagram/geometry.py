"""The diagram's sizes at presenter scale 1 (scene units ≈ screen pixels at zoom 1) and its fonts.

Text sizes are in pixels (``FONT_PX``); presenter mode multiplies them (and line widths) by its scale.
Sizes that are not text (margins, gaps, paddings, thumbnails, unit circles) do not grow: the text gains on
them, and as much of the diagram as can fits on a projector at the zoom that keeps the text legible.
``Fonts`` measures text the way the scene's text items will draw it; it creates no item.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout

# Thumbnails show at most this many rows and columns (examples, for Z-like matrices) of a matrix.
MAX_CELLS = 64
# Layers with more units than this show their size as text instead of one circle per unit.
MAX_DRAWN_UNITS = 64

FONT_PX = {"title": 13, "label": 11, "shape": 10, "header": 15, "chip": 11, "caption": 13, "next": 12,
           "banner": 12, "cost": 16, "small": 10}
# The view never draws the scene smaller than this (it scrolls instead), so that on screen the text is at
# least FONT_PX × the presenter scale: box titles 13 px, equations 12 px, shapes 10 px in a window, and at
# the presenter's default 1.75 titles 23 px, equations 21 px, shapes 18 px: the classroom minimums
# (13 / 12 / 10 px windowed, 22 / 18 / 14 px presenting).
LEGIBLE_ZOOM = 1.0
BOLD_FONTS = {"title", "header", "cost"}
CONDENSED_FONTS = {"shape", "small"}
PAD = 8.0  # inside boxes
ROW_GAP = 7.0  # between rows inside a box
LABEL_GAP = 2.0  # between a thumbnail and its label
PAIR_GAP = 4.0  # between W and b
BAND_GAP = 30.0  # between the forward and the backward band (room for the Output → Cost arrow)
MARGIN = 12.0  # around the scene
HEADER_GAP = 14.0  # between the header and the diagram
CAPTION_GAP = 14.0  # between the diagram and its caption
STRIP_PAD = 6.0  # above and below the header and the caption when the view draws them pinned
LINE_GAP = 4.0  # between the lines of the header and of the caption
CHIP_PAD_X, CHIP_PAD_Y = 8.0, 4.0  # a micro-step chip's padding around its label
CHIP_GAP = 5.0  # between two chips
CELL_MAX = 12.0  # a thumbnail cell is at most this big
THUMB_W = 64.0  # width of a Z-like thumbnail (examples along x)
THUMB_W_COMPACT = 40.0  # the same in the compact layout of deep nets
COMPACT_ABOVE = 900.0  # a diagram wider than this switches to the compact layout
GAP_MIN = 44.0  # the least room between two columns (for the arrows)
THUMB_MAX_H = 48.0  # height of the tallest thumbnail (units along y)
THUMB_MIN = 6.0
BIAS_W = 8.0
UNITS_H = 28.0  # the strip of unit circles
ARROW_MARGIN = 3.0  # arrows stop this short of the boxes they join
BOX_RADIUS = 8.0
ARROW_HEAD = 9.0


def thumbnail_size(rows: int, cols: int, examples: bool, width: float = THUMB_W) -> tuple[float, float]:
    """Display size of a (rows, cols) matrix: square cells up to CELL_MAX; Z-like ones ``width`` wide."""
    rows, cols = min(rows, MAX_CELLS), min(cols, MAX_CELLS)
    height = max(THUMB_MIN, min(THUMB_MAX_H, rows * CELL_MAX))
    if examples:
        return width, height
    cell = min(CELL_MAX, width / cols, THUMB_MAX_H / rows)
    return max(THUMB_MIN, cols * cell), max(THUMB_MIN, rows * cell)


def unit_grid(n: int, width: float, height: float, biggest: float = 14.0) -> tuple[int, int, float]:
    """(columns, rows, cell) of the grid that draws n unit circles as big as possible in width × height."""
    best = (n, 1, 0.0)
    for columns in range(1, n + 1):
        rows = math.ceil(n / columns)
        cell = min(width / columns, height / rows, biggest)
        if cell >= best[2]:  # on a tie prefer fewer rows: a layer reads as a row of units
            best = (columns, rows, cell)
    return best


class Fonts:
    """The diagram's fonts at presenter ``scale`` (one per role of FONT_PX), and text measured in them."""

    def __init__(self, base: QFont, scale: float) -> None:
        self.scale = scale
        self._fonts: dict[str, QFont] = {}
        for role, px in FONT_PX.items():
            font = QFont(base)
            font.setPixelSize(max(1, round(px * scale)))
            font.setBold(role in BOLD_FONTS)
            if role in CONDENSED_FONTS:
                font.setStretch(QFont.Stretch.SemiCondensed)
            self._fonts[role] = font
        self._metrics = {role: QFontMetricsF(font) for role, font in self._fonts.items()}

    def font(self, role: str) -> QFont:
        return QFont(self._fonts[role])

    def width(self, text: str, role: str) -> float:
        """The advance of ``text`` (the room it takes in a line)."""
        return self._metrics[role].horizontalAdvance(text)

    def height(self, role: str) -> float:
        """The font's line height (ascent + descent)."""
        return self._metrics[role].height()

    def text_size(self, text: str, role: str) -> tuple[float, float]:
        """Width and height of the bounding rect a QGraphicsSimpleTextItem of ``text`` gets (the same text
        layout, so that positions computed from it match the items exactly)."""
        if not text:
            return 0.0, 0.0
        layout = QTextLayout(text.replace("\n", "\u2028"), self._fonts[role])
        layout.setCacheEnabled(True)
        layout.beginLayout()
        while layout.createLine().isValid():
            pass
        layout.endLayout()
        width = height = 0.0
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            width = max(width, line.naturalTextWidth())
            height += line.height()
        return width, height
