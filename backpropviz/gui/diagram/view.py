"""NetworkView: the diagram's QGraphicsView. It creates the items from the layout once per architecture,
brings them up to date on every ``controller.changed``, fits them into the window, and turns clicks into
``selected(quantity, layer)``."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPixmap, QResizeEvent, QShowEvent, QTransform
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QStyle,
    QToolTip,
    QWidget,
)

from ...engine.changes import Change
from ...engine.stepper import Stepper
from ..controller import Controller
from ..theme import LIGHT, Theme
from .geometry import LEGIBLE_ZOOM, MARGIN, STRIP_PAD, Fonts
from .items import Arrow, key_of
from .layout import lay_out
from .plan import Key
from .scene_items import DiagramItems
from .styling import Styler


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
        # a scene that does not fit at the legible zoom scrolls (_fit shows the scroll bars it needs)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 160)
        self._selected_key: Key | None = None
        self._hover_key: Key | None = None
        self._ghost = False
        self._overflowing = False  # the scene does not fit at LEGIBLE_ZOOM: it scrolls
        # the header and the caption as drawn over the view's top and bottom while the diagram scrolls
        self._pinned_header: QPixmap | None = None
        self._pinned_caption: QPixmap | None = None
        self._styler = Styler(theme, self._scale)
        controller.rebuilt.connect(self._rebuild)
        controller.changed.connect(self._on_changed)
        self._rebuild()

    # ----------------------------------------------------------------- public API
    def set_theme(self, theme: Theme) -> None:
        """Recolour every item (no rebuild)."""
        if theme == self.theme:
            return  # coloured in it already (the window sets its theme at start)
        self.theme = theme
        self._styler.theme = theme.for_projector() if self._scale > 1 else theme
        self._apply_theme()
        self._refresh()

    def set_scale(self, factor: float) -> None:
        """Presenter mode: fonts and line widths × factor (the layout grows around the bigger text), and
        above 1 the projector's darker muted ink for what is not computed yet."""
        factor = float(min(max(factor, 0.5), 3.0))
        if factor != self._scale:
            self._scale = self._styler.scale = factor
            self._styler.theme = self.theme.for_projector() if factor > 1 else self.theme
            self._rebuild()

    def on_screen_text_px(self) -> dict[str, float]:
        """The smallest on-screen size in pixels (font pixel size × the view's zoom) of the box titles
        ("title"), the equations under the diagram ("caption") and the shape labels ("shape")."""
        zoom = self.transform().m11()
        return {role: min(item.font().pixelSize() for item in texts) * zoom
                for role, texts in self._diagram.texts_by_role().items()}

    def caption_rect(self) -> QRect:
        """Where the caption is on the viewport: in its place under the diagram, or pinned to the bottom
        while the diagram scrolls."""
        pinned = self._pinned_rect(self._caption_on_viewport(), top=False)
        return pinned if pinned is not None else self._caption_on_viewport().toRect()

    def header_rect(self) -> QRect:
        """Where the header (the iteration, the micro-step chips, α and m) is on the viewport: in its place
        above the diagram, or pinned to the top while the diagram scrolls."""
        pinned = self._pinned_rect(self._header_on_viewport(), top=True)
        return pinned if pinned is not None else self._header_on_viewport().toRect()

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
            return self._diagram.items[(quantity, layer)]
        except KeyError:
            raise KeyError(f"no item shows {quantity}{layer}") from None

    def highlighted_item(self) -> QGraphicsItem | None:
        """The main item of the micro-step just done (a box, gradient panel, cost box or W1), or None."""
        return self._diagram.glowing[0] if self._diagram.glowing else None

    def highlighted_items(self) -> list[QGraphicsItem]:
        """Every item glowing for the micro-step just done (its box and the arrow it produced)."""
        return list(self._diagram.glowing)

    def next_items(self) -> list[QGraphicsItem]:
        """The items with the dashed 'next' outline (what Space will compute)."""
        return list(self._diagram.dashed)

    def is_greyed(self, quantity: str, layer: int) -> bool:
        """Whether the diagram shows ``quantity`` of ``layer`` as not computed yet in this iteration."""
        return bool(getattr(self.item_for(quantity, layer), "greyed", False))

    def caption_text(self) -> str:
        """The caption: the step just done with its equations, then the next step."""
        return self._diagram.caption.plain

    def banner_text(self) -> str | None:
        """The divergence message while the banner shows, else None."""
        return self._diagram.caption.banner_message()

    def boxes(self) -> list[QGraphicsItem]:
        """The forward boxes, left to right: X, Layer 1 … Layer L, Output."""
        return [self._diagram.items[("box", i)] for i in range(self._diagram.L + 2)]

    # ----------------------------------------------------------------- building (once per architecture)
    @property
    def stepper(self) -> Stepper:
        return self.controller.stepper

    def _rebuild(self) -> None:
        """Create every item for the current architecture and lay them out."""
        self._scene.clear()
        self._ghost = False  # a new network's buffers hold nothing worth showing yet
        stepper = self.stepper
        net = stepper.net
        fonts = Fonts(self.font(), self._scale)
        layout = lay_out(list(net.layer_dims), list(net.activation_names), net.m,
                         [step.label for step in stepper.steps], fonts)
        self._diagram = diagram = DiagramItems(self._scene, layout, stepper, fonts, self._styler)
        self._selection, self._hover, self._hover_key = diagram.selection, diagram.hover, None
        # what tests look at: the unit circles, the caption's (equation, shape) texts, the banner, the header
        self._units, self._caption_parts, self._banner = diagram.units, diagram.caption.parts, diagram.caption.banner
        self._header = diagram.header
        self._apply_theme()
        diagram.caption.reserve_room(stepper, self.theme)
        self._refresh()
        if self._selected_key not in diagram.items:
            self._selected_key = None
        self._outline(self._selection, self._selected_key)

    def _apply_theme(self) -> None:
        t = self.theme
        self.setBackgroundBrush(QColor(t.background))
        self._scene.setBackgroundBrush(QColor(t.background))
        self._diagram.apply_theme(self._styler.theme)
        self._pinned_header = self._pinned_caption = None

    # ----------------------------------------------------------------- updating (every changed signal)
    def _on_changed(self, kind: Change) -> None:
        # Right after whole iterations (Play, Iteration) the buffers hold the iteration just finished;
        # greyed quantities then show it faintly. After anything else (a step back, a jump, an edit, a
        # new network) the buffers may hold anything, so greyed stays empty.
        s = self.stepper
        self._ghost = (
            kind in (Change.RUN, Change.ITERATION) and s.position == 0 and s.iteration > 0 and s.report is None
            and s.caches_current
        )
        # Anything but whole iterations restyles items all over the diagram: one repaint of the whole view
        # (its items repaint from their caches) is faster than clipping each to a hundred small dirty
        # rects (an Update of the 784-input net: 7 ms against 11, measured). A frame of Play changes
        # the heatmaps and unit colours only.
        self.setViewportUpdateMode(
            QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate if kind == Change.RUN
            else QGraphicsView.ViewportUpdateMode.FullViewportUpdate
        )
        self._refresh()

    def _refresh(self) -> None:
        """Bring every item up to date with the stepper: heatmaps, greying, highlights, texts."""
        if self.stepper is not self._diagram.stepper:
            self._rebuild()  # a new stepper without a rebuilt signal: the items would read the old one
            return
        header, caption = self._diagram.refresh(self._ghost)
        if header:
            self._pinned_header = None
            pinned = self._pinned_rect(self._header_on_viewport(), top=True)
            if pinned is not None:
                self.viewport().update(pinned)  # the pinned header is no item: nothing else marks it dirty
        if caption:
            self._pinned_caption = None
            self._fit_scene()
            if self._overflowing:
                self.viewport().update()  # nor is the pinned caption
        self._keep_in_view()

    def _scene_rect(self) -> QRectF:
        """The header, the diagram and its caption (and the banner when it shows), and a margin. A header
        on more lines than one reaches above y = 0 and a header wider than the diagram left of x = 0."""
        diagram = self._diagram
        top = diagram.header.rect.top() - MARGIN
        return QRectF(diagram.content_left - MARGIN, top, diagram.content_w + 2 * MARGIN,
                      diagram.caption.bottom() + MARGIN - top)

    def _fit_scene(self) -> None:
        """The scene rect hugs the diagram; refit the view if it changed."""
        rect = self._scene_rect()
        if rect != self._scene.sceneRect():
            self._scene.setSceneRect(rect)
            self._fit()

    # ----------------------------------------------------------------- view behaviour
    def _fit(self) -> None:
        """Zoom the scene to fill the view, but never below LEGIBLE_ZOOM: a scene that does not fit at that
        zoom scrolls instead, its header and caption flow into the view's width and stay in view
        (drawForeground). The header takes more lines whenever the view is narrower than its one."""
        if self._diagram.flow_header(self._visible_width()):
            self._pinned_header = None
            self._scene.setSceneRect(self._scene_rect())
        rect = self._scene.sceneRect()
        if rect.isEmpty():
            return
        area = self.contentsRect().size()  # the viewport without scroll bars (there is no frame)
        margins = 4  # fitInView keeps 2 px on each side
        fit = min((area.width() - margins) / rect.width(), (area.height() - margins) / rect.height())
        self._overflowing = fit < LEGIBLE_ZOOM
        if self._overflowing:
            self.setTransform(QTransform.fromScale(LEGIBLE_ZOOM, LEGIBLE_ZOOM))
        else:
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self._wrap_caption() and not self._overflowing:
            self._fit()  # the caption got its lines back: the scene is shorter
            return
        self._show_scroll_bars()
        self._pinned_header = self._pinned_caption = None
        self._keep_in_view()

    def _show_scroll_bars(self) -> None:
        """The scroll bars that the scene needs at the zoom (Qt's 'as needed' could keep a bar with nothing
        to scroll after the scene shrank while the view was not shown yet)."""
        area, rect = self.contentsRect().size(), self.viewportTransform().mapRect(self._scene.sceneRect())
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        wide = rect.width() > area.width()
        tall = rect.height() > area.height() - (extent if wide else 0)
        wide = wide or (tall and rect.width() > area.width() - extent)
        on, off = Qt.ScrollBarPolicy.ScrollBarAlwaysOn, Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        self.setHorizontalScrollBarPolicy(on if wide else off)
        self.setVerticalScrollBarPolicy(on if tall else off)

    def _visible_width(self) -> float:
        """How much of the scene's width the view shows at LEGIBLE_ZOOM beside a vertical scroll bar, less
        the margins: what the header and the caption flow into while the scene scrolls."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return (self.contentsRect().size().width() - bar) / LEGIBLE_ZOOM - 2 * MARGIN

    def _wrap_caption(self) -> bool:
        """The caption spans the header and the diagram; while the scene scrolls its lines end at the view's
        right edge (else at the scene's). True when that changed them."""
        diagram, caption = self._diagram, self._diagram.caption
        width = diagram.content_w
        if self._overflowing:
            width = min(width, max(self._visible_width(), 200 * self._scale))
        if (diagram.content_left, width) == (caption.left, caption.width):
            return False
        caption.set_span(diagram.content_left, width)
        caption.reserve_room(self.stepper, self._styler.theme)
        diagram.refresh_caption()
        self._scene.setSceneRect(self._scene_rect())
        return True

    def _header_band(self) -> QRectF:
        """The scene's strip that holds the header, from the scene's left to the header's end."""
        diagram = self._diagram
        return diagram.header.band(diagram.content_left - MARGIN, diagram.header.rect.width() + 2 * MARGIN)

    def _caption_band(self) -> QRectF:
        """The scene's strip that holds the caption, from the scene's left to its lines' end."""
        diagram = self._diagram
        return diagram.caption.band(diagram.content_left - MARGIN, diagram.caption.width + 2 * MARGIN)

    def _header_on_viewport(self) -> QRectF:
        return self.viewportTransform().mapRect(self._header_band())

    def _caption_on_viewport(self) -> QRectF:
        return self.viewportTransform().mapRect(self._caption_band())

    def _pinned_rect(self, natural: QRectF, top: bool) -> QRect | None:
        """Where a strip whose place on the viewport is ``natural`` (the header's, ``top``, or the caption's)
        is drawn over the diagram while the view is scrolled so that its place is not wholly in view: at the
        viewport's top or bottom (at its own height when only scrolled sideways), from its own left or the
        viewport's, to the viewport's right; else None."""
        if not self._overflowing:
            return None
        height, viewport = math.ceil(natural.height()), self.viewport().rect()
        if natural.left() >= 0 and (natural.top() >= 0 if top else natural.bottom() <= viewport.height()):
            return None
        x = max(math.floor(natural.left()), 0)  # a scene narrower than the view is centred in it
        y = max(math.floor(natural.top()), 0) if top else min(math.floor(natural.top()), viewport.height() - height)
        return QRect(x, y, viewport.width() - x, height)

    def _pinned_strips(self) -> list[QRect]:
        """The viewport's rects that the pinned header and caption cover."""
        strips = (self._pinned_rect(self._header_on_viewport(), top=True),
                  self._pinned_rect(self._caption_on_viewport(), top=False))
        return [strip for strip in strips if strip is not None]

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        header = self._pinned_rect(self._header_on_viewport(), top=True)
        if header is not None:
            if self._pinned_header is None or self._pinned_header.size() != header.size():
                self._pinned_header = self._strip_pixmap(self._header_band(), header)
            self._draw_on_viewport(painter, header, self._pinned_header)
        caption = self._pinned_rect(self._caption_on_viewport(), top=False)
        if caption is not None:
            if self._pinned_caption is None or self._pinned_caption.size() != caption.size():
                self._pinned_caption = self._strip_pixmap(self._caption_band(), caption)
            self._draw_on_viewport(painter, caption, self._pinned_caption)

    def _strip_pixmap(self, band: QRectF, target: QRect) -> QPixmap:
        """The scene's ``band`` as the scene draws it, from its left, as big as ``target`` on the viewport.
        Its margins above and below stay blank: a glow of the diagram may reach into them, and would be
        drawn where the diagram is not scrolled to."""
        zoom, pad = self.transform().m11(), STRIP_PAD
        inner = QRectF(QPointF(0, pad * zoom), QSizeF(target.width(), target.height() - 2 * pad * zoom))
        source = QRectF(band.left(), band.top() + pad, inner.width() / zoom, inner.height() / zoom)
        pixmap = QPixmap(target.size())
        pixmap.fill(QColor(self.theme.background))
        pixmap_painter = QPainter(pixmap)
        pixmap_painter.setRenderHints(self.renderHints())
        self._scene.render(pixmap_painter, inner, source, Qt.AspectRatioMode.IgnoreAspectRatio)
        pixmap_painter.end()
        return pixmap

    @staticmethod
    def _draw_on_viewport(painter: QPainter, target: QRect, pixmap: QPixmap) -> None:
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(target.topLeft(), pixmap)
        painter.restore()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self._overflowing:
            self.viewport().update()  # the pinned header and caption do not move with the scrolled pixels

    def _keep_in_view(self) -> None:
        """While the scene scrolls: scroll so that what the micro-step just done filled and what the next
        one fills are in view: between the header pinned to the top and the caption pinned to the bottom
        when the view scrolls up and down."""
        if not self._overflowing:
            return
        glowing, dashed = self._diagram.glowing, self._diagram.dashed
        area = QRectF(self.viewport().rect())
        bar = self.verticalScrollBar()
        if bar.maximum() > bar.minimum():  # the scene may start above y = 0 (a header on two lines)
            area.setTop(area.top() + self._header_on_viewport().height())
            area.setBottom(area.bottom() - self._caption_on_viewport().height())
        for items in (glowing + dashed, glowing, glowing[:1], dashed[:1]):
            if not items:
                continue
            rect = self._outline_rect(items[0])
            for item in items[1:]:
                rect = rect.united(self._outline_rect(item))
            mapped = QRectF(self.mapFromScene(rect).boundingRect())
            if mapped.width() <= area.width() and mapped.height() <= area.height():
                self._scroll_into(mapped, area)
                return

    def _scroll_into(self, rect: QRectF, area: QRectF) -> None:
        """Scroll by the least that brings ``rect`` into ``area`` (viewport coordinates), with a margin."""
        for bar, low, high, first, last in (
            (self.horizontalScrollBar(), rect.left(), rect.right(), area.left(), area.right()),
            (self.verticalScrollBar(), rect.top(), rect.bottom(), area.top(), area.bottom()),
        ):
            margin = min(8.0, (last - first - (high - low)) / 2)
            if low < first + margin:
                bar.setValue(bar.value() + math.floor(low - first - margin))
            elif high > last - margin:
                bar.setValue(bar.value() + math.ceil(high - last + margin))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _key_at(self, pos: QPointF) -> Key | None:
        if self._on_pinned_strip(pos.toPoint()):
            return None  # the header or caption drawn over the diagram hides what is under it (no hover either)
        for item in self.items(pos.toPoint()):
            key = key_of(item)
            if key is not None and key[0] != "Y":
                return key
        return None

    def _on_pinned_strip(self, pos: QPoint) -> bool:
        return any(strip.contains(pos) for strip in self._pinned_strips())

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._on_pinned_strip(event.pos()):
            QToolTip.hideText()  # not the tooltip of an item hidden under a pinned strip
            event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._on_pinned_strip(event.position().toPoint()):
            event.accept()  # the header or caption drawn over the diagram hides what is under it
            return
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
        if self._on_pinned_strip(event.position().toPoint()):
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton and self._key_at(event.position()) is not None:
            event.accept()  # the press selected something; the release completes that click
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        key = self._key_at(event.position())
        if key != self._hover_key:
            self._hover_key = key
            self._outline(self._hover, key if key != self._selected_key else None)
        if self._on_pinned_strip(event.position().toPoint()):
            # no pointing hand from an item under the strip (the scene sets the items' cursors)
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover_key = None
        self._outline(self._hover, None)
        super().leaveEvent(event)

    def _outline(self, outline: QGraphicsPathItem, key: Key | None) -> None:
        """Draw ``outline`` around the item that shows ``key`` (hidden for None)."""
        if key is None or key not in self._diagram.items:
            outline.setVisible(False)
            return
        rect = self._outline_rect(self._diagram.items[key])
        grow = 3 * self._scale
        path = QPainterPath()
        path.addRoundedRect(rect.adjusted(-grow, -grow, grow, grow), 4 * self._scale, 4 * self._scale)
        outline.setPath(path)
        outline.setVisible(True)

    @staticmethod
    def _outline_rect(item: QGraphicsItem) -> QRectF:
        """What an outline goes around: the item, and an arrow's labels with it."""
        if isinstance(item, Arrow):
            rect = item.path().boundingRect()
            for label in item.labels:
                rect = rect.united(label.sceneBoundingRect())
            return rect
        return item.sceneBoundingRect()
