"""NetworkView: the diagram's QGraphicsView. It creates the items from the layout once per architecture,
brings them up to date on every ``controller.changed``, fits them into the window, and turns clicks into
``selected(quantity, layer)``."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from ...engine.stepper import Stepper
from ..controller import Controller
from ..theme import LIGHT, Theme
from .geometry import MARGIN, Fonts
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
        self._styler = Styler(theme, self._scale)
        controller.rebuilt.connect(self._rebuild)
        controller.changed.connect(self._on_changed)
        self._rebuild()

    # ----------------------------------------------------------------- public API
    def set_theme(self, theme: Theme) -> None:
        """Recolour every item (no rebuild)."""
        self.theme = self._styler.theme = theme
        self._apply_theme()
        self._refresh()

    def set_scale(self, factor: float) -> None:
        """Presenter mode: fonts and line widths × factor (the layout grows around the bigger text)."""
        factor = float(min(max(factor, 0.5), 3.0))
        if factor != self._scale:
            self._scale = self._styler.scale = factor
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
        # what tests look at: the unit circles, the caption's (equation, shape) texts and the banner
        self._units, self._caption_parts, self._banner = diagram.units, diagram.caption.parts, diagram.caption.banner
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
        self._diagram.apply_theme(t)

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
        if self.stepper is not self._diagram.stepper:
            self._rebuild()  # a new stepper without a rebuilt signal: the items would read the old one
            return
        if self._diagram.refresh(self._ghost):
            self._fit_scene()

    def _fit_scene(self) -> None:
        """The scene rect hugs the diagram (with the banner when it shows); refit the view if it changed."""
        s = self._scale
        rect = QRectF(0, 0, self._diagram.scene_w + 2 * MARGIN * s, self._diagram.caption.bottom() + MARGIN * s)
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
            key = key_of(item)
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
        if key is None or key not in self._diagram.items:
            outline.setVisible(False)
            return
        item = self._diagram.items[key]
        if isinstance(item, Arrow):
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
