"""Presenter mode enlarges the docks' title bars and the tabs of tabbed docks, and nothing inside the docks."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar, QWidget

SCALE = 1.75


def dock_tab_bars(window) -> list[QTabBar]:
    """The tab bars of tabbed docks (the window's own, not the plots panel's)."""
    return [bar for bar in window.findChildren(QTabBar) if bar.parent() is window]


def inner_fonts(window) -> dict[int, float]:
    """The point size of every widget inside the docks."""
    docks = window.findChildren(QDockWidget)
    return {id(widget): widget.font().pointSizeF() for dock in docks for widget in dock.widget().findChildren(QWidget)}


def test_presenter_mode_enlarges_dock_titles_and_tabs(qtbot, window) -> None:
    base = QApplication.font().pointSizeF()
    title_h = window.inspector_dock.widget().geometry().top()  # the title bar is above the dock's widget
    inside = inner_fonts(window)
    window.set_presenter_scale(SCALE)
    window.toggle_presenter(True)
    qtbot.waitUntil(lambda: any(bar.isVisible() for bar in dock_tab_bars(window)), timeout=2000)
    docks = window.findChildren(QDockWidget)
    assert all(dock.font().pointSizeF() == pytest.approx(base * SCALE) for dock in docks)
    assert window.inspector_dock.widget().geometry().top() > title_h  # the title bar grew around its text
    bars = dock_tab_bars(window)
    assert bars and all(bar.font().pointSizeF() == pytest.approx(base * SCALE) for bar in bars)
    # the views inside scale themselves (or not): the docks' font reached none of them
    changed = {key for key, size in inner_fonts(window).items() if key in inside and size != inside[key]}
    assert window.settings_panel.font().pointSizeF() == pytest.approx(base)
    assert id(window.inspector._table) in changed  # the inspector's own presenter scale, for contrast
    assert all(size == pytest.approx(base) or key in changed for key, size in inside.items())

    # docks tabbed anew while presenting (a layout change, a drag) get tabs of the same size
    window.dock_layout.arrange("compact")
    qtbot.waitUntil(lambda: len(dock_tab_bars(window)) > len(bars), timeout=2000)
    for bar in dock_tab_bars(window):
        bar.ensurePolished()
    assert all(bar.font().pointSizeF() == pytest.approx(base * SCALE) for bar in dock_tab_bars(window))

    window.toggle_presenter(False)
    assert all(dock.font().pointSizeF() == pytest.approx(base) for dock in docks)
    assert all(bar.font().pointSizeF() == pytest.approx(base) for bar in dock_tab_bars(window))
    assert window.inspector_dock.widget().geometry().top() == title_h
