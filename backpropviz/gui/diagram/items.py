"""The diagram's scene items: panels, thumbnails, arrows, unit circles, and how their looks change cheaply.

Each item is created once per architecture from its place in the ``Layout`` and restyled in place. A new
pen, brush or ink throws an item's cached picture away, and a micro-step restyles dozens of items; so
looks and inks are twin items toggled by opacity (``Looks``, ``InkLabel``), and glows are halos lit by
opacity (``Halo``). What a click selects is the item's key (``set_key``/``key_of``).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from .geometry import Fonts, unit_grid
from .heatmaps import heatmap_rgb, rgb_pixmap, sample_matrix
from .layout import ArrowPlace, ChipPlace, ColumnPlace, PanelPlace, TextPlace, ThumbPlace
from .plan import Key

# After whole iterations (Play) the greyed quantities show the last iteration's values this faintly.
GHOST_OPACITY = 0.35
LOOKS_Z = -10.0  # a look's twin lies under every child of its item (a pill sits at −1), over the halos


def set_key(item: QGraphicsItem, key: Key | None) -> None:
    """Remember in ``item``'s data(0) the (quantity, layer) a click on it selects; children inherit it."""
    if key is not None:
        item.setData(0, f"{key[0]}:{key[1]}")


def key_of(item: QGraphicsItem | None) -> Key | None:
    """The key of ``item`` or of its nearest ancestor that has one."""
    while item is not None:
        data = item.data(0)
        if isinstance(data, str) and ":" in data:
            quantity, layer = data.split(":")
            return quantity, int(layer)
        item = item.parentItem()
    return None


def text_item(parent: QGraphicsItem | None, place: TextPlace, fonts: Fonts,
              kind: type[QGraphicsSimpleTextItem] = QGraphicsSimpleTextItem) -> QGraphicsSimpleTextItem:
    """A text item of ``kind`` for ``place``, a child of ``parent``."""
    item = kind(place.text, parent)
    item.setFont(fonts.font(place.role))
    item.setPos(place.pos)
    return item


class Looks:
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


class Halo(QGraphicsPathItem):
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


class InkLabel(QGraphicsSimpleTextItem):
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


class Box(QGraphicsPathItem):
    """A rounded panel (a layer, X, Output, a gradient panel, the cost, a header chip) with a halo."""

    def __init__(self, rect: QRectF, radius: float, key: Key | None) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, radius, radius)
        super().__init__(path)
        self.rect = rect
        set_key(self, key)
        halo = QPainterPath()
        grow = 4.0
        halo.addRoundedRect(rect.adjusted(-grow, -grow, grow, grow), radius + grow, radius + grow)
        self.halo, self.next_halo = Halo(self, halo), Halo(self, halo)
        self.looks = Looks(self)
        self.greyed = False  # not computed yet in this iteration
        self.thumbnails: list[Thumbnail] = []


class ColumnBox(Box):
    """An upper box (X, Layer l, Output): title, unit circles or their count, thumbnails, and a footer
    (m, the activation in a pill, or the accuracy)."""

    def __init__(self, place: ColumnPlace, radius: float, fonts: Fonts) -> None:
        super().__init__(place.rect, radius, place.key)
        self.title = text_item(self, place.title, fonts)
        self.units_label = text_item(self, place.units_label, fonts) if place.units_label is not None else None
        self.units = Units(self, place.units_rect, place.units) if place.units else None
        self.thumbnails = [Thumbnail(self, thumb, fonts) for thumb in place.thumbs]
        self.footer = text_item(self, place.footer, fonts)
        self.pill: QGraphicsPathItem | None = None
        if place.pill is not None:  # the activation: Z goes in, A = g(Z) comes out
            path = QPainterPath()
            radius = place.pill.height() / 2
            path.addRoundedRect(place.pill, radius, radius)
            self.pill = QGraphicsPathItem(path, self)
            self.pill.setZValue(-1)


class ValueText(QGraphicsSimpleTextItem):
    """A number that may not be computed yet (the cost J)."""

    def __init__(self, text: str, parent: QGraphicsItem) -> None:
        super().__init__(text, parent)
        self.greyed = True


class PanelBox(Box):
    """A lower box: dA0 under X, a layer's gradients, or the cost J (title, value, note) under Output."""

    def __init__(self, place: PanelPlace, radius: float, fonts: Fonts) -> None:
        super().__init__(place.rect, radius, place.key)
        self.thumbnails = [Thumbnail(self, thumb, fonts) for thumb in place.thumbs]
        self.title = text_item(self, place.title, fonts) if place.title is not None else None
        self.value: ValueText | None = None
        self.note: QGraphicsSimpleTextItem | None = None
        if place.value is not None and place.note is not None:
            self.value = text_item(self, place.value, fonts, ValueText)
            set_key(self.value, place.key)
            self.note = text_item(self, place.note, fonts)


class Chip(Box):
    """A micro-step's chip in the header strip."""

    def __init__(self, place: ChipPlace, backward: bool, fonts: Fonts) -> None:
        super().__init__(place.rect, place.rect.height() / 2, None)
        self.backward = backward  # its label is in the backward red
        self.text = text_item(self, place.text, fonts)


class Thumbnail(QGraphicsPathItem):
    """A live heatmap of one matrix: a frame, the pixmap, and its name and shape underneath."""

    def __init__(self, parent: QGraphicsItem, place: ThumbPlace, fonts: Fonts) -> None:
        rect = place.rect
        path = QPainterPath()
        path.addRect(rect)
        super().__init__(path, parent)
        self.rect = rect
        self.key: Key = place.spec.key if place.spec.key is not None else ("Y", 0)
        set_key(self, place.spec.key)
        self.pixmap_item = QGraphicsPixmapItem(self)
        self.pixmap_item.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.pixmap_item.setPos(rect.topLeft())
        self.pixmap_item.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self._pixel_size = (0, 0)
        halo = QPainterPath()
        halo.addRoundedRect(rect.adjusted(-3, -3, 3, 3), 3, 3)
        self.halo, self.next_halo = Halo(self, halo), Halo(self, halo)
        self.labels: list[InkLabel] = [text_item(self, place.name, fonts, InkLabel)]
        if place.shape is not None:
            self.labels.append(text_item(self, place.shape, fonts, InkLabel))
        self.greyed = False
        self.gradient = place.spec.gradient  # label colour: backward red for dZ, dW, db, dA0
        self.style_state: tuple | None = None
        self.looks = Looks(self)
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


class Arrow(QGraphicsPathItem):
    """A straight arrow with a filled head, its quantity's name above and shape below; easy to click."""

    def __init__(self, place: ArrowPlace, fonts: Fonts) -> None:
        start, end, head = place.start, place.end, place.head
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
        set_key(self, place.key)
        stroker = QPainterPathStroker()
        stroker.setWidth(max(14.0, head * 1.6))
        self._hit = stroker.createStroke(path)
        self.halo, self.next_halo = Halo(self, path), Halo(self, path)
        self.looks = Looks(self)
        self.setZValue(1)
        self.labels: list[InkLabel] = [text_item(self, text, fonts, InkLabel)
                                       for text in (place.label, place.shape) if text is not None]
        self.greyed = False

    def shape(self) -> QPainterPath:  # a thick invisible band: a 1.5 px line is too hard to hit
        return self._hit

    def boundingRect(self) -> QRectF:
        return super().boundingRect().united(self._hit.boundingRect())


class Units(QGraphicsItem):
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
