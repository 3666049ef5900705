"""The main window as a user drives it: keys, toolbar buttons, status bar, timeline, settings, screenshots."""

import numpy as np
import pytest
from conftest import EventCounter, load_csv_into
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolButton, QToolTip

from backpropviz.engine.network import Network


def press(qtbot, window, key, times=1):
    for _ in range(times):
        qtbot.keyClick(window, key)


def button_for(window, action) -> QToolButton:
    button = window.toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton)
    return button


def test_space_walks_two_whole_iterations_in_order(qtbot, window):
    s = window.controller.stepper
    labels = []
    for _ in range(2 * len(s.steps)):
        press(qtbot, window, Qt.Key.Key_Space)
        labels.append(s.last_step.label)
    assert labels == ["F1", "F2", "Cost", "B2", "B1", "Update"] * 2
    assert (s.iteration, s.position) == (2, 0)
    assert "Iteration <b>2</b>" in window.status.text()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen tooltip window
def test_the_status_line_shows_each_step_without_a_new_layout_and_copies_its_text(qtbot, window):
    bar = window.statusBar()
    requests = EventCounter(QEvent.Type.LayoutRequest, bar)
    before = window.status.grab().toImage()
    press(qtbot, window, Qt.Key.Key_Space, 3)
    QApplication.processEvents()
    assert "last step <b>Cost</b>" in window.status.text()
    assert window.status.grab().toImage() != before  # the new text was painted
    assert requests.count == 0  # a new text repaints the line only: the bar (and the window) lay out nothing
    assert window.status.height() >= window.status.fontMetrics().height()
    copy = window.status.actions()[0]
    copy.trigger()
    copied = QApplication.clipboard().text()
    assert copied.startswith("Iteration 0 · last step Cost, next B2 · J = ") and "<b>" not in copied
    tip = QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5), window.status.mapToGlobal(QPoint(5, 5)))
    QApplication.sendEvent(window.status, tip)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == copied)  # the whole line, if cut off


@pytest.mark.parametrize("key", [Qt.Key.Key_Right, Qt.Key.Key_PageDown])
def test_clicker_keys_step_forward(qtbot, window, key):
    press(qtbot, window, key, 3)
    assert window.controller.stepper.last_step.label == "Cost"


def test_left_and_page_up_go_back(qtbot, window):
    press(qtbot, window, Qt.Key.Key_Space, 4)
    press(qtbot, window, Qt.Key.Key_Left)
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert window.controller.stepper.last_step.label == "F2"


def test_enter_finishes_the_iteration_and_r_resets(qtbot, window):
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_Return)
    s = window.controller.stepper
    assert (s.iteration, s.position) == (1, 0)
    W1 = s.value("W", 1).copy()
    press(qtbot, window, Qt.Key.Key_R)
    assert (s.iteration, s.position) == (0, 0)
    assert not np.array_equal(W1, s.value("W", 1))


def test_b_goes_to_the_cost_then_backward(qtbot, window):
    press(qtbot, window, Qt.Key.Key_B)
    assert window.controller.stepper.last_step.label == "Cost"
    press(qtbot, window, Qt.Key.Key_B)
    assert window.controller.stepper.last_step.label == "B2"


def test_toolbar_buttons_step(qtbot, window):
    qtbot.mouseClick(button_for(window, window.step_action), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button_for(window, window.step_action), Qt.MouseButton.LeftButton)
    assert window.controller.stepper.last_step.label == "F2"
    qtbot.mouseClick(button_for(window, window.back_action), Qt.MouseButton.LeftButton)
    assert window.controller.stepper.last_step.label == "F1"
    qtbot.mouseClick(button_for(window, window.iteration_action), Qt.MouseButton.LeftButton)
    assert window.controller.stepper.iteration == 1


