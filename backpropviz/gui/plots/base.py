"""What every live plot shares: the controller wiring, theme and presenter scale, export, colour levels.

A plot is a QWidget holding a row of options (check boxes, a readout) above a pyqtgraph
GraphicsLayoutWidget. It is built once, updated in place on ``controller.changed`` and rebuilds its
items only on ``controller.rebuilt``. A plot hidden inside a shown window (a background tab, a closed
dock) skips the work and catches up when it is shown again.
"""

from __future__ import annotations

import importlib
import math
import re
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtGui import QColor, QFont, QPen, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsTextItem,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from ...engine.changes import Change
from ..controller import Controller
from ..refresh import Refresher
from ..theme import Theme, scaled_font

# Kinds of controller.changed after which the per-iteration series only grew (or stayed, or lost their
# end at a divergence): the curves need new data only if ``furthest`` moved. Every other kind may have
# rewritten the history.
APPEND_ONLY_KINDS = frozenset({Change.STEP, Change.ITERATION, Change.RUN, Change.GOTO, Change.DIVERGED})

# Items that keep a pixmap of themselves (see cache_static_items): text and axes (whose
# grid lines span the plot, so every frame repainted them), the data points under the decision boundary
# (which the boundary image beneath repaints otherwise), not curves or images, which change.
CACHED_ITEM_TYPES = (pg.AxisItem, pg.LabelItem, pg.LegendItem, pg.TextItem, QGraphicsTextItem, pg.ScatterPlotItem)

# Colour bars rescale when the data outgrows the bar, or shrinks below this share of it.
SHRINK_SHARE = 0.25


def cache_static_items(scene: QGraphicsScene) -> None:
    """Texts (labels, legends, axes) repaint from a pixmap until they change. Each frame of Play
    repaints the plot area they sit on, and laying out and drawing their text again cost more
    than the curves themselves (a legend alone: 1.5 ms a frame, measured)."""
    for item in scene.items():
        if isinstance(item, CACHED_ITEM_TYPES) or isinstance(item.parentItem(), pg.LegendItem):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


# ------------------------------------------------------------------------------------- colour levels
def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k that is ≥ value (value > 0): round numbers on a colour bar."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        candidate = mantissa * 10.0**exponent
        if candidate >= value * (1 - 1e-12):
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


# ------------------------------------------------------------------------------------- steady view ranges
# The end of a curve plot's x range steps through these × 10^k: the curve fills 2/3 or more of the
# width, and the axis (whose repaint costs more than the curve's) changes seven times a decade: when
# Play adds ~500 iterations a frame, finer steps moved it every third frame of the first seconds.
X_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0)
X_MINIMUM = 10.0
# A y range is kept while the data stay inside it and span at least this share of it.
FILL_SHARE = 0.5
# ...and data that outgrow it get this share of their span as room on that side.
HEADROOM = 0.5


def x_range_end(n: float) -> float:
    """The right end of an x range [0, end] for a curve of ``n`` iterations: the first step ≥ n."""
    if not math.isfinite(n) or n <= X_MINIMUM:
        return X_MINIMUM
    exponent = math.floor(math.log10(n))
    return next(f * 10.0**exponent for f in X_STEPS if f * 10.0**exponent >= n * (1 - 1e-12))


def steady_range(
    current: tuple[float, float] | None, low: float, high: float, reach: tuple[float, float] | None = None
) -> tuple[float, float]:
    """A range for data spanning [low, high]: ``current`` while it holds them and they fill at least
    FILL_SHARE of it, else the data rounded outwards to a 1-2-5 step (≤ 1/8 of their span), so the
    axis moves seldom and by round numbers instead of at every frame. Data that left ``current`` on
    one side get HEADROOM of their span on that side too (unless the rounding then leaves them
    filling too little).

    ``reach`` (low, high): where the data are heading (``trend_reach`` of the curves) counts as data
    for the share they fill and for a new range, not for whether ``current`` holds them: a steady fall
    finds room in the range it moved to. The flower net's falling cost moves the axis 12 times in its
    first 40 iterations, the 784-input net's 6 times (19 and 39 times without any of this)."""
    if reach is not None:
        wide_low, wide_high = min(low, reach[0]), max(high, reach[1])
    else:
        wide_low, wide_high = low, high
    span = wide_high - wide_low
    if current is not None:
        c_low, c_high = current
        if c_low <= low and high <= c_high and span >= FILL_SHARE * (c_high - c_low):
            return current
    for room in (HEADROOM, 0.0):
        lower = wide_low - (room * span if current is not None and low < current[0] else 0.0)
        upper = wide_high + (room * span if current is not None and high > current[1] else 0.0)
        candidate = _rounded_out(lower, upper, span)
        if span >= FILL_SHARE * (candidate[1] - candidate[0]):
            break
    return candidate


