"""The gradient check panel: green rows for a correct backprop, a red row for the planted bug; the check
runs off the window's thread with progress and Cancel."""

import pytest
from conftest import shown
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

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