def test_play_then_pause_with_p(qtbot, window):
    press(qtbot, window, Qt.Key.Key_P)
    assert window.controller.playing and window.play_action.text() == "Pause"
    qtbot.waitUntil(lambda: window.controller.stepper.iteration > 300, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_P)
    assert not window.controller.playing and window.play_action.text() == "Play"
    stopped = window.controller.stepper.iteration
    qtbot.wait(50)  # a few timer periods: nothing more may run
    assert window.controller.stepper.iteration == stopped
    assert window.timeline.value() == stopped and window.timeline.maximum() == stopped


def test_play_2000_iterations_and_the_cost_falls(qtbot, window):
    window.controller.play()
    qtbot.waitUntil(lambda: window.controller.stepper.iteration >= 2000, timeout=30_000)
    window.controller.pause()
    cost = window.controller.stepper.series("cost")
    assert cost[-1] < 0.5 * cost[0]


def test_timeline_scrubs_to_a_past_iteration_exactly(qtbot, window):
    window.controller.run(50)
    window.timeline.setValue(20)
    s = window.controller.stepper
    assert s.iteration == 20
    X, Y = window.controller.dataset.X, window.controller.dataset.Y
    net = Network([2, 4, 1], "tanh", seed=3)
    net.bind(X, Y)
    net.train(20, 1.2)
    assert s.net.theta.tobytes() == net.theta.tobytes()
    assert window.timeline_label.text() == "20 / 50"
    label = window.timeline_label
    font = label.font()
    font.setPointSizeF(3 * font.pointSizeF())
    label.setFont(font)  # wider digits than its fixed width holds: the next step grows it to fit them
    window.controller.step_forward()
    assert label.width() >= label.sizeHint().width() > 90


def test_status_bar_shows_cost_and_accuracy(qtbot, window):
    press(qtbot, window, Qt.Key.Key_Space, 3)
    text = window.status.text()
    assert "J = <b>0.693162</b>" in text
    assert "next <b>B2</b>" in text


def test_divergence_is_reported_and_stepping_stops(qtbot, window):
    window.settings_panel.learning_rate.setText("1000")
    window.settings_panel.apply_learning_rate()
    window.controller.run(1000)
    assert window.controller.report is not None
    assert "diverged" in window.status.text()
    assert not window.step_action.isEnabled()
    assert "Training diverged" in window.statusBar().currentMessage()


def test_settings_apply_builds_the_new_architecture_after_confirming(qtbot, window):
    panel = window.settings_panel
    window.controller.run(10)
    answers = []
    panel.confirm = lambda parent: answers.append("asked") or False
    panel.add_layer_button.click()
    assert not panel.apply()  # declined: nothing changes
    assert window.controller.stepper.net.layer_dims == [2, 4, 1] and answers == ["asked"]
    panel.confirm = lambda parent: True
    assert panel.apply()
    assert window.controller.stepper.net.layer_dims == [2, 4, 4, 1]
    assert window.controller.stepper.iteration == 0


def test_bad_learning_rate_is_refused_with_a_message(qtbot, window):
    panel = window.settings_panel
    panel.learning_rate.setText("fast")
    assert not panel.apply()
    assert "not a number" in panel.message.text()
    assert window.controller.stepper.learning_rate == 1.2


def test_learning_rate_change_is_an_undoable_event(qtbot, window):
    panel = window.settings_panel
    panel.learning_rate.setText("0.5")
    panel.apply_learning_rate()
    assert window.controller.stepper.learning_rate == 0.5
    press(qtbot, window, Qt.Key.Key_Left)
    assert window.controller.stepper.learning_rate == 1.2
    assert panel.learning_rate.text() == "1.2"


