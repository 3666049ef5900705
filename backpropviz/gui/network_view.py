"""The network diagram: forward boxes on top, the backward (red) pass underneath, the current micro-step aglow.

The scene reads like the lecture's computation graph, a U-turn through the network:

    Iteration 3    F1  F2  Cost  B2  B1  Update                       α = 1.2 · m = 400
    ┌──────┐  A0   ┌─────────┐  A1   ┌─────────┐  A2   ┌────────┐
    │ X    │ ────▶ │ Layer 1 │ ────▶ │ Layer 2 │ ────▶ │ Output │     forward (ink)
    └──────┘       │ W1 b1 Z1│       │ W2 b2 Z2│       │ ŷ  Y   │
                   └─────────┘       └─────────┘       └───┬────┘
    ┌──────┐  dA0  ┌─────────┐  dA1  ┌─────────┐  dA2  ┌───▼────┐
    │ dA0  │ ◀──── │ dZ1     │ ◀──── │ dZ2     │ ◀──── │ Cost J │     backward (red)
    └──────┘       │ dW1 db1 │       │ dW2 db2 │       └────────┘
                   └─────────┘       └─────────┘
    [B2 done]  dZ2 = A2 − Y  (1×400)   dW2 = 1/m dZ2 A1ᵀ  (1×4)   …
    Next (Space) ▸ B1  …

Every matrix is a small live heatmap (diverging colours, levels symmetric about 0, at most 64×64 cells:
big matrices are strided, and so are the examples of Z-like ones). What the current iteration has not
computed yet is greyed; the micro-step just done glows amber and the next one has a dashed amber outline.
Right after whole iterations (Play) the greyed heatmaps show the iteration just finished, faintly ("ghosts"),
so the diagram stays alive while it trains. A divergence shows a red banner and marks the failing step red.

Items are created once per architecture (``controller.rebuilt``) and updated in place on
``controller.changed`` (pixmaps, pens, brushes, texts), so Play at 60 frames a second stays cheap. Clicks
emit ``selected(quantity, layer)`` and nothing else: the view never drives the engine.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTransform,
)
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..engine.equations import quantity_equation, shape_text, step_equations
from ..engine.stepper import Stepper
from ..engine.steps import MicroStep
from .controller import Controller
from .theme import DIVERGING_LUT, LIGHT, Theme, format_number, symmetric_level

# Thumbnails show at most this many rows and columns (examples, for Z-like matrices) of a matrix.
MAX_CELLS = 64
# Layers with more units than this show their size as text instead of one circle per unit.
MAX_DRAWN_UNITS = 64

# Scene geometry at scale 1 (scene units ≈ pixels when the diagram fills a typical window).
FONT_PX = {"title": 13, "label": 11, "shape": 10, "header": 15, "chip": 11, "caption": 13, "next": 11,
           "banner": 12, "cost": 16, "small": 10}
BOLD_FONTS = {"title", "header", "cost"}
PAD = 8.0  # inside boxes
ROW_GAP = 7.0  # between rows inside a box
LABEL_GAP = 2.0  # between a thumbnail and its label
PAIR_GAP = 4.0  # between W and b
BAND_GAP = 30.0  # between the forward and the backward band (room for the Output → Cost arrow)
MARGIN = 12.0
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

# After whole iterations (Play) the greyed quantities show the last iteration's values this faintly.
GHOST_OPACITY = 0.35
# The text on an amber chip is always dark (amber is light in both themes).
ON_HIGHLIGHT = "#1d2330"
# "dW2 = 1/m dZ2 A1ᵀ  (1×4)": the shape at the end of an equation, drawn in a quieter colour
SHAPE_AT_END = re.compile(r"\s+(\(\d+×\d+\))$")

Key = tuple[str, int]
Reader = Callable[["Stepper"], "np.ndarray | None"]  # reads one thumbnail's matrix from the stepper


# --------------------------------------------------------------------------------------------- heatmaps
def _stride(n: int, limit: int) -> slice:
    """Every k-th index so that at most ``limit`` of n remain (a view, no copy)."""
    return slice(None, None, max(1, math.ceil(n / limit)))


def sample_matrix(values: np.ndarray) -> np.ndarray:
    """The ≤ 64×64 part a thumbnail shows: every k-th row and column (a view, so cheap for 128×784 too).

    For Z-like matrices the columns are examples; striding them (rather than taking the first 64) shows
    both classes of a data set whose examples are sorted by label, and the same examples in X, Z, A and ŷ.
    """
    rows, cols = values.shape
    return values[_stride(rows, MAX_CELLS), _stride(cols, MAX_CELLS)]


def lut_index(sample: np.ndarray, level: float | None = None, centre: float = 0.0) -> np.ndarray:
    """Indices into DIVERGING_LUT of ``sample`` on [centre − level, centre + level] (level: max |sample − centre|
    by default); −1 marks non-finite entries."""
    shifted = sample - centre if centre else sample
    top = len(DIVERGING_LUT) - 1
    biggest = float(np.abs(shifted).max()) if shifted.size else 0.0
    finite = math.isfinite(biggest)  # one reduction answers "all finite?" for the common case
    if level is None:
        level = (biggest or 1.0) if finite else symmetric_level(shifted)
    factor = top / 2.0 / level
    if not math.isfinite(factor):  # a level so tiny (denormal) that 1/level overflows: draw it as zeros
        factor = 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = shifted * factor + (top / 2.0 + 0.5)  # a fresh array: safe to write into
        bad = None if finite else ~np.isfinite(shifted)
        if bad is not None:
            scaled[bad] = 0.0
        np.clip(scaled, 0, top, out=scaled)
        index = scaled.astype(np.intp)
    if bad is not None:
        index[bad] = -1
    return index


def heatmap_rgb(sample: np.ndarray, level: float | None = None, centre: float = 0.0) -> np.ndarray:
    """(h, w, 3) uint8 colours of ``sample`` on the diverging map, symmetric about ``centre``.

    Non-finite entries are black, so a NaN never passes for a number.
    """
    return np.ascontiguousarray(_LUT_WITH_BLACK[lut_index(sample, level, centre)])


def rgb_pixmap(rgb: np.ndarray) -> QPixmap:
    """A QPixmap of an (h, w, 3) uint8 array (copied, so the array may go)."""
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image)


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


# DIVERGING_LUT with black appended: index −1 (non-finite) picks it.
_LUT_WITH_BLACK = np.vstack([DIVERGING_LUT, np.zeros((1, 3), np.uint8)])


def _lut_colours(alpha: int) -> list[QColor]:
    return [QColor(int(r), int(g), int(b), alpha) for r, g, b in _LUT_WITH_BLACK]


def _colour(name: str, alpha: int = 255) -> QColor:
    colour = QColor(name)
    colour.setAlpha(alpha)
    return colour


# --------------------------------------------------------------------------------------------- items
class _Keyed:
    """The (quantity, layer) a click on an item selects, kept in the item's data(0); children inherit it."""

    @staticmethod
    def set_key(item: QGraphicsItem, key: Key | None) -> None:
        if key is not None:
            item.setData(0, f"{key[0]}:{key[1]}")

    @staticmethod
    def key_of(item: QGraphicsItem | None) -> Key | None:
        while item is not None:
            data = item.data(0)
            if isinstance(data, str) and ":" in data:
                quantity, layer = data.split(":")
                return quantity, int(layer)
            item = item.parentItem()
        return None


LOOKS_Z = -10.0  # a look's twin lies under every child of its item (a pill sits at −1), over the halos


