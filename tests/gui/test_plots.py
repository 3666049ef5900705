"""The live plots show what the stepper recorded, follow the timeline, edit the data by clicks, and export."""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
import pytest
from conftest import EventCounter, peaks_at_once, shown
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from backpropviz.engine.datasets import Dataset
from backpropviz.engine.model import HiddenLayer, ModelSettings
from backpropviz.gui.controller import Controller
from backpropviz.gui.plots import (
    AccuracyPlot,
    CostPlot,
    DecisionBoundary,
    GradNormPlot,
    PlotsPanel,
    WeightHeatmaps,
)
from backpropviz.gui.plots.base import FILL_SHARE, next_level, nice_ceiling, power_text, steady_range, x_range_end
from backpropviz.gui.plots.boundary import GRID, MIN_GRID, grid_size
from backpropviz.gui.plots.contour import contour_segments
from backpropviz.gui.plots.curves import DECIMATE_ABOVE, trend_reach
from backpropviz.gui.plots.decimate import MAX_BINS, PeakDecimator
from backpropviz.gui.plots.fast_image import FastImageItem
from backpropviz.gui.plots.grid_thread import GridComputation, grid_probabilities
from backpropviz.gui.plots.heatmaps import MAX_IMAGE_SIDE, diverging_map
from backpropviz.gui.theme import DARK, LIGHT, format_number


# ----------------------------------------------------------------------------------- helpers
def test_levels_are_round_and_stable():
    assert [nice_ceiling(v) for v in (0.013, 0.2, 0.21, 3.0, 7.5)] == pytest.approx([0.02, 0.2, 0.5, 5.0, 10.0])
    assert next_level(None, 0.013) == pytest.approx(0.02)
    assert next_level(0.02, 0.015) == 0.02  # fits: no change, no flicker
    assert next_level(0.02, 0.021) == pytest.approx(0.05)  # outgrew the bar
    assert next_level(0.02, 0.004) == pytest.approx(0.005)  # fills less than a quarter
    assert next_level(0.02, 0.015, force=True) == pytest.approx(0.02)
    assert power_text(0.002) == "0.002"
    assert power_text(2e-5) == "2·10⁻⁵"


def test_view_ranges_step_by_round_numbers_and_hold_still():
    assert [x_range_end(n) for n in (0, 7, 11, 150, 151, 2000, 2001, 9_999)] == pytest.approx(
        [10, 10, 15, 150, 200, 2000, 3000, 10_000]
    )
    assert all(n <= x_range_end(n) <= 1.5 * n * (1 + 1e-12) for n in range(11, 5000, 7))  # the curve fills ≥ 2/3
    low, high = steady_range(None, 0.23, 0.69)
    assert low <= 0.23 and high >= 0.69 and FILL_SHARE * (high - low) <= (0.69 - 0.23)
    assert low == pytest.approx(round(low / 0.1) * 0.1) and high == pytest.approx(round(high / 0.1) * 0.1)
    assert steady_range((low, high), 0.25, 0.69) == (low, high)  # still inside: no move, no axis repaint
    assert steady_range((low, high), 0.15, 0.69)[0] < 0.15  # outgrown: moves, by a round step
    assert steady_range((0.0, 100.0), 0.30, 0.31) != (0.0, 100.0)  # the data fill too little of it
    assert steady_range(None, 5.0, 5.0)[0] < 5.0 < steady_range(None, 5.0, 5.0)[1]  # a flat line


@pytest.mark.parametrize("cost", [lambda t: 0.6931 - 1e-6 * t, lambda t: 0.3 + 0.4 * 0.9**t])
def test_a_falling_cost_moves_the_y_axis_seldom_and_always_holds_the_curve(cost):
    y_range, moves = None, []
    for n in range(1, 41):
        J = [cost(t) for t in range(n)]
        new = steady_range(y_range, min(J), max(J))
        assert new[0] <= min(J) and max(J) <= new[1]
        assert n == 1 or max(J) - min(J) >= FILL_SHARE * (new[1] - new[0]) - 1e-12  # one point spans nothing
        if new != y_range:
            moves.append(n)
        y_range = new
    assert moves[:3] == [1, 2, 3] and len(moves) <= 12  # room on the side it falls: not a move per iteration


@pytest.mark.parametrize("cost", [lambda t: 0.6931 - 1e-6 * t, lambda t: 0.3 + 0.4 * 0.9**t])
def test_where_the_cost_is_heading_saves_moves_of_the_axis(cost):
    def moves(use_reach):
        y_range, moved = None, 0
        for n in range(1, 41):
            J = np.array([cost(t) for t in range(n)])
            reach = trend_reach(J, 1.0, False, x_range_end(n)) if use_reach else None
            new = steady_range(y_range, J.min(), J.max(), None if reach is None else (reach, reach))
            assert new[0] <= J.min() and J.max() <= new[1]  # the curve is always whole
            moved += new != y_range
            y_range = new
        return moved

    assert moves(True) < moves(False)
    # the line through the last quarter, continued to the x range's end
    assert trend_reach(np.array([5.0, 4.0, 3.0]), 1.0, False, 10.0) == pytest.approx(-5.0)
    assert trend_reach(np.array([100.0, 10.0]), 1.0, True, 3.0) == pytest.approx(-1.0)  # decades on a log axis
    assert trend_reach(np.array([1.0, 0.0]), 1.0, True, 3.0) is None  # 0 has no place on a log axis
    assert trend_reach(np.array([0.5]), 1.0, False, 10.0) is None