def _rounded_out(lower: float, upper: float, span: float) -> tuple[float, float]:
    """[lower, upper] widened to multiples of a 1-2-5 step of about an eighth of it (a flat line: of
    a tenth of its value)."""
    if span <= 0:
        span = max(abs(upper) * 0.1, 1e-3)
    step = nice_ceiling((upper - lower or span) / 8)
    pad = 0.02 * span  # a curve sitting on the edge is hard to see
    return math.floor((lower - pad) / step) * step, math.ceil((upper + pad) / step) * step


def next_level(current: float | None, top: float, force: bool = False) -> float:
    """The colour bar's half-width for data whose largest |value| is ``top``.

    The bar stays put while the data fits it and fills more than SHRINK_SHARE of it, so a heatmap
    does not flicker from rescaling every frame; otherwise (or when forced) it jumps to a round
    number just above ``top``.
    """
    if current is None or force or top > current or top < SHRINK_SHARE * current:
        return nice_ceiling(top)
    return current


# ------------------------------------------------------------------------------------- SVG export
def install_svg_closed_path_fix() -> None:
    """pyqtgraph 0.14.0's SVG exporter cannot parse the "Z" (close path) that Qt ≥ 6.10 writes.

    Known upstream bug (pyqtgraph issue #3495, fix in PR #3458, not released): every export of a
    plot raises ValueError. We drop the Z before pyqtgraph rewrites the path coordinates; Qt writes
    closed outlines with the first point repeated, so the drawing is the same. Idempotent, and
    harmless once pyqtgraph handles Z itself. Installed when an export is first asked for, by
    ``export_item`` or by a plot's context menu ("Export…"): importing the exporters costs the
    window's start ~10 ms.
    """
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates
    if getattr(original, "_backpropviz_fix", False):
        return

    def correct_coordinates(node: Any, defs: Any, item: Any, options: Any) -> Any:
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            if "Z" in d or "z" in d:
                path.setAttribute("d", re.sub(r"\s*[Zz]\s*", " ", d).strip())
        return original(node, defs, item, options)

    correct_coordinates._backpropviz_fix = True  # type: ignore[attr-defined]
    module.correctCoordinates = correct_coordinates


def export_item(item: Any, path: str | Path) -> Path:
    """Save a pyqtgraph item (PlotItem, GraphicsLayout, scene) as PNG or SVG, chosen by the suffix."""
    install_svg_closed_path_fix()
    import pyqtgraph.exporters

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        exporter: Any = pyqtgraph.exporters.ImageExporter(item)
    elif suffix == ".svg":
        exporter = pyqtgraph.exporters.SVGExporter(item)
    else:
        raise ValueError(f"export needs a .png or .svg file name, got {path.name!r}")
    exporter.export(str(path))
    if suffix == ".svg":
        # A heatmap is embedded as a tiny PNG (one pixel per entry); viewers would blur it when scaled.
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("<image ", '<image style="image-rendering:pixelated" '), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------- views
class LazyMenuViewBox(pg.ViewBox):
    """A ViewBox whose context menu is made on the first right-click. pyqtgraph makes it with the view: a
    form per axis, ~4 ms a view (the window's first one ~20 ms), and few plots are ever right-clicked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, enableMenu=False, **kwargs)
        self.state["enableMenu"] = True  # on: made when first asked for

    def getMenu(self, ev: Any) -> ViewBoxMenu | None:
        self._make_menu()
        return self.menu

    def getContextMenus(self, event: Any) -> list[Any]:
        self._make_menu()
        return super().getContextMenus(event)

    def _make_menu(self) -> None:
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()  # the views it may link to, as pyqtgraph keeps them in a menu made at once


def plot_item(graphics: pg.GraphicsLayoutWidget, **kwargs: Any) -> pg.PlotItem:
    """A PlotItem added to ``graphics``, its view's menu made when first wanted (see LazyMenuViewBox)."""
    return graphics.addPlot(viewBox=LazyMenuViewBox(), **kwargs)


# ------------------------------------------------------------------------------------- styling
def pen_width(scale: float) -> int:
    """Curve width for the presenter scale: 1 px (the fast path) up to 1.5×, then thicker."""
    return max(1, round(scale))


