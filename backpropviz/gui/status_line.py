"""The status bar's line: one line of rich text that a new text only repaints.

A QLabel with rich text lays the text out again for its size hint at every change and asks the status
bar, and through it the window, for a new layout: about 3 ms of each micro-step on the 784-input net.
This line is one font height tall whatever it says, takes the width the bar gives it, and draws a
QStaticText, laid out once per text. Its context menu copies the text (a label's mouse selection,
which this line does not have, was the way to get the numbers out).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import QAction, QPainter, QPaintEvent, QPalette, QStaticText, QTextDocumentFragment, QTextOption
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

# room left and right of the text, in pixels
MARGIN = 3


class StatusLine(QWidget):
    """``setText(html)`` shows one line of rich text (``<b>``, ``<span style=…>``); ``text()`` returns it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._static = QStaticText()
        self._static.setTextFormat(Qt.TextFormat.RichText)
        self._static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
        one_line = QTextOption()
        one_line.setWrapMode(QTextOption.WrapMode.NoWrap)  # rich text would wrap at a guessed width
        self._static.setTextOption(one_line)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy", self)
        copy.triggered.connect(lambda: QApplication.clipboard().setText(self.plain_text()))
        self.addAction(copy)

    def text(self) -> str:
        return self._text

    def plain_text(self) -> str:
        """The text without its markup, as the line reads."""
        return QTextDocumentFragment.fromHtml(self._text).toPlainText()

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._static.setText(text)
            self.setToolTip(self.plain_text())  # a line cut off by a narrow window can still be read
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(40 * self.fontMetrics().averageCharWidth(), self.minimumSizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height() + 2)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._static.setText(self._text)  # laid out anew in the new font at the next paint
            self.updateGeometry()  # a new height
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        top = (self.height() - self._static.size().height()) / 2
        painter.drawStaticText(QPointF(MARGIN, top), self._static)


__all__ = ["StatusLine"]