def test_csv_load_error_keeps_the_current_data(qtbot, window, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0\n1,abc,1\n")
    assert not load_csv_into(qtbot, window.settings_panel, bad)
    assert "line 3" in window.settings_panel.message.text()
    assert window.controller.dataset.name == "flower"


def test_csv_load_then_apply_trains_on_it(qtbot, window, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("a;b;c;label\n" + "".join(f"{i};{i % 3};{-i};{'yes' if i > 9 else 'no'}\n" for i in range(20)))
    panel = window.settings_panel
    assert load_csv_into(qtbot, panel, good)
    assert panel.apply()
    assert window.controller.stepper.net.layer_dims[0] == 3
    assert window.controller.dataset.label_names == ("no", "yes")


def test_presenter_mode_scales_fonts_and_lines(qtbot, window, tmp_path):
    normal_size = window.status.font().pointSizeF()
    cost_label = window.network_view.item_for("J", 0)
    normal_label = cost_label.font().pointSizeF()
    window.toggle_presenter(True)
    assert window.scale > 1 and not window.settings_dock.isVisible()
    assert window.status.font().pointSizeF() >= 1.5 * normal_size
    assert window.network_view.item_for("J", 0).font().pointSizeF() >= 1.5 * normal_label
    assert window.grab().save(str(tmp_path / "presenter.png"))
    assert (tmp_path / "presenter.png").stat().st_size > 10_000
    label = window.timeline_label  # a fixed size (no relayout at each step) that follows the font
    assert label.minimumSize() == label.maximumSize()
    assert label.height() >= label.sizeHint().height() and label.width() >= label.sizeHint().width()
    window.toggle_presenter(False)
    assert window.scale == 1 and window.settings_dock.isVisible()
    assert label.height() == label.sizeHint().height()


def test_dark_theme(qtbot, window):
    from backpropviz.gui.theme import DARK

    window.controller.run(300)  # a cost range of 0.05…0.7: restyling once scaled the axis ×1000
    QApplication.processEvents()  # let the plot take its new range
    window.set_theme(DARK)
    assert window.theme is DARK
    assert window.plots.cost.plot.getAxis("left").autoSIPrefixScale == 1.0
    assert QApplication.palette().window().color().lightness() < 60


def test_screenshots_at_three_stages_are_not_blank(qtbot, window, tmp_path):
    def shot(name):
        path = tmp_path / f"{name}.png"
        assert window.grab().save(str(path))
        image = window.grab().toImage()
        pixels = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
        assert len(pixels) > 20, name
        return path

    shot("fresh")
    press(qtbot, window, Qt.Key.Key_Space, 4)
    shot("mid_backward")
    window.controller.run(500)
    assert shot("after_500").stat().st_size > 10_000


def test_enter_in_the_learning_rate_field_applies_alpha_and_never_finishes_the_iteration(qtbot, window):
    s = window.controller.stepper
    press(qtbot, window, Qt.Key.Key_Space, 2)
    field = window.settings_panel.learning_rate
    window.settings_dock.raise_()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.selectAll()
    qtbot.keyClicks(field, "0.5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert s.learning_rate == 0.5
    assert (s.iteration, s.position) == (0, 2)  # Enter applied α; it did not finish the iteration
    assert field.text() == "0.5"
    s.back()  # the α event undone: the field shows the α the run uses again
    assert s.learning_rate == 1.2 and field.text() == "1.2"
    window.network_view.setFocus()
    qtbot.waitUntil(window.network_view.hasFocus)
    press(qtbot, window, Qt.Key.Key_Return)  # elsewhere Enter still finishes the iteration
    assert (s.iteration, s.position) == (1, 0)


def test_enter_in_a_settings_field_applies_the_settings(qtbot, window):
    panel = window.settings_panel
    window.settings_dock.raise_()
    panel.seed.setFocus()
    qtbot.waitUntil(panel.seed.hasFocus)
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "7")
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert window.controller.settings.seed == 7
    assert (window.controller.stepper.iteration, window.controller.stepper.position) == (0, 0)


def test_a_preset_shows_its_explanation_and_plays_at_its_pace(qtbot, window):
    from backpropviz.engine.presets import LARGE_LEARNING_RATE, WEEK3_FLOWER, preset

    assert not window.banner.isVisible()
    assert window.open_preset(LARGE_LEARNING_RATE)
    qtbot.waitUntil(window.banner.isVisible)
    assert preset(LARGE_LEARNING_RATE).title in window.banner.text() and "overshoots" in window.banner.text()
    assert window.speed.currentText() == "3 iterations/s"
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not window.banner.isVisible()
    assert window.open_preset(WEEK3_FLOWER)
    qtbot.waitUntil(window.banner.isVisible)
    assert window.speed.currentText() == "Maximum"
    window.banner.close_button.click()
    assert not window.banner.isVisible()


def test_after_a_divergence_play_is_off_and_says_why(qtbot, window):
    window.controller.set_learning_rate(1000.0)
    window.controller.run(50)
    assert window.controller.report is not None
    assert not window.play_action.isEnabled()
    assert "diverged" in window.play_action.toolTip() and "step back" in window.play_action.toolTip()
    press(qtbot, window, Qt.Key.Key_Left)
    assert window.play_action.isEnabled()


def test_an_event_that_drops_trained_iterations_says_so(qtbot, window):
    window.controller.run(20)
    window.controller.goto_iteration(5)
    window.controller.set_learning_rate(0.3)
    assert "Back restores them" in window.statusBar().currentMessage()


def test_the_status_line_and_the_diagram_show_the_same_accuracy_and_its_iteration(qtbot, window):
    import re

    window.controller.run(30)
    s = window.controller.stepper
    footer = window.network_view.item_for("box", s.L + 1).footer
    for _ in range(len(s.steps)):
        press(qtbot, window, Qt.Key.Key_Space)
        status = re.search(r"train accuracy ([\d.]+) %( \(it\. (\d+)\))?", window.status.text())
        diagram = re.search(r"accuracy ([\d.]+)%( \(it\. (\d+)\))?", footer.text())
        assert status and diagram
        assert status.group(1) == diagram.group(1) and status.group(3) == diagram.group(3)
        expected_iteration = None if s.is_filled("A", s.L) else str(s.iteration - 1)
        assert status.group(3) == expected_iteration, (s.position, status.group(0))


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen, for the popup
def test_the_presets_menu_is_filled_when_first_opened(window, qtbot):
    from backpropviz.engine.presets import PRESETS

    menu = window.presets_menu
    assert menu.actions() == []  # not needed to show the window
    bar = window.menuBar()
    for _ in range(2):  # filled once
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu.menuAction()).center())
        qtbot.waitUntil(menu.isVisible)
        menu.close()
    assert [action.text() for action in menu.actions()] == [preset.title for preset in PRESETS]


