"""The network diagram: what it greys, what glows, what a click selects, and that it stays legible."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import shown
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem

from backpropviz.engine.datasets import Dataset
from backpropviz.engine.equations import step_equations
from backpropviz.engine.model import HiddenLayer, ModelSettings
from backpropviz.gui.controller import Controller
from backpropviz.gui.diagram import MAX_CELLS, NetworkView, heatmap_rgb, sample_matrix
from backpropviz.gui.theme import DARK, DIVERGING_LUT, LIGHT

GRADIENTS = ("dZ", "dW", "db")


@pytest.fixture
def controller() -> Controller:
    return Controller()  # the course's flower 2-4-1 tanh net


@pytest.fixture
def view(qtbot, controller: Controller) -> NetworkView:
    return shown(qtbot, NetworkView(controller), (900, 500))


def steps(controller: Controller, n: int) -> None:
    for _ in range(n):
        controller.step_forward()


def greying(view: NetworkView, L: int) -> dict[tuple[str, int], bool]:
    """What the diagram shows as not computed, for every computed quantity."""
    keys = [("A", l) for l in range(L + 1)] + [("dA", l) for l in range(L + 1)] + [("J", 0)]
    keys += [(q, l) for l in range(1, L + 1) for q in ("Z", *GRADIENTS)]
    return {key: view.is_greyed(*key) for key in keys}


def click(qtbot, view: NetworkView, item: QGraphicsItem, point: QPointF | None = None) -> tuple[str, int]:
    """Click the item (at its centre unless told) and return what ``selected`` carried."""
    point = point if point is not None else item.sceneBoundingRect().center()
    with qtbot.waitSignal(view.selected, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(point))
    return tuple(blocker.args)


def visible_texts(view: NetworkView) -> list[QGraphicsSimpleTextItem]:
    """The texts a user sees (a label's twins in other inks are there too, fully transparent)."""
    return [item for item in view.scene().items()
            if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible() and item.effectiveOpacity() > 0
            and item.text()]


def overlapping_texts(view: NetworkView) -> list[tuple[str, str]]:
    texts = visible_texts(view)
    rects = [(t.text(), t.sceneBoundingRect().adjusted(0.5, 0.5, -0.5, -0.5)) for t in texts]
    return [(a, b) for k, (a, ra) in enumerate(rects) for b, rb in rects[k + 1:] if ra.intersects(rb)]


def deep_controller() -> Controller:
    """Six hidden layers of 50 sigmoid units (2-50-50-50-50-50-50-1)."""
    return Controller(ModelSettings(hidden=tuple(HiddenLayer(50, "sigmoid") for _ in range(6))))


def in_view(view: NetworkView, item: QGraphicsItem) -> bool:
    """Whether ``item`` is wholly on the viewport and neither under the header nor under the caption."""
    rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    return view.viewport().rect().contains(rect) and not rect.intersects(view.caption_rect()) and \
        not rect.intersects(view.header_rect())


def wide_controller(n_x: int = 784, m: int = 50) -> Controller:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, :2] = (0, 1)  # both classes
    controller = Controller()
    settings = ModelSettings(hidden=(HiddenLayer(128, "relu"), HiddenLayer(64, "relu")), learning_rate=0.01)
    controller.apply_settings(settings, Dataset.from_arrays(X, Y))
    return controller


def pixel_variance(path) -> float:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_Grayscale8)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes()).reshape(image.height(), -1)
    return float(data[:, : image.width()].var())


# ------------------------------------------------------------------------------------- greying and glow
def test_fresh_network_greys_every_computed_quantity(view: NetworkView) -> None:
    shown = greying(view, 2)
    assert not shown[("A", 0)]  # X is data
    assert all(greyed for key, greyed in shown.items() if key != ("A", 0))
    assert not view.is_greyed("W", 1) and not view.is_greyed("b", 2)
    assert view.highlighted_item() is None
    assert view.next_items() == [view.item_for("box", 1)]  # Space will do F1
    assert view.caption_text().startswith("Fresh network")
    assert "Next (Space) ▸ F1" in view.caption_text()