def test_the_flower_nets_first_iterations_move_the_cost_axis_seldom(qtbot, controller):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    ranges = []
    for _ in range(40):
        controller.run(1)
        (y0, y1) = plot.plot.vb.viewRange()[1]
        cost = controller.stepper.series("cost")
        assert y0 <= cost.min() and cost.max() <= y1
        ranges.append((y0, y1))
    assert sum(a != b for a, b in itertools.pairwise(ranges)) <= 7  # 11 without the trend


def test_contour_segments_trace_the_level_curve():
    xs = ys = np.linspace(-2, 2, 80)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    x, y = contour_segments(gx**2 + gy**2, xs, ys, level=1.0)
    assert x.size > 100 and x.size % 2 == 0
    assert np.allclose(np.hypot(x, y), 1.0, atol=0.01)


# ----------------------------------------------------------------------------------- curves
def test_cost_curve_holds_every_iteration(qtbot, controller):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    controller.run(60)
    cost = controller.stepper.series("cost")
    x, y = plot.curves["cost"].getOriginalDataset()
    assert np.array_equal(y, cost) and np.array_equal(x, np.arange(60))
    qtbot.waitUntil(lambda: plot.curves["cost"].getData()[1] is not None)
    assert np.array_equal(plot.curves["cost"].getData()[1], cost)  # drawn as is: no downsampling yet
    assert list(plot.curves) == ["cost"]  # no test set, no test curve
    assert plot.legend.items[0][1].text == "train"
    assert not plot.empty_note.isVisible()


def test_the_first_iteration_is_a_dot_later_ones_a_line(qtbot, controller):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    curve = plot.curves["cost"]
    assert curve.opts["symbol"] is None  # nothing to show yet
    controller.run(1)  # J of iteration 0: a line through one point would draw nothing
    assert curve.opts["symbol"] == "o"
    assert curve.getOriginalDataset()[1].tolist() == controller.stepper.series("cost").tolist()

    def ink() -> int:
        image, colour = plot.grab().toImage(), QColor(LIGHT.forward)
        return sum(image.pixelColor(x, y) == colour for x in range(0, image.width()) for y in range(image.height()))

    with_dot = ink()
    curve.setSymbol(None)
    assert with_dot > ink()  # the dot is drawn, in the curve's colour
    curve.setSymbol("o")
    controller.run(1)
    assert curve.opts["symbol"] is None  # two points: the line itself


def test_view_follows_the_data_in_steps_until_the_user_zooms(qtbot, controller):
    from backpropviz.gui.plots.curves import X_MARGIN

    plot = shown(qtbot, CostPlot(controller, LIGHT))
    vb = plot.plot.vb
    assert not any(vb.autoRangeEnabled())  # pyqtgraph's per-frame auto-range would move the axes each frame
    controller.run(130)
    (x0, x1), (y0, y1) = vb.viewRange()
    cost = controller.stepper.series("cost")
    assert (x0, x1) == pytest.approx((-X_MARGIN * 150, (1 + X_MARGIN) * 150))
    assert y0 <= cost.min() and cost.max() <= y1
    before = vb.viewRange()
    controller.run(5)  # 135 iterations: the same range, so the axes keep their cached pictures
    assert vb.viewRange() == before
    # a zoom by the user stops the following; the plot's auto-range button resumes it
    vb.scaleBy((0.5, 0.5))
    vb.sigRangeChangedManually.emit([True, True])
    zoomed = vb.viewRange()
    controller.run(100)
    assert not plot.following and vb.viewRange() == zoomed
    plot.plot.autoBtnClicked()
    assert plot.following and vb.viewRange()[0] == pytest.approx([-X_MARGIN * 300, (1 + X_MARGIN) * 300])
    assert not any(vb.autoRangeEnabled())
    # a log axis measures y in decades
    plot.set_log_y(True)
    (_, _), (ly0, ly1) = vb.viewRange()
    cost = controller.stepper.series("cost")
    assert ly0 <= np.log10(cost.min()) and np.log10(cost.max()) <= ly1


def test_a_range_step_sets_each_curve_once_and_zoomed_curves_clip_to_view(qtbot, controller):
    plot = shown(qtbot, AccuracyPlot(controller, LIGHT))
    controller.run(3)
    curve = plot.curves["train_accuracy"]
    drawn = []
    original = curve.curve.setData
    curve.curve.setData = lambda *args, **kwargs: (drawn.append(1), original(*args, **kwargs))
    before = plot.plot.vb.viewRange()
    QApplication.processEvents()
    paints = EventCounter(QEvent.Type.Paint, plot.graphics.viewport())
    controller.run(40)  # past x = 10 and a new y range: the view steps
    assert plot.plot.vb.viewRange() != before
    QApplication.processEvents()
    # pyqtgraph's own clipping would set the data again for the new range, and its bounds, invalidated
    # by the new transform during the paint, would ask for a second paint
    assert len(drawn) == 1 and paints.count == 1
    assert not curve.opts["clipToView"] and not curve.opts["autoDownsample"]
    plot.plot.vb.scaleBy((0.5, 0.5))
    plot.plot.vb.sigRangeChangedManually.emit([True, True])  # zoomed in: pyqtgraph clips and downsamples
    assert curve.opts["clipToView"] and curve.opts["autoDownsample"] and curve.opts["dynamicRangeLimit"]
    plot.plot.autoBtnClicked()
    assert plot.following and not curve.opts["clipToView"]