def test_stored_points_and_parameters_say_where_they_come_from_and_show_m(qtbot, window):
    from backpropviz.engine.presets import COURSE_L_MODEL_FORWARD

    panel = window.settings_panel
    window.settings_dock.raise_()
    assert panel.samples.isVisible() and not panel.stored_source.isVisible()
    assert panel.examples.text() == "m = 400 for training"
    assert panel.init.currentData() == "scaled_normal" and panel.seed.isVisible()
    assert window.open_preset(COURSE_L_MODEL_FORWARD)  # stored points and stored parameters
    qtbot.waitUntil(lambda: panel.stored_source.isVisible())
    assert not panel.samples.isVisible() and not panel.noise.isVisible() and not panel.data_seed.isVisible()
    assert "from file or session" in panel.stored_source.text()
    assert panel.examples.text().startswith(f"m = {window.controller.dataset.m} for training")
    assert panel.init.currentText() == "stored in the session" and not panel.seed.isVisible()
    assert not panel.apply()  # a scheme must be chosen first: nothing changes
    assert "choose an initialisation" in panel.message.text()
    panel.init.setCurrentIndex(panel.init.findData("he"))
    assert panel.seed.isVisible() and panel.apply()
    assert window.controller.stepper.initialised_by_scheme and panel.init.findData("stored") < 0