def test_thumbnail_frames_grey_and_light_up_without_new_items(view: NetworkView, controller: Controller) -> None:
    Z1, W1 = view.item_for("Z", 1), view.item_for("W", 1)
    assert Z1.looks.pen().style() == Qt.PenStyle.DashLine and Z1.looks.pen().color() == QColor(LIGHT.muted)
    assert W1.looks.pen().style() == Qt.PenStyle.SolidLine
    steps(controller, 1)  # F1 computes Z1
    assert Z1.looks.pen().style() == Qt.PenStyle.SolidLine
    steps(controller, 11)  # to the Update of iteration 2: every look has been shown
    count = len(view.scene().items())
    steps(controller, 6)  # one more iteration lights and greys the same frames again, by their twins
    assert len(view.scene().items()) == count
    assert view.is_greyed("Z", 1) and Z1.looks.pen().style() == Qt.PenStyle.DashLine


def test_what_a_panel_holds_is_drawn_over_its_fill(view: NetworkView, controller: Controller) -> None:
    steps(controller, 3)
    for key in (("box", 1), ("box", 2), ("grads", 2), ("cost", 0)):
        box = view.item_for(*key)
        fill = box.looks.shown
        held = [c for c in box.childItems() if c.opacity() > 0 and c is not fill and c.isVisible()
                and not c.flags() & QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent]
        assert fill is not None and held
        for child in held:  # the activation's pill, thumbnails, texts
            stack = view.scene().items(child.sceneBoundingRect().center())
            assert stack.index(child) < stack.index(fill), (key, child)


def test_first_forward_step_fills_layer_1_and_glows(view: NetworkView, controller: Controller) -> None:
    steps(controller, 1)
    assert not view.is_greyed("Z", 1) and not view.is_greyed("A", 1)
    assert view.is_greyed("Z", 2) and view.is_greyed("A", 2) and view.is_greyed("J", 0)
    assert all(view.is_greyed(q, l) for q in GRADIENTS for l in (1, 2))
    box = view.item_for("box", 1)
    assert view.highlighted_item() is box
    assert box.halo.lit and box.looks.pen().color() == QColor(LIGHT.highlight)
    assert view.item_for("forward", 1).halo.lit  # the A1 it produced
    assert view.item_for("step", 0).looks.brush().color() == QColor(LIGHT.highlight)  # the F1 chip is lit
    assert view.item_for("step", 1).looks.brush().color() != QColor(LIGHT.highlight)
    assert view.next_items() == [view.item_for("box", 2)]
    for equation in step_equations(controller.stepper.net, controller.stepper.last_step, 1.2):
        assert equation in view.caption_text()
    # the Z1 thumbnail shows Z1's colours; Z2's is an empty grey frame
    assert view.item_for("Z", 1).pixmap_item.isVisible()
    assert not view.item_for("Z", 2).pixmap_item.isVisible()


def test_cost_step_lights_the_red_dAL_arrow(view: NetworkView, controller: Controller) -> None:
    steps(controller, 3)  # F1 F2 Cost
    arrow = view.item_for("dA", 2)
    assert not view.is_greyed("dA", 2)
    assert arrow.looks.pen().color() == QColor(LIGHT.backward)
    assert view.is_greyed("dA", 1) and view.item_for("dA", 1).looks.pen().color() == QColor(LIGHT.muted)
    assert not view.is_greyed("J", 0)
    assert view.item_for("J", 0).text() == f"{controller.stepper.current_cost:.4f}"
    assert view.highlighted_item() is view.item_for("cost", 0)
    assert arrow in view.highlighted_items() and arrow.halo.lit


def test_backward_steps_show_every_gradient(view: NetworkView, controller: Controller) -> None:
    steps(controller, 4)  # … B2
    assert not view.is_greyed("dW", 2) and view.is_greyed("dW", 1)
    assert "dW2 = 1/m dZ2 A1ᵀ  (1×4)" in view.caption_text()
    assert view.highlighted_item() is view.item_for("grads", 2)
    steps(controller, 1)  # B1
    for l in (1, 2):
        for quantity in GRADIENTS:
            chip = view.item_for(quantity, l)
            assert not view.is_greyed(quantity, l) and chip.pixmap_item.isVisible()
    assert not view.is_greyed("dA", 0) and view.item_for("dA0", 0).pixmap_item.isVisible()
    assert controller.stepper._dA0_pending  # its thumbnail read only its sample, not the whole W1ᵀ dZ1
    assert view.highlighted_item() is view.item_for("grads", 1)
    # next is the Update: every W and b has the dashed outline
    assert set(view.next_items()) == {view.item_for(q, l) for q in ("W", "b") for l in (1, 2)}


