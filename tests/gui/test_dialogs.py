"""Dialogs follow the window's theme and presenter scale; dark check boxes stay visible."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QStyleOptionButton

from backpropviz.engine.presets import HIDDEN_LAYER_SWEEP
from backpropviz.gui.gradcheck_dialog import GradCheckDialog
from backpropviz.gui.presenter_dialog import TextDialog
from backpropviz.gui.sweep_dialog import SweepDialog
from backpropviz.gui.theme import DARK, LIGHT, apply_palette


@pytest.fixture
def light_again():
    """The palette and message-box font are the application's: put them back for the next tests."""
    yield
    app = QApplication.instance()
    apply_palette(app, LIGHT)
    app.setFont(app.font(), "QMessageBox")


def distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


def test_a_dark_check_box_shows_its_box(qtbot, window, light_again):
    window.set_theme(DARK)
    check = window.plots.cost.log_check
    window.plots.setCurrentWidget(window.plots.cost)
    # the new palette reaches the widgets by posted events
    qtbot.waitUntil(lambda: check.isVisible() and window.palette().window().color() == QColor(DARK.background))
    option = QStyleOptionButton()
    check.initStyleOption(option)
    box = check.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, check)
    # the window's own pixels (a check box paints no background of its own)
    image = window.grab().toImage()
    origin = check.mapTo(window, QPoint(0, 0))
    background = image.pixelColor(origin + QPoint(box.left() - 2, box.center().y()) if box.left() >= 2
                                  else origin + QPoint(box.center().x(), box.top() - 2))
    outline = max((image.pixelColor(origin + QPoint(x, box.center().y())) for x in range(box.left(), box.left() + 3)),
                  key=lambda c: distance(c, background))
    assert distance(background, QColor(DARK.background)) < 40  # the sample is the dark background
    assert distance(outline, background) > 120, (outline.name(), background.name())


def test_the_gradient_check_and_the_sweep_follow_theme_and_presenter_scale(qtbot, window, light_again):
    window.open_preset(HIDDEN_LAYER_SWEEP)
    sweep = window.findChildren(SweepDialog)[-1]
    qtbot.addWidget(sweep)
    size = sweep.table.font().pointSizeF()
    gradcheck_size = window.gradcheck._intro.font().pointSizeF()
    window.set_theme(DARK)
    for dialog in (window.gradcheck, sweep):
        assert DARK.background in dialog.styleSheet()
    window.toggle_presenter(True)
    assert sweep.table.font().pointSizeF() == pytest.approx(window.scale * size)
    assert window.gradcheck._intro.font().pointSizeF() == pytest.approx(window.scale * gradcheck_size)
    # a sweep opened in presenter mode starts in its scale and theme
    window.open_preset(HIDDEN_LAYER_SWEEP)
    later = window.findChildren(SweepDialog)[-1]
    qtbot.addWidget(later)
    assert later is not sweep and later.table.font().pointSizeF() == pytest.approx(window.scale * size)
    assert DARK.background in later.styleSheet()
    window.toggle_presenter(False)
    assert window.gradcheck._intro.font().pointSizeF() == pytest.approx(gradcheck_size)


def test_help_and_about_follow_the_presenter_scale_and_close_with_ok(qtbot, window, light_again):
    base = QApplication.font().pointSizeF()
    window.set_theme(DARK)
    window.toggle_presenter(True)
    for show in (window.show_help, window.show_about):
        dialog = show()
        qtbot.waitExposed(dialog)
        assert isinstance(dialog, TextDialog) and not dialog.isModal()
        assert dialog.label.font().pointSizeF() == pytest.approx(window.scale * max(base, 9.0))
        assert "presenter mode" in dialog.label.text() and DARK.background in dialog.styleSheet()
        # every line of the keys table is laid out: the dialog is as tall as its text needs
        assert dialog.label.height() >= dialog.label.heightForWidth(dialog.label.width())
        with qtbot.waitSignal(dialog.destroyed):  # OK closes and deletes it
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    window.toggle_presenter(False)


def test_message_boxes_take_the_presenter_scale(qtbot, window, light_again):
    window.toggle_presenter(True)
    box = QMessageBox(QMessageBox.Icon.Question, "Start a new run?", "Applying these settings starts over.",
                      QMessageBox.StandardButton.Cancel, window)
    qtbot.addWidget(box)
    box.ensurePolished()  # a widget takes its class's font when it is polished
    base = max(QApplication.font().pointSizeF(), 9.0)
    assert box.font().pointSizeF() == pytest.approx(window.scale * base)
    window.toggle_presenter(False)
    box = QMessageBox(window)
    qtbot.addWidget(box)
    box.ensurePolished()
    assert box.font().pointSizeF() == pytest.approx(base)


def test_the_gradient_check_is_made_when_first_opened_in_the_windows_theme_and_scale(qtbot, window, light_again):
    assert window.findChildren(GradCheckDialog) == []  # not made with the window: it shows sooner
    plain = GradCheckDialog(window.controller)
    qtbot.addWidget(plain)
    window.set_theme(DARK)
    window.toggle_presenter(True)
    qtbot.mouseClick(window.toolbar.widgetForAction(window.gradcheck_action), Qt.MouseButton.LeftButton)
    (dialog,) = window.findChildren(GradCheckDialog)
    qtbot.waitExposed(dialog)
    assert dialog is window.gradcheck and DARK.background in dialog.styleSheet()
    assert dialog._intro.font().pointSizeF() == pytest.approx(window.scale * plain._intro.font().pointSizeF())
    with qtbot.waitSignal(dialog.checked, timeout=10_000) as signal:
        qtbot.mouseClick(dialog._run, Qt.MouseButton.LeftButton)
    assert signal.args[0].passed
    dialog.close()
    window.toggle_presenter(False)
    qtbot.mouseClick(window.toolbar.widgetForAction(window.gradcheck_action), Qt.MouseButton.LeftButton)
    assert window.findChildren(GradCheckDialog) == [dialog] and dialog.isVisible()  # the same one, its result kept
    assert dialog.result is signal.args[0]
    assert dialog._intro.font().pointSizeF() == pytest.approx(plain._intro.font().pointSizeF())