def tick_font(scale: float) -> QFont:
    return scaled_font(QApplication.font(), 0.9 * scale)


def font_size(scale: float) -> str:
    return f"{tick_font(scale).pointSizeF():.1f}pt"


def label_style(theme: Theme, scale: float, muted: bool = False) -> dict[str, str]:
    """Keyword arguments for LabelItem.setText: the theme's text (or muted) colour at the scaled size."""
    return {"color": theme.muted if muted else theme.text, "size": font_size(scale)}


def style_axes(plot: pg.PlotItem, theme: Theme, scale: float, labels: dict[str, str]) -> None:
    """Axis pens, tick fonts and labels of ``plot`` in the theme's colours at the presenter scale."""
    font = tick_font(scale)
    # Ticks and grid lines as hairlines (width 0) and two levels only: a translucent width-1 grid with
    # three levels made painting a curve plot cost ~12 ms (measured), hairlines ~1 ms.
    tick_pen = QPen(QColor(theme.box_border))
    tick_pen.setWidth(0)
    tick_pen.setCosmetic(True)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        if axis.autoSIPrefix:
            # "cost J (x0.001)" with ticks 700…240 reads worse than 0.7…0.24; and the hidden right and top
            # axes, linked to the view too, set their labels' HTML again at each step of the range with it
            # (~0.3 ms a step, measured). Only once, at creation: disabling re-derives the scale from the
            # current range, which on a restyle can be ×1000.
            axis.enableAutoSIPrefix(False)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.box_border, width=1))
        axis.setTickPen(tick_pen)
        axis.setStyle(maxTickLevel=1)
        axis.setTextPen(pg.mkPen(theme.text))
        axis.setTickFont(font)
        if name in labels:
            plot.setLabel(name, labels[name], **{"color": theme.text, "font-size": font_size(scale)})
    # Room for tick labels grows with the font (the left axis otherwise clips "0.001").
    plot.getAxis("left").setWidth(int(30 + 26 * scale))
    plot.getAxis("bottom").setHeight(int(16 + 22 * scale))


def style_legend(legend: pg.LegendItem, theme: Theme, scale: float) -> None:
    size = font_size(scale)
    legend.opts["labelTextColor"] = pg.mkColor(theme.text)  # for entries added later
    legend.opts["labelTextSize"] = size
    for _sample, label in legend.items:
        # LegendItem.setLabelTextColor only records the colour; the text must be set again to show it.
        label.setText(label.text, color=theme.text, size=size)
    fill = pg.mkColor(theme.panel)
    fill.setAlpha(210)
    legend.setBrush(fill)
    legend.setPen(pg.mkPen(theme.grid))


# ------------------------------------------------------------------------------------- log axis
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_text(value: float) -> str:
    """0.001 … 1000 as plain numbers, beyond that 10⁻⁵ or 2·10⁻⁵."""
    if 1e-3 <= value < 1e4:
        return f"{value:g}"
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0**exponent)
    power = f"10{str(exponent).translate(_SUPERSCRIPT)}"
    return power if mantissa == 1 else f"{mantissa}·{power}"


class TidyLogAxis(pg.AxisItem):
    """An axis whose log mode labels only as many ticks as fit: 1…9 within a decade, 1-2-5 over a
    couple of decades, decades only beyond (pyqtgraph labels every minor tick, which overlap). A range
    too narrow for two of those (a cost between 0.61 and 0.69) gets round ticks of its own, so the labels
    always cover the data."""

    FEW = 2  # fewer labelled ticks than this: round ones in the axis's own units instead

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fine: frozenset[float] = frozenset()  # the round ticks of a narrow range, where they are used

    def logTickValues(self, minVal: float, maxVal: float, size: float, stdTicks: list) -> list:
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        keep = self._kept_mantissas(maxVal - minVal)
        labelled = [v for _, values in ticks for v in values if self._mantissa(v, keep) is not None]
        if len(labelled) >= self.FEW:
            self._fine = frozenset()
            return ticks
        low, high = 10.0**minVal, 10.0**maxVal
        step = nice_ceiling((high - low) / 4)
        fine = [k * step for k in range(math.ceil(low / step), math.floor(high / step) + 1) if k > 0]
        self._fine = frozenset(math.log10(v) for v in fine)
        return [(None, sorted(self._fine))]

    @staticmethod
    def _kept_mantissas(span: float) -> set[int]:
        return set(range(1, 10)) if span < 1.0 else {1, 2, 5} if span < 2.2 else {1}

    @staticmethod
    def _mantissa(v: float, keep: set[int]) -> int | None:
        """The whole mantissa of 10^v if it is one of ``keep``, else None."""
        exponent = math.floor(v + 1e-9)
        mantissa = 10.0 ** (v - exponent)
        whole = round(mantissa)
        return whole if whole in keep and abs(mantissa - whole) < 1e-6 * whole else None

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        low, high = sorted(self.range)
        keep = self._kept_mantissas(high - low)
        strings = []
        for v in values:
            if v in self._fine:
                strings.append(f"{10.0**v * scale:.3g}")
                continue
            whole = self._mantissa(v, keep)
            strings.append(power_text(whole * 10.0 ** math.floor(v + 1e-9) * scale) if whole else "")
        return strings