def test_update_glows_on_the_parameters_and_starts_a_new_iteration(view: NetworkView, controller: Controller) -> None:
    steps(controller, 6)  # F1 F2 Cost B2 B1 Update
    W1 = view.item_for("W", 1)
    assert W1 in view.highlighted_items() and W1.looks.pen().color() == QColor(LIGHT.highlight)
    assert all(greyed for key, greyed in greying(view, 2).items() if key != ("A", 0))
    assert view.caption_text().startswith("Update done")
    assert any(t.text() == "Iteration 1" for t in visible_texts(view))
    steps(controller, 1)  # the glow moves on to layer 1's box and leaves W1 plain again
    assert W1.looks.pen().color() == QColor(LIGHT.box_border) and not W1.halo.lit


def test_heatmaps_are_symmetric_about_zero_and_never_show_nan_as_a_number() -> None:
    rgb = heatmap_rgb(np.array([[-2.0, 0.0, 2.0, np.nan, 1.0]]))
    assert rgb.shape == (1, 5, 3) and rgb.dtype == np.uint8 and rgb.flags.c_contiguous
    assert (rgb[0, 0] == DIVERGING_LUT[0]).all() and (rgb[0, 2] == DIVERGING_LUT[-1]).all()
    assert (rgb[0, 1] == DIVERGING_LUT[128]).all()  # 0 is the map's white middle
    assert (rgb[0, 3] == 0).all()  # NaN is black
    assert (heatmap_rgb(np.zeros((2, 2))) == DIVERGING_LUT[128]).all()  # all zeros: white, no division by 0
    assert (heatmap_rgb(np.array([[1e-320, -1e-320]])) == DIVERGING_LUT[128]).all()  # denormals: no overflow
    assert (heatmap_rgb(np.array([[np.inf, 0.0]]))[0, 0] == 0).all()
    big = np.arange(128 * 784, dtype=float).reshape(128, 784)
    assert sample_matrix(big).shape == (64, 61) and sample_matrix(big).base is not None  # a strided view


def test_after_whole_iterations_greyed_quantities_show_faint_ghosts(view: NetworkView, controller: Controller) -> None:
    controller.run(20)  # what Play does: whole iterations, announced as "run"
    Z1 = view.item_for("Z", 1)
    assert view.is_greyed("Z", 1) and view.is_greyed("dW", 2) and view.is_greyed("J", 0)
    assert Z1.pixmap_item.isVisible() and Z1.pixmap_item.opacity() < 0.5  # last iteration's Z1, faintly
    assert view.item_for("J", 0).text() == f"{controller.stepper.series('cost')[-1]:.4f}"
    assert not view.item_for("dA0", 0).pixmap_item.isVisible()  # whole iterations never compute dA0
    steps(controller, 1)  # F1 of the new iteration: Z1 is real again, Z2 empty (no stale ghost)
    assert not view.is_greyed("Z", 1) and Z1.pixmap_item.opacity() == 1.0
    assert view.is_greyed("Z", 2) and not view.item_for("Z", 2).pixmap_item.isVisible()
    # J is the last iteration's, greyed and labelled with it (as the status line shows it), not this one's
    assert view.is_greyed("J", 0) and view.item_for("J", 0).text() == f"{controller.stepper.series('cost')[-1]:.4f}"
    assert view.item_for("cost", 0).note.text() == "iteration 19"
    controller.run(5)
    controller.apply_settings(ModelSettings(hidden=(HiddenLayer(3, "tanh"),)))  # a new net: no ghosts of it
    assert not view.item_for("Z", 1).pixmap_item.isVisible()


def test_back_restores_the_previous_picture(view: NetworkView, controller: Controller) -> None:
    for n in range(1, 8):
        steps(controller, 1)
        before = (greying(view, 2), view.highlighted_item(), view.caption_text(), view.next_items())
        steps(controller, 1)
        controller.back()
        after = (greying(view, 2), view.highlighted_item(), view.caption_text(), view.next_items())
        assert after == before, f"after {n} steps"