class _Looks:
    """How a panel, thumbnail or arrow is drawn (its pen and brush), as twin items toggled by opacity.

    A micro-step lights, greys and un-greys dozens of items, and a new pen or brush throws an item's cached
    picture away (an Update of the wide net greyed sixteen thumbnails and restyled a dozen panels). So the
    item itself draws nothing and each look gets a twin of its path, drawn once, under its children; a
    change of look only changes which twin is opaque (hiding one would drop its picture too)."""

    def __init__(self, item: QGraphicsPathItem) -> None:
        self._item = item
        self._twins: dict[tuple, QGraphicsPathItem] = {}
        self._shown: QGraphicsPathItem | None = None
        self._asked: tuple[QPen, QColor | Qt.BrushStyle] | None = None  # the last look asked for
        item.setPen(Qt.PenStyle.NoPen)
        item.setBrush(Qt.BrushStyle.NoBrush)

    def show(self, pen: QPen, brush: QColor | Qt.BrushStyle) -> None:
        asked = self._asked
        # the view's pens are cached, so the same pen is the same object: most items keep their look
        if asked is not None and asked[0] is pen and type(asked[1]) is type(brush) and asked[1] == brush:
            return
        self._asked = (pen, brush)
        fill = QBrush(brush)
        key = (pen.color().rgba(), pen.widthF(), pen.style(), fill.color().rgba(), fill.style())
        twin = self._twins.get(key)
        if twin is None:
            twin = QGraphicsPathItem(self._item.path(), self._item)
            twin.setPen(pen)
            twin.setBrush(fill)
            twin.setZValue(LOOKS_Z)
            twin.setCacheMode(self._item.cacheMode())
            twin.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            twin.setOpacity(0.0)
            self._twins[key] = twin
        if twin is not self._shown:
            if self._shown is not None:
                self._shown.setOpacity(0.0)
            twin.setOpacity(1.0)
            self._shown = twin

    @property
    def shown(self) -> QGraphicsPathItem | None:
        """The twin drawn now (None before the first look)."""
        return self._shown

    def pen(self) -> QPen:
        return self._shown.pen() if self._shown is not None else self._item.pen()

    def brush(self) -> QBrush:
        return self._shown.brush() if self._shown is not None else self._item.brush()


class _Halo(QGraphicsPathItem):
    """The amber glow (``halo``) or the dashed 'next' outline (``next_halo``) around an item, drawn behind it.

    Two items, each keeping its pen, lit and put out by their opacity: Qt throws an item's cached
    picture away when it is hidden, and drawing a glow again cost ~0.2 ms each, at every micro-step."""

    def __init__(self, parent: QGraphicsItem, path: QPainterPath) -> None:
        super().__init__(path, parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        self.setBrush(Qt.BrushStyle.NoBrush)
        self.setOpacity(0.0)  # fully transparent items are neither painted nor hit
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    @property
    def lit(self) -> bool:
        return self.opacity() > 0

    def light(self, on: bool) -> None:
        self.setOpacity(1.0 if on else 0.0)


class _Box(QGraphicsPathItem):
    """A rounded panel (a layer, X, Output, a gradient panel, the cost) with a halo."""

    def __init__(self, rect: QRectF, radius: float, key: Key | None) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, radius, radius)
        super().__init__(path)
        self.rect = rect
        _Keyed.set_key(self, key)
        halo = QPainterPath()
        grow = 4.0
        halo.addRoundedRect(rect.adjusted(-grow, -grow, grow, grow), radius + grow, radius + grow)
        self.halo, self.next_halo = _Halo(self, halo), _Halo(self, halo)
        self.looks = _Looks(self)
        self.greyed = False


class _Thumbnail(QGraphicsPathItem):
    """A live heatmap of one matrix: a frame, the pixmap, and its name and shape underneath."""

    def __init__(self, parent: QGraphicsItem, rect: QRectF, key: Key | None) -> None:
        path = QPainterPath()
        path.addRect(rect)
        super().__init__(path, parent)
        self.rect = rect
        _Keyed.set_key(self, key)
        self.pixmap_item = QGraphicsPixmapItem(self)
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.pixmap_item.setPos(rect.topLeft())
        self.pixmap_item.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self._pixel_size = (0, 0)
        halo = QPainterPath()
        halo.addRoundedRect(rect.adjusted(-3, -3, 3, 3), 3, 3)
        self.halo, self.next_halo = _Halo(self, halo), _Halo(self, halo)
        self.labels: list[_InkLabel] = []
        self.greyed = False
        self.gradient = False  # label colour: backward red for dZ, dW, db, dA0
        self.style_state: tuple | None = None
        self.looks = _Looks(self)
        self._shown: tuple[tuple, np.ndarray] | None = None  # (ghost, level, centre) and the sample drawn

    def show_values(self, values: np.ndarray | None, level: float | None, centre: float, ghost: bool = False) -> None:
        """The heatmap of ``values`` (its ``sample_matrix``; ``level``, ``centre`` as for ``heatmap_rgb``), or
        None for a greyed 'not computed yet' frame; a ghost is greyed but shows last iteration's values
        faded (during Play, so the diagram stays alive). The numbers it shows already are not drawn
        again: most thumbnails stay as they are at a step, and a new pixmap repaints its part of the view."""
        self.greyed = values is None or ghost
        self.pixmap_item.setVisible(values is not None)
        if values is None:
            return
        sample = sample_matrix(values)
        state = (ghost, level, centre)
        if self._shown is not None and self._shown[0] == state and np.array_equal(self._shown[1], sample):
            return
        self._shown = (state, sample.copy())
        rgb = heatmap_rgb(sample, level, centre)
        self.pixmap_item.setOpacity(GHOST_OPACITY if ghost else 1.0)
        h, w = rgb.shape[:2]
        self.pixmap_item.setPixmap(rgb_pixmap(rgb))
        if (h, w) != self._pixel_size:
            self._pixel_size = (h, w)
            self.pixmap_item.setTransform(QTransform.fromScale(self.rect.width() / w, self.rect.height() / h))


class _InkLabel(QGraphicsSimpleTextItem):
    """A label whose text never changes (a thumbnail's or an arrow's name and shape), in one of a few inks.

    A micro-step greys or lights up dozens of labels, and a new ink throws a cached text item's picture
    away. So each ink gets a twin in this one's place, drawn once; a change of ink only changes which
    twin is opaque (hiding one would throw its picture away too)."""

    def __init__(self, text: str, parent: QGraphicsItem) -> None:
        super().__init__(text, parent)
        self._twins: dict[str, QGraphicsSimpleTextItem] = {}
        self.ink: str | None = None

    def set_ink(self, colour: str) -> None:
        if colour == self.ink:
            return
        twin = self._twins.get(colour)
        if twin is None:
            twin = self if not self._twins else self._twin()
            twin.setBrush(QColor(colour))
            self._twins[colour] = twin
        for ink, item in self._twins.items():
            item.setOpacity(1.0 if ink == colour else 0.0)
        self.ink = colour

    def _twin(self) -> QGraphicsSimpleTextItem:
        twin = QGraphicsSimpleTextItem(self.text(), self.parentItem())
        twin.setFont(self.font())
        twin.setPos(self.pos())
        twin.setZValue(self.zValue())
        twin.setCacheMode(self.cacheMode())
        if self.hasCursor():
            twin.setCursor(self.cursor())
        return twin


class _Arrow(QGraphicsPathItem):
    """A straight arrow with a filled head, its quantity's name above and shape below; easy to click."""

    def __init__(self, start: QPointF, end: QPointF, head: float, key: Key) -> None:
        path = QPainterPath(start)
        dx, dy = end.x() - start.x(), end.y() - start.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        base = QPointF(end.x() - ux * head, end.y() - uy * head)
        path.lineTo(base)
        half = head * 0.55
        path.moveTo(end)
        path.lineTo(base.x() - uy * half, base.y() + ux * half)
        path.lineTo(base.x() + uy * half, base.y() - ux * half)
        path.closeSubpath()
        super().__init__(path)
        _Keyed.set_key(self, key)
        stroker = QPainterPathStroker()
        stroker.setWidth(max(14.0, head * 1.6))
        self._hit = stroker.createStroke(path)
        self.halo, self.next_halo = _Halo(self, path), _Halo(self, path)
        self.looks = _Looks(self)
        self.labels: list[_InkLabel] = []
        self.greyed = False

    def shape(self) -> QPainterPath:  # a thick invisible band: a 1.5 px line is too hard to hit
        return self._hit

    def boundingRect(self) -> QRectF:
        return super().boundingRect().united(self._hit.boundingRect())


