"""The gradient check panel: green rows for a correct backprop, a red row for the planted bug; the check
runs off the window's thread with progress and Cancel."""

import numpy as np
import pytest
from conftest import shown
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from backpropviz.engine.gradcheck import gradient_check
from backpropviz.engine.model import HiddenLayer, ModelSettings
from backpropviz.gui.gradcheck_dialog import FORMULA, PASS_GREEN, GradCheckDialog
from backpropviz.gui.theme import DARK, LIGHT

GREEN, RED = QColor(PASS_GREEN["light"]), QColor(LIGHT.backward)


@pytest.fixture
def dialog(qtbot, controller):
    return shown(qtbot, GradCheckDialog(controller), (380, 600))


def colours(dialog):
    return [dialog.row_colour(row) for row in range(len(dialog.row_texts()))]


def click_run_and_wait(qtbot, dialog, timeout=10_000):
    """Run the check as the user does and wait for its result (it arrives from another thread)."""
    with qtbot.waitSignal(dialog.checked, timeout=timeout) as signal:
        qtbot.mouseClick(dialog._run, Qt.MouseButton.LeftButton)
    return signal.args[0]


def test_before_running_it_explains_the_check_and_is_not_modal(dialog):
    assert not dialog.isModal()
    assert FORMULA == "difference = ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖), ε = 1e-7"
    assert FORMULA in dialog._formula.text() and "Below 1e-7 (green)" in dialog._formula.text()
    assert [row[0] for row in dialog.row_texts()] == ["Overall", "Layer 1  (W1, b1)", "Layer 2  (W2, b2)"]
    assert all(row[2] == "not run" for row in dialog.row_texts())
    assert dialog._bug.currentText() == "None"
    assert dialog._bug_hint.text() == "dW of layer l doubled — the course's classic bug."


def test_the_flower_net_passes_in_green(qtbot, dialog, controller):
    controller.run(10)
    with qtbot.waitSignal(dialog.checked) as signal:
        qtbot.mouseClick(dialog._run, Qt.MouseButton.LeftButton)
    result = signal.args[0]
    assert result.passed and result.failing_layers() == []
    rows = dialog.row_texts()
    assert [row[2] for row in rows] == ["✓ passes"] * 3
    assert rows[0][1] == f"{result.difference:.2e}".replace("-", "−")
    assert rows[2][1] == f"{result.per_layer[2]:.2e}".replace("-", "−")
    assert colours(dialog) == [GREEN] * 3
    assert dialog.summary_text().startswith("✓ Backprop is right")


def test_the_planted_bug_turns_its_layer_red(qtbot, dialog, controller):
    controller.run(10)
    dialog._bug.setCurrentIndex(2)  # "Layer 2: dW2 doubled", as the user picks it
    assert controller.stepper.planted_bug_layer == 2
    click_run_and_wait(qtbot, dialog)
    rows = dialog.row_texts()
    assert [row[2] for row in rows] == ["✗ fails", "✓ passes", "✗ fails"]
    assert colours(dialog) == [RED, GREEN, RED]
    assert dialog.result.failing_layers() == [2]
    assert "Layer 2 fails" in dialog.summary_text() and "planted bug: dW2 is doubled" in dialog.summary_text()
    # removing the bug: the old result is marked out of date, a new run is green again
    dialog._bug.setCurrentIndex(0)
    assert controller.stepper.planted_bug_layer is None
    assert "run it again" in dialog.summary_text()
    assert colours(dialog) == [QColor(LIGHT.muted)] * 3
    click_run_and_wait(qtbot, dialog)
    assert colours(dialog) == [GREEN] * 3


def test_the_bug_choice_follows_the_controller(dialog, controller):
    controller.set_planted_bug(1)
    assert dialog._bug.currentIndex() == 1
    controller.back()  # the planted bug is an undoable event
    assert controller.stepper.planted_bug_layer is None
    assert dialog._bug.currentText() == "None"


def test_a_new_network_gets_one_row_and_one_bug_choice_per_layer(qtbot, dialog, controller):
    click_run_and_wait(qtbot, dialog)
    controller.apply_settings(ModelSettings(hidden=(HiddenLayer(3, "tanh"), HiddenLayer(3, "tanh"))))
    assert len(dialog.row_texts()) == 4 and dialog.result is None
    assert [dialog._bug.itemText(i) for i in range(dialog._bug.count())] == [
        "None", "Layer 1: dW1 doubled", "Layer 2: dW2 doubled", "Layer 3: dW3 doubled",
    ]


def test_vanishing_gradients_are_too_small_to_judge(qtbot, dialog, controller):
    # six tanh layers initialised ×0.01: the early layers' gradients are ~1e-11, below rounding in J
    controller.apply_settings(ModelSettings(hidden=tuple(HiddenLayer(5, "tanh") for _ in range(6))))
    click_run_and_wait(qtbot, dialog)
    verdicts = [row[2] for row in dialog.row_texts()]
    assert verdicts[1] == "too small"
    assert "✗ fails" not in verdicts[1:]
    assert "cannot judge" in dialog.summary_text()