# ------------------------------------------------------------------------------------- clicks and hover
def test_clicks_select_the_quantity_they_show(qtbot, view: NetworkView, controller: Controller) -> None:
    steps(controller, 5)
    L = controller.stepper.L
    assert click(qtbot, view, view.item_for("W", 2)) == ("W", 2)
    assert click(qtbot, view, view.item_for("dA", 1)) == ("dA", 1)
    assert click(qtbot, view, view.item_for("dW", 2)) == ("dW", 2)
    assert click(qtbot, view, view.item_for("A", 0)) == ("A", 0)
    assert click(qtbot, view, view.item_for("A", L)) == ("A", L)
    assert click(qtbot, view, view.item_for("J", 0)) == ("J", 0)
    assert click(qtbot, view, view.item_for("Z", 1)) == ("Z", 1)
    assert click(qtbot, view, view.item_for("A", 1)) == ("A", 1)  # the forward arrow carrying A1
    assert click(qtbot, view, view.item_for("dA0", 0)) == ("dA", 0)
    # the arrow's label selects it too
    label = view.item_for("dA", 2).labels[0]
    assert click(qtbot, view, label) == ("dA", 2)
    # the last selection stays outlined
    assert view._selection.isVisible()
    assert view._selection.sceneBoundingRect().contains(label.sceneBoundingRect().center())


def test_clickable_items_show_a_pointing_hand(view: NetworkView) -> None:
    hand = Qt.CursorShape.PointingHandCursor
    for key in (("W", 1), ("dW", 2), ("dA", 1), ("A", 0), ("J", 0), ("forward", 1), ("box", 2), ("grads", 1)):
        item = view.item_for(*key)
        assert item.hasCursor() and item.cursor().shape() == hand
    assert view.item_for("dA", 1).labels[0].cursor().shape() == hand  # its label too
    assert not view.item_for("step", 0).hasCursor()  # the micro-step strip only informs


def test_hover_outlines_what_a_click_would_select(qtbot, view: NetworkView) -> None:
    W2 = view.item_for("W", 2)
    qtbot.mouseMove(view.viewport(), view.mapFromScene(W2.sceneBoundingRect().center()))
    qtbot.waitUntil(view._hover.isVisible, timeout=1000)
    assert view._hover.sceneBoundingRect().contains(W2.sceneBoundingRect())
    corner = view.mapFromScene(view.sceneRect().topLeft()) + QPoint(2, 2)
    qtbot.mouseMove(view.viewport(), corner)
    qtbot.waitUntil(lambda: not view._hover.isVisible(), timeout=1000)


def test_clicks_do_not_touch_the_engine(qtbot, view: NetworkView, controller: Controller) -> None:
    steps(controller, 2)
    state = (controller.stepper.iteration, controller.stepper.position, controller.stepper.net.theta.copy())
    with qtbot.assertNotEmitted(controller.changed):
        click(qtbot, view, view.item_for("W", 1))
    assert (controller.stepper.iteration, controller.stepper.position) == state[:2]
    assert np.array_equal(controller.stepper.net.theta, state[2])


# ------------------------------------------------------------------------------------- layout
@pytest.mark.parametrize("size", [(900, 500), (600, 350)])
def test_six_hidden_layers_fit_without_overlaps(qtbot, controller: Controller, size) -> None:
    controller.apply_settings(ModelSettings(hidden=tuple(HiddenLayer(64, "relu") for _ in range(6))))
    view = NetworkView(controller)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    steps(controller, 10)
    L = controller.stepper.L
    assert L == 7
    boxes = view.boxes()
    assert len(boxes) == 6 + 3  # X, the 6 hidden layers, the output layer 7, and the Output (ŷ, J) box
    lower = [view.item_for("dA0box", 0), *(view.item_for("grads", l) for l in range(1, L + 1)),
             view.item_for("cost", 0)]
    panels = boxes + lower
    rects = [item.sceneBoundingRect() for item in panels]
    for k, a in enumerate(rects):
        for b in rects[k + 1:]:
            assert not a.intersects(b)
    assert overlapping_texts(view) == []
    # arrows run in the gaps: they never cross a box
    for l in range(L + 1):
        for arrow in (view.item_for("forward", l), view.item_for("dA", l)):
            line = arrow.path().boundingRect()
            assert not any(line.intersects(r) for r in rects)
    # the diagram is never drawn below the legible zoom: it scrolls, with what the last step filled in view
    assert view.transform().m11() >= 1.0 and view.horizontalScrollBar().isVisible()
    assert in_view(view, view.highlighted_item())
    if size == (900, 500):
        label = view.item_for("W", 3).labels[0]
        assert label.font().pixelSize() * view.transform().m11() >= 8.5


