"""The window on the screens classrooms have: the diagram gets the largest share, panels tab instead of
shrinking to slivers, and the toolbar never hides an action in its overflow."""

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget

from backpropviz.gui.window_layout import MIN_PLOT_PX, overflow_shown, size_class

SIZES = [(1024, 768), (1280, 720), (1366, 768), (1440, 900), (1920, 1080)]
CASES = [(w, h, False) for w, h in SIZES] + [(1280, 720, True), (1920, 1080, True), (1024, 768, True)]


def at_size(qtbot, window, width: int, height: int, presenter: bool) -> None:
    """The window as it would be on a screen of that size: full screen in presenter mode, else that big."""
    if presenter:
        window.toggle_presenter(True)
        screen = window.screen().geometry().size()
        qtbot.waitUntil(lambda: window.size() == screen)  # full screen has taken effect
    window.resize(width, height)  # the offscreen screen is 800×600: a full-screen window takes any size
    qtbot.waitUntil(lambda: window.size().width() == width and window.size().height() == height)
    window.follow_size()
    QApplication.processEvents()


def area(widget) -> int:
    return widget.width() * widget.height()


def shown_docks(window) -> list[QDockWidget]:
    return [d for d in window.dock_layout.docks if d.isVisible() and d.widget().isVisible()]


@pytest.mark.parametrize(("width", "height", "presenter"), CASES)
def test_the_diagram_has_the_room_and_nothing_is_a_sliver(qtbot, window, width, height, presenter):
    at_size(qtbot, window, width, height, presenter)
    assert window.dock_layout.arranged_for == size_class(window.size(), presenter)
    assert not overflow_shown(window.toolbar), "an action went into the toolbar's » overflow"
    for action in (window.step_action, window.back_action, window.play_action, window.iteration_action):
        assert window.toolbar.widgetForAction(action).isVisible()
    if window.dock_layout.arranged_for == "presenter_small":
        assert shown_docks(window) == [], "on a small projector the diagram fills the screen"
        window.panels_action.trigger()  # F9: the panels beside it, as the checks below want them
        qtbot.waitUntil(window.inspector.isVisible)
    diagram = window.network_view.viewport()
    docks = shown_docks(window)
    assert docks, "some panel is beside the diagram"
    for dock in docks:
        assert area(diagram) > area(dock.widget()), f"{dock.windowTitle()} is larger than the diagram"
    plots = [window.plots.currentWidget(), window.plots.boundary]
    for plot in plots:
        if plot.isVisible():
            assert plot.graphics.height() >= MIN_PLOT_PX, f"{type(plot).__name__} is {plot.graphics.height()} px"
    table = window.inspector.table
    if table.isVisible():
        assert table.viewport().height() >= table.rowHeight(0), "the inspector's table shows no row"


def test_panels_tab_below_the_roomy_size_and_come_back_beside_it(qtbot, window):
    at_size(qtbot, window, 1280, 720, False)
    assert window.tabifiedDockWidgets(window.inspector_dock) == [window.settings_dock]
    assert window.tabifiedDockWidgets(window.plots_dock) == [window.boundary_dock]
    window.settings_dock.raise_()  # the settings stay one click away
    qtbot.waitUntil(window.settings_panel.isVisible)
    at_size(qtbot, window, 1920, 1080, False)
    assert window.tabifiedDockWidgets(window.inspector_dock) == []
    assert all(dock.isVisible() for dock in window.dock_layout.docks)


def test_a_click_on_the_diagram_brings_back_put_away_panels(qtbot, window):
    at_size(qtbot, window, 1280, 720, True)
    assert not window.inspector_dock.isVisible()
    window.network_view.selected.emit("Z", 1)
    qtbot.waitUntil(window.inspector.isVisible)
    assert window.inspector.quantity == ("Z", 1)
    assert window.panels_action.text() == "Hide panels"


def test_f9_hides_every_panel_and_brings_them_back(qtbot, window):
    at_size(qtbot, window, 1280, 720, False)
    before = window.network_view.viewport().width()
    window.panels_action.trigger()
    assert not any(dock.isVisible() for dock in window.dock_layout.docks)
    qtbot.waitUntil(lambda: window.network_view.viewport().width() > before)
    window.panels_action.trigger()
    qtbot.waitUntil(lambda: window.inspector_dock.isVisible())


def test_clicking_the_diagram_brings_the_inspector_to_the_front(qtbot, window):
    at_size(qtbot, window, 1280, 720, False)
    window.settings_dock.raise_()
    qtbot.waitUntil(window.settings_panel.isVisible)
    window.network_view.selected.emit("dW", 1)
    qtbot.waitUntil(window.inspector.isVisible)
    assert window.inspector.quantity == ("dW", 1)


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1920, 1080)])
def test_settings_feedback_and_apply_stay_in_sight(qtbot, window, width, height):
    at_size(qtbot, window, width, height, False)
    window.settings_dock.raise_()
    panel = window.settings_panel
    qtbot.waitUntil(panel.apply_button.isVisible)
    for _ in range(3):
        panel.add_layer_button.click()  # a longer form than the dock shows: it scrolls, the footer does not
    panel.show_message("learning rate must be a finite number > 0", error=True)
    QApplication.processEvents()
    page = window.settings_dock.widget()
    for widget in (panel.message, panel.apply_button):
        top_left = widget.mapTo(page, widget.rect().topLeft())
        assert widget.isVisible() and top_left.y() >= 0 and top_left.y() + widget.height() <= page.height()
