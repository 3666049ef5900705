"""The inspector as a student uses it: what it shows for a quantity, paging, selecting, editing W and b."""

import numpy as np
import pytest
from conftest import EventCounter, shown
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from backpropviz.engine.equations import entry_equation, format_value
from backpropviz.engine.model import HiddenLayer, ModelSettings
from backpropviz.gui.inspector import (
    PAGE_COLUMNS,
    Inspector,
    MatrixModel,
    ValueRole,
    parse_number,
    quantity_axes,
    width_signature,
)
from backpropviz.gui.plots.base import nice_ceiling
from backpropviz.gui.theme import DARK, DIVERGING_LUT, lut_position, symmetric_level


@pytest.fixture
def inspector(qtbot, controller):
    return shown(qtbot, Inspector(controller), (380, 600))


def lut_colour(value, level):
    """The diverging map's colour of a finite ``value`` on [−level, level]."""
    return QColor(*DIVERGING_LUT[lut_position(float(value), level)].tolist())


def step_to(controller, label):
    while controller.stepper.last_step is None or controller.stepper.last_step.label != label:
        controller.step_forward()


def shown_matrix(inspector, role=ValueRole):
    """What the table shows on its current page, row by row."""
    model = inspector.model
    return [[model.data(model.index(i, j), role) for j in range(model.columnCount())] for i in range(model.rowCount())]


def column_headers(inspector):
    model = inspector.model
    return [model.headerData(j, Qt.Orientation.Horizontal) for j in range(model.columnCount())]


def cell_centre(inspector, i, j):
    return inspector.table.visualRect(inspector.model.index(i, j)).center()


def select_entry(inspector, i, j):
    """Select through the table's selection model, as keyboard navigation does."""
    selection = inspector.table.selectionModel()
    index = inspector.model.index(i, j - inspector.model.offset)
    selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)