def test_flower_layout_has_no_overlapping_text(view: NetworkView, controller: Controller) -> None:
    for _ in range(7):
        assert overlapping_texts(view) == []
        steps(controller, 1)


def test_no_hidden_layer_builds(qtbot) -> None:
    controller = Controller(ModelSettings(hidden=()))
    view = NetworkView(controller)
    qtbot.addWidget(view)
    steps(controller, 3)  # F1 Cost B1
    assert len(view.boxes()) == 3
    assert not view.is_greyed("dW", 1) and view.item_for("A", 1) is view.item_for("box", 2)


def test_wide_layers_show_shapes_not_units_and_update_fast(qtbot) -> None:
    controller = wide_controller()
    view = NetworkView(controller)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    texts = {t.text() for t in visible_texts(view)}
    assert {"784 features", "128 units"} <= texts
    assert "64 units" not in texts  # 64 units are still drawn, as circles
    assert [len(units.centres) for units, _ in view._units] == [64, 1]  # layer 2 and the output unit
    steps(controller, 7)
    for key in (("W", 1), ("Z", 1), ("dW", 1), ("dA0", 0)):
        pixmap = view.item_for(*key).pixmap_item.pixmap()
        assert pixmap.width() <= MAX_CELLS and pixmap.height() <= MAX_CELLS
    # one update of everything (as Play does ~60 times a second) stays well inside a frame
    controller.run(1)
    start = time.perf_counter()
    for _ in range(10):
        controller.changed.emit("run")
    assert (time.perf_counter() - start) / 10 < 0.016


def test_rebuilt_replaces_the_diagram(qtbot, view: NetworkView, controller: Controller) -> None:
    with qtbot.waitSignal(controller.rebuilt):
        controller.apply_settings(ModelSettings(hidden=(HiddenLayer(3, "relu"), HiddenLayer(5, "tanh"))))
    assert len(view.boxes()) == 5
    assert view.item_for("W", 2).labels[1].text() == "(5×3)"
    assert "relu" in {t.text() for t in visible_texts(view)}


# ------------------------------------------------------------------------------------- divergence
def test_divergence_shows_the_red_banner(qtbot, view: NetworkView, controller: Controller) -> None:
    controller.apply_settings(ModelSettings(learning_rate=1000.0))
    assert view.banner_text() is None
    controller.run(1000)
    report = controller.stepper.report
    assert report is not None
    assert view.banner_text() == f"⚠  {report.message}"
    assert view.sceneRect().contains(view._banner.sceneBoundingRect())
    failing = next(i for i, s in enumerate(controller.stepper.steps) if s.label == report.step)
    assert view.item_for("step", failing).looks.brush().color() == QColor(LIGHT.backward)
    controller.back()
    assert view.banner_text() is None


# ------------------------------------------------------------------------------------- theme and scale
def test_set_theme_recolours_in_place(view: NetworkView, controller: Controller) -> None:
    steps(controller, 1)
    W1 = view.item_for("W", 1)
    view.set_theme(DARK)
    assert view.item_for("W", 1) is W1
    assert view.backgroundBrush().color() == QColor(DARK.background)
    assert view.item_for("forward", 1).looks.pen().color() == QColor(DARK.forward)
    assert view.item_for("box", 1).looks.pen().color() == QColor(DARK.highlight)


def test_set_scale_enlarges_text_relative_to_the_diagram(view: NetworkView) -> None:
    def label_on_screen() -> float:
        label = view.item_for("W", 1).labels[0]
        return label.font().pixelSize() * view.transform().m11()

    before = label_on_screen()
    view.set_scale(1.8)
    assert view.item_for("W", 1).labels[0].font().pixelSize() == round(11 * 1.8)
    assert label_on_screen() > 1.2 * before
    assert overlapping_texts(view) == []


