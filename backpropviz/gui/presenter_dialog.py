"""The base of the app's own dialogs (gradient check, sweep): theme colours, presenter scale, no clipping.

The contents sit in ``self.body`` inside a scroll area: at 250 % on a 1024×768 projector, or in a window
the user made small, the contents scroll instead of being squeezed, so nothing overlaps or is cut off.
``fit_contents`` grows the window to what the contents need (up to the screen) after a change of scale.
The main window finds every open one (``findChildren(PresenterDialog)``) to pass on the theme and scale.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from .theme import Theme, scaled_font


class PresenterDialog(QDialog):
    """A non-modal dialog whose subclass lays out ``self.body`` and implements ``set_theme``/``set_scale``."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.body = QWidget()
        self.body.setObjectName("body")
        self.scroll_area.setWidget(self.body)
        outer.addWidget(self.scroll_area)

    def set_theme(self, theme: Theme) -> None:
        """The dialog's background and label colours; subclasses style the rest and call this first."""
        self.setStyleSheet(
            f"QDialog, QScrollArea, QWidget#body {{ background: {theme.background}; }}"
            f" QLabel {{ color: {theme.text}; }}"
        )

    def set_scale(self, factor: float) -> None:
        raise NotImplementedError

    def stop_work(self) -> None:
        """Stop what a closed dialog must not go on doing in the background (a check, a sweep)."""

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_work()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        """Esc and OK hide a dialog without a close event: stop the work here too."""
        self.stop_work()
        super().done(result)

    def fit_contents(self, refit: bool = False) -> None:
        """Size the window to hold its contents without scrolling, as far as the screen allows: a top-level
        window does not grow by itself when its contents' minimum grows, and the height of wrapped labels
        depends on the width. ``refit`` (a new scale) takes the contents' preferred size, shrinking too;
        otherwise (new contents) the window only grows."""
        layout = self.body.layout()
        layout.activate()
        frame = 2 * self.scroll_area.frameWidth()  # the outer layout has no margins
        width = layout.totalSizeHint().width() if refit else self.width() - frame
        width = max(width, layout.totalMinimumSize().width())
        height = layout.totalMinimumSize().height()
        if layout.hasHeightForWidth():
            height = max(height, layout.totalHeightForWidth(width))
        width, height = width + frame, height + frame
        if not refit:
            height = max(height, self.height())
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            if height > available.height():  # it will scroll: leave room for the scroll bar
                width += self.scroll_area.verticalScrollBar().sizeHint().width()
            width, height = min(width, available.width()), min(height, available.height())
        self.resize(width, height)

    @staticmethod
    def results_table(columns: list[str]) -> QTableWidget:
        """A read-only table of results without grid or scroll bars: it is sized to its rows, and the
        dialog's scroll area, not the table, scrolls."""
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setShowGrid(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    @staticmethod
    def style_table(table: QTableWidget, theme: Theme, scale: float) -> None:
        """The table's colours and its header's font size (a style sheet overrides setFont on sections)."""
        header_size = scaled_font(QGuiApplication.font(), 0.9 * scale).pointSizeF()
        table.setStyleSheet(
            f"QTableWidget {{ background: {theme.panel}; color: {theme.text}; border: 1px solid {theme.grid}; }}"
            "QTableWidget::item { padding: 0px 10px; }"
            f"QHeaderView::section {{ background: {theme.box_fill}; color: {theme.box_border}; border: none;"
            f" border-bottom: 1px solid {theme.grid}; padding: 3px 10px; font-size: {header_size:.1f}pt; }}"
        )


class TextDialog(PresenterDialog):
    """Rich text and an OK button (keyboard help, About): as a message box, but in the presenter's scale
    at a width where a table of keys does not wrap (a QMessageBox caps its text at 500 px)."""

    WIDTH_CHARACTERS = 70

    def __init__(self, parent: QWidget | None, title: str, text: str, theme: Theme, scale: float) -> None:
        super().__init__(parent, title)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(16, 16, 16, 16)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.label)
        # a plain button, not a QDialogButtonBox: the box's cached size would miss the button's new font
        self.ok_button = QPushButton("OK")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        layout.addWidget(self.ok_button, 0, Qt.AlignmentFlag.AlignRight)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.set_theme(theme)
        self.set_scale(scale)

    def set_scale(self, factor: float) -> None:
        font = scaled_font(QGuiApplication.font(), factor)
        for widget in (self.label, self.ok_button):
            widget.setFont(font)
        self.label.setMinimumWidth(self.label.fontMetrics().averageCharWidth() * self.WIDTH_CHARACTERS)
        self.fit_contents(refit=True)
