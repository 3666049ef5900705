"""The hidden-layer size sweep: week 3's "Tuning hidden layer size" cell as a dialog.

A non-modal dialog. "Run" trains the week 3 net (tanh, init ×0.01 with seed 3, α = 1.2) on the flower
once per hidden layer size — 1, 2, 3, 4, 5, 20, 50 units, 5,000 iterations each — and shows the training
accuracies in a table and a bar chart, with the course's reading of them underneath. The sweep is
independent of the window's run (it never touches the controller).

Seven nets take a few seconds, so the work is sliced: a zero-interval QTimer advances the engine's
``HiddenLayerSweep`` for a few milliseconds per tick, and the event loop keeps the window responsive
(and the Stop button clickable) in between.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..engine.presets import (
    SWEEP_EXPLANATION,
    SWEEP_ITERATIONS,
    SWEEP_LEARNING_RATE,
    SWEEP_SEED,
    SWEEP_SIZES,
    HiddenLayerSweep,
    SweepResult,
)
from .presenter_dialog import PresenterDialog
from .theme import LIGHT, Theme, scaled_font

# Work per timer tick: long enough to keep the overhead of ticks small, short enough (≪ one frame of
# 16 ms at 60 Hz … a click's patience) that the dialog and the main window stay responsive.
TICK_BUDGET_SECONDS = 0.012
# Iterations per call into the engine inside a tick; a 50-unit net does ~100 in about 1 ms.
CHUNK_ITERATIONS = 50
BAR_WIDTH = 0.62
NOT_RUN = "—"


class _BarPlot(pg.PlotWidget):
    """A PlotWidget whose preferred size follows the presenter scale (QGraphicsView's is a fixed 640×480,
    which would make the dialog open needlessly tall)."""

    preferred = QSize(420, 280)

    def sizeHint(self) -> QSize:
        return self.preferred


def format_accuracy(accuracy: float) -> str:
    """67.25 → "67.25 %", 90.0 → "90.0 %": as the notebook prints its sweep."""
    return f"{accuracy:g} %" if accuracy != int(accuracy) else f"{accuracy:.1f} %"


class SweepDialog(PresenterDialog):
    """Run the hidden-layer sweep and show accuracy per size. ``completed(results)`` follows each full run.

    ``iterations`` and ``sizes`` default to the notebook's (5,000; 1, 2, 3, 4, 5, 20, 50); tests pass
    fewer iterations to stay fast.
    """

    # Not "finished": QDialog already has finished(int), emitted when the dialog closes.
    completed = Signal(object)  # list of (hidden units, accuracy %)

    def __init__(
        self,
        parent: QWidget | None = None,
        iterations: int = SWEEP_ITERATIONS,
        sizes: Sequence[int] = SWEEP_SIZES,
        theme: Theme = LIGHT,
    ) -> None:
        super().__init__(parent, "Hidden layer size sweep")
        HiddenLayerSweep(sizes, iterations)  # validate now: a bad argument fails here, not on Run
        self._sizes = tuple(int(n) for n in sizes)
        self._iterations = int(iterations)
        self._theme = theme
        self._scale = 1.0
        self._sweep: HiddenLayerSweep | None = None
        self._started = 0.0
        self._elapsed = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(0)  # as soon as the event loop is idle: input events go first
        self._timer.timeout.connect(self._work)
        self._build()
        self.set_theme(theme)
        self.set_scale(1.0)
        self._show_results([])

    # ----------------------------------------------------------------- construction
    def _build(self) -> None:
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(10)

        self._intro = QLabel(
            # non-breaking spaces keep "α = 1.2" and "× 0.01" whole when the text wraps
            f"The week 3 net (tanh hidden layer, W = randn\u00a0×\u00a00.01 after seed {SWEEP_SEED}, "
            f"α\u00a0=\u00a0{SWEEP_LEARNING_RATE:g}) trained on the flower for {self._iterations:,} iterations "
            "with each hidden layer size, as the notebook's “Tuning hidden layer size” cell."
        )
        self._intro.setWordWrap(True)
        layout.addWidget(self._intro)

        controls = QHBoxLayout()
        controls.setSpacing(10)
        self.run_button = QPushButton("Run")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self._on_run_clicked)
        controls.addWidget(self.run_button)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, max(1, len(self._sizes) * self._iterations))
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("%p %")
        controls.addWidget(self.progress_bar, 1)
        layout.addLayout(controls)
        self._status = QLabel()
        layout.addWidget(self._status)

        body = QHBoxLayout()
        body.setSpacing(12)
        self.table = self.results_table(["hidden units", "accuracy"])
        self.table.setRowCount(len(self._sizes))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, n_h in enumerate(self._sizes):
            for column, text in enumerate((str(n_h), NOT_RUN)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        body.addWidget(self.table, 0, Qt.AlignmentFlag.AlignTop)

        self.plot_widget = _BarPlot()
        plot = self.plot_widget.getPlotItem()
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=False, y=True, alpha=0.25)
        positions = np.arange(len(self._sizes), dtype=float)
        self._positions = positions
        # Sizes 1 … 50 on a linear axis would crowd 1–5 into a corner: one evenly spaced bar per size.
        plot.getAxis("bottom").setTicks([[(float(x), str(n)) for x, n in zip(positions, self._sizes, strict=True)]])
        plot.setXRange(-0.6, len(self._sizes) - 0.4, padding=0)
        plot.setYRange(0, 108, padding=0)  # 0–100 % with headroom for the value labels above the bars
        plot.getAxis("left").setTicks([[(float(v), f"{v}") for v in range(0, 101, 20)]])
        self.bars = pg.BarGraphItem(x=positions, height=np.zeros(len(self._sizes)), width=BAR_WIDTH)
        plot.addItem(self.bars)
        self._value_labels = []
        for x in positions:
            label = pg.TextItem("", anchor=(0.5, 1.0))
            label.setPos(float(x), 0.0)
            plot.addItem(label)
            self._value_labels.append(label)
        body.addWidget(self.plot_widget, 1)
        layout.addLayout(body, 1)

        self._explanation = QLabel(SWEEP_EXPLANATION)
        self._explanation.setWordWrap(True)
        layout.addWidget(self._explanation)

    # ----------------------------------------------------------------- public API
    @property
    def is_running(self) -> bool:
        return self._timer.isActive()

    @property
    def results(self) -> list[SweepResult]:
        """(hidden units, accuracy %) of the nets finished so far in the current (or last) run."""
        return list(self._sweep.results) if self._sweep is not None else []

    def run(self) -> None:
        """Start the sweep from scratch (the table and the bars are cleared first)."""
        self._sweep = HiddenLayerSweep(self._sizes, self._iterations)
        self._started, self._elapsed = time.perf_counter(), 0.0
        self._show_results([])
        self.progress_bar.setValue(0)
        self.run_button.setText("Stop")
        self._show_status()
        self._timer.start()

    def stop(self) -> None:
        """Stop a running sweep; what finished stays on show."""
        if not self._timer.isActive():
            return
        self._timer.stop()
        self._elapsed = time.perf_counter() - self._started
        self.run_button.setText("Run again")
        self._show_status(stopped=True)

    def table_texts(self) -> list[tuple[str, str]]:
        """What the table shows: (hidden units, accuracy) per row."""
        return [
            (self.table.item(row, 0).text(), self.table.item(row, 1).text()) for row in range(self.table.rowCount())
        ]

    def bar_heights(self) -> list[float]:
        """The bars' heights (accuracy %, 0 for a size not trained yet)."""
        return [float(h) for h in self.bars.opts["height"]]

    def set_theme(self, theme: Theme) -> None:
        """Switch colours (light/dark)."""
        self._theme = theme
        super().set_theme(theme)
        self._explanation.setStyleSheet(
            f"color: {theme.text}; background: {theme.box_fill}; border: 1px solid {theme.grid};"
            " border-radius: 4px; padding: 8px;"
        )
        self._status.setStyleSheet(f"color: {theme.box_border};")
        self.style_table(self.table, theme, self._scale)
        self.plot_widget.setBackground(theme.panel)
        # Brush only: an outline would draw the bars of sizes not trained yet (height 0) as stray lines.
        self.bars.setOpts(brush=pg.mkBrush(theme.class0), pen=pg.mkPen(None))
        self._style_plot()
        self._show_results(self.results)

    def set_scale(self, factor: float) -> None:
        """Presenter mode: fonts × factor (1.0–2.5); a shown dialog grows to fit."""
        self._scale = float(factor)
        font = scaled_font(QGuiApplication.font(), factor)
        for widget in (self._intro, self.run_button, self.progress_bar, self._status, self._explanation,
                       self.table):
            widget.setFont(font)
        self.style_table(self.table, self._theme, factor)
        metrics = self.table.fontMetrics()
        row_height = round(metrics.height() * 1.6)
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        # The table is exactly as tall as its rows and as wide as its header and "100.00 %" need.
        column = max(metrics.horizontalAdvance("hidden units"), metrics.horizontalAdvance("100.00 %")) + 36
        self.table.setFixedWidth(2 * column + 2 * self.table.frameWidth())
        header = self.table.horizontalHeader()
        self.table.setFixedHeight(header.sizeHint().height() + 2 * self.table.frameWidth()
                                  + self.table.rowCount() * row_height)
        grow = min(factor, 1.8)
        self.plot_widget.setMinimumSize(round(360 * grow), round(240 * grow))
        self.plot_widget.preferred = QSize(round(420 * grow), round(280 * grow))
        self.plot_widget.updateGeometry()
        self._style_plot()
        self._show_results(self.results)
        self.fit_contents(refit=True)

    # ----------------------------------------------------------------- work
    def _on_run_clicked(self) -> None:
        if self.is_running:
            self.stop()
        else:
            self.run()

    def _work(self) -> None:
        """One timer tick: advance the sweep for about TICK_BUDGET_SECONDS, then show the progress."""
        sweep = self._sweep
        if sweep is None:  # pragma: no cover - the timer only runs with a sweep
            self._timer.stop()
            return
        deadline = time.perf_counter() + TICK_BUDGET_SECONDS
        new: list[SweepResult] = []
        while not sweep.finished and time.perf_counter() < deadline:
            new += sweep.advance(CHUNK_ITERATIONS)
        self.progress_bar.setValue(sweep.done_iterations)
        if new:
            self._show_results(sweep.results)
        if sweep.finished:
            self._timer.stop()
            self._elapsed = time.perf_counter() - self._started
            self.progress_bar.setValue(self.progress_bar.maximum())
            self.run_button.setText("Run again")
            self._show_status()
            self.completed.emit(list(sweep.results))
        else:
            self._show_status()

    # ----------------------------------------------------------------- display
    def _show_status(self, stopped: bool = False) -> None:
        sweep = self._sweep
        nets = len(self._sizes)
        if sweep is None:
            text = f"{nets} nets × {self._iterations:,} iterations. Press Run."
        elif sweep.finished:
            text = f"Done: {nets} nets × {self._iterations:,} iterations in {self._elapsed:.1f} s."
        elif stopped:
            text = f"Stopped after {len(sweep.results)} of {nets} nets."
        else:
            text = f"Training {sweep.current_size} hidden unit{'s' if sweep.current_size != 1 else ''} " \
                   f"(net {len(sweep.results) + 1} of {nets})…"
        self._status.setText(text)

    def _show_results(self, results: Sequence[SweepResult]) -> None:
        """Table cells, bar heights and value labels for the finished sizes; the rest stay empty."""
        accuracy = dict(results)
        best = max(accuracy.values(), default=None)
        theme = self._theme
        heights = np.zeros(len(self._sizes))
        for row, n_h in enumerate(self._sizes):
            value = accuracy.get(n_h)
            item = self.table.item(row, 1)
            item.setText(NOT_RUN if value is None else format_accuracy(value))
            item.setForeground(QBrush(QColor(theme.muted if value is None else theme.text)))
            font = QFont(self.table.font())  # an item's own font would not follow the presenter scale
            font.setBold(value is not None and value == best)  # the best size stands out, as in the notebook
            item.setFont(font)
            label = self._value_labels[row]
            if value is None:
                label.setText("")
            else:
                heights[row] = value
                label.setText(format_accuracy(value).removesuffix(" %"), color=theme.text)
                label.setPos(float(self._positions[row]), value + 1.0)
        self.bars.setOpts(height=heights)
        if not self._timer.isActive():
            self._show_status()

    def _style_plot(self) -> None:
        theme, scale = self._theme, self._scale
        plot = self.plot_widget.getPlotItem()
        font = scaled_font(QGuiApplication.font(), 0.9 * scale)
        size = f"{font.pointSizeF():.1f}pt"
        for name, text in (("left", "training accuracy (%)"), ("bottom", "hidden units n_h")):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.box_border, width=1))
            axis.setTextPen(pg.mkPen(theme.text))
            axis.setTickFont(font)
            plot.setLabel(name, text, **{"color": theme.text, "font-size": size})
        plot.getAxis("left").setWidth(round(34 + 24 * scale))
        plot.getAxis("bottom").setHeight(round(18 + 22 * scale))
        # Value labels a little smaller than the ticks: seven of them must fit side by side.
        label_font = scaled_font(QGuiApplication.font(), 0.8 * scale)
        for label in self._value_labels:
            label.setFont(label_font)

    def stop_work(self) -> None:
        self.stop()
