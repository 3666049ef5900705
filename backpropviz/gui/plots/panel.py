"""All live plots in one tab widget, ready to drop into a dock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QTabWidget, QWidget

from ..controller import Controller
from ..theme import Theme, scaled_font
from .base import PlotView
from .boundary import DecisionBoundary
from .curves import AccuracyPlot, CostPlot, GradNormPlot
from .heatmaps import WeightHeatmaps


class PlotsPanel(QTabWidget):
    """Cost, accuracy, weights, gradient norms and decision boundary as tabs.

    Each plot is an attribute (``cost``, ``accuracy``, ``weights``, ``grad_norms``, ``boundary``), so
    the main window may also move one into a dock of its own. Plots in background tabs skip their
    updates and catch up when their tab is shown.
    """

    def __init__(self, controller: Controller, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setDocumentMode(True)
        self.cost = CostPlot(controller, theme)
        self.accuracy = AccuracyPlot(controller, theme)
        self.weights = WeightHeatmaps(controller, theme)
        self.grad_norms = GradNormPlot(controller, theme)
        self.boundary = DecisionBoundary(controller, theme)
        for plot, title in (
            (self.cost, "Cost"), (self.accuracy, "Accuracy"), (self.weights, "Weights"),
            (self.grad_norms, "Gradients"), (self.boundary, "Boundary"),
        ):
            self.addTab(plot, title)

    def export_current(self, path: Path) -> None:
        """The plot of the current tab as PNG or SVG (by suffix)."""
        self.currentWidget().export(path)

    @property
    def plots(self) -> list[PlotView]:
        return [self.cost, self.accuracy, self.weights, self.grad_norms, self.boundary]

    def set_theme(self, theme: Theme) -> None:
        for plot in self.plots:
            plot.set_theme(theme)

    def set_scale(self, factor: float) -> None:
        self.tabBar().setFont(scaled_font(self.font(), factor))
        for plot in self.plots:
            plot.set_scale(factor)