def test_w1_numbers_equal_the_steppers_array(inspector, controller):
    W1 = controller.stepper.value("W", 1)
    assert inspector.quantity == ("W", 1)
    assert inspector._title.text() == "W1 — weights of layer 1"
    assert inspector.shape_text == "shape (4×2)"
    assert inspector.equation_text == "W1 := W1 − α dW1"
    assert "W1 := W1 − α dW1" in inspector._formula.text() and "shape&nbsp;(4×2)" in inspector._formula.text()
    assert np.array_equal(np.array(shown_matrix(inspector)), W1)
    assert shown_matrix(inspector, Qt.ItemDataRole.DisplayRole)[2][1] == format_value(W1[2, 1])
    # cells are coloured on the same symmetric scale as the heatmap: a round number just above max |W1|
    level = nice_ceiling(symmetric_level(W1))
    assert 0.25 * level < np.abs(W1).max() <= level
    brush = inspector.model.data(inspector.model.index(1, 1), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == lut_colour(W1[1, 1], level)
    # headers name units and inputs; the heatmap holds the whole matrix with levels symmetric about 0
    assert column_headers(inspector) == ["x0", "x1"]
    assert inspector.model.headerData(3, Qt.Orientation.Vertical) == "unit 3"
    np.testing.assert_array_equal(inspector._image.image, W1.astype(np.float32))
    assert inspector._image.getLevels() == pytest.approx((-level, level))
    assert not inspector._pager.isVisible()


def test_dW2_after_B2_equals_the_steppers_array_and_a_click_shows_its_live_equation(qtbot, inspector, controller):
    inspector.show_quantity("dW", 2)
    step_to(controller, "B2")
    dW2 = controller.stepper.value("dW", 2)
    assert inspector._title.text() == "dW2 — gradient of the cost w.r.t. W2"
    assert inspector.equation_text == "dW2 = 1/m dZ2 A1ᵀ"
    assert np.array_equal(np.array(shown_matrix(inspector)), dW2)
    assert column_headers(inspector) == ["unit 0", "unit 1", "unit 2", "unit 3"]
    selected = []
    inspector.entrySelected.connect(lambda *args: selected.append(args))
    qtbot.mouseClick(inspector.table.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(inspector, 0, 1))
    assert inspector.selected_entry == (0, 1)
    assert selected == [("dW", 2, 0, 1)]
    text = inspector.entry_text()
    assert text == entry_equation(controller.stepper, "dW", 2, 0, 1)
    assert text.startswith("dW2[0,1] = 1/m · Σ_j dZ2[0,j] · A1[1,j] = 1/400 · (")
    assert text.endswith(f" = {format_value(dW2[0, 1])}")
    # the selected entry is framed on the heatmap
    assert inspector._entry_frame.rect().topLeft().toTuple() == (1.0, 0.0)


def test_the_entry_equation_follows_the_steps(inspector, controller):
    inspector.show_quantity("Z", 1)
    controller.step_forward()  # F1
    select_entry(inspector, 2, 5)
    before = inspector.entry_text()
    assert before.startswith("Z1[2,5] = Σ_k W1[2,k] A0[k,5] + b1[2] = (")
    assert before.endswith(format_value(controller.stepper.value("Z", 1)[2, 5]))
    controller.run(5)
    controller.step_forward()
    after = inspector.entry_text()
    assert after != before
    assert after.endswith(format_value(controller.stepper.value("Z", 1)[2, 5]))
    assert shown_matrix(inspector)[2][5] == controller.stepper.value("Z", 1)[2, 5]


def test_Z1_is_paged_twelve_examples_at_a_time(qtbot, inspector, controller):
    controller.step_forward()  # F1 computes Z1 (4×400)
    inspector.show_quantity("Z", 1)
    Z1 = controller.stepper.value("Z", 1)
    assert inspector._pager.isVisible()
    assert inspector._page_label.text() == "examples 1–12 of 400"
    assert column_headers(inspector) == [f"ex {j}" for j in range(12)]
    assert np.array_equal(np.array(shown_matrix(inspector)), Z1[:, :12])
    assert not inspector._prev.isEnabled()
    qtbot.mouseClick(inspector._next, Qt.MouseButton.LeftButton)
    assert inspector._page_label.text() == "examples 13–24 of 400"
    assert column_headers(inspector) == [f"ex {j}" for j in range(12, 24)]
    assert np.array_equal(np.array(shown_matrix(inspector)), Z1[:, 12:24])
    # the heatmap frames the page the table shows
    assert inspector._page_frame.isVisible()
    assert inspector._page_frame.rect().getRect() == (12.0, 0.0, 12.0, 4.0)
    # a click on a cell of this page selects the example by its index in the whole matrix
    qtbot.mouseClick(inspector.table.viewport(), Qt.MouseButton.LeftButton, pos=cell_centre(inspector, 1, 0))
    assert inspector.selected_entry == (1, 12)
    assert inspector.entry_text().startswith("Z1[1,12] = ")
    qtbot.mouseClick(inspector._prev, Qt.MouseButton.LeftButton)
    assert inspector._page_label.text() == "examples 1–12 of 400"
    for _ in range(40):
        inspector._next.click()
    assert inspector._page_label.text() == "examples 397–400 of 400"
    assert inspector.model.columnCount() == 4 and not inspector._next.isEnabled()


def test_rows_beyond_twelve_scroll_and_columns_page_on_a_wide_net(qtbot, controller):
    controller.apply_settings(ModelSettings(hidden=(HiddenLayer(20, "relu"), HiddenLayer(30, "relu"))))
    widget = Inspector(controller)
    qtbot.addWidget(widget)
    widget.resize(380, 600)
    widget.show()
    widget.show_quantity("W", 3)  # 1×30: units of layer 2 as columns
    assert widget._page_label.text() == "units 1–12 of 30"
    widget.show_quantity("W", 2)  # 30×20
    assert widget.model.rowCount() == 30 and widget.model.columnCount() == PAGE_COLUMNS
    assert widget.table.verticalScrollBar().maximum() > 0


def test_columns_are_fitted_again_only_when_the_numbers_may_need_other_widths(inspector, controller, monkeypatch):
    page = np.array([[0.0123, -1.5], [0.5, 2.0]])
    assert width_signature(page) == width_signature(page * 1.01)  # same exponents and signs: same widths
    assert width_signature(page) != width_signature(page * 100)  # more digits before the point
    assert width_signature(page) != width_signature(-page)  # a minus sign where there was none
    whole = np.array([[1.0], [2.0]])
    assert width_signature(whole) != width_signature(np.array([[1.0], [2.5]]))  # "2" → "2.500"
    assert width_signature(page) != width_signature(np.where(page == 0.5, np.nan, page))  # "NaN"
    assert width_signature(np.zeros((0, 3))) == b""
    fits = []
    monkeypatch.setattr(inspector.table, "resizeColumnsToContents", lambda: fits.append(1))
    inspector.show_quantity("Z", 1)
    step_to(controller, "F1")
    fitted = len(fits)
    assert fitted >= 1  # Z1 appeared
    controller.step_forward()  # F2: Z1 unchanged, no need to measure every cell again
    assert len(fits) == fitted
    controller.stepper.net.Z[1][0, 0] = -12345.678  # much wider text on the page
    controller.step_backward()  # any refresh
    assert len(fits) == fitted + 1


def test_steps_that_leave_the_numbers_alone_repaint_nothing(inspector, controller):
    inspector.show_quantity("W", 1)
    changes = []
    inspector.model.dataChanged.connect(lambda *args: changes.append(controller.stepper.last_step.label))
    images = []
    original = inspector._image.setImage
    inspector._image.setImage = lambda *a, **k: (images.append(1), original(*a, **k))
    for _ in range(len(controller.stepper.steps)):  # F1 … B1 leave W1 as it is; the Update changes it
        controller.step_forward()
    assert set(changes) == {"Update"} and len(images) == 1
    assert shown_matrix(inspector) == controller.stepper.value("W", 1).tolist()


def test_only_cells_whose_digits_or_colour_change_are_repainted(inspector, controller):
    inspector.show_quantity("W", 1)
    signals = []
    inspector.model.dataChanged.connect(lambda first, last, roles: signals.append(((first.row(), first.column()),
                                                                                   (last.row(), last.column()))))
    controller.set_learning_rate(1e-9)
    step_to(controller, "Update")  # W1 moves by 1e-9 · dW1: every shown digit and colour stays
    assert signals == [] and shown_matrix(inspector) == controller.stepper.value("W", 1).tolist()
    W1 = controller.stepper.value("W", 1)
    i, j = np.unravel_index(np.abs(W1).argmin(), W1.shape)
    controller.edit_parameter("W1", (i, j), -W1[i, j])  # one entry (not the largest: same scale), one cell
    assert signals == [((i, j), (i, j))]
    assert shown_matrix(inspector, Qt.ItemDataRole.DisplayRole)[i][j] == format_value(W1[i, j])
    signals.clear()
    controller.set_learning_rate(1.2)
    controller.step_forward()
    step_to(controller, "Update")  # now every entry moves: the whole page at once
    assert signals == [((0, 0), (3, 1))]


def test_a_quantity_not_computed_yet_says_what_computes_it(inspector, controller):
    inspector.show_quantity("dW", 2)
    message = inspector.message_text()
    assert "not computed yet" in message and "B2" in message
    assert not inspector._matrix_box.isVisible()
    assert inspector.model.rowCount() == 0  # no stale numbers to read either
    step_to(controller, "Cost")
    assert "next: B2" in inspector.message_text()
    controller.step_forward()  # B2
    assert inspector.message_text() == ""
    assert inspector._matrix_box.isVisible()
    assert np.array_equal(np.array(shown_matrix(inspector)), controller.stepper.value("dW", 2))
    # after the Update the next iteration has not computed it again: the numbers the Update used stay, faintly,
    # labelled with their iteration (issue 21: no blank panel at "Update done")
    used = controller.stepper.value("dW", 2).copy()
    controller.finish_iteration()
    assert "not computed yet" in inspector.message_text() and "iteration 0's dW2" in inspector.message_text()
    assert inspector._matrix_box.isVisible() and inspector._ghost.isEnabled()
    assert np.array_equal(np.array(shown_matrix(inspector)), used)


def test_the_colour_scale_stays_put_until_the_numbers_outgrow_it_or_shrink_well_inside(inspector, controller):
    def bar_level():
        low, high = inspector._bar.levels()
        assert low == -high and inspector._image.getLevels() == pytest.approx((low, high))
        return high

    start = bar_level()
    controller.run(3)  # W1 moves a little: same bar, no flicker
    W1 = controller.stepper.value("W", 1)
    assert 0.25 * start < np.abs(W1).max() <= start and bar_level() == start
    controller.edit_parameter("W1", (0, 0), 30 * start)  # past the bar: a round level above it
    assert bar_level() == nice_ceiling(30 * start)
    brush = inspector.model.data(inspector.model.index(1, 1), Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == lut_colour(controller.stepper.value("W", 1)[1, 1], bar_level())  # table and image agree
    controller.back()  # well inside it again: back to a scale that fits
    assert bar_level() == start


def test_the_cost_is_shown_as_one_number(inspector, controller):
    inspector.show_quantity("J", 0)
    assert "not computed yet" in inspector.message_text() and "Cost" in inspector.message_text()
    step_to(controller, "Cost")
    assert inspector._scalar.text().startswith(f"J = {format_value(controller.stepper.current_cost)}")
    assert inspector.entry_text().endswith(format_value(controller.stepper.current_cost))


def open_editor(viewport):
    """The cell editor being shown, if any (a closed one lingers as a hidden child until deleted)."""
    return next((e for e in viewport.findChildren(QLineEdit) if e.isVisible()), None)


def type_into_cell(qtbot, inspector, i, j, text):
    """Double-click a cell, type, press Enter: the way a student edits a weight."""
    viewport = inspector.table.viewport()
    pos = cell_centre(inspector, i, j)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: open_editor(viewport) is not None)
    editor = open_editor(viewport)
    assert editor.text() == f"{inspector.model.data(inspector.model.index(i, j), ValueRole):.10g}"
    assert editor.selectedText() == editor.text()  # typing replaces the old value
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits and closes the editor through a queued call
    qtbot.waitUntil(lambda: inspector.table.state() != QAbstractItemView.State.EditingState)


def test_typing_a_weight_edits_it_undoably(qtbot, inspector, controller):
    s = controller.stepper
    original = s.value("W", 1).copy()
    type_into_cell(qtbot, inspector, 0, 1, "0.5")
    assert s.value("W", 1)[0, 1] == 0.5
    assert shown_matrix(inspector)[0][1] == 0.5
    assert shown_matrix(inspector, Qt.ItemDataRole.DisplayRole)[0][1] == "0.5000"
    assert "W1[0,1] set to 0.5000" in inspector.message_text()
    # the next forward pass uses it
    controller.step_forward()
    expected = original.copy()
    expected[0, 1] = 0.5
    np.testing.assert_array_equal(s.value("Z", 1), expected @ controller.dataset.X + s.value("b", 1))
    # Back undoes F1, then the edit
    controller.back()
    controller.back()
    np.testing.assert_array_equal(s.value("W", 1), original)
    assert shown_matrix(inspector)[0][1] == original[0, 1]
    assert s.events == []


@pytest.mark.parametrize(("typed", "why"), [("abc", "is not a number"), ("nan", "not a finite number"),
                                            ("1e999", "not a finite number"), ("", "type a number")])
def test_a_bad_value_shows_a_message_and_changes_nothing(qtbot, inspector, controller, typed, why):
    s = controller.stepper
    original = s.value("W", 1).copy()
    type_into_cell(qtbot, inspector, 1, 0, typed)
    assert "W1[1,0] not changed" in inspector.message_text()
    assert why in inspector.message_text()
    assert inspector._message.isVisible()
    np.testing.assert_array_equal(s.value("W", 1), original)
    assert s.events == [] and (s.iteration, s.position) == (0, 0)
    # the message goes once something else happens
    controller.step_forward()
    assert inspector.message_text() == ""


def test_enter_on_the_unchanged_value_is_not_an_edit(qtbot, inspector, controller):
    controller.step_forward()
    viewport = inspector.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=cell_centre(inspector, 2, 1))
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=cell_centre(inspector, 2, 1))
    qtbot.waitUntil(lambda: open_editor(viewport) is not None)
    qtbot.keyClick(open_editor(viewport), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: inspector.table.state() != QAbstractItemView.State.EditingState)
    assert controller.stepper.events == [] and controller.stepper.position == 1
    assert inspector.message_text() == ""


