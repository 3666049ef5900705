"""The decision boundary: the data points over the network's output A[L] on a grid, and click-to-edit data.

The grid covers the raw data with a margin; the network sees the grid through ``dataset.transform`` (the data
may be standardised), so the picture is in the data's own units. It has GRID × GRID points for nets whose
forward pass over them is cheap, fewer for costly ones (``grid_size``), and is computed on a thread of its own
(grid_thread.py) on a copy of θ, one computation at a time, only when θ changed. During Play it is asked for at
most ``play_rate`` times a second, and after a computation that took s seconds not again for REST_FACTOR·s
(the boundary then takes at most a third of a core from training and painting).

Each computation is tagged with the view's ``epoch``, the count of changes that left the way forward (Back,
the timeline, Reset, an edit, a new run): a result is shown only for the current grid, and only if no such
change came since it was asked for (during Play it is then an earlier frame of the same training) or θ is
what it was computed for. A shown image that no longer fits dims after STALE_DIM_MS until the new one comes.

Click adds a class-0 point, shift-click a class-1 point, ctrl-click removes the nearest point; the
edited data set goes to ``controller.set_dataset``. Only for two features.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QShowEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QStackedWidget, QWidget

from ...engine.changes import Change
from ...engine.datasets import Dataset, DatasetError, add_point, nearest_index, remove_nearest
from ..controller import Controller
from ..theme import Theme
from .base import PlotView, pen_width, plot_item, style_axes
from .contour import contour_segments
from .fast_image import FastImageItem
from .grid_thread import GridComputation, GridRequest

GRID = 120  # points per side of the grid for nets that are cheap to evaluate
MIN_GRID = 32  # ... and for the costliest (6 × 1,024 units: ~0.2 s on one core here)
# Multiply-adds of one computation of the grid that set its size: ~30 ms on one core here.
GRID_BUDGET_MACS = 5e8
REST_FACTOR = 2.0
STALE_DIM_MS = 100
STALE_OPACITY = 0.3
# Changes after which θ is the one shown or a later one of the same training: a result asked for before them is
# an earlier frame, not a wrong one. Every other change may have taken θ elsewhere.
FORWARD_KINDS = frozenset({Change.STEP, Change.RUN, Change.ITERATION, Change.LEARNING_RATE, Change.PLANTED_BUG})
# Changes that leave θ as it was (so do micro-steps other than the Update).
KEEPING_KINDS = frozenset({Change.LEARNING_RATE, Change.PLANTED_BUG})
MARGIN = 0.08  # of the data's range, on each side
# The grid is made anew when the view's shape changes by more than this share (a new computation, a new image),
# RESHAPE_MS after the last resize.
REGRID_SHARE = 0.1
RESHAPE_MS = 150
REMOVE_REACH_PX = 24  # ctrl-click removes the nearest point only if it is this close on screen
MESSAGE_MS = 6000
# Aspect ratio 1 (the flower looks like a flower) unless the features' ranges differ this much.
MAX_LOCKED_ASPECT = 4.0


def mix(colour: str, other: str, share: float) -> QColor:
    """``share`` of ``colour`` blended into ``other``."""
    a, b = QColor(colour), QColor(other)
    return QColor(
        round(share * a.red() + (1 - share) * b.red()),
        round(share * a.green() + (1 - share) * b.green()),
        round(share * a.blue() + (1 - share) * b.blue()),
    )


def probability_lut(theme: Theme, strength: float = 0.42) -> np.ndarray:
    """(256, 3) uint8: class-0 tint at A = 0, the panel colour at 0.5, class-1 tint at A = 1."""
    panel = QColor(theme.panel)
    ends = [mix(theme.class0, theme.panel, strength), panel, mix(theme.class1, theme.panel, strength)]
    anchors = np.array([[c.red(), c.green(), c.blue()] for c in ends], dtype=float)
    x = np.linspace(0.0, 1.0, 256)
    return np.stack([np.interp(x, [0.0, 0.5, 1.0], anchors[:, k]) for k in range(3)], axis=1).round().astype(np.uint8)


def raw_points(dataset: Dataset, X: np.ndarray) -> np.ndarray:
    """Undo the data set's standardisation: the points in the units of X_all."""
    if dataset.mean is None or dataset.std is None:
        return X
    return X * dataset.std + dataset.mean