def test_peak_decimation_grows_by_pieces_to_what_it_gives_at_once():
    rng = np.random.default_rng(5)
    y = rng.standard_normal(20_000)
    y[[3, 700, 701, 15_000]] = np.nan  # a NaN is skipped; its bin keeps the other values' extremes
    table = np.column_stack([y, -y])  # the stepper's series are strided columns of its record table
    peaks = PeakDecimator(max_bins=64)
    n = 0
    while n < y.size:
        n = min(y.size, n + int(rng.integers(1, 900)))
        x, values = peaks.update(table[:n, 0])
        assert peaks.bin * 64 >= n > peaks.bin * 32 or peaks.bin == 1  # never more than max_bins bins
        expected_x, expected = peaks_at_once(y[:n], peaks.bin)
        assert np.array_equal(x, expected_x) and np.array_equal(values, expected, equal_nan=True)
    x, values = peaks.update(table[:100, 0])  # shorter: the history was cut, so it starts over
    assert np.array_equal(values, peaks_at_once(y[:100], peaks.bin)[1], equal_nan=True) and peaks.bin == 2


def test_a_long_run_draws_each_bins_extremes_while_following_and_every_point_zoomed_in(qtbot, controller):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    controller.run(DECIMATE_ABOVE + 3_000)
    cost = controller.stepper.series("cost")
    x, y = plot.curves["cost"].getOriginalDataset()
    assert y.size <= 2 * MAX_BINS and (y.min(), y.max()) == (cost.min(), cost.max())
    assert np.array_equal(y, peaks_at_once(cost, plot._peaks["cost"].bin)[1])
    controller.run(500)  # only the new iterations are read: the result is the whole run's all the same
    cost = controller.stepper.series("cost")
    assert np.array_equal(plot.curves["cost"].getOriginalDataset()[1], peaks_at_once(cost, plot._peaks["cost"].bin)[1])
    plot.plot.vb.scaleBy((0.5, 0.5))
    plot.plot.vb.sigRangeChangedManually.emit([True, True])  # a zoom: every iteration is drawn
    x, y = plot.curves["cost"].getOriginalDataset()
    assert np.array_equal(y, cost) and np.array_equal(x, np.arange(cost.size))
    plot.plot.autoBtnClicked()
    assert plot.curves["cost"].getOriginalDataset()[1].size <= 2 * MAX_BINS


def test_a_rewritten_history_is_decimated_anew(qtbot, controller):
    plot = shown(qtbot, AccuracyPlot(controller, LIGHT))
    s = controller.stepper
    controller.run(DECIMATE_ABOVE + 1_000)
    s.goto(1_000)
    controller.set_learning_rate(3.0)  # drops the records from 1,000 on
    controller.run(DECIMATE_ABOVE + 1_000 - s.iteration)
    accuracy = 100 * s.series("train_accuracy")
    assert np.array_equal(plot.curves["train_accuracy"].getOriginalDataset()[1],
                          peaks_at_once(accuracy, plot._peaks["train_accuracy"].bin)[1])
    controller.goto_iteration(1_000)
    controller.back()  # undo α: the old records come back, at the same length
    assert not s.events and s.furthest == DECIMATE_ABOVE + 1_000
    accuracy = 100 * s.series("train_accuracy")
    assert np.array_equal(plot.curves["train_accuracy"].getOriginalDataset()[1],
                          peaks_at_once(accuracy, plot._peaks["train_accuracy"].bin)[1])


def test_axes_repaint_from_a_cache(qtbot, controller):
    from PySide6.QtWidgets import QGraphicsItem

    for plot in (CostPlot(controller, LIGHT), DecisionBoundary(controller, LIGHT)):
        qtbot.addWidget(plot)
        for name in ("left", "bottom"):
            assert plot.plot.getAxis(name).cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache


def test_zero_on_a_log_axis_becomes_a_gap():
    from backpropviz.gui.plots.curves import drawable

    y = np.array([0.5, 0.0, 0.25])
    assert drawable(y, log=False) and not drawable(y, log=True)
    assert not drawable(np.array([1.0, np.nan]), log=False)


def test_test_curves_appear_with_a_test_set(qtbot):
    controller = Controller(ModelSettings(test_share=0.25))
    cost, accuracy = CostPlot(controller, LIGHT), AccuracyPlot(controller, LIGHT)
    qtbot.addWidget(cost)
    qtbot.addWidget(accuracy)
    controller.run(20)
    assert set(cost.curves) == {"cost", "test_cost"}
    assert np.array_equal(cost.curves["test_cost"].getOriginalDataset()[1], controller.stepper.series("test_cost"))
    expected = 100 * controller.stepper.series("test_accuracy")
    assert np.allclose(accuracy.curves["test_accuracy"].getOriginalDataset()[1], expected)
    assert [label.text for _, label in cost.legend.items] == ["train", "test"]


def test_log_y_toggle_switches_the_view(qtbot, controller):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    controller.run(10)
    assert plot.plot.vb.state["logMode"][1] is False
    qtbot.mouseClick(plot.log_check, Qt.MouseButton.LeftButton)
    assert plot.log_check.isChecked() and plot.log_y
    assert plot.plot.vb.state["logMode"][1] is True
    assert plot.plot.getAxis("left").logMode
    # the plot's own context menu and the check box stay in step
    plot.plot.ctrl.logYCheck.setChecked(False)
    assert not plot.log_check.isChecked() and plot.plot.vb.state["logMode"][1] is False


def test_marker_follows_the_timeline_while_the_curve_stays_whole(qtbot, controller):
    plot = CostPlot(controller, LIGHT)
    qtbot.addWidget(plot)
    controller.run(100)
    assert plot.marker.value() == 100
    controller.goto_iteration(30)
    assert plot.marker.value() == 30
    assert plot.curves["cost"].getOriginalDataset()[1].size == 100
    controller.step_forward()
    controller.back()
    assert plot.marker.value() == 30
    controller.reset()
    assert plot.curves["cost"].getOriginalDataset()[1] is None and plot.marker.value() == 0