def test_a_bias_can_be_edited_but_gradients_cannot(qtbot, inspector, controller):
    inspector.show_quantity("b", 2)
    type_into_cell(qtbot, inspector, 0, 0, "-0,25")  # a decimal comma
    assert controller.stepper.value("b", 2)[0, 0] == -0.25
    step_to(controller, "B2")
    inspector.show_quantity("dW", 2)
    assert not inspector.model.flags(inspector.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    viewport = inspector.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=cell_centre(inspector, 0, 0))
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=cell_centre(inspector, 0, 0))
    assert open_editor(viewport) is None
    assert "only W and b can be edited" in inspector.message_text()


def test_non_finite_entries_are_shown_as_text():
    model = MatrixModel()
    model.set_matrix(np.array([[np.nan, np.inf, -np.inf, 1.5]]), 1.5, "Z1", quantity_axes("Z", 1), False)
    shown = [model.data(model.index(0, j)) for j in range(4)]
    assert shown == ["NaN", "+inf", "−inf", "1.500"]


def test_parse_number():
    assert parse_number(" −1.5e-3 ") == -0.0015
    assert parse_number("0,25") == 0.25
    for bad in ("abc", "nan", "inf", "-Infinity", "", "1.2.3"):
        with pytest.raises(ValueError):
            parse_number(bad)