# ------------------------------------------------------------------------------------- screenshots
def test_screenshots_are_not_blank(qtbot, view: NetworkView, controller: Controller, tmp_path) -> None:
    shots = []
    for name, action in (("fresh", lambda: None), ("mid_backward", lambda: steps(controller, 4)),
                         ("trained", lambda: controller.run(500))):
        action()
        path = tmp_path / f"network_{name}.png"
        assert view.grab().save(str(path))
        shots.append(path)
    for path in shots:
        assert pixel_variance(path) > 100
    assert controller.stepper.iteration == 500


@pytest.mark.parametrize("hidden", [(), (HiddenLayer(20, "relu"), HiddenLayer(7, "relu"), HiddenLayer(5, "relu"))])
def test_the_diagram_keeps_its_size_and_zoom_through_every_micro_step(qtbot, hidden) -> None:
    """Captions of one or two lines: the scene has room for the tallest from the start, so no step
    refits the view (a visible zoom, and every item drawn again)."""
    controller = Controller(ModelSettings(hidden=hidden) if hidden else None)
    view = shown(qtbot, NetworkView(controller), (700, 420))
    lines = set()
    seen = {(view.sceneRect().getRect(), view.transform().m11())}
    for _ in range(len(controller.stepper.steps) + 1):
        controller.step_forward()
        seen.add((view.sceneRect().getRect(), view.transform().m11()))
        lines.add(len({round(item.pos().y()) for item, _ in view._caption_parts if item.isVisible()}))
    assert seen == {next(iter(seen))}
    assert len(lines) > 1 or not hidden  # the deep net's captions do differ in height


# ------------------------------------------------------------------------------------- legible on a projector
# What the diagram gets of a 1280×720 screen: windowed (the central area) and presenting (beside a side panel);
# a 1280×720 presenter window gives it all of its width (the default) or what the panels leave (F9)
WINDOWED, PRESENTER = (860, 600), (930, 640)
PRESENTER_ALONE, PRESENTER_PANELS = (1280, 613), (839, 613)
LEGIBLE_PX = {1.0: {"title": 13, "caption": 12, "shape": 10}, 1.75: {"title": 22, "caption": 18, "shape": 14}}


@pytest.mark.parametrize("make", [Controller, deep_controller], ids=["flower", "deep"])
@pytest.mark.parametrize(("size", "scale"), [(WINDOWED, 1.0), (PRESENTER, 1.75), (PRESENTER_ALONE, 1.75),
                                           (PRESENTER_PANELS, 1.75)],
                         ids=["windowed", "presenter", "presenter-alone", "presenter-panels"])
def test_text_stays_legible_on_a_1280x720_screen(qtbot, make, size, scale) -> None:
    controller = make()
    view = shown(qtbot, NetworkView(controller), size)
    view.set_scale(scale)
    for _ in range(len(controller.stepper.steps) + 2):  # every micro-step, into the next iteration
        steps(controller, 1)
        sizes = view.on_screen_text_px()
        assert all(sizes[role] >= least for role, least in LEGIBLE_PX[scale].items()), sizes
        # what the step filled is in view (scrolled to when the diagram does not fit, between the header and
        # the caption), and so are they
        assert in_view(view, view.highlighted_item())
        assert view.viewport().rect().contains(view.caption_rect())
        assert view.viewport().rect().contains(view.header_rect())
    assert overlapping_texts(view) == []


@pytest.mark.parametrize("size", [WINDOWED, PRESENTER, (1570, 1000)])
def test_presenter_text_size_enlarges_the_text_on_screen(qtbot, size) -> None:
    view = shown(qtbot, NetworkView(Controller()), size)
    sizes = []
    for scale in (1.0, 1.75, 2.5):
        view.set_scale(scale)
        sizes.append(view.on_screen_text_px())
    for role in ("title", "caption", "shape"):
        assert sizes[0][role] < sizes[1][role] < sizes[2][role], role