def test_grad_norms_one_curve_per_layer_on_a_log_axis(qtbot):
    settings = ModelSettings(hidden=tuple(HiddenLayer(5, "sigmoid") for _ in range(6)), learning_rate=0.5)
    controller = Controller(settings)
    plot = GradNormPlot(controller, LIGHT)
    qtbot.addWidget(plot)
    controller.run(30)
    norms = controller.stepper.series("grad_norm")
    assert list(plot.curves) == [f"dW{l}" for l in range(1, 8)]
    for l, curve in enumerate(plot.curves.values()):
        assert np.array_equal(curve.getOriginalDataset()[1], norms[:, l])
    assert plot.log_y and plot.plot.vb.state["logMode"][1]
    colours = {curve.opts["pen"].color().name() for curve in plot.curves.values()}
    assert len(colours) == 7


def test_new_architecture_rebuilds_the_items(qtbot, controller):
    grads, weights = GradNormPlot(controller, LIGHT), WeightHeatmaps(controller, LIGHT)
    qtbot.addWidget(grads)
    qtbot.addWidget(weights)
    assert len(grads.curves) == 2 and len(weights.cells) == 2
    settings = ModelSettings(hidden=(HiddenLayer(3, "relu"), HiddenLayer(3, "relu"), HiddenLayer(2, "tanh")))
    controller.apply_settings(settings)
    assert len(grads.curves) == 4 and len(weights.cells) == 4
    assert weights.cells[1].W.image.image.shape == (3, 3)


# ----------------------------------------------------------------------------------- heatmaps
def test_heatmaps_show_W_with_symmetric_stable_levels(qtbot, controller):
    view = WeightHeatmaps(controller, LIGHT)
    qtbot.addWidget(view)
    controller.run(5)
    for l, cell in enumerate(view.cells, start=1):
        image = cell.W.image
        W = controller.stepper.value("W", l)
        assert image.image.dtype == np.float32 and image.image.flags.c_contiguous
        assert np.allclose(image.image, W, rtol=1e-6, atol=1e-9)  # rows = units, columns = inputs
        low, high = image.getLevels()
        assert low == -high and high >= np.abs(W).max()
        assert cell.W.bar.levels() == (low, high)
        image.render()
        assert image.qimage.format() == QImage.Format.Format_Indexed8  # the fast render takes the bar's map
    before = view.cells[0].W.level
    controller.step_forward()  # a micro-step: the weights are the same, so is the bar
    assert view.cells[0].W.level == before


def test_rescale_fits_the_bar_again(qtbot, controller):
    view = WeightHeatmaps(controller, LIGHT)
    qtbot.addWidget(view)
    matrix = view.cells[0].W
    matrix.level = 100.0  # as if the weights had been huge before: 0.01-sized ones fill < 1/4 of it …
    matrix.show(controller.stepper.value("W", 1))
    assert matrix.level == nice_ceiling(np.abs(controller.stepper.value("W", 1)).max())  # … so it shrinks
    matrix.level = 0.5 * np.abs(controller.stepper.value("W", 1)).max() * 3  # fits, fills > 1/4: kept
    kept = matrix.level
    controller.step_forward()
    assert matrix.level == kept
    qtbot.mouseClick(view.rescale_button, Qt.MouseButton.LeftButton)
    assert matrix.level == nice_ceiling(np.abs(controller.stepper.value("W", 1)).max())


def test_dW_view_shows_what_is_computed(qtbot, controller):
    view = WeightHeatmaps(controller, LIGHT)
    qtbot.addWidget(view)
    view.set_dW_shown(True)
    cell = view.cells[1]
    assert not cell.dW.image.isVisible()
    assert cell.dW.source is None and "not computed" in view.dW_note.text()
    for _ in range(4):  # F1 F2 Cost B2: dW2 exists now, dW1 not yet
        controller.step_forward()
    assert np.allclose(cell.dW.image.image, controller.stepper.value("dW", 2))
    assert view.cells[0].dW.source is None and "dW1 not computed yet" in view.dW_note.text()
    controller.step_forward()  # B1
    assert view.dW_note.text() == ""
    controller.run(10)  # position 0: the last iteration's gradient, labelled as such
    assert np.allclose(cell.dW.image.image, controller.stepper.net.dW[2])
    assert "iteration 9" in view.dW_note.text()
    controller.goto_iteration(3)
    assert cell.dW.source is None
    view.set_dW_shown(False)
    assert not cell.dW_shown and not cell.dW.view.isVisible()


def test_wide_layers_render_and_hover_reads_the_entry(qtbot):
    dataset = Dataset.from_arrays(np.random.RandomState(0).randn(20, 60), (np.arange(60) % 2)[None, :])
    controller = Controller(ModelSettings(hidden=(HiddenLayer(70, "relu"), HiddenLayer(64, "relu")), init="he"))
    controller.set_dataset(dataset)
    view = shown(qtbot, WeightHeatmaps(controller, LIGHT), (900, 300))
    assert [cell.W.image.image.shape for cell in view.cells] == [(70, 20), (64, 70), (1, 64)]
    image = view.cells[0].W.image
    scene_pos = image.mapToScene(QPointF(3.5, 2.5))  # column 3, row 2
    W1 = controller.stepper.value("W", 1)
    assert view.readout_at(scene_pos) == f"W1[2,3] = {format_number(W1[2, 3])}"
    view._on_mouse_moved(scene_pos)
    assert view.readout.text().startswith("W1[2,3] = ")
    assert view.readout_at(QPointF(-500, -500)) == ""


