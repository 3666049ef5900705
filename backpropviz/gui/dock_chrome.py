"""Presenter mode for the window's own chrome: the docks' title bars ("Inspector", "Plots") and the tabs of
tabbed docks follow the presenter scale, like the views inside the docks (which scale themselves).

A font set on a dock would reach every widget inside it that has no font of its own (the settings form,
the inspector's labels), so the dock gets its title's size from a style sheet instead: Qt does not hand a
style-sheet font down to children. The tab bars of tabbed docks belong to the window, and Qt makes new
ones when docks are tabbed anew (a layout change, a drag); each gets the scaled font as it is polished.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTabBar

from .theme import scaled_font

_NAME = "dock_chrome"


def scale_dock_chrome(window: QMainWindow, scale: float) -> None:
    """The title bars of ``window``'s docks and the tabs of its tabbed docks at ``scale`` × the
    application's font (1: as Qt draws them)."""
    chrome = window.findChild(QObject, _NAME)
    if not isinstance(chrome, DockChrome):
        chrome = DockChrome(window)
    chrome.set_scale(scale)


class DockChrome(QObject):
    """Keeps the dock titles and dock tab bars of ``window`` at one scale (see ``scale_dock_chrome``)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName(_NAME)
        self._window = window
        self.scale = 1.0
        window.installEventFilter(self)

    def set_scale(self, scale: float) -> None:
        self.scale = scale
        font = self._font()
        sheet = "" if font is None else f"QDockWidget {{ font-size: {font.pointSizeF():.2f}pt; }}"
        for dock in self._window.findChildren(QDockWidget):
            dock.setStyleSheet(sheet)
        for bar in self._window.findChildren(QTabBar):
            if bar.parent() is self._window:  # a tab bar of tabbed docks, not one inside a dock
                bar.setFont(font if font is not None else QFont())

    def _font(self) -> QFont | None:
        """The chrome's font at the scale; None at 1 (Qt's own)."""
        return None if self.scale == 1 else scaled_font(QApplication.font(), self.scale)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ChildPolished and self.scale != 1:
            child = event.child()
            if isinstance(child, QTabBar) and child.parent() is self._window:
                child.setFont(self._font())
        return False