# ------------------------------------------------------------------------------------- the base view
class PlotView(QWidget):
    """A live plot: an options row above a GraphicsLayoutWidget, wired to the controller.

    Subclasses build their items in ``rebuild`` (called on ``controller.rebuilt``, followed by
    ``apply_style``), update them in place in ``refresh(kind)`` (on ``controller.changed``), and restyle
    them in ``apply_style``.
    A subclass with ``play_rate`` set refreshes at most that often a second during Play (a timer
    catches the last frame): for plots that cost more than a frame's share and change slowly.
    """

    play_rate: float | None = None

    def __init__(self, controller: Controller, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.theme = theme
        self.scale = 1.0
        self._needs_rebuild = False
        # at most play_rate redraws a second during Play; hidden in a shown window: once shown (refresh.py)
        self.refresher = Refresher(self, self.refresh, self.play_rate or math.inf)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        # the scene's "Export…" opens pyqtgraph's dialog first; the fix is in place before its Export button
        self.graphics.scene().contextMenu[0].triggered.connect(install_svg_closed_path_fix)
        self.options = QWidget()
        self.options_layout = QHBoxLayout(self.options)
        self.options_layout.setContentsMargins(6, 2, 6, 0)
        self.options_layout.setSpacing(12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.options)
        layout.addWidget(self.graphics, 1)

        controller.changed.connect(self._on_changed)
        controller.rebuilt.connect(self._on_rebuilt)

    # ----------------------------------------------------------------- for subclasses
    def rebuild(self) -> None:
        """Create the items that depend on the layer count or the data set."""

    def refresh(self, kind: str) -> None:
        """Update the items in place; ``kind`` is the controller's (step, run, goto, …, or "show")."""

    def note_change(self, kind: str) -> None:
        """Called on every change, even while hidden: bookkeeping that must not miss a kind."""

    def apply_style(self) -> None:
        """Re-colour and re-size the items for ``self.theme`` and ``self.scale``."""

    def export_target(self) -> Any:
        """The pyqtgraph item that ``export`` saves (the whole layout by default)."""
        return self.graphics.ci

    # ----------------------------------------------------------------- public
    def set_theme(self, theme: Theme) -> None:
        """Switch colours (light/dark)."""
        if theme == self.theme:
            return  # styled in it already: restyling costs a plot several ms (the window sets its theme at start)
        self.theme = theme
        self.graphics.setBackground(theme.panel)
        self.apply_style()

    def set_scale(self, factor: float) -> None:
        """Presenter mode: fonts and line widths × factor (1.0–2.5)."""
        self.scale = float(factor)
        self.options.setFont(scaled_font(QApplication.font(), self.scale))
        self.apply_style()

    def export(self, path: str | Path) -> Path:
        """Save the plot as PNG or SVG (by the file's suffix); returns the path."""
        return export_item(self.export_target(), path)

    # ----------------------------------------------------------------- wiring
    def _on_changed(self, kind: Change) -> None:
        self.note_change(kind)
        playing_frame = kind == Change.RUN and self.controller.playing
        self.refresher.request(kind, throttle=self.play_rate is not None and playing_frame)

    def _on_rebuilt(self) -> None:
        if self.refresher.hidden():
            self._needs_rebuild = self.refresher.stale = True
            return
        self._rebuild()

    def _rebuild(self) -> None:
        self.rebuild()
        self.apply_style()
        cache_static_items(self.graphics.scene())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_rebuild:
            self._needs_rebuild = False
            self._rebuild()
        self.refresher.shown()

    def _finish_init(self) -> None:
        """End of a subclass's __init__: build, style and fill the items once (a plot made hidden inside a shown
        window, in a background tab, fills them when it is shown)."""
        self.graphics.setBackground(self.theme.panel)
        self._rebuild()
        self.refresher.request(Change.RESET)