class _Units(QGraphicsItem):
    """A grid of unit circles, each coloured by its mean activation over the examples (one item, one paint)."""

    def __init__(self, parent: QGraphicsItem, rect: QRectF, n: int) -> None:
        super().__init__(parent)
        self.rect = rect
        self.n = n
        columns, rows, cell = unit_grid(n, rect.width(), rect.height(), rect.height() / 2)
        left = rect.center().x() - columns * cell / 2
        top = rect.center().y() - rows * cell / 2
        radius = cell * 0.36
        self.centres = [
            QPointF(left + (k % columns + 0.5) * cell, top + (k // columns + 0.5) * cell) for k in range(n)
        ]
        self.radius = radius
        self.fills: list[QColor] = [QColor("#ffffff")] * n
        self.pen = QPen(QColor("#000000"), 1.0)
        self.state: tuple | None = None  # (theme, ghost, colour indices) of the fills and pen

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.pen)
        for centre, fill in zip(self.centres, self.fills, strict=True):
            painter.setBrush(fill)
            painter.drawEllipse(centre, self.radius, self.radius)


# --------------------------------------------------------------------------------------------- layout
@dataclass
class _ThumbSpec:
    """One thumbnail: the (quantity, layer) it shows (None: not selectable), its label, and its display size."""

    key: Key | None
    name: str
    shape: str
    size: tuple[float, float]
    gradient: bool = False


@dataclass
class _Plan:
    """The diagram's columns (X, Layer 1 … L, Output): what their upper and lower boxes hold, and sizes."""

    compact: bool
    upper: list[list[list[_ThumbSpec]]]  # per column, rows of thumbnails
    lower: list[list[list[_ThumbSpec]]]
    titles: list[str]
    footers: list[str]
    unit_texts: list[str]
    widths: list[float]
    gaps: list[float]  # between column i and i + 1

    @property
    def diagram_w(self) -> float:
        return sum(self.widths) + sum(self.gaps)


class NetworkView(QGraphicsView):
    """The network diagram of ``controller``'s stepper; click anything to select it.

    ``selected(quantity, layer)`` says what was clicked: ("W", 2) for W2's thumbnail, ("dA", 1) for the red
    dA1 arrow, ("A", 0) for the X box, ("A", L) for the Output box, ("J", 0) for the cost, and so on.
    """

    selected = Signal(str, int)

    def __init__(self, controller: Controller, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.theme = theme
        self._scale = 1.0
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 160)
        self._selected_key: Key | None = None
        self._ghost = False
        self._pens: dict[tuple, QPen] = {}
        self._unit_colours, self._ghost_colours = _lut_colours(255), _lut_colours(90)
        self._hover_key: Key | None = None
        self._glowing: list[QGraphicsItem] = []
        self._dashed: list[QGraphicsItem] = []
        self._caption_plain = ""
        controller.rebuilt.connect(self._rebuild)
        controller.changed.connect(self._on_changed)
        self._rebuild()

    # ----------------------------------------------------------------- public API
    def set_theme(self, theme: Theme) -> None:
        """Recolour every item (no rebuild)."""
        self.theme = theme
        self._apply_theme()
        self._refresh()

    def set_scale(self, factor: float) -> None:
        """Presenter mode: fonts and line widths × factor (the layout grows around the bigger text)."""
        factor = float(min(max(factor, 0.5), 3.0))
        if factor != self._scale:
            self._scale = factor
            self._rebuild()

    def item_for(self, quantity: str, layer: int) -> QGraphicsItem:
        """The item that shows ``quantity`` of ``layer``.

        ("A", 0) is the X box, ("A", L) the Output box and ("A", l) otherwise the forward arrow carrying A[l];
        W, b, Z, dZ, dW, db are thumbnails (dA0 too, as ("dA0", 0)); ("dA", l) is the red arrow carrying dA[l];
        ("J", 0) the cost label. Also: ("box", l) for l = 0 … L+1 (X, layers, Output), ("grads", l) the
        gradient panel of layer l, ("dA0box", 0) the panel under X, ("cost", 0) the cost box, ("down", 0) the
        Output → Cost arrow, ("forward", l) the arrow carrying A[l], ("Y", 0) the labels' thumbnail,
        ("step", i) the i-th chip of the micro-step strip.
        """
        try:
            return self._items[(quantity, layer)]
        except KeyError:
            raise KeyError(f"no item shows {quantity}{layer}") from None

    def highlighted_item(self) -> QGraphicsItem | None:
        """The main item of the micro-step just done (a box, gradient panel, cost box or W1), or None."""
        return self._glowing[0] if self._glowing else None

    def highlighted_items(self) -> list[QGraphicsItem]:
        """Every item glowing for the micro-step just done (its box and the arrow it produced)."""
        return list(self._glowing)

    def next_items(self) -> list[QGraphicsItem]:
        """The items with the dashed 'next' outline (what Space will compute)."""
        return list(self._dashed)

    def is_greyed(self, quantity: str, layer: int) -> bool:
        """Whether the diagram shows ``quantity`` of ``layer`` as not computed yet in this iteration."""
        return bool(getattr(self.item_for(quantity, layer), "greyed", False))

    def caption_text(self) -> str:
        """The caption: the step just done with its equations, then the next step."""
        return self._caption_plain

    def banner_text(self) -> str | None:
        """The divergence message while the banner shows, else None."""
        return self._banner_text.toPlainText() if self._banner.isVisible() else None

    def boxes(self) -> list[QGraphicsItem]:
        """The forward boxes, left to right: X, Layer 1 … Layer L, Output."""
        return [self._items[("box", i)] for i in range(self._L + 2)]

    # ----------------------------------------------------------------- fonts and pens
    @property
    def _geometry(self) -> float:
        """What presenter mode does to sizes that are not text (paddings, thumbnails): scale^¼, so the text
        gains on them and reads bigger once the diagram is fitted into the window (×1.3 at scale 1.8)."""
        return self._scale**0.25

    def _font(self, role: str) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(1, round(FONT_PX[role] * self._scale)))
        font.setBold(role in BOLD_FONTS)
        if role in ("shape", "small"):
            font.setStretch(QFont.Stretch.SemiCondensed)
        return font

    def _width(self, text: str, role: str) -> float:
        return QFontMetricsF(self._font(role)).horizontalAdvance(text)

    def _height(self, role: str) -> float:
        return QFontMetricsF(self._font(role)).height()

    def _pen(self, colour: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine,
             alpha: int = 255) -> QPen:
        """A pen ``width`` × the presenter scale wide (cached: an update sets over a hundred pens)."""
        key = (colour, width, style, alpha, self._scale)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(_colour(colour, alpha), width * self._scale, style)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._pens[key] = pen
        return pen

    def _text(
        self, parent: QGraphicsItem | None, text: str, role: str, kind: type = QGraphicsSimpleTextItem
    ) -> QGraphicsSimpleTextItem:
        item = kind(text, parent)
        item.setFont(self._font(role))
        if parent is None:
            self._scene.addItem(item)
        return item

    # ----------------------------------------------------------------- building (once per architecture)
    @property
    def stepper(self) -> Stepper:
        return self.controller.stepper

    def _rebuild(self) -> None:
        """Create every item for the current architecture and lay them out."""
        self._scene.clear()
        self._items: dict[Key, QGraphicsItem] = {}
        self._thumbs: list[tuple[_Thumbnail, Reader, Reader | None, float | None]] = []
        self._units: list[tuple[_Units, int]] = []
        self._glowing, self._dashed = [], []
        self._glow_main: set[QGraphicsItem] = set()
        self._ghost = False  # a new network's buffers hold nothing worth showing yet
        self._built_for = self.stepper
        net = self.stepper.net
        self._L = net.L
        self._dims = list(net.layer_dims)
        self._m = net.m
        # Deep nets get narrower columns (names above shapes, slimmer Z thumbnails) so that the text
        # stays readable when the diagram is fitted into the window.
        plan = self._plan(compact=False)
        if plan.diagram_w > COMPACT_ABOVE * self._scale:
            plan = self._plan(compact=True)
        self._lay_out(plan)
        self._cache_static_items()
        self._tooltips()
        self._apply_theme()
        self._reserve_caption_room()
        self._refresh()
        if self._selected_key not in self._items:
            self._selected_key = None
        self._outline(self._selection, self._selected_key)

    def _cache_static_items(self) -> None:
        """Panels, arrows, texts, halos and unit circles repaint from a pixmap until they change: during
        Play only the heatmaps and unit colours change, a micro-step recolours one layer's units at most,
        and antialiased paths, circles and text cost most of a repaint."""
        for item in self._scene.items():
            if not isinstance(item, QGraphicsPixmapItem):
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    # ---- measuring
    def _label_size(self, spec: _ThumbSpec, compact: bool) -> tuple[float, float]:
        """Width and height of a thumbnail's label: name and shape side by side, or stacked when compact."""
        name_w, shape_w = self._width(spec.name, "label"), self._width(spec.shape, "shape") if spec.shape else 0.0
        if not spec.shape:
            return name_w, self._height("label")
        if compact:
            return max(name_w, shape_w), self._height("label") + self._height("shape")
        return name_w + 4 * self._scale + shape_w, self._height("label")

    def _row_layout(self, row: list[_ThumbSpec], compact: bool) -> tuple[list[float], list[float], float, float]:
        """x of each thumbnail and of its label (relative to the row's left), and the row's width and height.

        A label starts under its thumbnail's left edge; the second one (b next to W) ends under its
        thumbnail's right edge unless that would run into the first label's first line (its name when the
        shape is stacked underneath)."""
        s = self._scale
        thumb_xs, label_xs = [], []
        x = line_right = right = height = 0.0
        for k, spec in enumerate(row):
            if k:
                x += PAIR_GAP * s
            label_w, label_h = self._label_size(spec, compact)
            label_x = x if k == 0 else max(x + spec.size[0] - label_w, line_right + 6 * s)
            thumb_xs.append(x)
            label_xs.append(label_x)
            first_line = self._width(spec.name, "label") if compact and spec.shape else label_w
            line_right = label_x + first_line
            x += spec.size[0]
            right = max(right, x, label_x + label_w)
            height = max(height, spec.size[1] + LABEL_GAP * s + label_h)
        return thumb_xs, label_xs, right, height

    def _row_size(self, row: list[_ThumbSpec], compact: bool) -> tuple[float, float]:
        """Width and height of a row of thumbnails with their labels."""
        return self._row_layout(row, compact)[2:]

    def _plan(self, compact: bool) -> _Plan:
        """What every column holds and how big it is."""
        s, L, m, dims = self._scale, self._L, self._m, self._dims
        names = self.stepper.net.activation_names
        thumb_w = THUMB_W_COMPACT if compact else THUMB_W
        pad = PAD * self._geometry

        # presenter mode grows the thumbnails less than the text, so the text gains on them
        grow = self._geometry

        def size(rows: int, cols: int, examples: bool) -> tuple[float, float]:
            w, h = thumbnail_size(rows, cols, examples, thumb_w)
            return w * grow, h * grow

        upper: list[list[list[_ThumbSpec]]] = [[[_ThumbSpec(("A", 0), "X", shape_text(dims[0], m),
                                                            size(dims[0], m, True))]]]
        lower: list[list[list[_ThumbSpec]]] = [[[_ThumbSpec(("dA0", 0), "dA0", shape_text(dims[0], m),
                                                            size(dims[0], m, True), True)]]]
        for l in range(1, L + 1):
            n, n_prev = dims[l], dims[l - 1]
            w_size, z_size = size(n, n_prev, False), size(n, m, True)
            b_size = (BIAS_W * grow, w_size[1])
            upper.append([
                [_ThumbSpec(("W", l), f"W{l}", shape_text(n, n_prev), w_size),
                 _ThumbSpec(("b", l), f"b{l}", "", b_size)],
                [_ThumbSpec(("Z", l), f"Z{l}", shape_text(n, m), z_size)],
            ])
            lower.append([
                [_ThumbSpec(("dZ", l), f"dZ{l}", shape_text(n, m), z_size, True)],
                [_ThumbSpec(("dW", l), f"dW{l}", shape_text(n, n_prev), w_size, True),
                 _ThumbSpec(("db", l), f"db{l}", "", b_size, True)],
            ])
        upper.append([
            [_ThumbSpec(("A", L), f"ŷ = A{L}", shape_text(1, m), size(1, m, True))],
            [_ThumbSpec(None, "Y", shape_text(1, m), size(1, m, True))],
        ])
        lower.append([])
        titles = ["Input"] + [f"Layer {l}" for l in range(1, L + 1)] + ["Output"]
        footers = [f"m = {m}", *names, "accuracy 100.0%"]
        unit_texts = [self._units_text(i) for i in range(L + 2)]
        widths = []
        for i in range(L + 2):
            pill = 14 * s if 1 <= i <= L else 0.0  # the activation's pill around the footer
            content = [self._width(titles[i], "title"), self._width(footers[i], "small") + pill]
            if unit_texts[i]:
                content.append(self._width(unit_texts[i], "label"))
            content += [self._row_size(row, compact)[0] for row in upper[i] + lower[i]]
            if i == L + 1:
                content.append(self._width("0.0000", "cost"))
            widths.append(max(content) + 2 * pad)
        # a gap between two columns holds its arrows' labels: "A1" above the line, "(4×400)" below
        gaps = [max(GAP_MIN * s, max(self._width(f"dA{l}", "label"), self._width(shape_text(dims[l], m), "shape"))
                    + 12 * s) for l in range(L + 1)]
        return _Plan(compact, upper, lower, titles, footers, unit_texts, widths, gaps)

    # ---- placing
    def _lay_out(self, plan: _Plan) -> None:
        s, L = self._scale, self._L
        g = self._geometry
        pad, row_gap = PAD * g, ROW_GAP * g
        title_h, small_h = self._height("title"), self._height("small")
        compact = plan.compact

        def row_h(row: list[_ThumbSpec]) -> float:
            return self._row_size(row, compact)[1]

        # layer boxes align their rows across the band; X and Output centre their contents
        layer_rows_upper = [max(row_h(plan.upper[l][k]) for l in range(1, L + 1)) for k in range(2)]
        layer_rows_lower = [max(row_h(plan.lower[l][k]) for l in range(1, L + 1)) for k in range(2)]
        footer_h = small_h + 6 * s
        units_h = UNITS_H * g
        upper_h = pad + title_h + row_gap + units_h + row_gap + sum(layer_rows_upper) + row_gap + footer_h + pad
        output_h = pad + title_h + row_gap + sum(row_h(r) for r in plan.upper[L + 1]) + row_gap + footer_h + pad
        upper_h = max(upper_h, output_h)
        cost_h = pad + title_h + row_gap + self._height("cost") + small_h + pad
        lower_h = max(pad + sum(layer_rows_lower) + row_gap + pad, cost_h, 2 * pad + row_h(plan.lower[0][0]))

        header_h = max(self._height("header"), self._height("chip") + 8 * s)
        scene_w = max(plan.diagram_w, self._header_width(), 420 * s)
        x = MARGIN * s + (scene_w - plan.diagram_w) / 2
        top = MARGIN * s + header_h + 14 * s
        lefts = []
        for i in range(L + 2):
            lefts.append(x)
            x += plan.widths[i] + (plan.gaps[i] if i <= L else 0)
        lower_top = top + upper_h + BAND_GAP * g

        # ---- upper boxes: X, Layer 1 … L, Output
        for i in range(L + 2):
            rect = QRectF(lefts[i], top, plan.widths[i], upper_h)
            box = _Box(rect, 8 * s, ("A", min(i, L)))
            self._scene.addItem(box)
            self._items[("box", i)] = box
            box.title = self._text(box, plan.titles[i], "title")
            box.title.setPos(rect.x() + pad, rect.y() + pad)
            y = rect.y() + pad + title_h + row_gap
            rows = plan.upper[i]
            if i == L + 1:
                heights = [row_h(r) for r in rows]
                content_h = sum(heights) + row_gap * (len(rows) - 1)
                y += (upper_h - pad - title_h - row_gap - footer_h - pad - content_h) / 2
            else:
                self._add_units(box, i, QRectF(rect.x() + pad, y, rect.width() - 2 * pad, units_h),
                                plan.unit_texts[i])
                y += units_h + row_gap
                heights = layer_rows_upper if i >= 1 else [row_h(rows[0])]
                if i == 0:  # X: centre its one row in the space the layers give their two
                    y += (sum(layer_rows_upper) + row_gap - heights[0]) / 2
            for row, height in zip(rows, heights, strict=True):
                self._add_row(box, row, rect, y, height, compact)
                y += height + row_gap
            footer = self._text(box, plan.footers[i], "small")
            fy = rect.bottom() - pad - footer_h
            footer.setPos(rect.center().x() - footer.boundingRect().width() / 2,
                          fy + (footer_h - footer.boundingRect().height()) / 2)
            box.footer = footer
            if 1 <= i <= L:  # the activation as a pill: Z goes in, A = g(Z) comes out
                pw = footer.boundingRect().width() + 14 * s
                path = QPainterPath()
                path.addRoundedRect(QRectF(rect.center().x() - pw / 2, fy, pw, footer_h), footer_h / 2, footer_h / 2)
                box.pill = QGraphicsPathItem(path, box)
                box.pill.setZValue(-1)

        # ---- lower boxes: dA0 under X, the gradients under each layer, the cost under Output
        for i in range(L + 2):
            rect = QRectF(lefts[i], lower_top, plan.widths[i], lower_h)
            if i == 0:
                box = _Box(rect, 8 * s, ("dA0", 0))
                self._items[("dA0box", 0)] = box
                row = plan.lower[0][0]
                self._add_row(box, row, rect, rect.center().y() - row_h(row) / 2, row_h(row), compact)
            elif i <= L:
                box = _Box(rect, 8 * s, ("dZ", i))
                self._items[("grads", i)] = box
                y = rect.y() + pad
                for row, height in zip(plan.lower[i], layer_rows_lower, strict=True):
                    self._add_row(box, row, rect, y, height, compact)
                    y += height + row_gap
            else:
                box = _Box(rect, 8 * s, ("J", 0))
                self._items[("cost", 0)] = box
                box.title = self._text(box, "Cost J", "title")
                box.title.setPos(rect.x() + pad, rect.y() + pad)
                cost = self._text(box, "—", "cost")
                _Keyed.set_key(cost, ("J", 0))
                cost.greyed = True
                cost.setPos(rect.x() + pad, rect.y() + pad + title_h + row_gap)
                self._items[("J", 0)] = cost
                box.note = self._text(box, "cross-entropy", "small")
                box.note.setPos(rect.x() + pad, cost.pos().y() + self._height("cost"))
            self._scene.addItem(box)

        # ---- arrows: forward A[l] between the upper boxes, backward dA[l] between the lower ones
        head = 9 * s
        y_forward, y_backward = top + upper_h / 2, lower_top + lower_h / 2
        m = self._m
        for l in range(L + 1):
            x_start = lefts[l] + plan.widths[l] + ARROW_MARGIN * s
            x_end = lefts[l + 1] - ARROW_MARGIN * s
            forward = _Arrow(QPointF(x_start, y_forward), QPointF(x_end, y_forward), head, ("A", l))
            backward = _Arrow(QPointF(x_end, y_backward), QPointF(x_start, y_backward), head, ("dA", l))
            for arrow, name, y_line in ((forward, f"A{l}", y_forward), (backward, f"dA{l}", y_backward)):
                self._scene.addItem(arrow)
                arrow.setZValue(1)
                label = self._text(arrow, name, "label", _InkLabel)
                label.setPos((x_start + x_end - label.boundingRect().width()) / 2,
                             y_line - head * 0.55 - 1 * s - label.boundingRect().height())
                shape = self._text(arrow, shape_text(self._dims[l], m), "shape", _InkLabel)
                shape.setPos((x_start + x_end - shape.boundingRect().width()) / 2, y_line + head * 0.55 + 1 * s)
                arrow.labels = [label, shape]
            self._items[("forward", l)] = forward
            if 0 < l < L:
                self._items[("A", l)] = forward
            self._items[("dA", l)] = backward
        out_box, cost_box = self._items[("box", L + 1)], self._items[("cost", 0)]
        x_turn = out_box.rect.center().x()
        down = _Arrow(QPointF(x_turn, out_box.rect.bottom() + ARROW_MARGIN * s),
                      QPointF(x_turn, cost_box.rect.top() - ARROW_MARGIN * s), head * 0.9, ("J", 0))
        down.setZValue(1)
        self._scene.addItem(down)
        self._items[("down", 0)] = down
        # X and Output are the boxes of A0 and A[L]; their arrows stay reachable as ("forward", l)
        self._items[("A", 0)] = self._items[("box", 0)]
        self._items[("A", L)] = self._items[("box", L + 1)]

        self._build_header(MARGIN * s, MARGIN * s, scene_w, header_h)
        self._build_caption(lower_top + lower_h + 14 * s, scene_w)

        # the selection and hover outlines float above everything
        self._selection = QGraphicsPathItem()
        self._hover = QGraphicsPathItem()
        for z, outline in ((10, self._selection), (9, self._hover)):
            outline.setZValue(z)
            outline.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            outline.setVisible(False)
            self._scene.addItem(outline)
        self._hover_key = None
        # whatever selects something on a click (labels and titles too) shows a pointing hand
        for item in self._scene.items():
            if _Keyed.key_of(item) is not None:
                item.setCursor(Qt.CursorShape.PointingHandCursor)

    def _build_caption(self, y: float, scene_w: float) -> None:
        """The caption (step just done + its equations), the next step, and the hidden divergence banner."""
        s = self._scale
        self._scene_w = scene_w
        self._caption_y = y
        self._caption_chip = QGraphicsPathItem()
        self._scene.addItem(self._caption_chip)
        self._caption_head = self._text(self._caption_chip, "", "caption")
        font = self._caption_head.font()
        font.setBold(True)
        self._caption_head.setFont(font)
        # at most four equations per micro-step (a backward step): each one text plus its shape
        self._caption_parts = [(self._text(None, "", "caption"), self._text(None, "", "next")) for _ in range(4)]
        self._next = self._text(None, "", "next")
        self._banner = QGraphicsPathItem()
        self._banner.setZValue(5)
        self._banner.setVisible(False)
        self._scene.addItem(self._banner)
        self._banner_text = QGraphicsTextItem(self._banner)
        self._banner_text.setFont(self._font("banner"))
        self._banner_text.setTextWidth(scene_w - 24 * s)
        self._caption_signature: tuple | None = None
        self._caption_room = 0.0  # see _reserve_caption_room

    def _units_text(self, i: int) -> str:
        """'' when the column draws its units as circles; else '784 features' / '128 units'."""
        if i == self._L + 1 or self._dims[i] <= MAX_DRAWN_UNITS:
            return ""
        return f"{self._dims[i]} features" if i == 0 else f"{self._dims[i]} units"

    def _add_units(self, box: _Box, i: int, rect: QRectF, text: str) -> None:
        if text:
            label = self._text(box, text, "label")
            label.setPos(rect.center().x() - label.boundingRect().width() / 2,
                         rect.center().y() - label.boundingRect().height() / 2)
            box.units_label = label
            return
        self._units.append((_Units(box, rect, self._dims[i]), i))

    def _add_row(self, box: _Box, row: list[_ThumbSpec], rect: QRectF, y: float, height: float,
                 compact: bool) -> None:
        """Thumbnails side by side, centred in the box and vertically in a row of ``height``; labels below."""
        s = self._scale
        thumb_xs, label_xs, width, _ = self._row_layout(row, compact)
        left = rect.center().x() - width / 2
        thumbs_h = max(spec.size[1] for spec in row)
        label_h = max(self._label_size(spec, compact)[1] for spec in row)
        thumb_top = y + (height - thumbs_h - LABEL_GAP * s - label_h) / 2
        label_y = thumb_top + thumbs_h + LABEL_GAP * s
        for spec, thumb_x, label_x in zip(row, thumb_xs, label_xs, strict=True):
            w, h = spec.size
            thumb = _Thumbnail(box, QRectF(left + thumb_x, thumb_top + (thumbs_h - h) / 2, w, h), spec.key)
            thumb.gradient = spec.gradient
            name = self._text(thumb, spec.name, "label", _InkLabel)
            name.setPos(left + label_x, label_y)
            thumb.labels = [name]
            if spec.shape:
                shape = self._text(thumb, spec.shape, "shape", _InkLabel)
                if compact:
                    shape.setPos(left + label_x, label_y + self._height("label"))
                else:
                    shape.setPos(left + label_x + name.boundingRect().width() + 4 * s,
                                 label_y + (self._height("label") - self._height("shape")) / 2)
                thumb.labels.append(shape)
            key = spec.key if spec.key is not None else ("Y", 0)
            self._items[key] = thumb
            self._thumbs.append((thumb, *self._source(key)))

    def _source(self, key: Key) -> tuple[Reader, Reader | None, float | None]:
        """How to read a thumbnail's array (None while not computed), its last iteration's values (the
        ghost), and its colour centre: 0.5 for the probabilities ŷ and the labels Y, else 0."""
        quantity, l = key
        if key == ("Y", 0):
            return (lambda s: s.net.Y), None, 0.5
        if key == ("dA0", 0):
            # whole iterations skip dA0 (nothing learns from it), so its buffer has no last value to show;
            # the thumbnail reads only the entries it shows (B1 leaves dA0 to its first reader)
            rows, columns = _stride(self._dims[0], MAX_CELLS), _stride(self._m, MAX_CELLS)
            return (lambda s: s.value_part("dA", 0, rows, columns)), None, None
        if quantity in ("W", "b") or key == ("dA", self._L):
            # W and b are always there; whole iterations use the fused dZ[L] = A[L] − Y, so dA[L] has no
            # last value to show
            return (lambda s: s.value(quantity, l)), None, None
        centre = 0.5 if key == ("A", self._L) else None
        return (lambda s: s.value(quantity, l)), (lambda s: getattr(s.net, quantity)[l]), centre

    def _header_width(self) -> float:
        s = self._scale
        chips = sum(self._width(step.label, "chip") + 16 * s for step in self.stepper.steps)
        chips += 5 * s * (len(self.stepper.steps) - 1)
        return self._width("Iteration 000000", "header") + 20 * s + chips + 24 * s + \
            self._width("α = 0.0000 · m = 00000", "small")

    def _build_header(self, x: float, y: float, scene_w: float, height: float) -> None:
        s = self._scale
        iteration = self._text(None, "Iteration 0", "header")
        iteration.setPos(x, y + (height - iteration.boundingRect().height()) / 2)
        self._iteration = iteration
        cx = x + self._width("Iteration 000000", "header") + 20 * s
        chip_h = self._height("chip") + 8 * s
        self._chips: list[_Box] = []
        for i, step in enumerate(self.stepper.steps):
            w = self._width(step.label, "chip") + 16 * s
            chip = _Box(QRectF(cx, y + (height - chip_h) / 2, w, chip_h), chip_h / 2, None)
            chip.step = step
            self._scene.addItem(chip)
            text = self._text(chip, step.label, "chip")
            text.setPos(cx + 8 * s, y + (height - text.boundingRect().height()) / 2)
            chip.text = text
            self._chips.append(chip)
            self._items[("step", i)] = chip
            cx += w + 5 * s
        info = self._text(None, "", "small")
        self._info = info
        self._info_right = x + scene_w
        self._info_y = y + (height - self._height("small")) / 2

    def _tooltips(self) -> None:
        """Each quantity's equation and shape (set once; tooltips need no updates)."""
        net = self.stepper.net
        for (quantity, l), item in self._items.items():
            if quantity in ("W", "b", "Z", "dZ", "dW", "db", "dA") and (l >= 1 or quantity == "dA"):
                rows, cols = self._shape_of(quantity, l)
                item.setToolTip(f"{quantity_equation(net, quantity, l)}   {shape_text(rows, cols)}")
            elif quantity == "forward":
                item.setToolTip(f"A{l} = X" if l == 0 else quantity_equation(net, "A", l))
        self._items[("J", 0)].setToolTip(f"J = −1/m Σ [Y log A{self._L} + (1−Y) log(1−A{self._L})]")

    def _shape_of(self, quantity: str, l: int) -> tuple[int, int]:
        if quantity in ("W", "dW"):
            return self._dims[l], self._dims[l - 1]
        if quantity in ("b", "db"):
            return self._dims[l], 1
        return self._dims[l], self._m

    # ----------------------------------------------------------------- colours (per theme)
    def _apply_theme(self) -> None:
        t = self.theme
        self.setBackgroundBrush(QColor(t.background))
        self._scene.setBackgroundBrush(QColor(t.background))
        self._selection.setPen(self._pen(t.class0, 2.2))
        self._hover.setPen(self._pen(t.class0, 1.2, alpha=140))
        self._iteration.setBrush(QColor(t.text))
        self._info.setBrush(QColor(t.box_border))
        self._next.setBrush(QColor(t.box_border))
        self._banner.setBrush(QColor(t.backward))
        self._banner.setPen(Qt.PenStyle.NoPen)
        self._banner_text.setDefaultTextColor(QColor("#ffffff"))

    # ----------------------------------------------------------------- updating (every changed signal)
    def _on_changed(self, kind: str) -> None:
        # Right after whole iterations (Play, Iteration) the buffers hold the iteration just finished;
        # greyed quantities then show it faintly. After anything else (a step back, a jump, an edit, a
        # new network) the buffers may hold anything, so greyed stays empty.
        s = self.stepper
        self._ghost = (
            kind in ("run", "iteration") and s.position == 0 and s.iteration > 0 and s.report is None
            and s.caches_current
        )
        # Anything but whole iterations restyles items all over the diagram: one repaint of the whole view
        # (its items repaint from their caches) is faster than clipping each to a hundred small dirty
        # rects (an Update of the 784-input net: 7 ms against 11, measured). A frame of Play changes
        # the heatmaps and unit colours only.
        self.setViewportUpdateMode(
            QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate if kind == "run"
            else QGraphicsView.ViewportUpdateMode.FullViewportUpdate
        )
        self._refresh()

    def _refresh(self) -> None:
        """Bring every item up to date with the stepper: heatmaps, greying, highlights, texts."""
        if self.stepper is not self._built_for:
            self._rebuild()  # a new stepper without a rebuilt signal: the items would read the old one
            return
        # Known before the items are styled, so that each gets its final pen at once: an item whose pen
        # changes and changes back within one refresh is repainted (and its cached picture redrawn).
        last = self.stepper.last_step
        self._glow_main = set(self._step_targets(last)[0]) if last is not None else set()
        self._refresh_thumbnails()
        self._refresh_units()
        self._refresh_arrows()
        self._refresh_boxes()
        self._refresh_header()
        self._refresh_highlights()
        self._refresh_caption()
        self._refresh_banner()

    def _refresh_thumbnails(self) -> None:
        stepper = self.stepper
        for thumb, read, ghost_read, centre in self._thumbs:
            values = read(stepper)
            ghosted = values is None and self._ghost and ghost_read is not None
            if ghosted:
                values = ghost_read(stepper)
            thumb.show_values(values, 0.5 if centre is not None else None, centre or 0.0, ghosted)
            self._style_thumb(thumb)

    def _refresh_units(self) -> None:
        t, stepper = self.theme, self.stepper
        for units, i in self._units:
            A = stepper.value("A", i)
            ghosted = A is None and self._ghost
            if ghosted:
                A = stepper.net.A[i]
            indices = None if A is None else lut_index(A.mean(axis=1) if A.shape[1] else np.zeros(units.n)).tolist()
            state = (t.name, ghosted, indices)
            if state == units.state:
                continue  # the same colours: no repaint
            units.state = state
            if indices is None:
                units.fills = [_colour(t.muted, 70)] * units.n
                units.pen = self._pen(t.muted, 0.8)
            else:
                colours = self._ghost_colours if ghosted else self._unit_colours
                units.fills = [colours[k] for k in indices]
                units.pen = self._pen(t.muted if ghosted else t.box_border, 0.8)
            units.update()

    def _refresh_arrows(self) -> None:
        t, stepper = self.theme, self.stepper
        for l in range(self._L + 1):
            self._style_arrow(self._items[("forward", l)], stepper.value("A", l) is None, t.forward)
            self._style_arrow(self._items[("dA", l)], not stepper.is_filled("dA", l), t.backward)
        self._style_arrow(self._items[("down", 0)], stepper.current_cost is None, t.forward)

    def _refresh_boxes(self) -> None:
        """Greying of the boxes and panels, the accuracy under ŷ and the cost J."""
        t, stepper, L = self.theme, self.stepper, self._L
        for i in range(L + 2):
            box = self._items[("box", i)]
            greyed = i >= 1 and stepper.value("A", min(i, L)) is None
            box.greyed = greyed
            self._style_box(box, t.box_border, greyed=False)
            box.title.setBrush(QColor(t.text))
            if hasattr(box, "pill"):
                box.pill.setBrush(_colour(t.forward if not greyed else t.muted, 28))
                box.pill.setPen(self._pen(t.forward if not greyed else t.muted, 0.8))
            box.footer.setBrush(QColor(t.muted if greyed else t.text))
            if hasattr(box, "units_label"):
                box.units_label.setBrush(QColor(t.muted if greyed else t.text))
        A_L = stepper.value("A", L)
        out = self._items[("box", L + 1)]
        last = self._last_record() if self._ghost else None
        if A_L is not None:
            accuracy = np.mean((A_L > 0.5) == (stepper.net.Y > 0.5)).item()
            out.footer.setText(f"accuracy {100 * accuracy:.1f}%")
        elif last is not None:
            out.footer.setText(f"accuracy {100 * last[1]:.1f}%")
        else:
            out.footer.setText("accuracy —")
        out.footer.setX(out.rect.center().x() - out.footer.boundingRect().width() / 2)
        for l in range(1, L + 1):
            grads = self._items[("grads", l)]
            grads.greyed = stepper.value("dZ", l) is None
            self._style_box(grads, t.backward, greyed=grads.greyed, lower=True)
        dA0 = self._items[("dA0box", 0)]
        dA0.greyed = not stepper.is_filled("dA", 0)
        self._style_box(dA0, t.backward, greyed=dA0.greyed, lower=True)
        cost_box, cost = self._items[("cost", 0)], self._items[("J", 0)]
        J = stepper.current_cost
        cost_box.greyed = cost.greyed = J is None
        self._style_box(cost_box, t.backward, greyed=J is None, lower=True)
        cost_box.title.setBrush(QColor(t.muted if J is None else t.text))
        if J is not None:
            cost.setText(format_number(J))
        else:
            cost.setText("—" if last is None else format_number(last[0]))
        cost.setBrush(QColor(t.muted if J is None else t.text))
        cost_box.note.setBrush(QColor(t.muted if J is None else t.box_border))

    def _last_record(self) -> tuple[float, float] | None:
        """(cost, train accuracy) of the iteration just finished, for the ghosts shown during Play."""
        stepper = self.stepper
        t = stepper.iteration - 1
        if t < 0 or t >= stepper.furthest:
            return None
        return float(stepper.series("cost")[t]), float(stepper.series("train_accuracy")[t])

    def _style_thumb(self, thumb: _Thumbnail) -> None:
        t = self.theme
        glowing = thumb in self._glow_main
        state = (thumb.greyed, t.name, glowing)
        if state == thumb.style_state:
            return  # most thumbnails keep their frame from one frame of Play to the next
        thumb.style_state = state
        if glowing:
            pen = self._pen(t.highlight, 1.8)
        elif thumb.greyed:
            pen = self._pen(t.muted, 0.9, Qt.PenStyle.DashLine)
        else:
            pen = self._pen(t.box_border, 0.8)
        thumb.looks.show(pen, _colour(t.muted, 45) if thumb.greyed else Qt.BrushStyle.NoBrush)
        thumb.labels[0].set_ink(t.muted if thumb.greyed else (t.backward if thumb.gradient else t.text))
        for label in thumb.labels[1:]:
            label.set_ink(t.muted if thumb.greyed else t.box_border)

    def _style_arrow(self, arrow: _Arrow, greyed: bool, colour: str) -> None:
        t = self.theme
        arrow.greyed = greyed
        ink = t.muted if greyed else colour
        arrow.looks.show(self._pen(ink, 1.8), QColor(ink))
        for label in arrow.labels[:1]:
            label.set_ink(ink)
        for label in arrow.labels[1:]:
            label.set_ink(t.muted if greyed else t.box_border)

    def _style_box(self, box: _Box, border: str, greyed: bool, lower: bool = False) -> None:
        t = self.theme
        if box in self._glow_main:
            box.looks.show(self._pen(t.highlight, 2.2), _colour(t.backward, 14) if lower else QColor(t.box_fill))
        elif lower:  # the backward band: a faint red wash once computed
            box.looks.show(self._pen(t.muted if greyed else border, 1.2, Qt.PenStyle.DashLine if greyed else
                                     Qt.PenStyle.SolidLine, alpha=255 if greyed else 150),
                           _colour(t.backward, 14) if not greyed else QColor(t.panel))
        else:
            box.looks.show(self._pen(border, 1.2), QColor(t.box_fill))

    def _refresh_header(self) -> None:
        t, stepper = self.theme, self.stepper
        self._iteration.setText(f"Iteration {stepper.iteration}")
        done_index = stepper.position - 1 if stepper.position > 0 else (
            len(stepper.steps) - 1 if stepper.iteration > 0 else -1)
        for i, chip in enumerate(self._chips):
            current = i == done_index
            upcoming = i == stepper.position
            done = i < stepper.position
            colour = t.backward if chip.step.kind == "backward" else t.text
            if upcoming and stepper.report is not None:  # the micro-step that would diverge
                chip.looks.show(self._pen(t.backward, 1.2), QColor(t.backward))
                chip.text.setBrush(QColor("#ffffff"))
            elif current:
                chip.looks.show(self._pen(t.highlight, 1.2), QColor(t.highlight))
                chip.text.setBrush(QColor(ON_HIGHLIGHT))
            elif upcoming:
                chip.looks.show(self._pen(t.highlight, 1.4, Qt.PenStyle.DashLine), QColor(t.panel))
                chip.text.setBrush(QColor(colour))
            else:
                chip.looks.show(self._pen(t.box_border if done else t.muted, 0.9),
                                QColor(t.box_fill) if done else QColor(t.panel))
                chip.text.setBrush(QColor(colour if done else t.muted))
            font = chip.text.font()
            if font.bold() != current:
                font.setBold(current)
                chip.text.setFont(font)
        self._info.setText(f"α = {stepper.learning_rate:g} · m = {self._m}")
        self._info.setPos(self._info_right - self._info.boundingRect().width(), self._info_y)

    def _step_targets(self, step: MicroStep) -> tuple[list[QGraphicsItem], list[QGraphicsItem]]:
        """(main items, arrows) a micro-step fills: F l → box l and A[l]; Cost → cost box, dA[L];
        B l → gradient panel l and dA[l−1]; Update → every W and b."""
        L = self._L
        if step.kind == "forward":
            return [self._items[("box", step.layer)]], [self._items[("forward", step.layer)]]
        if step.kind == "cost":
            return [self._items[("cost", 0)]], [self._items[("dA", L)], self._items[("down", 0)]]
        if step.kind == "backward":
            l = step.layer
            extra = [self._items[("dA0box", 0)]] if l == 1 else []
            return [self._items[("grads", l)], *extra], [self._items[("dA", l - 1)]]
        return [self._items[(q, l)] for l in range(1, L + 1) for q in ("W", "b")], []

    def _refresh_highlights(self) -> None:
        """Halos: a glow around what the last micro-step filled, a dashed outline around the next one's.
        Only halos that change are touched (during Play the same ones glow frame after frame)."""
        t, stepper = self.theme, self.stepper
        halos: dict[QGraphicsItem, QPen] = {}
        last = stepper.last_step
        glowing: list[QGraphicsItem] = []
        if last is not None:
            main, arrows = self._step_targets(last)
            for item in main:
                halos[item] = self._pen(t.highlight, 7.0 if isinstance(item, _Box) else 5.0, alpha=150)
            for arrow in arrows:
                halos[arrow] = self._pen(t.highlight, 9.0, alpha=120)
            glowing = main + arrows
        # the next step: a dashed amber outline, or solid red when it is the step that diverged
        upcoming, _ = self._step_targets(stepper.next_step)
        if stepper.report is not None:
            pen = self._pen(t.backward, 4.0, alpha=200)
        else:
            pen = self._pen(t.highlight, 1.6, Qt.PenStyle.DashLine)
        dashed = [item for item in upcoming if item not in halos]
        for item in self._glowing:
            if item not in halos:
                item.halo.light(False)
        for item in self._dashed:
            if item not in dashed:
                item.next_halo.light(False)
        for item, halo_pen in halos.items():
            item.halo.setPen(halo_pen)
            item.halo.light(True)
        for item in dashed:
            item.next_halo.setPen(pen)
            item.next_halo.light(True)
        self._glowing, self._dashed = glowing, dashed

    def _refresh_caption(self) -> None:
        """The step just done and its equations, flowed into lines between (never inside) equations."""
        stepper = self.stepper
        last, nxt = stepper.last_step, stepper.next_step
        signature = (last, nxt, stepper.learning_rate, self.theme.name)
        if signature == self._caption_signature:
            return  # during Play the caption stays on "Update done": nothing to lay out again
        self._caption_signature = signature
        self._lay_out_caption(last, nxt)
        self._fit_scene()

    def _reserve_caption_room(self) -> None:
        """Room in the scene for the tallest caption of any micro-step, from the start. A caption one line
        taller would otherwise grow the scene and refit the view: a zoom the user sees, and every item
        drawn again at the new scale (a third of an Update's repaint on the 784-input net, measured)."""
        steps = self.stepper.steps
        pairs = [(None, steps[0]), (steps[-1], steps[0]), *itertools.pairwise(steps)]
        self._caption_room = max(self._lay_out_caption(last, nxt) for last, nxt in pairs)
        self._caption_signature = None

    def _lay_out_caption(self, last: MicroStep | None, nxt: MicroStep) -> float:
        """Set the caption's texts for ``last`` done and ``nxt`` next; returns the bottom of its 'Next' line."""
        t, stepper, s = self.theme, self.stepper, self._scale
        net = stepper.net
        if last is None:
            head, equations = "Fresh network", ["W and b are initialised; nothing is computed yet."]
        else:
            head, equations = f"{last.label} done", step_equations(net, last, stepper.learning_rate)
        next_plain = f"Next (Space) ▸ {nxt.label}:  " + "   ".join(step_equations(net, nxt, stepper.learning_rate))
        self._caption_plain = f"{head}:  " + "   ".join(equations) + "\n" + next_plain

        # the head chip: amber like the glowing item
        x0, y0 = MARGIN * s, self._caption_y
        line_h = self._height("caption") + 4 * s
        self._caption_head.setText(head)
        self._caption_head.setBrush(QColor(ON_HIGHLIGHT if last is not None else t.text))
        head_w = self._caption_head.boundingRect().width() + 14 * s
        path = QPainterPath()
        path.addRoundedRect(QRectF(x0, y0, head_w, line_h), 5 * s, 5 * s)
        self._caption_chip.setPath(path)
        self._caption_chip.setBrush(QColor(t.highlight if last is not None else t.box_fill))
        self._caption_chip.setPen(Qt.PenStyle.NoPen)
        self._caption_head.setPos(x0 + 7 * s, y0 + (line_h - self._caption_head.boundingRect().height()) / 2)

        indent = x = x0 + head_w + 12 * s
        right, y = x0 + self._scene_w, y0
        for k, (text_item, shape_item) in enumerate(self._caption_parts):
            visible = k < len(equations)
            text_item.setVisible(visible)
            shape_item.setVisible(visible)
            if not visible:
                continue
            match = SHAPE_AT_END.search(equations[k])
            text, shape = (equations[k][: match.start()], match.group(1)) if match else (equations[k], "")
            text_item.setText(text)
            shape_item.setText(shape)
            text_item.setBrush(QColor(t.text))
            shape_item.setBrush(QColor(t.box_border))
            text_w = text_item.boundingRect().width()
            width = text_w + (6 * s + shape_item.boundingRect().width() if shape else 0)
            if x > indent and x + width > right:
                x, y = indent, y + line_h
            text_y = y + (line_h - text_item.boundingRect().height()) / 2
            text_item.setPos(x, text_y)
            shape_item.setPos(x + text_w + 6 * s, y + (line_h - shape_item.boundingRect().height()) / 2)
            x += width + 22 * s
        metrics = QFontMetricsF(self._next.font())
        self._next.setText(metrics.elidedText(next_plain, Qt.TextElideMode.ElideRight, self._scene_w))
        self._next.setBrush(QColor(t.box_border))
        self._next.setPos(x0, y + line_h + 4 * s)
        return self._next.pos().y() + self._next.boundingRect().height()

    def _refresh_banner(self) -> None:
        report = self.stepper.report
        visible = report is not None
        if visible:
            s = self._scale
            self._banner_text.setPlainText(f"⚠  {report.message}")
            y = self._next.pos().y() + self._next.boundingRect().height() + 10 * s
            text_h = self._banner_text.boundingRect().height()
            rect = QRectF(MARGIN * s, y, self._scene_w, text_h + 12 * s)
            path = QPainterPath()
            path.addRoundedRect(rect, 6 * s, 6 * s)
            self._banner.setPath(path)
            self._banner_text.setPos(rect.x() + 12 * s, rect.y() + 6 * s)
        if visible != self._banner.isVisible():
            self._banner.setVisible(visible)
            self._fit_scene()

    def _fit_scene(self) -> None:
        """The scene rect hugs the diagram (with the banner when it shows); refit the view if it changed."""
        s = self._scale
        bottom = max(self._next.pos().y() + self._next.boundingRect().height(), self._caption_room)
        if self._banner.isVisible():
            bottom = self._banner.path().boundingRect().bottom()
        rect = QRectF(0, 0, self._scene_w + 2 * MARGIN * s, bottom + MARGIN * s)
        if rect != self._scene.sceneRect():
            self._scene.setSceneRect(rect)
            self._fit()

    # ----------------------------------------------------------------- view behaviour
    def _fit(self) -> None:
        self.fitInView(self._scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _key_at(self, pos: QPointF) -> Key | None:
        for item in self.items(pos.toPoint()):
            key = _Keyed.key_of(item)
            if key is not None and key[0] != "Y":
                return key
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            key = self._key_at(event.position())
            if key is not None:
                self._selected_key = key
                self._outline(self._selection, key)
                quantity = "dA" if key[0] == "dA0" else key[0]
                self.selected.emit(quantity, key[1])
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._key_at(event.position()) is not None:
            event.accept()  # the press selected something; the release completes that click
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        key = self._key_at(event.position())
        if key != self._hover_key:
            self._hover_key = key
            self._outline(self._hover, key if key != self._selected_key else None)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover_key = None
        self._outline(self._hover, None)
        super().leaveEvent(event)

    def _outline(self, outline: QGraphicsPathItem, key: Key | None) -> None:
        """Draw ``outline`` around the item that shows ``key`` (hidden for None)."""
        if key is None or key not in self._items:
            outline.setVisible(False)
            return
        item = self._items[key]
        if isinstance(item, _Arrow):
            rect = item.path().boundingRect()
            for label in item.labels:
                rect = rect.united(label.sceneBoundingRect())
        else:
            rect = item.sceneBoundingRect()
        grow = 3 * self._scale
        path = QPainterPath()
        path.addRoundedRect(rect.adjusted(-grow, -grow, grow, grow), 4 * self._scale, 4 * self._scale)
        outline.setPath(path)
        outline.setVisible(True)

