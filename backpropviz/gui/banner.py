"""A dismissible banner above the diagram: what an opened lesson (a preset, a session) is about.

A preset's session carries its explanation — what to do and what the class will see — and the banner
shows it when the session is opened, until the lecturer closes it (✕ or Escape) or opens another run.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from .theme import Theme, scaled_font


class Banner(QFrame):
    """A title in bold, a text, and a close button; hidden until ``show_text``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 6, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this explanation (Esc)")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_text(self, title: str, text: str) -> None:
        """Show ``title`` and ``text`` (plain text; a blank line starts a new paragraph); nothing if both empty."""
        if not (title or text):
            self.hide()
            return
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n") if part.strip())
        self.label.setText(f"<b>{escape(title)}</b>{paragraphs}")
        self.show()

    def text(self) -> str:
        """What the banner says, as plain text."""
        return self.label.text()

    def set_style(self, theme: Theme, scale: float) -> None:
        """Colours of the theme (a tinted panel with the theme's ink) and the presenter scale's font."""
        self.setStyleSheet(
            f"QFrame#lesson_banner {{ background: {theme.panel}; border: 1px solid {theme.class0};"
            f" border-radius: 6px; }} QFrame#lesson_banner QLabel {{ color: {theme.text}; }}"
        )
        self.label.setFont(scaled_font(self.font(), scale))
        self.close_button.setFont(scaled_font(self.font(), scale))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)