def test_theme_and_scale(qtbot, dialog):
    click_run_and_wait(qtbot, dialog)
    dialog.set_theme(DARK)
    dialog.set_scale(2.0)
    assert dialog._summary.font().pointSizeF() > 18
    assert dialog.row_colour(0) in (QColor(PASS_GREEN["dark"]), QColor(DARK.backward))


# ----------------------------------------------------------------- off the window's thread
# 4 × 100 tanh: a sampled check of 271 entries, long enough to be cancelled halfway
MID_NET = ModelSettings(hidden=tuple(HiddenLayer(100, "tanh") for _ in range(4)), init="xavier")


@pytest.fixture
def every_entry_reported(monkeypatch):
    """Progress for every entry, not every 50 ms: the test sees the bar move however fast the machine is."""
    import backpropviz.gui.background as background

    monkeypatch.setattr(background, "PROGRESS_INTERVAL_SECONDS", 0.0)


def test_the_check_runs_in_the_background_with_the_engines_numbers(qtbot, dialog, controller, every_entry_reported):
    controller.run(10)
    seen = []
    dialog._progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.checked, timeout=10_000) as signal:
        qtbot.mouseClick(dialog._run, Qt.MouseButton.LeftButton)
        # the click returned before the check finished: the window's thread is free meanwhile
        assert dialog.is_running and not dialog._run.isEnabled() and dialog._cancel.isEnabled()
    result = signal.args[0]
    expected = gradient_check(controller.stepper.net, controller.dataset.X, controller.dataset.Y)
    np.testing.assert_array_equal(result.gradapprox, expected.gradapprox)
    np.testing.assert_array_equal(result.grad, expected.grad)
    assert result.difference == expected.difference and result.per_layer == expected.per_layer
    assert not dialog.is_running and dialog._run.isEnabled() and not dialog._cancel.isEnabled()
    total = controller.stepper.net.theta.size
    assert seen[-1] == total and len(seen) >= 3 and seen == sorted(seen)  # the bar moved up to the end
    assert dialog._progress.text() == f"{total} of {total} entries"


def test_cancel_stops_the_check_and_leaves_the_dialog_usable(qtbot, dialog, controller, every_entry_reported):
    controller.apply_settings(MID_NET)
    qtbot.mouseClick(dialog._run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog._progress.value() >= 1)
    with qtbot.waitSignal(dialog.cancelled, timeout=10_000):
        qtbot.mouseClick(dialog._cancel, Qt.MouseButton.LeftButton)
    assert not dialog.is_running and dialog._run.isEnabled() and not dialog._cancel.isEnabled()
    assert dialog.result is None and all(row[2] == "not run" for row in dialog.row_texts())
    assert dialog._progress.text().startswith("Cancelled after ")
    controller.apply_settings(ModelSettings())  # the course's net: a quick check runs to the end again
    result = click_run_and_wait(qtbot, dialog)
    assert result.passed and dialog.result is result


def test_stepping_while_it_runs_checks_the_old_parameters_and_marks_them_stale(qtbot, dialog, controller):
    net = controller.stepper.net
    theta = net.theta.copy()
    expected = gradient_check(net, controller.dataset.X, controller.dataset.Y)
    with qtbot.waitSignal(dialog.checked, timeout=10_000) as signal:
        qtbot.mouseClick(dialog._run, Qt.MouseButton.LeftButton)
        controller.run(5)  # the window trains on while the check works on its copy
    assert not np.array_equal(controller.stepper.net.theta, theta)  # the run did move on
    np.testing.assert_array_equal(signal.args[0].gradapprox, expected.gradapprox)
    assert "run it again" in dialog.summary_text()
    assert colours(dialog) == [QColor(LIGHT.muted)] * len(dialog.row_texts())


def test_the_verdict_never_overlaps_the_table_at_250_percent(qtbot, dialog, controller):
    controller.apply_settings(ModelSettings(hidden=tuple(HiddenLayer(3, "relu") for _ in range(5))))
    dialog.set_planted_bug(3)  # failing rows and the longest verdict text
    dialog.set_scale(2.5)
    click_run_and_wait(qtbot, dialog)
    assert len(dialog.summary_text()) > 100
    for size in ((300, 250), (700, 500), (1400, 1000)):
        dialog.resize(*size)
        qtbot.waitUntil(lambda size=size: dialog.size().width() == size[0])
        summary, table = dialog._summary.geometry(), dialog._table.geometry()
        assert not summary.intersects(table), size
        assert summary.top() >= table.bottom()
        # all of the verdict is laid out (the dialog scrolls instead of squeezing it)
        assert summary.height() >= dialog._summary.heightForWidth(summary.width()), size
        assert dialog.body.height() >= summary.bottom(), size
        assert table.height() >= dialog._table.rowCount() * dialog._table.verticalHeader().defaultSectionSize()