def test_live_updates_in_place_and_rebuild_falls_back_to_W1(inspector, controller):
    inspector.show_quantity("W", 2)
    model_before = inspector.model
    controller.run(3)
    assert inspector.model is model_before
    np.testing.assert_array_equal(np.array(shown_matrix(inspector)), controller.stepper.value("W", 2))
    # a deeper net keeps W2; a one-layer net has no W2 any more
    controller.apply_settings(ModelSettings(hidden=(HiddenLayer(3, "relu"), HiddenLayer(3, "relu"))))
    assert inspector.quantity == ("W", 2)
    assert inspector.shape_text == "shape (3×3)"
    inspector.show_quantity("dA", 3)
    controller.apply_settings(ModelSettings(hidden=()))
    assert inspector.quantity == ("W", 1)
    assert inspector.shape_text == "shape (1×2)"
    np.testing.assert_array_equal(np.array(shown_matrix(inspector)), controller.stepper.value("W", 1))


def test_play_redraws_at_most_ten_times_a_second_and_is_exact_once_paused(qtbot, inspector, controller):
    inspector.show_quantity("W", 1)
    frames, redraws = [], []
    controller.changed.connect(frames.append)
    inspector.model.dataChanged.connect(lambda *_: redraws.append(1))
    controller.play()
    try:
        qtbot.waitUntil(lambda: len(frames) >= 30, timeout=5000)
    finally:
        controller.pause()
    # Play announces every frame (~60 per second); the inspector redraws at most every 100 ms
    assert len(redraws) <= len(frames) // 3 + 1
    np.testing.assert_array_equal(np.array(shown_matrix(inspector)), controller.stepper.value("W", 1))


