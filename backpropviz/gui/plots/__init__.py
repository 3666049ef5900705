"""Live plots of training (pyqtgraph): cost, accuracy, weight heatmaps, gradient norms, decision boundary.

One module per plot; ``PlotsPanel`` holds them all for a dock.
"""

from .base import PlotView
from .boundary import DecisionBoundary
from .curves import AccuracyPlot, CostPlot, GradNormPlot
from .heatmaps import WeightHeatmaps
from .panel import PlotsPanel

__all__ = ["AccuracyPlot", "CostPlot", "DecisionBoundary", "GradNormPlot", "PlotView", "PlotsPanel", "WeightHeatmaps"]
