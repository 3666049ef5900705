"""Per-iteration curves: cost, accuracy and gradient norms, with a marker at the current iteration.

The stepper records one row per iteration (``stepper.series``); the curves show all ``furthest`` of
them, so going back on the timeline moves only the marker. Long runs stay cheap: while the view
follows the whole run, a curve of more than DECIMATE_ABOVE points gets each bin's minimum and maximum
(decimate.py, updated with the new iterations only); zoomed in, pyqtgraph clips to the view and
peak-downsamples to the pixel width. Finite data skips the finiteness check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QWidget

from ...engine.changes import Change
from ...engine.stepper import Stepper
from ..controller import Controller
from ..theme import Theme
from .base import (
    APPEND_ONLY_KINDS,
    PlotView,
    TidyLogAxis,
    label_style,
    pen_width,
    plot_item,
    steady_range,
    style_axes,
    style_legend,
    x_range_end,
)
from .decimate import MAX_BINS, PeakDecimator

# Colours of the second series (test) per theme; the first (train) is the theme's ink.
TEST_COLOURS = {"light": "#1f9e89", "dark": "#4fd1b5"}
# Layer colours of the gradient norms, cool (input side) to warm (output side): distinct, and
# ordered so that a vanishing gradient reads as "the blue curves sit lowest".
LAYER_PALETTES = {
    "light": ("#253494", "#2c7fb8", "#1b9e77", "#5f9e1b", "#c99700", "#e6550d", "#b2182b"),
    "dark": ("#7aa6ff", "#4fc3f7", "#4dd0a1", "#a5d65a", "#ffd54f", "#ff9e57", "#ff6b6b"),
}


# share of the x range left free on both sides
X_MARGIN = 0.015
# Longer series are decimated while the view follows the whole run (as many points as MAX_BINS gives).
DECIMATE_ABOVE = 2 * MAX_BINS


@dataclass(frozen=True)
class CurveSpec:
    """One curve: the key of its data, its legend text, and a colour role (train, test or a layer)."""

    key: str
    label: str
    role: str


def test_colour(theme: Theme) -> str:
    return TEST_COLOURS.get(theme.name, TEST_COLOURS["light"])


def layer_colours(theme: Theme, L: int) -> list[str]:
    """L distinct colours ordered from layer 1 to layer L, spread over the theme's palette."""
    palette = LAYER_PALETTES.get(theme.name, LAYER_PALETTES["light"])
    if L <= 1:
        return [palette[0]] * L
    rgb = np.array([pg.mkColor(c).getRgb()[:3] for c in palette], dtype=float)
    where = np.linspace(0, len(palette) - 1, L)
    channels = [np.interp(where, np.arange(len(palette)), rgb[:, k]) for k in range(3)]
    return [pg.mkColor(*(round(c[i]) for c in channels)).name() for i in range(L)]


def drawable(y: np.ndarray, log: bool) -> bool:
    """Whether every value can be drawn as is (finite, and > 0 on a log axis)."""
    return bool(np.all(y > 0)) if log else bool(np.isfinite(y).all())


def extent(y: np.ndarray, log: bool, all_drawable: bool, low: float, high: float) -> tuple[float, float]:
    """(low, high) widened to the drawable values of ``y``, in the axis's units (log10 on a log axis)."""
    # on a log axis only finite values > 0 have a place (+inf passes drawable's y > 0, but gives no range)
    keep = np.isfinite(y) & (y > 0) if log else None if all_drawable else np.isfinite(y)
    values = y if keep is None else y[keep]
    if values.size == 0:
        return low, high
    top, bottom = float(values.max()), float(values.min())
    if log:
        top, bottom = math.log10(top), math.log10(bottom)
    return min(low, bottom), max(high, top)