def test_theme_and_presenter_scale(inspector):
    size = inspector._title.font().pointSizeF()
    inspector.set_scale(2.0)
    assert inspector._title.font().pointSizeF() == pytest.approx(2 * size)
    assert inspector.table.font().pointSizeF() > 15
    inspector.set_theme(DARK)
    assert DARK.forward in inspector._title.styleSheet()
    inspector.show_quantity("dZ", 2)
    assert DARK.backward in inspector._title.styleSheet()


def test_clicking_the_heatmap_selects_an_entry_and_turns_to_its_page(qtbot, inspector, controller):
    controller.step_forward()
    inspector.show_quantity("A", 1)
    heatmap = inspector._heatmap
    scene_point = inspector._plot.vb.mapViewToScene(QPointF(30.5, 3.5))  # x = example 30, y = unit 3
    qtbot.mouseClick(heatmap.viewport(), Qt.MouseButton.LeftButton, pos=heatmap.mapFromScene(scene_point))
    assert inspector.selected_entry == (3, 30)
    assert inspector._page_label.text() == "examples 25–36 of 400"
    assert inspector.table.currentIndex().row() == 3 and inspector.table.currentIndex().column() == 30 - 24
    z, a = controller.stepper.value("Z", 1)[3, 30], controller.stepper.value("A", 1)[3, 30]
    assert inspector.entry_text() == f"A1[3,30] = tanh(Z1[3,30]) = tanh({format_value(z)}) = {format_value(a)}"


def test_a_new_value_repaints_the_entry_and_lays_out_nothing_while_its_lines_stay(qtbot, inspector, controller):
    inspector.show_quantity("W", 1)
    controller.run(1)
    QApplication.processEvents()
    label = inspector._entry_label
    before, image = inspector.entry_text(), label.grab().toImage()
    assert "\n" in before and "dW1 not computed yet" in before
    # the long second line wraps inside the box: the label is as tall as its lines
    assert label.height() == label.heightForWidth(label.width()) > 3 * label.fontMetrics().height()
    requests = EventCounter(QEvent.Type.LayoutRequest, inspector)
    controller.run(1)
    QApplication.processEvents()
    assert inspector.entry_text() != before and label.grab().toImage() != image
    assert requests.count == 0
    label.actions()[0].trigger()  # Copy
    assert QApplication.clipboard().text() == inspector.entry_text()


def test_after_the_update_the_gradient_it_used_is_shown_faintly_with_its_iteration(inspector, controller):
    s = controller.stepper
    inspector.show_quantity("dW", 1)
    for _ in range(len(s.steps)):  # a whole iteration by micro-steps, the Update included
        controller.step_forward()
    assert (s.iteration, s.position) == (1, 0)
    assert inspector._matrix_box.isVisibleTo(inspector) and inspector._ghost.isEnabled()
    assert "iteration 0's dW1" in inspector.message_text() and "B1 computes it" in inspector.message_text()
    previous, _ = s.previous_gradient("dW", 1)
    assert np.array_equal(inspector.model.values, previous)
    for _ in range(2 * s.L + 1):  # through B1: this iteration's own dW1, at full strength
        controller.step_forward()
    assert not inspector._ghost.isEnabled() and "not computed yet" not in inspector.message_text()