def same_values(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two θ are equal; a θ that changed usually differs in its first entries (W1 moves at every Update),
    which are compared first: a whole comparison reads 84 MB on a 6 × 1,024 net."""
    return a.shape == b.shape and np.array_equal(a[:64], b[:64]) and np.array_equal(a, b)


def grid_size(layer_dims: Sequence[int]) -> int:
    """Points per side of the grid: GRID while a forward pass over GRID² points costs at most GRID_BUDGET_MACS
    multiply-adds, fewer (not below MIN_GRID) for costlier nets."""
    macs = sum(n * n_prev for n, n_prev in zip(layer_dims[1:], layer_dims[:-1], strict=True))
    return int(min(GRID, max(MIN_GRID, math.sqrt(GRID_BUDGET_MACS / max(macs, 1)))))


def grid_axes(X_all: np.ndarray, size: int = GRID, aspect: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Grid coordinates along each feature: the data's range plus a margin (never empty). With ``aspect`` (the
    view's width / height in pixels, its scales locked 1:1) the shorter side is widened about its centre to
    that shape, so the boundary fills the whole view instead of leaving empty bands beside the data."""
    bounds = []
    for row in X_all[:2]:
        low, high = (float(row.min()), float(row.max())) if row.size else (-1.0, 1.0)
        span = high - low if high > low else max(abs(high), 1.0)
        bounds.append([low - MARGIN * span, high + MARGIN * span])
    if aspect is not None and aspect > 0:
        (x0, x1), (y0, y1) = bounds
        width, height = x1 - x0, y1 - y0
        axis, wanted = (0, height * aspect) if width < height * aspect else (1, width / aspect)
        centre, half = sum(bounds[axis]) / 2, wanted / 2
        bounds[axis] = [centre - half, centre + half]
    return np.linspace(*bounds[0], size), np.linspace(*bounds[1], size)


def locked_aspect(X_all: np.ndarray) -> bool:
    """Whether the features' scales are kept 1:1 (the flower looks like a flower): unless their ranges differ
    more than MAX_LOCKED_ASPECT times."""
    spans = [float(np.ptp(row)) if row.size else 0.0 for row in X_all[:2]]
    return min(spans) > 0 and max(spans) / min(spans) <= MAX_LOCKED_ASPECT


class DecisionBoundary(PlotView):
    """A[L] over the input plane with the train (solid) and test (hollow) points; click to edit the data."""

    play_rate = 15.0  # grid recomputations per second during Play

    def __init__(self, controller: Controller, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(controller, theme, parent)
        self.grid_x = np.zeros(0)
        self.grid_y = np.zeros(0)
        self.resolution = GRID  # grid points per side (grid_size of the net)
        self._grid_net: np.ndarray | None = None  # the grid as the network sees it, (2, size²)
        self._values = np.zeros((GRID, GRID), dtype=np.float32)
        self._rect = QRectF(0.0, 0.0, 1.0, 1.0)
        self.epoch = 0
        self._asked: GridRequest | None = None  # the last computation asked for (under way or done)
        self._shown: GridRequest | None = None  # the computation whose image is shown
        self._busy = False  # a computation is under way
        self._again = False  # θ changed while it ran: ask again once it is done
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self._ask)
        self._dim = QTimer(self)
        self._dim.setSingleShot(True)
        self._dim.setInterval(STALE_DIM_MS)
        self._dim.timeout.connect(self._dim_if_stale)
        self._grid_aspect: float | None = None  # the view's shape the grid was made for (None: the data's)
        self._reshape = QTimer(self)
        self._reshape.setSingleShot(True)
        self._reshape.setInterval(RESHAPE_MS)
        self._reshape.timeout.connect(self._regrid_if_reshaped)
        self.recomputations = 0  # images shown
        # Asked before an edit throws training away (controller.has_progress); False cancels the edit.
        # The main window may set it to a confirmation dialog.
        self.confirm_discard: Callable[[], bool] | None = None

        self.plot: pg.PlotItem = plot_item(self.graphics)
        self.plot.vb.setDefaultPadding(0.0)
        self.image = FastImageItem(axisOrder="col-major")  # image[i, j] is A at (grid_x[i], grid_y[j])
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.contour = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True)
        self.plot.addItem(self.contour)
        self.points = {
            (split, label): pg.ScatterPlotItem(pxMode=True)
            for split in ("train", "test") for label in (0, 1)
        }
        for item in self.points.values():
            self.plot.addItem(item)

        self.contour_check = QCheckBox("A = 0.5 line")
        self.contour_check.setChecked(True)
        self.contour_check.toggled.connect(self._on_contour_toggled)
        self.key = QLabel()
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.options_layout.addWidget(self.contour_check)
        self.options_layout.addWidget(self.key)
        self.options_layout.addStretch(1)
        self.options_layout.addWidget(self.hint)

        # Shown instead of the plot when the data does not have exactly two features.
        self.note = QLabel()
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.stack = QStackedWidget()
        layout = self.layout()
        layout.removeWidget(self.graphics)
        self.stack.addWidget(self.graphics)
        self.stack.addWidget(self.note)
        layout.addWidget(self.stack, 1)  # type: ignore[call-arg]

        # A refusal ("cannot remove the last point of class 1 …"), in the plot's corner for a while.
        self.message = QLabel(self.graphics)
        self.message.setWordWrap(True)
        self.message.hide()
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message.hide)

        self.graphics.scene().sigMouseClicked.connect(self._on_click)
        self._finish_init()

    # ----------------------------------------------------------------- public
    @property
    def available(self) -> bool:
        """Whether the data has the two features a plane can show."""
        return self.controller.dataset.n_x == 2

    @property
    def up_to_date(self) -> bool:
        """Whether the image shows A[L] of the current θ (False while a computation for it is on its way)."""
        shown = self._shown
        return (not self._busy and not self._again and shown is not None and shown.grid is self._grid_net
                and same_values(shown.theta, self.controller.stepper.net.theta))

    @property
    def shown_iteration(self) -> int | None:
        """The iteration whose θ the image shows (None before the first image of this grid)."""
        return None if self._shown is None else self._shown.iteration

    def add_point(self, x: float, y: float, label: int) -> bool:
        """Add a point of class ``label`` at raw coordinates (x, y); False (and a message) if refused."""
        dataset = self.controller.dataset
        try:
            X_all, Y_all = add_point(dataset.X_all, dataset.Y_all, x, y, label)
            return self._use(dataset.with_points(X_all, Y_all))
        except (DatasetError, ValueError) as error:
            self.show_message(str(error))
            return False

    def remove_point_near(self, x: float, y: float) -> bool:
        """Remove the point nearest on screen to (x, y) if it is within reach; False (and a message) if not."""
        dataset = self.controller.dataset
        X_all, Y_all = dataset.X_all, dataset.Y_all
        try:
            if X_all.shape[1] == 0:
                raise DatasetError("there are no points to remove")
            # Nearest in screen distance: the axes may have different scales.
            px, py = self._pixel_size()
            screen = np.stack([X_all[0] / px, X_all[1] / py])
            k = nearest_index(screen, x / px, y / py)
            if np.hypot(screen[0, k] - x / px, screen[1, k] - y / py) > REMOVE_REACH_PX * self.scale:
                raise DatasetError("no point near the click: ctrl-click on a point to remove it")
            X_new, Y_new = remove_nearest(X_all, Y_all, X_all[0, k].item(), X_all[1, k].item())
            return self._use(dataset.with_points(X_new, Y_new))
        except (DatasetError, ValueError) as error:
            self.show_message(str(error))
            return False

    def show_message(self, text: str) -> None:
        """A short note in the plot's top-left corner (hidden again after a few seconds)."""
        text = text[:1].upper() + text[1:]
        self.message.setText(text)
        available = max(160, self.graphics.width() - 100)
        wanted = QFontMetrics(self.message.font()).horizontalAdvance(text) + 24  # + padding and border
        self.message.setFixedWidth(min(wanted, available))
        self.message.adjustSize()
        self.message.move(70, 8)
        self.message.show()
        self.message.raise_()
        self._message_timer.start(MESSAGE_MS)

    # ----------------------------------------------------------------- PlotView
    def rebuild(self) -> None:
        dataset = self.controller.dataset
        self.epoch += 1
        if self._asked is not None:
            self._asked.cancelled = True
        self._asked = self._shown = None
        self.options.setVisible(self.available)
        if not self.available:
            self.stack.setCurrentWidget(self.note)
            self.note.setText(
                f"The decision boundary needs exactly 2 features; “{dataset.name}” has {dataset.n_x}.\n"
                "Choose a 2-feature data set to see it."
            )
            return
        self.stack.setCurrentWidget(self.graphics)
        self.resolution = grid_size(self.controller.stepper.net.layer_dims)
        self._make_grid()
        for split, X, Y in (("train", dataset.X, dataset.Y), ("test", dataset.X_test, dataset.Y_test)):
            raw = raw_points(dataset, X)
            for label in (0, 1):
                chosen = Y[0] == label
                self.points[(split, label)].setData(x=raw[0, chosen], y=raw[1, chosen])

    def _view_aspect(self) -> float | None:
        """The plot area's width / height in pixels while its scales are locked 1:1 (else None: it stretches)."""
        size = self.plot.vb.size()
        if not self.plot.vb.state["aspectLocked"] or size.width() < 10 or size.height() < 10:
            return None
        return size.width() / size.height()

    def _make_grid(self) -> None:
        """The grid over what the view shows (grid_axes), its image reset to A = 0.5 until computed."""
        dataset, size = self.controller.dataset, self.resolution
        self._grid_aspect = self._view_aspect()
        self.grid_x, self.grid_y = grid_axes(dataset.X_all, size, self._grid_aspect)
        gx, gy = np.meshgrid(self.grid_x, self.grid_y, indexing="ij")
        self._grid_net = dataset.transform(np.stack([gx.reshape(-1), gy.reshape(-1)]))
        dx, dy = self.grid_x[1] - self.grid_x[0], self.grid_y[1] - self.grid_y[0]
        # Pixel (i, j) is centred on the grid point (grid_x[i], grid_y[j]).
        self._rect = QRectF(self.grid_x[0] - dx / 2, self.grid_y[0] - dy / 2, size * dx, size * dy)
        # Until the first computation comes: A = 0.5 everywhere, drawn in the panel's colour. The image already
        # covers the grid, so the view's range does not jump when it comes.
        self._values = np.full((size, size), 0.5, dtype=np.float32)
        self._show_values()
        self.plot.setAspectLocked(locked_aspect(dataset.X_all), 1.0)
        self.plot.enableAutoRange()  # the image covers the view's shape: auto-range shows exactly it

    def _regrid_if_reshaped(self) -> None:
        """After a resize: a new grid when the view's shape left the grid's by more than REGRID_SHARE."""
        aspect, current = self._view_aspect(), self._grid_aspect
        if not (self.available and self.isVisible()) or aspect is None:
            return
        if current is None or abs(math.log(aspect / current)) > math.log(1 + REGRID_SHARE):
            if self._asked is not None:
                self._asked.cancelled = True  # its grid is gone: stop it early
            self._make_grid()
            self._ask()

    def note_change(self, kind: str) -> None:
        if kind not in FORWARD_KINDS:
            self.epoch += 1

    def refresh(self, kind: str) -> None:
        stepper = self.controller.stepper
        if kind in KEEPING_KINDS or (kind == Change.STEP and stepper.position != 0):
            return  # θ is what it was: looking at it would cost a wide net's window ~10 ms a step
        if self.available:
            self._ask()

    def apply_style(self) -> None:
        theme, scale = self.theme, self.scale
        names = self.controller.dataset.feature_names
        if self.available:
            style_axes(self.plot, theme, scale, {"bottom": names[0], "left": names[1]})
        self.image.setLookupTable(probability_lut(theme))
        self.image.setLevels((0.0, 1.0))
        self.contour.setPen(pg.mkPen(theme.forward, width=pen_width(scale)))
        size = 6.0 * (1.0 + 0.5 * (scale - 1.0))  # bigger in presenter mode, but not to a blob
        outline = pg.mkPen(theme.panel, width=0.8)
        for (split, label), item in self.points.items():
            colour = theme.class1 if label else theme.class0
            # one update of the spots for the three settings (each would redraw every spot's pixmap)
            if split == "train":
                item.setPen(outline, update=False)
                item.setBrush(pg.mkBrush(colour), update=False)
                item.setSize(size, update=False)
            else:
                item.setPen(pg.mkPen(colour, width=1.5 * scale), update=False)
                item.setBrush(pg.mkBrush(theme.panel), update=False)
                item.setSize(size + 1, update=False)
            item.updateSpots()
        labels = self.controller.dataset.label_names
        self.key.setText(
            f"<span style='color:{theme.class0}'>●</span> {labels[0]} &nbsp;"
            f"<span style='color:{theme.class1}'>●</span> {labels[1]}"
            + (" &nbsp;○ test" if self.controller.dataset.m_test else "")
        )
        hint = f"click +{labels[0]} · shift +{labels[1]} · ctrl remove"
        self.hint.setText(f"<span style='color:{theme.muted}'>{hint}</span>")
        self.graphics.setToolTip(f"Click: add a point of class {labels[0]}; shift-click: class {labels[1]}; "
                                 "ctrl-click: remove the nearest point")
        self._fit_hint()
        self.message.setStyleSheet(
            f"QLabel {{ background: {theme.box_fill}; color: {theme.backward}; border: 1px solid {theme.backward};"
            f" border-radius: 4px; padding: 4px 8px; }}"
        )
        self.message.setFont(self.options.font())

    def export_target(self) -> pg.PlotItem:
        return self.plot

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_hint()
        self._reshape.start()  # a drag of the dock's edge sends many: the grid follows once it settles

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._reshape.start()  # its shape may have changed while hidden

    def _fit_hint(self) -> None:
        """The click hint only where the options row has room for it (the tooltip says it too)."""
        margins = self.options_layout.contentsMargins()
        needed = sum(w.sizeHint().width() for w in (self.contour_check, self.key, self.hint))
        needed += 3 * self.options_layout.spacing() + margins.left() + margins.right()
        self.hint.setVisible(needed <= self.width())

    # ----------------------------------------------------------------- computing the image
    def _ask(self) -> None:
        """A computation for the current θ, unless one is shown or under way; one at a time."""
        if not self.available or self._grid_net is None:
            return
        stepper = self.controller.stepper
        theta = stepper.net.theta
        asked = self._asked
        current = asked is not None and not asked.cancelled and asked.grid is self._grid_net
        if current and same_values(asked.theta, theta):
            return
        if self._shown is not None and not self._fits(self._shown) and not self._dim.isActive():
            self._dim.start()
        if self._busy:
            if asked is not None and asked.epoch != self.epoch:
                asked.cancelled = True  # its result would be dropped: stop it early
            self._again = True
            return
        self._asked = GridRequest(stepper.net, theta.copy(), self._grid_net, self.epoch, stepper.iteration)
        self._busy = True
        computation = GridComputation(self._asked)
        computation.computed.connect(self._on_computed)
        computation.start()

    def _on_computed(self, request: GridRequest, values: np.ndarray | None, seconds: float) -> None:
        self._busy = False
        if values is not None and self._fits(request):
            self._shown = request
            np.copyto(self._values, values.reshape(self._values.shape))
            self._show_values()
            self.recomputations += 1
        if self._again:
            self._again = False
            rest = REST_FACTOR * seconds if self.controller.playing else 0.0
            self._rest.start(round(1000 * rest))

    def _fits(self, request: GridRequest) -> bool:
        """Whether a computation belongs to what is shown now: the same grid, and nothing left the way forward
        since it was asked for, or θ is what it was computed for."""
        if request.grid is not self._grid_net:
            return False
        return request.epoch == self.epoch or same_values(request.theta, self.controller.stepper.net.theta)

    def _dim_if_stale(self) -> None:
        if self._shown is not None and not self._fits(self._shown):
            self.image.setOpacity(STALE_OPACITY)
            self.contour.setOpacity(STALE_OPACITY)

    def _show_values(self) -> None:
        """Draw ``_values`` (and its 0.5 line) at full strength."""
        self._dim.stop()
        self.image.setOpacity(1.0)
        self.contour.setOpacity(1.0)
        # rect places the pixels in data units (setRect alone does nothing before the first image)
        self.image.setImage(self._values, autoLevels=False, levels=(0.0, 1.0), rect=self._rect)
        self._update_contour()

    def _update_contour(self) -> None:
        if not self.contour_check.isChecked() or self._shown is None:
            self.contour.setData([], [])
            return
        x, y = contour_segments(self._values, self.grid_x, self.grid_y, 0.5)
        self.contour.setData(x, y, connect="pairs")

    def _on_contour_toggled(self, _on: bool) -> None:
        if self.available:
            self._update_contour()

    # ----------------------------------------------------------------- editing the data
    def _use(self, dataset: Dataset) -> bool:
        """Train on the edited points from now on (a fresh network: the old one learnt other data)."""
        if self.controller.has_progress and self.confirm_discard is not None and not self.confirm_discard():
            return False
        self.message.hide()
        self.controller.set_dataset(dataset)
        return True

    def _pixel_size(self) -> tuple[float, float]:
        """Data units per screen pixel along x and y (1, 1 before the view has a size)."""
        px, py = self.plot.vb.viewPixelSize()
        return (px if px > 0 else 1.0), (py if py > 0 else 1.0)

    def _on_click(self, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double() or not self.available:
            return
        scene_pos: QPointF = event.scenePos()
        if not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return  # on an axis or outside the plot
        point = self.plot.vb.mapSceneToView(scene_pos)
        modifiers = event.modifiers()
        event.accept()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            self.remove_point_near(point.x(), point.y())
        else:
            label = 1 if modifiers & Qt.KeyboardModifier.ShiftModifier else 0
            self.add_point(point.x(), point.y(), label)
