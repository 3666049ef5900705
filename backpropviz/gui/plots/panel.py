"""All live plots in one tab widget, ready to drop into a dock; each plot is built when it is first needed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTabWidget, QWidget

from ..controller import Controller
from ..theme import Theme, scaled_font
from .base import PlotView
from .boundary import DecisionBoundary
from .curves import AccuracyPlot, CostPlot, GradNormPlot
from .heatmaps import WeightHeatmaps

# (attribute, tab title, class), in tab order
TABS: tuple[tuple[str, str, type[PlotView]], ...] = (
    ("cost", "Cost", CostPlot),
    ("accuracy", "Accuracy", AccuracyPlot),
    ("weights", "Weights", WeightHeatmaps),
    ("grad_norms", "Gradients", GradNormPlot),
    ("boundary", "Boundary", DecisionBoundary),
)


class PlotsPanel(QTabWidget):
    """Cost, accuracy, weights, gradient norms and decision boundary as tabs.

    Each plot is an attribute (``cost``, ``accuracy``, ``weights``, ``grad_norms``, ``boundary``), so
    the main window may also move one into a dock of its own. A plot is built when its tab is first shown
    or the attribute is first read (until then its tab holds an empty page): building all five took a
    third of the window's start. Plots in background tabs skip their updates and catch up when their tab
    is shown.
    """

    def __init__(self, controller: Controller, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._theme = theme
        self._scale = 1.0
        self._built: dict[str, PlotView] = {}
        self._waiting: dict[str, QWidget] = {}  # the empty pages of the plots not built yet
        self._swapping = False
        self.setDocumentMode(True)
        for key, title, _ in TABS:
            self._waiting[key] = QWidget()
            self.addTab(self._waiting[key], title)
        self.currentChanged.connect(self._on_current_changed)
        self._on_current_changed(self.currentIndex())

    @property
    def cost(self) -> CostPlot:
        return self._plot("cost")  # type: ignore[return-value]

    @property
    def accuracy(self) -> AccuracyPlot:
        return self._plot("accuracy")  # type: ignore[return-value]

    @property
    def weights(self) -> WeightHeatmaps:
        return self._plot("weights")  # type: ignore[return-value]

    @property
    def grad_norms(self) -> GradNormPlot:
        return self._plot("grad_norms")  # type: ignore[return-value]

    @property
    def boundary(self) -> DecisionBoundary:
        return self._plot("boundary")  # type: ignore[return-value]

    @property
    def plots(self) -> list[PlotView]:
        """Every plot (building those not built yet)."""
        return [self._plot(key) for key, _, _ in TABS]

    def export_current(self, path: Path) -> None:
        """The plot of the current tab as PNG or SVG (by suffix)."""
        self.currentWidget().export(path)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        for plot in self._built.values():
            plot.set_theme(theme)

    def set_scale(self, factor: float) -> None:
        self._scale = factor
        self.tabBar().setFont(scaled_font(self.font(), factor))
        for plot in self._built.values():
            plot.set_scale(factor)

    # ----------------------------------------------------------------- building on demand
    def _plot(self, key: str) -> PlotView:
        plot = self._built.get(key)
        return plot if plot is not None else self._build(key)

    def _build(self, key: str) -> PlotView:
        """Make the plot and put it in place of its empty page."""
        title, cls = next((title, cls) for k, title, cls in TABS if k == key)
        # Made inside the panel: while the window is shown and the tab is not, it fills itself when shown.
        plot = cls(self.controller, self._theme, self)
        if self._scale != 1.0:
            plot.set_scale(self._scale)
        self._built[key] = plot
        page = self._waiting.pop(key)
        index = self.indexOf(page)
        if index >= 0:
            current = index == self.currentIndex()
            self._swapping = True
            try:
                self.removeTab(index)
                self.insertTab(index, plot, title)
                if current:
                    self.setCurrentIndex(index)
            finally:
                self._swapping = False
        page.deleteLater()
        return plot

    def _on_current_changed(self, index: int) -> None:
        if self._swapping:
            return
        page = self.widget(index)
        key = next((k for k, waiting in self._waiting.items() if waiting is page), None)
        if key is not None:
            self._build(key)
