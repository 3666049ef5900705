"""A label that a new text only repaints: the status bar's line and the inspector's entry equation.

A QLabel lays its text out again for its size hint at every change and asks its parent, and through
it the window, for a new layout: the status line and the inspector's entry, which change at every
micro-step, cost about 5 ms of a micro-step on the 784-input net that way. This label draws a
QStaticText, laid out once per text; on one line it is one font height tall whatever it says, and
wrapped it asks for a new layout only when the text needs another number of lines. Its context menu
copies the text, and its tooltip holds it whole (a QLabel's mouse selection, which this label does
not have, was the way to get the numbers out).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QStaticText,
    QTextDocumentFragment,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QStyle, QStyleOption, QToolTip, QWidget

# room around the text, in pixels (a style sheet's border and padding come on top: set_padding)
MARGIN = 3


class StaticLabel(QWidget):
    """``setText(text)`` shows rich text (``<b>``, ``<span style=…>``) or, with ``rich=False``, plain text
    whose newlines break lines; ``wrap`` breaks long lines at the width the layout gives."""

    def __init__(self, rich: bool = True, wrap: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rich, self._wrap = rich, wrap
        self._text = ""
        self._static = QStaticText()
        self._static.setTextFormat(Qt.TextFormat.RichText)
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
        return QTextDocumentFragment.fromHtml(self._text).toPlainText() if self._rich else self._text

    def set_padding(self, pixels: int) -> None:
        """Room between a style sheet's border and the text."""
        self.setContentsMargins(pixels, pixels, pixels, pixels)

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        if self._rich:
            markup = text
        else:
            markup = "<span style='white-space: pre-wrap'>" + html.escape(text).replace("\n", "<br>") + "</span>"
        self._static.setText(markup)
        if self._wrap:
            height = self._text_height(self.contentsRect().width())
            if height != self._lines_height:
                self._lines_height = height
                self.updateGeometry()  # another number of lines: the layout must make room
        self.update()

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
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        area = self.contentsRect()
        if self._wrap and self._static.textWidth() != max(1, area.width()):
            self._static.setTextWidth(max(1, area.width()))
        top = area.top() + (0 if self._wrap else (area.height() - self._static.size().height()) / 2)
        painter.drawStaticText(QPointF(area.left(), top), self._static)


__all__ = ["StaticLabel"]