def test_a_deep_net_scrolls_and_clicks_and_hover_still_work(qtbot) -> None:
    controller = deep_controller()
    view = shown(qtbot, NetworkView(controller), WINDOWED)
    assert view.horizontalScrollBar().isVisible() and view.horizontalScrollBar().value() == 0
    steps(controller, 7)  # F1 … F7: the view has followed the glow to the right
    assert view.horizontalScrollBar().value() > 0
    W7 = view.item_for("W", 7)
    assert in_view(view, W7) and click(qtbot, view, W7) == ("W", 7)
    Z6 = view.item_for("Z", 6)
    qtbot.mouseMove(view.viewport(), view.mapFromScene(Z6.sceneBoundingRect().center()))
    qtbot.waitUntil(view._hover.isVisible, timeout=1000)
    assert view._hover.sceneBoundingRect().contains(Z6.sceneBoundingRect())
    steps(controller, 8)  # … B1: back to the left
    assert in_view(view, view.item_for("grads", 1))


def test_the_caption_stays_in_view_over_a_scrolled_diagram(qtbot, controller: Controller) -> None:
    controller.apply_settings(ModelSettings(hidden=tuple(HiddenLayer(50, "sigmoid") for _ in range(6))))
    view = shown(qtbot, NetworkView(controller), PRESENTER)
    view.set_scale(1.75)
    steps(controller, 2)  # F2: the upper band in view, the caption's place below the viewport
    caption = view.caption_rect()
    viewport = view.viewport().rect()
    assert caption.bottom() <= viewport.bottom() and caption.width() == viewport.width()
    assert view.mapFromScene(view._caption_parts[0][0].scenePos()).y() > viewport.bottom()  # drawn over, pinned
    image = view.viewport().grab(caption).toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    assert (pixels < 128).mean() > 0.01  # the equations' ink
    with qtbot.assertNotEmitted(view.selected):  # the caption hides what is under it from clicks too
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=caption.center())


def test_presenter_mode_greys_in_a_darker_ink(qtbot, controller: Controller) -> None:
    view = shown(qtbot, NetworkView(controller), PRESENTER)
    assert view.item_for("Z", 1).looks.pen().color() == QColor(LIGHT.muted)
    view.set_scale(1.75)
    assert view.item_for("Z", 1).looks.pen().color() == QColor(LIGHT.muted_presenter)
    assert view.item_for("Z", 1).labels[0].ink == LIGHT.muted_presenter
    view.set_theme(DARK)
    assert view.item_for("Z", 1).looks.pen().color() == QColor(DARK.muted_presenter)
    view.set_scale(1.0)
    assert view.item_for("Z", 1).looks.pen().color() == QColor(DARK.muted)