def test_a_wide_matrix_is_drawn_from_a_sample_and_read_out_in_full(qtbot):
    controller = Controller(ModelSettings(hidden=(HiddenLayer(300, "relu"), HiddenLayer(600, "relu")), init="he"))
    view = shown(qtbot, WeightHeatmaps(controller, LIGHT), (900, 400))
    W2 = controller.stepper.value("W", 2)  # (600, 300): every 3rd row and every 2nd column are drawn
    matrix = view.cells[1].W
    assert matrix.image.image.shape == (200, 150) and max(matrix.image.image.shape) <= MAX_IMAGE_SIDE
    assert np.array_equal(matrix.image.image, W2[::3, ::2].astype(np.float32))
    assert matrix.level >= np.abs(W2).max()  # the colour bar holds every entry
    pixel = matrix.image.transform().inverted()[0].map(QPointF(37.5, 401.5))  # column 37, row 401
    assert view.readout_at(matrix.image.mapToScene(pixel)) == f"W2[401,37] = {format_number(W2[401, 37])}"


# ----------------------------------------------------------------------------------- decision boundary
def grid_value(boundary, i, j):
    point = np.array([[boundary.grid_x[i]], [boundary.grid_y[j]]])
    return boundary.controller.stepper.net.predict_proba(boundary.controller.dataset.transform(point)).item()


def test_boundary_follows_training_and_matches_the_network(qtbot, controller):
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    qtbot.waitUntil(lambda: boundary.up_to_date)  # computed on a thread of its own
    before = boundary.image.image.copy()
    assert before.shape == (GRID, GRID) and GRID >= 100
    X = controller.dataset.X_all
    assert boundary.grid_x[0] < X[0].min() and boundary.grid_x[-1] > X[0].max()
    controller.run(300)
    qtbot.waitUntil(lambda: boundary.up_to_date)
    after = boundary.image.image
    assert not np.allclose(before, after)
    for i, j in ((0, 0), (17, 90), (60, 60), (119, 5)):
        assert after[i, j] == pytest.approx(grid_value(boundary, i, j), rel=1e-5, abs=1e-6)
    assert boundary.contour.getData()[0].size > 0  # the 0.5 line exists after training
    boundary.contour_check.setChecked(False)
    assert boundary.contour.getData()[0] is None or boundary.contour.getData()[0].size == 0


def test_boundary_uses_the_standardised_inputs(qtbot):
    controller = Controller(ModelSettings(dataset="moons", standardize=True, learning_rate=0.5))
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    controller.run(50)
    qtbot.waitUntil(lambda: boundary.up_to_date)
    assert boundary.image.image[30, 70] == pytest.approx(grid_value(boundary, 30, 70), rel=1e-5)
    raw_train = boundary.points[("train", 0)].getData()[0]
    assert raw_train.min() >= controller.dataset.X_all[0].min() - 1e-9  # points drawn in raw units


def test_heatmaps_refresh_at_most_fifteen_times_a_second_during_play(qtbot, controller, monkeypatch):
    view = WeightHeatmaps(controller, LIGHT)
    qtbot.addWidget(view)
    view.refresher.clock = lambda: 100.0  # frozen: every Play frame comes "too soon" after the last refresh
    controller.run(1)  # not playing: at once
    image = view.cells[0].W.image
    assert np.allclose(image.image, controller.stepper.value("W", 1), rtol=1e-6)
    monkeypatch.setattr(Controller, "playing", property(lambda self: True))
    controller.run(3)  # a Play frame: skipped, a timer catches up
    assert not np.allclose(image.image, controller.stepper.value("W", 1), rtol=1e-9)
    assert view.refresher.timer.isActive() and view.refresher.timer.interval() <= 1000 / 15 + 1
    qtbot.waitUntil(lambda: np.allclose(image.image, controller.stepper.value("W", 1), rtol=1e-6), timeout=2000)
    controller.step_forward()  # anything but a Play frame shows at once
    assert np.allclose(image.image, controller.stepper.value("W", 1), rtol=1e-6)


def test_boundary_throttles_during_play(qtbot, controller, monkeypatch):
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    boundary.refresher.clock = lambda: 100.0  # frozen: every Play frame comes "too soon" after the last computation
    controller.run(1)  # not playing: asked for at once
    qtbot.waitUntil(lambda: boundary.up_to_date)
    first = boundary.recomputations
    monkeypatch.setattr(Controller, "playing", property(lambda self: True))
    controller.run(1)  # a Play frame: skipped, a timer catches up
    assert boundary.recomputations == first and boundary.refresher.timer.isActive()
    assert boundary.refresher.timer.interval() <= 1000 / 15 + 1  # never longer than one frame at 15/s
    qtbot.waitUntil(lambda: boundary.recomputations == first + 1, timeout=2000)
    assert boundary.image.image[50, 50] == pytest.approx(grid_value(boundary, 50, 50), rel=1e-5)


def assert_shows_the_network(boundary, points=((0, 0), (17, 90), (60, 60), (119, 5))):
    size = boundary.resolution
    assert boundary.image.image.shape == (size, size)
    for i, j in points:
        i, j = min(i, size - 1), min(j, size - 1)
        assert boundary.image.image[i, j] == pytest.approx(grid_value(boundary, i, j), rel=1e-5, abs=1e-6)


