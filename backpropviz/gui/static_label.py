"""A label that a new text only repaints: the status bar's line and the inspector's entry equation.

A QLabel lays its text out again for its size hint at every change and asks its parent, and through
it the window, for a new layout: the status line and the inspector's entry, which change at every
micro-step, cost about 5 ms of a micro-step on the 784-input net that way. This label lays out nothing
around it: on one line it is one font height tall whatever it says, and wrapped it asks for a new
layout only when the text needs another number of lines. Its context menu copies the text, and its
tooltip holds it whole (a QLabel's mouse selection, which this label does not have, was the way to
get the numbers out).

Plain text is a plain QStaticText, laid out once per text. Rich text (one line) is a row of runs, one plain
QStaticText each, kept from text to text: a new status line lays out only the numbers that changed,
where a rich QStaticText laid the whole line out through a text document again (~0.6 ms a frame).
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QStaticText,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QStyle, QStyleOption, QToolTip, QWidget

# room around the text, in pixels (a style sheet's border and padding come on top: set_padding)
MARGIN = 3

LINE_SEPARATOR = "\u2028"  # a plain QStaticText draws a newline as a space

# the markup of a rich line: bold and coloured spans, nested as they like
TAG = re.compile(r"<(/?)(b|span)(?: style='color: ?([^';]+);?')?>")

Run = tuple[str, bool, str | None]  # (text, bold, colour or None for the palette's)


def parse_runs(markup: str) -> list[Run]:
    """The runs of ``markup`` (``<b>…</b>``, ``<span style='color:…'>…</span>``, HTML entities)."""
    runs: list[Run] = []
    bold, colours, position = 0, [], 0

    def add(end: int) -> None:
        raw = markup[position:end]
        if "<" in raw:
            raise ValueError(f"markup this label does not draw: {markup!r}")
        if raw:
            runs.append((html.unescape(raw), bold > 0, colours[-1] if colours else None))

    for tag in TAG.finditer(markup):
        add(tag.start())
        closing, name, colour = tag.groups()
        if name == "b":
            bold += -1 if closing else 1
        elif closing:
            colours.pop()
        else:
            colours.append(colour)
        position = tag.end()
    add(len(markup))
    return runs


class StaticLabel(QWidget):
    """``setText(text)`` shows one line of rich text (``<b>``, ``<span style='color:…'>``) or, with
    ``rich=False``, plain text whose newlines break lines; ``wrap`` breaks long plain lines at the width
    the layout gives."""

    def __init__(self, rich: bool = True, wrap: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # first: a Qt object left half-made by an exception crashes at exit
        if rich and wrap:
            raise ValueError("rich text is drawn on one line")
        self._rich, self._wrap = rich, wrap
        self._text = ""
        self._runs: list[tuple[QStaticText, bool, QColor | None]] = []
        self._pieces: dict[tuple[str, bool], QStaticText] = {}  # the current line's runs, laid out
        self._static = QStaticText()
        self._static.setTextFormat(Qt.TextFormat.PlainText)  # 3× faster to lay out than the same as markup
        self._static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap if wrap else QTextOption.WrapMode.NoWrap)
        self._static.setTextOption(option)
        self._lines_height = -1.0  # the text's height at the current width, when wrapped
        policy = QSizePolicy(QSizePolicy.Policy.Preferred if wrap else QSizePolicy.Policy.Ignored,
                             QSizePolicy.Policy.Minimum if wrap else QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(wrap)
        self.setSizePolicy(policy)
        self.setContentsMargins(MARGIN, 0, MARGIN, 0)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy", self)
        copy.triggered.connect(lambda: QApplication.clipboard().setText(self.plain_text()))
        self.addAction(copy)

    def text(self) -> str:
        return self._text

    def plain_text(self) -> str:
        """The text without its markup, as the label reads."""
        return "".join(text for text, _, _ in parse_runs(self._text)) if self._rich else self._text

    def set_padding(self, pixels: int) -> None:
        """Room between a style sheet's border and the text."""
        self.setContentsMargins(pixels, pixels, pixels, pixels)

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        if self._rich:
            self._lay_out_runs(text)  # first: markup it cannot draw leaves the label as it was
            self._text = text
            self.update()
            return
        self._text = text
        self._static.setText(text.replace("\n", LINE_SEPARATOR))
        if self._wrap:
            height = self._text_height(self.contentsRect().width())
            if height != self._lines_height:
                self._lines_height = height
                self.updateGeometry()  # another number of lines: the layout must make room
        self.update()

    def _lay_out_runs(self, markup: str) -> None:
        """One plain QStaticText per run of ``markup``, the current line's kept: only a changed run is laid out."""
        fonts = {False: self.font(), True: QFont(self.font())}
        fonts[True].setBold(True)
        pieces, runs = {}, []
        for text, bold, colour in parse_runs(markup):
            piece = self._pieces.get((text, bold), pieces.get((text, bold)))
            if piece is None:
                piece = QStaticText(text)
                piece.setTextFormat(Qt.TextFormat.PlainText)
                piece.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
                piece.prepare(QTransform(), fonts[bold])
            pieces[(text, bold)] = piece
            runs.append((piece, bold, None if colour is None else QColor(colour)))
        self._pieces, self._runs = pieces, runs

    def _text_height(self, width: int) -> float:
        """The wrapped text's height at ``width``; the drawn text is laid out at the label's own width."""
        static = self._static if width == self.contentsRect().width() else QStaticText(self._static)
        static.setTextWidth(max(1, width))
        static.prepare(QTransform(), self.font())
        return static.size().height()

    def hasHeightForWidth(self) -> bool:
        return self._wrap

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = width - margins.left() - margins.right()
        height = self._text_height(inner) if self._text else self.fontMetrics().height()
        return round(height) + margins.top() + margins.bottom() + 2

    def sizeHint(self) -> QSize:
        width = 40 * self.fontMetrics().averageCharWidth()
        return QSize(width, self.heightForWidth(width) if self._wrap else self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(0, self.fontMetrics().height() + 2 + margins.top() + margins.bottom())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._text:
            # the whole text, for a line cut off by a narrow window; made when asked, not at every step
            QToolTip.showText(event.globalPos(), self.plain_text(), self)
            return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._static.setText(self._static.text())  # laid out anew in the new font
            self._pieces = {}
            self._lay_out_runs(self._text)
            self._lines_height = -1.0
            self.updateGeometry()  # a new height
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._wrap:
            self._lines_height = self._text_height(self.contentsRect().width())
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)  # a style sheet's box
        ink = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(ink)
        area = self.contentsRect()
        if self._rich:
            self._paint_runs(painter, ink)
            return
        if self._wrap and self._static.textWidth() != max(1, area.width()):
            self._static.setTextWidth(max(1, area.width()))
        top = area.top() + (0 if self._wrap else (area.height() - self._static.size().height()) / 2)
        painter.drawStaticText(QPointF(area.left(), top), self._static)

    def _paint_runs(self, painter: QPainter, ink: QColor) -> None:
        area = self.contentsRect()
        bold = QFont(self.font())
        bold.setBold(True)
        x, top = float(area.left()), area.top() + (area.height() - self.fontMetrics().height()) / 2
        for piece, is_bold, colour in self._runs:
            if x >= area.right():
                break  # cut off by a narrow window (the tooltip holds the whole line)
            painter.setFont(bold if is_bold else self.font())
            painter.setPen(colour or ink)
            painter.drawStaticText(QPointF(x, top), piece)
            x += piece.size().width()


__all__ = ["StaticLabel"]