def amber_box(image: QImage, colour: str) -> tuple[int, int, int, int] | None:
    """The bounding box (x0, y0, x1, y1) of the pixels of ``colour`` in ``image``, or None."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4).reshape(image.height(), -1)
    ys, xs = np.nonzero((pixels[:, : image.width()] & 0xFFFFFF) == (QColor(colour).rgb() & 0xFFFFFF))
    return (xs.min(), ys.min(), xs.max(), ys.max()) if xs.size else None


def test_the_header_stays_in_view_over_a_scrolled_diagram(qtbot, controller: Controller) -> None:
    """Scrolled down to the backward band, the lecturer still sees the iteration and which step is next."""
    view = shown(qtbot, NetworkView(controller), PRESENTER_ALONE)
    view.set_scale(1.75)
    steps(controller, 5)  # B1 done: the view has scrolled down to the backward band
    bar = view.verticalScrollBar()
    assert bar.value() > bar.minimum()
    chip = view.item_for("step", 4)  # B1's chip
    assert view.mapFromScene(chip.sceneBoundingRect().center()).y() < 0  # its place is scrolled out
    header = view.header_rect()
    assert header.top() == 0 and header.right() == view.viewport().rect().right()
    pinned = amber_box(view.viewport().grab(header).toImage(), LIGHT.highlight)
    # the header is drawn there as it is in its place: B1's chip amber where it is, its label readable
    bar.setValue(bar.minimum())
    in_place = amber_box(view.viewport().grab(view.header_rect()).toImage(), LIGHT.highlight)
    assert pinned is not None and in_place is not None
    assert np.allclose(pinned, in_place, atol=1)
    # amber: B1's chip (done) through the dashed outline of Update's (next)
    left = view.header_rect().left()
    b1, update = (view.mapFromScene(view.item_for("step", i).sceneBoundingRect()).boundingRect() for i in (4, 5))
    assert abs(in_place[0] + left - b1.left()) <= 2 and abs(in_place[2] + left - update.right()) <= 2
    assert chip.text.font().pixelSize() * view.transform().m11() >= 18
    # the pinned header changes with the steps: after Update, amber runs from F1's chip (next) to Update's
    steps(controller, 1)
    bar.setValue(bar.maximum())
    f1, update = (view.mapFromScene(view.item_for("step", i).sceneBoundingRect()).boundingRect() for i in (0, 5))
    assert f1.bottom() < 0  # their places are scrolled out: what shows is the pinned header
    done = amber_box(view.viewport().grab(view.header_rect()).toImage(), LIGHT.highlight)
    assert done is not None
    assert abs(done[0] + left - f1.left()) <= 2 and abs(done[2] + left - update.right()) <= 2


def test_the_pinned_header_hides_what_is_under_it_from_clicks_and_hover(qtbot, controller: Controller) -> None:
    view = shown(qtbot, NetworkView(controller), PRESENTER_ALONE)
    view.set_scale(1.75)
    steps(controller, 5)  # scrolled down: the top of the layer boxes is under the pinned header
    box = view.item_for("box", 1)
    point = view.mapFromScene(QPointF(box.sceneBoundingRect().center().x(), box.sceneBoundingRect().top() + 4))
    assert view.header_rect().contains(point) and box in view.items(point)
    with qtbot.assertNotEmitted(view.selected):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseMove(view.viewport(), point)
    assert not view._hover.isVisible()
    assert view.viewport().cursor().shape() == Qt.CursorShape.ArrowCursor
    # under the header's strip, where the diagram shows again, a click selects as ever
    below = QPoint(point.x(), view.header_rect().bottom() + 30)
    assert box in view.items(below)
    assert click(qtbot, view, box, view.mapToScene(below)) == ("A", 1)


@pytest.mark.parametrize(("make", "wide"), [(Controller, PRESENTER_ALONE), (deep_controller, (1600, 900))],
                         ids=["flower", "deep"])
def test_the_header_takes_two_lines_when_the_view_is_narrower_than_it(qtbot, make, wide) -> None:
    controller = make()
    view = shown(qtbot, NetworkView(controller), wide)
    view.set_scale(1.75)
    header = view._header
    texts = [header.iteration, header.info, *header.chips]

    def on_screen(item: QGraphicsItem) -> QRect:
        return view.mapFromScene(item.sceneBoundingRect()).boundingRect()

    assert view.horizontalScrollBar().value() == 0
    one_line = on_screen(header.iteration).center().y()
    assert abs(on_screen(header.info).center().y() - one_line) < on_screen(header.chips[0]).height() / 2
    view.resize(*PRESENTER_PANELS)
    for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
        bar.setValue(bar.minimum())
    # α goes under "Iteration N" and nothing of the header is cut at the view's right
    assert on_screen(header.info).top() > on_screen(header.iteration).bottom() - 2
    assert all(view.viewport().rect().contains(on_screen(item)) for item in texts)
    assert overlapping_texts(view) == []
    view.resize(*wide)
    assert abs(on_screen(header.info).center().y() - on_screen(header.iteration).center().y()) < \
        on_screen(header.chips[0]).height() / 2


def test_presenter_mode_enlarges_the_text_not_the_room_around_it(qtbot, controller: Controller) -> None:
    """At scale 1.75 the text is 1.75× bigger, but margins, gaps and thumbnails are not: the flower's scene
    grows far less than its text (it was 981×778 against 560×550 when they grew too)."""
    view = shown(qtbot, NetworkView(controller), PRESENTER_ALONE)
    windowed, thumbnail = view.sceneRect(), view.item_for("W", 1).rect
    view.set_scale(1.75)
    presenter = view.sceneRect()
    assert presenter.width() <= 1.65 * windowed.width() and presenter.height() <= 1.25 * windowed.height()
    assert view.item_for("W", 1).rect.size() == thumbnail.size()
    assert view.item_for("W", 1).labels[0].font().pixelSize() == round(11 * 1.75)