def test_after_a_step_the_boundary_shows_the_current_network(qtbot, controller):
    boundary = shown(qtbot, DecisionBoundary(controller, LIGHT), (520, 420))
    controller.run(40)
    for _ in range(len(controller.stepper.steps)):  # micro-steps up to and with the Update
        controller.step_forward()
    qtbot.waitUntil(lambda: boundary.up_to_date)
    assert boundary.shown_iteration == controller.stepper.iteration == 41
    assert_shows_the_network(boundary)


@pytest.fixture
def held(monkeypatch):
    """Computations of the boundary that do not start: a test finishes them (``run``) when it wants. The grid
    keeps the data's shape (a view that reshapes it asks for computations of its own, at its own time)."""
    computations = []
    monkeypatch.setattr(GridComputation, "start", lambda self: computations.append(self))
    monkeypatch.setattr(DecisionBoundary, "_regrid_if_reshaped", lambda self: None)
    return computations


def test_a_result_asked_for_before_a_reset_is_never_shown(qtbot, controller, held):
    boundary = shown(qtbot, DecisionBoundary(controller, LIGHT), (520, 420))
    held.pop().run()  # the first image, of the initial parameters
    controller.run(100)
    held.pop().run()
    shown_100 = boundary.image.image.copy()
    controller.run(100)  # asks for iteration 200's boundary …
    assert len(held) == 1 and not boundary.up_to_date
    late = held[0]
    values_200 = grid_probabilities(late.request)  # … which the thread computes …
    controller.reset()  # … while the run goes back to its start
    late.computed.emit(late.request, values_200, 0.01)  # then it arrives: dropped
    assert np.array_equal(boundary.image.image, shown_100) and boundary.shown_iteration == 100
    qtbot.waitUntil(lambda: boundary.image.opacity() < 1)  # the image of iteration 100 no longer fits: dimmed
    qtbot.waitUntil(lambda: len(held) == 2)  # the initial parameters' boundary was asked for
    held[1].run()
    assert boundary.up_to_date and boundary.shown_iteration == 0 and boundary.image.opacity() == 1
    assert_shows_the_network(boundary)


def test_during_play_an_earlier_frame_of_the_same_training_is_shown(qtbot, controller, held):
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    held.pop().run()
    controller.run(10)
    asked = held.pop()
    controller.run(10)  # the training goes on while iteration 10's boundary is computed
    asked.run()
    assert boundary.shown_iteration == 10  # not wrong, only older: shown
    qtbot.waitUntil(lambda: len(held) == 1)  # and iteration 20's is asked for next
    held.pop().run()
    assert boundary.up_to_date and boundary.shown_iteration == 20


def test_a_new_run_drops_what_was_computed_for_the_old_one(qtbot, controller, held):
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    late = held.pop()  # the initial parameters on the first data's grid
    values = grid_probabilities(late.request)
    dataset = controller.dataset
    controller.set_dataset(Dataset.from_arrays(dataset.X_all * 3.0, dataset.Y_all))  # θ₀ again, another grid
    late.computed.emit(late.request, values, 0.01)
    assert boundary.shown_iteration is None  # nothing of the old grid is shown
    qtbot.waitUntil(lambda: len(held) == 1)
    held.pop().run()
    assert boundary.up_to_date and boundary.shown_iteration == 0
    assert_shows_the_network(boundary)


def test_the_grid_is_sized_to_what_the_network_costs(qtbot):
    assert grid_size([2, 4, 1]) == GRID and grid_size([2, *[50] * 6, 1]) == GRID
    assert grid_size([2, *[512] * 6, 1]) == grid_size([2, *[1024] * 6, 1]) == MIN_GRID
    controller = Controller(ModelSettings(hidden=(HiddenLayer(200, "relu"), HiddenLayer(200, "relu")),
                                          init="he", learning_rate=0.1))
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    assert MIN_GRID < boundary.resolution < GRID
    controller.run(3)
    qtbot.waitUntil(lambda: boundary.up_to_date)
    assert_shows_the_network(boundary)


def click_at(qtbot, boundary, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    boundary.graphics.scene().prepareForPaint()  # the view auto-ranges before painting: use the real range
    scene = boundary.plot.vb.mapViewToScene(QPointF(x, y))
    pos = boundary.graphics.mapFromScene(scene)
    qtbot.mouseClick(boundary.graphics.viewport(), Qt.MouseButton.LeftButton, modifier, QPoint(pos.x(), pos.y()))


def test_clicks_add_and_remove_points(qtbot, controller):
    boundary = shown(qtbot, DecisionBoundary(controller, LIGHT), (520, 420))
    m = controller.dataset.m
    with qtbot.waitSignal(controller.rebuilt):
        click_at(qtbot, boundary, 0.5, 0.5)
    assert controller.dataset.m == m + 1 and controller.dataset.Y[0, -1] == 0
    assert controller.dataset.X[:, -1] == pytest.approx([0.5, 0.5], abs=0.2)
    click_at(qtbot, boundary, -1.0, 2.0, Qt.KeyboardModifier.ShiftModifier)
    assert controller.dataset.m == m + 2 and controller.dataset.Y[0, -1] == 1
    assert boundary.points[("train", 1)].getData()[0].size == 201
    target = controller.dataset.X_all[:, 10]
    click_at(qtbot, boundary, *target, Qt.KeyboardModifier.ControlModifier)
    assert controller.dataset.m == m + 1
    assert not np.any(np.all(controller.dataset.X_all == target[:, None], axis=0))


def test_a_refused_removal_changes_nothing_and_says_why(qtbot):
    X = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0]])
    controller = Controller()
    controller.set_dataset(Dataset.from_arrays(X, np.array([[0.0, 0.0, 0.0, 1.0]])))
    boundary = shown(qtbot, DecisionBoundary(controller, LIGHT), (520, 420))
    dataset = controller.dataset
    click_at(qtbot, boundary, 3.0, 1.0, Qt.KeyboardModifier.ControlModifier)  # the only class-1 point
    assert controller.dataset is dataset
    assert boundary.message.isVisible() and "last point of class 1" in boundary.message.text()
    assert not boundary.remove_point_near(1.5, -40.0)  # far from every point
    assert controller.dataset is dataset and "no point near" in boundary.message.text().lower()


