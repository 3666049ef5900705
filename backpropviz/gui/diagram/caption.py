"""The caption under the diagram: the micro-step just done with its equations, the next one, and the red
divergence banner."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainterPath
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
)

from ...engine.equations import step_equations
from ..theme import Theme
from .geometry import LINE_GAP, STRIP_PAD, Fonts
from .items import text_item
from .layout import TextPlace
from .styling import ON_HIGHLIGHT

if TYPE_CHECKING:
    from ...engine.network import Network
    from ...engine.stepper import Stepper
    from ...engine.steps import MicroStep

# "dW2 = 1/m dZ2 A1ᵀ  (1×4)": the shape at the end of an equation, drawn in a quieter colour
SHAPE_AT_END = re.compile(r"\s+(\(\d+×\d+\))$")
# at most four equations per micro-step (a backward step)
MOST_EQUATIONS = 4


class Caption:
    """The caption's items in ``scene``, from ``origin`` (its top-left) over ``width``."""

    def __init__(self, scene: QGraphicsScene, fonts: Fonts, origin: QPointF, width: float) -> None:
        self._fonts, self._origin, self._width = fonts, origin, width
        s = fonts.scale

        def text(role: str, parent: QGraphicsPathItem | None = None) -> QGraphicsSimpleTextItem:
            item = text_item(parent, TextPlace("", role, QPointF()), fonts)
            if parent is None:
                scene.addItem(item)
            return item

        self.chip = QGraphicsPathItem()
        scene.addItem(self.chip)
        self.head = text("caption", self.chip)
        font = self.head.font()
        font.setBold(True)
        self.head.setFont(font)
        # each equation is one text plus its shape
        self.parts = [(text("caption"), text("next")) for _ in range(MOST_EQUATIONS)]
        self.next = text("next")
        self.banner = QGraphicsPathItem()
        self.banner.setZValue(5)
        self.banner.setVisible(False)
        scene.addItem(self.banner)
        self.banner_text = QGraphicsTextItem(self.banner)
        self.banner_text.setFont(fonts.font("banner"))
        self.banner_text.setTextWidth(width - 24 * s)
        self.plain = ""  # the caption as plain text: the step just done with its equations, then the next
        self._signature: tuple | None = None
        self.room = 0.0  # see reserve_room

    def items(self) -> list[QGraphicsItem]:
        """Every item of the caption."""
        texts = [text for part in self.parts for text in part]
        return [self.chip, self.head, *texts, self.next, self.banner, self.banner_text]

    @property
    def left(self) -> float:
        """Where the caption's lines start."""
        return self._origin.x()

    @property
    def width(self) -> float:
        """How wide the caption's lines may run (the 'Next' line is elided there)."""
        return self._width

    def set_span(self, left: float, width: float) -> None:
        """Flow the lines into ``width`` from ``left`` from the next ``refresh`` on (call ``reserve_room``
        again)."""
        self._origin = QPointF(left, self._origin.y())
        self._width = width
        self.banner_text.setTextWidth(width - 24 * self._fonts.scale)
        self._signature = None

    def band(self, left: float, width: float) -> QRectF:
        """The scene's strip that holds the caption as it is now (the banner too), from ``left`` over
        ``width``, with a margin above and below; nothing else is drawn there."""
        top = self._origin.y() - STRIP_PAD
        shown = self.banner if self.banner.isVisible() else self.next
        return QRectF(left, top, width, shown.sceneBoundingRect().bottom() + STRIP_PAD - top)

    def apply_theme(self, theme: Theme) -> None:
        self.next.setBrush(QColor(theme.box_border))
        self.banner.setBrush(QColor(theme.backward))
        self.banner.setPen(Qt.PenStyle.NoPen)
        self.banner_text.setDefaultTextColor(QColor("#ffffff"))

    def refresh(self, stepper: Stepper, theme: Theme) -> bool:
        """Show the step just done and the next; False when they are what the caption shows already."""
        last, nxt = stepper.last_step, stepper.next_step
        signature = (last, nxt, stepper.learning_rate, theme.name)
        if signature == self._signature:
            return False  # during Play the caption stays on "Update done": nothing to lay out again
        self._signature = signature
        self.lay_out(stepper.net, stepper.learning_rate, theme, last, nxt)
        return True

    def reserve_room(self, stepper: Stepper, theme: Theme) -> None:
        """Room in the scene for the tallest caption of any micro-step, from the start. A caption one line
        taller would otherwise grow the scene and refit the view: a zoom the user sees, and every item
        drawn again at the new scale (a third of an Update's repaint on the 784-input net, measured)."""
        steps = stepper.steps
        pairs = [(None, steps[0]), (steps[-1], steps[0]), *itertools.pairwise(steps)]
        self.room = max(self.lay_out(stepper.net, stepper.learning_rate, theme, last, nxt) for last, nxt in pairs)
        self._signature = None

    def lay_out(self, net: Network, learning_rate: float, theme: Theme, last: MicroStep | None,
                nxt: MicroStep) -> float:
        """Set the texts for ``last`` done and ``nxt`` next, flowed into lines between (never inside)
        equations; returns the bottom of the 'Next' line."""
        if last is None:
            head, equations = "Fresh network", ["W and b are initialised; nothing is computed yet."]
        else:
            head, equations = f"{last.label} done", step_equations(net, last, learning_rate)
        # a presenter steps with a clicker: the key's name would take the room of the next equations
        key = "" if self._fonts.scale > 1 else " (Space)"
        next_plain = f"Next{key} ▸ {nxt.label}:  " + "   ".join(step_equations(net, nxt, learning_rate))
        self.plain = f"{head}:  " + "   ".join(equations) + "\n" + next_plain
        y = self._lay_out_equations(head, equations, last is not None, theme)
        metrics = QFontMetricsF(self.next.font())
        self.next.setText(metrics.elidedText(next_plain, Qt.TextElideMode.ElideRight, self._width))
        self.next.setBrush(QColor(theme.box_border))
        self.next.setPos(self._origin.x(), y + self._line_h + LINE_GAP)
        return self.next.pos().y() + self.next.boundingRect().height()

    @property
    def _line_h(self) -> float:
        return self._fonts.height("caption") + LINE_GAP

    def _lay_out_equations(self, head: str, equations: list[str], done: bool, theme: Theme) -> float:
        """The head chip (amber like the glowing item) and the equations after it; returns the last line's y."""
        s, line_h = self._fonts.scale, self._line_h
        x0, y0 = self._origin.x(), self._origin.y()
        self.head.setText(head)
        self.head.setBrush(QColor(ON_HIGHLIGHT if done else theme.text))
        head_w = self.head.boundingRect().width() + 14 * s
        path = QPainterPath()
        path.addRoundedRect(QRectF(x0, y0, head_w, line_h), 5 * s, 5 * s)
        self.chip.setPath(path)
        self.chip.setBrush(QColor(theme.highlight if done else theme.box_fill))
        self.chip.setPen(Qt.PenStyle.NoPen)
        self.head.setPos(x0 + 7 * s, y0 + (line_h - self.head.boundingRect().height()) / 2)

        indent = x = x0 + head_w + 12
        right, y = x0 + self._width, y0
        for k, (equation, shape_item) in enumerate(self.parts):
            visible = k < len(equations)
            equation.setVisible(visible)
            shape_item.setVisible(visible)
            if not visible:
                continue
            match = SHAPE_AT_END.search(equations[k])
            text, shape = (equations[k][: match.start()], match.group(1)) if match else (equations[k], "")
            equation.setText(text)
            shape_item.setText(shape)
            equation.setBrush(QColor(theme.text))
            shape_item.setBrush(QColor(theme.box_border))
            text_w = equation.boundingRect().width()
            width = text_w + (6 * s + shape_item.boundingRect().width() if shape else 0)
            if x > indent and x + width > right:
                x, y = indent, y + line_h
            equation.setPos(x, y + (line_h - equation.boundingRect().height()) / 2)
            shape_item.setPos(x + text_w + 6 * s, y + (line_h - shape_item.boundingRect().height()) / 2)
            x += width + 22
        return y

    def show_banner(self, message: str | None) -> bool:
        """The red banner under the caption with ``message`` (None hides it); True when it appeared or went."""
        visible = message is not None
        if visible:
            s = self._fonts.scale
            self.banner_text.setPlainText(f"⚠  {message}")
            y = self.next.pos().y() + self.next.boundingRect().height() + 10 * s
            text_h = self.banner_text.boundingRect().height()
            rect = QRectF(self._origin.x(), y, self._width, text_h + 12 * s)
            path = QPainterPath()
            path.addRoundedRect(rect, 6 * s, 6 * s)
            self.banner.setPath(path)
            self.banner_text.setPos(rect.x() + 12 * s, rect.y() + 6 * s)
        changed = visible != self.banner.isVisible()
        self.banner.setVisible(visible)
        return changed

    def banner_message(self) -> str | None:
        """The banner's text while it shows, else None."""
        return self.banner_text.toPlainText() if self.banner.isVisible() else None

    def bottom(self) -> float:
        """Where the caption ends: the room reserved for the tallest one, or the banner's bottom."""
        if self.banner.isVisible():
            return self.banner.path().boundingRect().bottom()
        return max(self.next.pos().y() + self.next.boundingRect().height(), self.room)