def trend_reach(series: np.ndarray, scale: float, log: bool, end: float) -> float | None:
    """Where the straight line through the last quarter of ``series`` (× ``scale``, in the axis's units:
    log10 on a log axis) reaches at iteration ``end``; None for fewer than 2 values or ones not drawable.

    The view's y range holds this too: a cost falling at a steady rate then stays inside the range
    until the x range steps, instead of moving the y axis (a repaint of the plot and its axis) at every
    one of the first iterations."""
    n = series.size
    if n < 2 or not math.isfinite(end):
        return None
    first = n - 1 - max(1, n // 4)
    a, b = scale * float(series[first]), scale * float(series[n - 1])
    if log:
        if not (a > 0 and b > 0):
            return None
        a, b = math.log10(a), math.log10(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    return b + (b - a) / (n - 1 - first) * (end - (n - 1))


class SeriesPlot(PlotView):
    """Curves over the iterations with a legend, an optional log-y toggle and the current-iteration marker."""

    y_label = ""
    y_scale = 1.0  # the curves show the series × this
    y_bounds: tuple[float, float] = (-math.inf, math.inf)  # what the y axis may show (cost ≥ 0, accuracy 0–100 %)
    log_default = False
    legend_corner = (1, 0)  # anchor of the legend in the view: (1, 0) top right, (1, 1) bottom right

    def __init__(self, controller: Controller, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(controller, theme, parent)
        self.plot: pg.PlotItem = plot_item(self.graphics, axisItems={"left": TidyLogAxis("left")})
        self.plot.showGrid(x=True, y=True, alpha=0.12)
        # The plot's clip/downsampling modes (its context menu shows them) apply to the curves while the
        # user has zoomed or panned (_match_view_work).
        self.plot.setClipToView(True)
        self.plot.setDownsampling(auto=True, mode="peak")
        # The view follows the data in round steps (steady_range, x_range_end) instead of pyqtgraph's
        # auto-range, which moved both axes, and so repainted them, at every frame. A zoom or pan with
        # the mouse stops the following; the plot's "A" button (or its menu's auto-range) resumes it.
        self.plot.vb.disableAutoRange()
        self.following = True
        self._y_range: tuple[float, float] | None = None
        self._view_range: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.plot.vb.sigRangeChangedManually.connect(self._stop_following)
        self.plot.vb.sigStateChanged.connect(self._on_view_state)
        self.legend: pg.LegendItem = self.plot.addLegend(offset=None, verSpacing=-4)
        corner = self.legend_corner
        self.legend.anchor(itemPos=corner, parentPos=corner, offset=(-8 if corner[0] else 8, -8 if corner[1] else 8))
        # The current iteration; ignoreBounds keeps it out of the auto-range (the whole curve stays visible).
        self.marker = pg.InfiniteLine(angle=90, movable=False)
        self.marker.setZValue(10)
        self.plot.addItem(self.marker, ignoreBounds=True)
        self.empty_note = pg.LabelItem("no iterations yet")
        self.empty_note.setParentItem(self.plot.vb)
        self.empty_note.anchor(itemPos=(0.5, 0.5), parentPos=(0.5, 0.5))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._peaks: dict[str, PeakDecimator] = {}
        self.specs: list[CurveSpec] = []
        self._x = np.arange(0, dtype=np.float64)
        self._shown_furthest = -1
        self._drawable: dict[str, bool] = {}

        self.log_check = QCheckBox("log y")
        self.log_check.setToolTip("Logarithmic y axis")
        self.options_layout.addWidget(self.log_check)
        self.options_layout.addStretch(1)
        self.log_check.toggled.connect(self.set_log_y)
        # The plot's own context menu (Plot Options ▸ Transforms ▸ Log Y) stays in step with the box.
        self.plot.ctrl.logYCheck.toggled.connect(self.log_check.setChecked)
        self.plot.setLogMode(y=self.log_default)
        self._finish_init()

    # ----------------------------------------------------------------- what to draw
    def curve_specs(self) -> list[CurveSpec]:
        raise NotImplementedError

    def series(self, stepper: Stepper) -> dict[str, np.ndarray]:
        """The y values of each curve key, length ``stepper.furthest`` (the stepper's views: not to keep)."""
        return {spec.key: stepper.series(spec.key) for spec in self.specs}

    # ----------------------------------------------------------------- public
    @property
    def log_y(self) -> bool:
        return self.plot.ctrl.logYCheck.isChecked()

    def set_log_y(self, on: bool) -> None:
        """Logarithmic y axis on or off (the check box and the context menu follow)."""
        if on != self.log_y:
            self.plot.setLogMode(y=on)
        if self.log_check.isChecked() != on:
            self.log_check.setChecked(on)
        self._y_range = self._view_range = None  # y is in log10 units on a log axis
        self._update_data()  # drawability depends on the axis: 0 cannot be shown on a log axis

    # ----------------------------------------------------------------- PlotView
    def rebuild(self) -> None:
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves.clear()
        self._peaks.clear()
        self.specs = self.curve_specs()
        for spec in self.specs:
            # peak downsampling keeps each bin's min and max: two bins per pixel look like the full curve
            # and draw 2.5× fewer points than pyqtgraph's default of 5
            curve = pg.PlotDataItem(name=spec.label, skipFiniteCheck=True, autoDownsampleFactor=2.0)
            self.plot.addItem(curve)
            self.curves[spec.key] = curve
            self._peaks[spec.key] = PeakDecimator()
        self._drawable.clear()
        self._shown_furthest = -1
        self._y_range = self._view_range = None
        self._match_view_work()

    def refresh(self, kind: str) -> None:
        stepper = self.controller.stepper
        if kind in (Change.RESET, Change.LOADED):
            self._y_range = self._view_range = None  # a new history: no range kept from the old one
        self.marker.setValue(stepper.iteration)
        if kind in APPEND_ONLY_KINDS and stepper.furthest == self._shown_furthest:
            return  # the history did not change: moving the marker is all
        if kind not in APPEND_ONLY_KINDS:
            for peaks in self._peaks.values():
                peaks.reset()  # the past may have been rewritten: decimate it anew
        self._update_data()

    def _update_data(self) -> None:
        stepper = self.controller.stepper
        n = stepper.furthest
        decimated = self.following and n > DECIMATE_ABOVE
        if not decimated and self._x.size < n:
            self._x = np.arange(max(n, 2 * self._x.size), dtype=np.float64)
        log = self.log_y
        low, high = math.inf, -math.inf
        reach_low, reach_high = math.inf, -math.inf
        end = x_range_end(n) if self.following else math.nan
        for key, series in self.series(stepper).items():
            curve = self.curves.get(key)
            if curve is None:
                continue
            if decimated:
                x, y = self._peaks[key].update(series)
            else:
                x, y = self._x[:n], _column(series)
            if self.y_scale != 1.0:
                y = y * self.y_scale
            ok = drawable(y, log)
            if log and not ok:
                # 0 has no place on a log axis: a gap, and no curve at all when nothing is left to draw (a
                # lone point pyqtgraph cannot draw warns of an all-NaN slice)
                y = np.where(y > 0, y, np.nan)
                if not np.isfinite(y).any():
                    x, y = x[:0], y[:0]
            low, high = extent(y, log, ok, low, high)
            reach = trend_reach(series, self.y_scale, log, end)
            if reach is not None:
                reach_low, reach_high = min(reach_low, reach), max(reach_high, reach)
            if ok == self._drawable.get(key):
                curve.setData(x, y)
            else:
                # Non-drawable values (0 on a log axis) become gaps, and pyqtgraph must check each
                # point. Passed only on a change: a style keyword makes setData restyle the curve.
                curve.setData(x, y, skipFiniteCheck=ok, connect="all" if ok else "finite")
                self._drawable[key] = ok
        lone, was_lone = n == 1, self._shown_furthest == 1
        self._shown_furthest = n
        self.empty_note.setVisible(n == 0)
        if lone != was_lone:  # one iteration so far: a line through one point draws nothing, so a dot
            for curve in self.curves.values():
                curve.setSymbol("o" if lone else None)
            for sample, _label in self.legend.items:
                sample.update()  # its cached picture would keep the dot
        self._follow(n, low, high, (reach_low, reach_high) if reach_low <= reach_high else None)

    # ----------------------------------------------------------------- the view range
    def _follow(self, n: int, low: float, high: float, reach: tuple[float, float] | None) -> None:
        """While following: x from 0 to a round number past ``n``, y a steady range around the data and
        where they are heading (``reach``)."""
        if not self.following:
            return
        if low <= high:
            self._y_range = self._bounded(steady_range(self._y_range, low, high, reach))
        elif self._y_range is None:
            self._y_range = (-1.0, 0.0) if self.log_y else (0.0, 1.0)
        end = x_range_end(n)
        # a margin keeps the tick label 0 and the marker at the last iteration off the plot's edges
        view = ((-X_MARGIN * end, (1 + X_MARGIN) * end), self._y_range)
        if view != self._view_range:
            self.plot.vb.setRange(xRange=view[0], yRange=view[1], padding=0)
            # The new transform now, not in the paint (pyqtgraph's default): the curves' bounds it
            # invalidates would ask for a second paint of the plot.
            self.plot.vb.updateMatrix()
            self._view_range = view

    def _bounded(self, y_range: tuple[float, float]) -> tuple[float, float]:
        """``y_range`` within ``y_bounds`` (in the axis's units): the rounding never shows a cost below 0 or an
        accuracy above 100 %."""
        low, high = self.y_bounds
        if self.log_y:
            low = math.log10(low) if low > 0 else -math.inf
            high = math.log10(high) if high > 0 else math.inf
        bottom, top = max(y_range[0], low), min(y_range[1], high)
        return (bottom, top) if bottom < top else y_range

    def _stop_following(self, *_args: object) -> None:
        if self.following:
            self.following = False
            self._match_view_work()
            if self.controller.stepper.furthest > DECIMATE_ABOVE:
                self._update_data()  # zoomed in: every iteration, no longer the bins' extremes

    def _on_view_state(self, *_args: object) -> None:
        vb = self.plot.vb
        if any(vb.autoRangeEnabled()):  # the "A" button or the menu asked for auto-range: follow again
            vb.disableAutoRange()
            self.following = True
            self._match_view_work()
            self._y_range = self._view_range = None
            self._update_data()

    def _match_view_work(self) -> None:
        """pyqtgraph's clip to view, downsampling and dynamic range limit only while the user zoomed or panned.

        Following, the view holds the whole run (decimated here past DECIMATE_ABOVE): they would change
        nothing, yet at every step of the range pyqtgraph would set each curve's data a second time and
        so paint the plot twice."""
        if self.following:
            for curve in self.curves.values():
                curve.setClipToView(False)
                curve.setDownsampling(auto=False)
                curve.setDynamicRangeLimit(None)
        else:
            self.plot.updateDownsampling()  # the plot's own settings, as its context menu shows them
            for curve in self.curves.values():
                curve.setDynamicRangeLimit()

    def apply_style(self) -> None:
        theme, scale = self.theme, self.scale
        style_axes(self.plot, theme, scale, {"left": self.y_label, "bottom": "iteration"})
        style_legend(self.legend, theme, scale)
        self.marker.setPen(pg.mkPen(theme.highlight, width=max(1, round(1.5 * scale))))
        self.empty_note.setText(self.empty_note.text, **label_style(theme, scale, muted=True))
        width = pen_width(scale)
        layers = layer_colours(theme, sum(spec.role == "layer" for spec in self.specs))
        for spec in self.specs:
            if spec.role == "train":
                colour = theme.forward
            elif spec.role == "test":
                colour = test_colour(theme)
            else:
                colour = layers.pop(0)
            curve = self.curves[spec.key]
            curve.setPen(pg.mkPen(colour, width=width))
            curve.setSymbolPen(pg.mkPen(colour))
            curve.setSymbolBrush(pg.mkBrush(colour))
            curve.setSymbolSize(round(6 * scale))

    def export_target(self) -> pg.PlotItem:
        return self.plot


def _column(values: np.ndarray) -> np.ndarray:
    """A contiguous copy: the stepper's series are strided views into a table it may rewrite."""
    return np.ascontiguousarray(values, dtype=np.float64)


class CostPlot(SeriesPlot):
    """Train (and test, when the data set has one) cost J per iteration. When training diverges the y axis
    turns logarithmic, so the healthy start stays readable beside the blow-up."""

    y_label = "cost J"
    y_bounds = (0.0, math.inf)
    BLOW_UP = 10.0  # a cost this many times its lowest takes a log axis to read the rest beside it

    def note_change(self, kind: str) -> None:
        if kind == Change.DIVERGED and not self.log_y:
            cost = self.controller.stepper.series("cost")
            finite = cost[np.isfinite(cost) & (cost > 0)]
            if finite.size and finite.max() > self.BLOW_UP * finite.min():
                self.set_log_y(True)

    def curve_specs(self) -> list[CurveSpec]:
        specs = [CurveSpec("cost", "train", "train")]
        if self.controller.dataset.m_test > 0:
            specs.append(CurveSpec("test_cost", "test", "test"))
        return specs


class AccuracyPlot(SeriesPlot):
    """Train (and test) accuracy in % per iteration."""

    y_label = "accuracy %"
    y_scale = 100.0
    y_bounds = (0.0, 100.0)
    legend_corner = (1, 1)  # accuracy climbs to the top right; the legend goes below it

    def curve_specs(self) -> list[CurveSpec]:
        specs = [CurveSpec("train_accuracy", "train", "train")]
        if self.controller.dataset.m_test > 0:
            specs.append(CurveSpec("test_accuracy", "test", "test"))
        return specs


class GradNormPlot(SeriesPlot):
    """‖dW[l]‖ of every layer per iteration, log-y: vanishing or exploding gradients at a glance."""

    y_label = "‖dW[l]‖"
    log_default = True

    def curve_specs(self) -> list[CurveSpec]:
        L = self.controller.stepper.L
        return [CurveSpec(f"dW{l}", f"‖dW{l}‖", "layer") for l in range(1, L + 1)]

    def series(self, stepper: Stepper) -> dict[str, np.ndarray]:
        norms = stepper.series("grad_norm")
        return {f"dW{l}": norms[:, l - 1] for l in range(1, norms.shape[1] + 1)}

    def apply_style(self) -> None:
        super().apply_style()
        # Many layers: a legend of at most two rows keeps it from covering the curves.
        count = len(self.specs)
        self.legend.setColumnCount(1 if count <= 3 else min(4, -(-count // 2)))


__all__ = ["AccuracyPlot", "CostPlot", "GradNormPlot", "SeriesPlot"]