def test_an_edit_that_would_drop_training_can_be_declined(qtbot, controller):
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    controller.run(5)
    asked = []
    boundary.confirm_discard = lambda: asked.append(True) or False
    dataset = controller.dataset
    assert not boundary.add_point(0.0, 0.0, 1)
    assert asked and controller.dataset is dataset and controller.stepper.iteration == 5
    boundary.confirm_discard = lambda: True
    assert boundary.add_point(0.0, 0.0, 1) and controller.dataset.m == dataset.m + 1


def test_boundary_explains_itself_without_two_features(qtbot, controller):
    boundary = DecisionBoundary(controller, LIGHT)
    qtbot.addWidget(boundary)
    rng = np.random.RandomState(1)
    controller.set_dataset(Dataset.from_arrays(rng.randn(3, 40), (np.arange(40) % 2)[None, :]))
    assert boundary.stack.currentWidget() is boundary.note
    assert "exactly 2 features" in boundary.note.text()
    controller.run(3)  # no error, nothing drawn
    controller.set_dataset(Dataset.from_arrays(rng.randn(2, 40), (np.arange(40) % 2)[None, :]))
    assert boundary.stack.currentWidget() is boundary.graphics


# ----------------------------------------------------------------------------------- the panel
def test_a_plot_is_built_when_its_tab_is_first_shown(qtbot, controller):
    panel = shown(qtbot, PlotsPanel(controller, LIGHT))
    assert isinstance(panel.widget(0), CostPlot)
    assert not any(isinstance(panel.widget(i), WeightHeatmaps) for i in range(panel.count()))
    panel.set_theme(DARK)
    panel.set_scale(2.0)
    controller.run(7)
    tabs = panel.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(2).center())
    weights = panel.widget(2)
    assert isinstance(weights, WeightHeatmaps) and panel.currentWidget() is weights and weights.isVisible()
    assert panel.tabText(2) == "Weights" and panel.weights is weights
    assert np.allclose(weights.cells[0].W.image.image, controller.stepper.value("W", 1))
    assert weights.theme is DARK and weights.scale == 2.0  # as the panel was set before it was built


def test_panel_holds_every_plot_and_updates_hidden_tabs_when_shown(qtbot, controller):
    panel = shown(qtbot, PlotsPanel(controller, LIGHT))
    assert [panel.indexOf(p) for p in (panel.cost, panel.accuracy, panel.weights, panel.grad_norms,
                                       panel.boundary)] == [0, 1, 2, 3, 4]
    controller.run(40)
    assert panel.cost.curves["cost"].getOriginalDataset()[1].size == 40
    assert panel.accuracy._shown_furthest != 40  # a background tab waits …
    panel.setCurrentWidget(panel.accuracy)
    assert panel.accuracy.curves["train_accuracy"].getOriginalDataset()[1].size == 40  # … until shown
    panel.setCurrentWidget(panel.weights)
    assert np.allclose(panel.weights.cells[0].W.image.image, controller.stepper.value("W", 1))


def test_theme_and_scale_restyle_in_place(qtbot, controller):
    panel = PlotsPanel(controller, LIGHT)
    qtbot.addWidget(panel)
    curve = panel.cost.curves["cost"]
    panel.set_theme(DARK)
    assert panel.cost.graphics.backgroundBrush().color().name() == DARK.panel
    assert curve.opts["pen"].color().name() == DARK.forward
    assert panel.cost.curves["cost"] is curve  # restyled, not rebuilt
    panel.set_scale(2.0)
    assert curve.opts["pen"].width() == 2
    assert panel.cost.plot.getAxis("bottom").style["tickFont"].pointSizeF() > 12
    assert panel.boundary.points[("train", 0)].opts["size"] > 6


def test_thousands_of_updates_run_without_error(qtbot, controller):
    """Guards the PySide6 6.12.0 abort (QObject.property refcount bug hit by PlotDataItem.setData)."""
    curve = pg.PlotDataItem(skipFiniteCheck=True)
    x = np.arange(200.0)
    for k in range(5000):
        curve.setData(x, np.sin(x + k))
    assert np.array_equal(curve.getOriginalDataset()[1], np.sin(x + 4999))
    panel = PlotsPanel(controller, LIGHT)  # not shown: every plot refreshes on every signal
    qtbot.addWidget(panel)
    for _ in range(2000):
        controller.stepper.run(1)
        controller.changed.emit("run")
    assert panel.cost.curves["cost"].getOriginalDataset()[1].size == 2000
    assert panel.grad_norms.curves["dW2"].getOriginalDataset()[1].size == 2000


def test_export_writes_png_and_svg(qtbot, controller, tmp_path):
    panel = shown(qtbot, PlotsPanel(controller, LIGHT))
    controller.run(30)
    panel.weights.set_dW_shown(True)
    for plot in panel.plots:
        panel.setCurrentWidget(plot)
        for suffix in ("png", "svg"):
            path = plot.export(tmp_path / f"{type(plot).__name__}.{suffix}")
            assert path.stat().st_size > 1000
    assert (tmp_path / "CostPlot.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        panel.cost.export(tmp_path / "cost.pdf")
    # the scene's context menu keeps pyqtgraph's "Export..."
    assert panel.cost.graphics.scene().contextMenu[0].text() == "Export..."


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform, when the dialog raises itself
def test_the_plots_own_export_menu_writes_svg(qtbot, controller, tmp_path):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    controller.run(5)
    scene = plot.graphics.scene()
    scene.contextMenuItem = plot.plot  # what a right-click on the plot would have chosen
    scene.contextMenu[0].trigger()  # "Export…": pyqtgraph's dialog, which exports with its own exporter
    from pyqtgraph.exporters import SVGExporter

    SVGExporter(plot.plot).export(str(tmp_path / "menu.svg"))  # raised ValueError on Qt ≥ 6.10 without the fix
    assert (tmp_path / "menu.svg").read_text().lstrip().startswith("<?xml")
    scene.exportDialog.close()


@pytest.mark.parametrize("axis_order", ["row-major", "col-major"])
def test_fast_image_paints_the_pixels_pyqtgraph_would(qtbot, axis_order):
    rng = np.random.default_rng(3)
    values = rng.uniform(-1.2, 1.2, size=(7, 11))  # past both levels: clipped to the end colours
    values[0, :3] = (-0.5, 0.0, 0.5)  # on the levels' grid, where a rounding difference would show
    lut = diverging_map().getLookupTable(nPts=256)
    reference, fast = pg.ImageItem(axisOrder=axis_order), FastImageItem(axisOrder=axis_order)
    for item in (reference, fast):
        item.setLookupTable(lut)
        item.setImage(values, autoLevels=False, levels=(-1.0, 1.0))
        item.render()
    def pixels(item):
        return item.qimage.convertToFormat(QImage.Format.Format_ARGB32)

    assert pixels(fast) == pixels(reference)
    assert fast.qimage.format() == QImage.Format.Format_Indexed8  # its own path, not pyqtgraph's
    # NaN entries: pyqtgraph's transparent pixels
    values[2, 2] = np.nan
    fast.setImage(values, autoLevels=False, levels=(-1.0, 1.0))
    fast.render()
    assert QColor(pixels(fast).pixelColor(*((2, 2)))).alpha() == 0


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing")  # offscreen, for the popup
def test_a_plots_view_menu_is_made_on_the_first_right_click(qtbot, controller):
    plot = shown(qtbot, CostPlot(controller, LIGHT))
    view = plot.plot.vb
    assert view.menu is None and view.menuEnabled()  # not made with the plot
    centre = plot.graphics.mapFromScene(view.sceneBoundingRect().center())
    qtbot.mouseClick(plot.graphics.viewport(), Qt.MouseButton.RightButton, pos=centre)
    qtbot.waitUntil(lambda: view.menu is not None and view.menu.isVisible())
    assert "View All" in [action.text() for action in view.menu.actions()]
    view.menu.close()


def test_the_boundary_fills_its_view_without_empty_bands(qtbot, controller):
    def filled() -> bool:
        (x0, x1), (y0, y1) = boundary.plot.vb.viewRange()
        rect = boundary.image.mapRectToParent(boundary.image.boundingRect())
        covered_x = min(rect.right(), x1) - max(rect.left(), x0)
        covered_y = min(rect.bottom(), y1) - max(rect.top(), y0)
        return covered_x >= 0.97 * (x1 - x0) and covered_y >= 0.97 * (y1 - y0)

    boundary = shown(qtbot, DecisionBoundary(controller, LIGHT), (900, 320))  # a wide dock: the flower is round
    qtbot.waitUntil(lambda: boundary.up_to_date and filled())
    boundary.resize(360, 600)  # a tall one
    qtbot.waitUntil(lambda: boundary.up_to_date and filled())
    assert_shows_the_network(boundary)


def test_axes_keep_to_what_their_quantity_can_be_and_start_afresh_after_reset(qtbot, controller):
    cost = shown(qtbot, CostPlot(controller, LIGHT))
    accuracy = shown(qtbot, AccuracyPlot(controller, LIGHT))
    controller.run(400)
    (_, _), (low, _) = cost.plot.vb.viewRange()
    assert low >= 0  # no cost below 0
    (_, _), (low, high) = accuracy.plot.vb.viewRange()
    assert low >= 0 and high <= 100
    controller.run(2000)  # the cost falls well below where it started
    before = cost.plot.vb.viewRange()[1]
    controller.reset()
    controller.run(3)
    after = cost.plot.vb.viewRange()[1]
    assert after != before and after[0] > 0.5  # around 0.69 again, not the old range down to ~0.2


def test_a_narrow_log_range_still_labels_its_ticks(qtbot, controller):
    cost = shown(qtbot, CostPlot(controller, LIGHT))
    cost.set_log_y(True)
    controller.run(60)  # the flower's cost from 0.693 to about 0.63: no 1-2-5 value inside
    QApplication.processEvents()
    axis = cost.plot.getAxis("left")
    low, high = axis.range
    ticks = axis.tickValues(low, high, axis.height())
    labels = [text for _, values in ticks for text in axis.tickStrings(values, 1.0, 1.0) if text]
    assert len(labels) >= 2, labels


def test_a_divergence_turns_the_cost_axis_logarithmic(qtbot, controller):
    cost = shown(qtbot, CostPlot(controller, LIGHT))
    controller.set_learning_rate(10.0)
    controller.apply_settings(ModelSettings(hidden=(HiddenLayer(4, "relu"),), seed=1, learning_rate=10.0))
    controller.run(100)
    assert controller.report is not None
    assert cost.log_y and cost.log_check.isChecked()
