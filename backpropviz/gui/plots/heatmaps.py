"""W[l] of every layer as a heatmap (rows = units of layer l, columns = its inputs), optionally dW[l] beside it.

Diverging colours with levels symmetric about 0 that stay put between frames (see ``next_level``): a
bar rescales only when the data outgrows it, shrinks below a quarter of it, or on "Rescale". Images
are float32, C-contiguous, copied into one buffer per matrix; each ImageItem reads rows as rows
(axisOrder="row-major" on the item, not pyqtgraph's global option, which other views rely on).

A matrix with more than MAX_IMAGE_SIDE rows or columns is drawn from every k-th row and column (the fewest k
that fit), placed over the whole matrix's area: a panel shows a few hundred pixels at most, so the screen would
drop the others anyway, and copying and colouring all of a 1,024 × 1,024 W (and dW) took 40–100 ms of every
refresh on a 6 × 1,024 net. The colour bar's levels and the hover readout use every entry.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGraphicsGridLayout,
    QGraphicsWidget,
    QLabel,
    QPushButton,
    QWidget,
)

from ...engine.changes import Change
from ..controller import Controller
from ..refresh import SHOWN
from ..theme import DIVERGING_LUT, Theme, format_number, image_values, symmetric_level
from .base import LazyMenuViewBox, PlotView, label_style, next_level, power_text, tick_font
from .fast_image import FastImageItem

MAX_IMAGE_SIDE = 256  # rows or columns drawn at most (every k-th of a wider matrix)


@functools.cache
def diverging_map() -> pg.ColorMap:
    """The colour bars' map (DIVERGING_LUT), made with the first bar: 256 colours cost the window's start 4 ms."""
    return pg.ColorMap(np.linspace(0.0, 1.0, len(DIVERGING_LUT)), DIVERGING_LUT)


# changed() kinds after which the gradient buffers hold dW of the iteration just finished (if no
# divergence stopped it): dW can be shown, labelled as the previous iteration's, at position 0.
GRADIENT_COMPLETING_KINDS = frozenset({Change.RUN, Change.ITERATION})
# Kinds that leave the gradient buffers as they were.
GRADIENT_KEEPING_KINDS = frozenset({Change.STEP, Change.LEARNING_RATE})


class MatrixImage:
    """One matrix as an image: its title, a view, the image and a colour bar with stable levels."""

    def __init__(self, name: str, shape: tuple[int, int]) -> None:
        self.name = name
        self.shape = shape
        self.title = pg.LabelItem("", justify="left")
        self.view = LazyMenuViewBox(invertY=True, defaultPadding=0.0)
        self.view.setMouseEnabled(x=False, y=False)
        self.image = FastImageItem(axisOrder="row-major")
        self.view.addItem(self.image)
        self.bar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=diverging_map(), interactive=False, width=9, colorMapMenu=False
        )
        self.bar.setImageItem(self.image)
        rows, columns = shape
        self.step = (math.ceil(rows / MAX_IMAGE_SIDE), math.ceil(columns / MAX_IMAGE_SIDE))  # every k-th row, column
        self.buffer = np.zeros((math.ceil(rows / self.step[0]), math.ceil(columns / self.step[1])), dtype=np.float32)
        self.rect = QRectF(0.0, 0.0, columns, rows)  # the image covers the matrix's area: view units are entries
        self.level: float | None = None
        self.source: np.ndarray | None = None  # what is shown, for the hover readout
        self.items = (self.title, self.view, self.bar)

    def show(self, values: np.ndarray, rescale: bool = False) -> None:
        """Copy ``values`` into the image; move the bar only if the data outgrew or underfills it."""
        self.source = values
        image_values(values[:: self.step[0], :: self.step[1]], out=self.buffer)
        level = next_level(self.level, symmetric_level(values), force=rescale)
        if level != self.level:
            self.level = level
            self.bar.setLevels((-level, level))
            self._label_bar()
        self.image.setImage(self.buffer, autoLevels=False, levels=(-level, level), rect=self.rect)
        self.image.setVisible(True)

    def blank(self) -> None:
        """Nothing to show (not computed yet): hide the image, keep the frame."""
        self.source = None
        self.image.setVisible(False)

    def entry_at(self, scene_pos: QPointF) -> tuple[int, int, float] | None:
        """(row, column, value) under a scene position, or None outside the shown image."""
        if self.source is None or not self.image.isVisible():
            return None
        if not self.image.sceneBoundingRect().contains(scene_pos):
            return None
        # image pixels, then entries: the image's own transform stretches it over the matrix's area
        point = self.image.transform().map(self.image.mapFromScene(scene_pos))
        row, column = int(point.y()), int(point.x())  # row-major: x is the column, y the row
        if 0 <= row < self.shape[0] and 0 <= column < self.shape[1]:
            return row, column, float(self.source[row, column])
        return None

    def _label_bar(self) -> None:
        """Three ticks, −level, 0 and level, in short text: they always fit beside a narrow bar."""
        level = 1.0 if self.level is None else self.level
        text = power_text(level)
        axis = self.bar.axis
        axis.setTicks([[(-level, f"−{text}"), (0.0, "0"), (level, text)]])
        metrics = QFontMetricsF(axis.style["tickFont"] or QApplication.font())
        axis.setWidth(int(metrics.horizontalAdvance(f"−{text}") + 12))

    def style(self, theme: Theme, scale: float, title_html: str) -> None:
        self.title.setText(title_html, **label_style(theme, scale))
        self.view.setBorder(pg.mkPen(theme.box_border, width=1))
        axis = self.bar.axis
        axis.setTickFont(tick_font(scale))
        axis.setTextPen(pg.mkPen(theme.text))
        for name in ("left", "right", "top", "bottom"):
            self.bar.getAxis(name).setPen(pg.mkPen(theme.box_border))
        self._label_bar()


class LayerCell(QGraphicsWidget):
    """W[l] and, when asked, dW[l] of one layer, side by side."""

    def __init__(self, l: int, shape: tuple[int, int]) -> None:
        super().__init__()
        self.l = l
        self.W = MatrixImage(f"W{l}", shape)
        self.dW = MatrixImage(f"dW{l}", shape)
        self.grid = QGraphicsGridLayout()
        self.grid.setContentsMargins(4, 2, 4, 6)
        self.grid.setHorizontalSpacing(2)
        self.grid.setVerticalSpacing(0)
        self.setLayout(self.grid)
        self._place(self.W, 0)
        self.dW_shown = False
        for item in self.dW.items:
            item.setVisible(False)

    def _place(self, matrix: MatrixImage, column: int) -> None:
        self.grid.addItem(matrix.title, 0, column, 1, 2)
        self.grid.addItem(matrix.view, 1, column)
        self.grid.addItem(matrix.bar, 1, column + 1)
        self.grid.setColumnStretchFactor(column, 1)
        self.grid.setRowStretchFactor(1, 1)

    def set_dW_shown(self, on: bool) -> None:
        if on == self.dW_shown:
            return
        self.dW_shown = on
        if on:
            self._place(self.dW, 2)
        else:
            for item in self.dW.items:
                self.grid.removeItem(item)
        for item in self.dW.items:
            item.setVisible(on)

    def matrices(self) -> list[MatrixImage]:
        return [self.W, self.dW] if self.dW_shown else [self.W]


def grid_columns(count: int, width: float, height: float, panels: int) -> int:
    """How many layer cells per row make the heatmaps largest in a width × height area.

    Each cell holds ``panels`` images (W, or W and dW) side by side, each with a colour bar
    taking about 50 px, and a title row of about 20 px.
    """
    best, best_size = 1, -1.0
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        image_w = (width / columns - 50 * panels) / panels
        image_h = height / rows - 22
        size = min(image_w, image_h)
        if size > best_size + 1e-9:
            best, best_size = columns, size
    return best


class WeightHeatmaps(PlotView):
    """One heatmap per layer with its colour bar; dW beside it on request; a hover readout."""

    # During Play, as the decision boundary: weights drift, and each image costs more than a curve to draw.
    play_rate = 15.0

    def __init__(self, controller: Controller, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(controller, theme, parent)
        self.cells: list[LayerCell] = []
        self._placed: list[LayerCell] = []
        self._columns = 0
        self._rescale = False
        self._previous_dW_valid = False

        self.dW_check = QCheckBox("show dW")
        self.dW_check.setToolTip("Show each layer's gradient dW[l] beside W[l]")
        self.rescale_button = QPushButton("Rescale")
        self.rescale_button.setToolTip("Fit every colour bar to the values shown now")
        self.dW_note = QLabel("")
        self._dW_note_text = ""
        self.readout = QLabel("")
        self.readout.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.options_layout.addWidget(self.dW_check)
        self.options_layout.addWidget(self.rescale_button)
        self.options_layout.addWidget(self.dW_note)
        self.options_layout.addWidget(self.readout, 1)
        self.dW_check.toggled.connect(self.set_dW_shown)
        self.rescale_button.clicked.connect(self.rescale)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.graphics.ci.layout.setSpacing(0)
        self._finish_init()

    # ----------------------------------------------------------------- public
    @property
    def dW_shown(self) -> bool:
        return self.dW_check.isChecked()

    def set_dW_shown(self, on: bool) -> None:
        """Show or hide dW[l] beside each W[l]."""
        if self.dW_check.isChecked() != on:
            self.dW_check.setChecked(on)  # comes back here through toggled
            return
        for cell in self.cells:
            cell.set_dW_shown(on)
        self._arrange(force=True)
        self.apply_style()
        self.refresh(SHOWN)

    def rescale(self) -> None:
        """Fit every colour bar to the values shown now."""
        self._rescale = True
        self.refresh(SHOWN)

    def readout_at(self, scene_pos: QPointF) -> str:
        """"W2[0,3] = −0.0123" for the entry under a scene position ("" when over none)."""
        for cell in self.cells:
            for matrix in cell.matrices():
                entry = matrix.entry_at(scene_pos)
                if entry is not None:
                    row, column, value = entry
                    return f"{matrix.name}[{row},{column}] = {format_number(value)}"
        return ""

    # ----------------------------------------------------------------- PlotView
    def rebuild(self) -> None:
        self._unplace_cells()
        for cell in self.cells:
            self.graphics.scene().removeItem(cell)
        net = self.controller.stepper.net
        self.cells = [LayerCell(l, net.W[l].shape) for l in range(1, net.L + 1)]
        for cell in self.cells:
            cell.setParentItem(self.graphics.ci)
            cell.set_dW_shown(self.dW_shown)
        self._previous_dW_valid = False
        self._columns = 0
        self._arrange(force=True)

    def note_change(self, kind: str) -> None:
        stepper = self.controller.stepper
        if kind in GRADIENT_COMPLETING_KINDS:
            self._previous_dW_valid = stepper.report is None and stepper.position == 0 and stepper.iteration > 0
        elif kind == Change.STEP and stepper.position == 0 and stepper.iteration > 0:
            self._previous_dW_valid = True  # the Update after B1 was just taken
        elif kind not in GRADIENT_KEEPING_KINDS:
            self._previous_dW_valid = False

    def refresh(self, kind: str) -> None:
        stepper = self.controller.stepper
        rescale, self._rescale = self._rescale, False
        for cell in self.cells:
            cell.W.show(stepper.value("W", cell.l), rescale)
        if self.dW_shown:
            self._set_dW_note(self._show_gradients(rescale))

    def _show_gradients(self, rescale: bool) -> str:
        """dW of every layer as far as this iteration computed it; returns the note to show."""
        stepper = self.controller.stepper
        computed = {cell.l: stepper.value("dW", cell.l) for cell in self.cells}
        missing = [l for l, dW in computed.items() if dW is None]
        if not missing:
            note = ""
        elif len(missing) == len(computed) and self._previous_dW_valid:
            # Nothing of this iteration's backward pass yet, and the buffers still hold the last
            # finished iteration's gradient: show that, and say so.
            computed = {cell.l: stepper.net.dW[cell.l] for cell in self.cells}
            note = f"dW of iteration {stepper.iteration - 1}"
        else:
            names = ", ".join(f"dW{l}" for l in missing) if len(missing) <= 3 else f"dW1…dW{max(missing)}"
            note = f"{names} not computed yet"
        for cell in self.cells:
            dW = computed[cell.l]
            if dW is None:
                cell.dW.blank()
            else:
                cell.dW.show(dW, rescale)
        return note

    def _set_dW_note(self, note: str, force: bool = False) -> None:
        if note != self._dW_note_text or force:
            self._dW_note_text = note
            self.dW_note.setText(f"<span style='color:{self.theme.muted}'>{note}</span>" if note else "")

    def apply_style(self) -> None:
        for cell in self.cells:
            self._style_cell(cell)
        self._set_dW_note(self._dW_note_text, force=True)  # in the new theme's colour

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._arrange()

    # ----------------------------------------------------------------- helpers
    def _style_cell(self, cell: LayerCell) -> None:
        theme, scale = self.theme, self.scale
        rows, columns = cell.W.shape
        muted = f"<span style='color:{theme.muted}'>"
        cell.W.style(theme, scale, f"<b>W{cell.l}</b> {muted}({rows}×{columns})</span>")
        cell.dW.style(theme, scale, f"<b>dW{cell.l}</b>")

    def _arrange(self, force: bool = False) -> None:
        """Lay the cells out in the grid that makes the images largest for the current size."""
        if not self.cells:
            return
        size = self.graphics.size()
        panels = 2 if self.dW_shown else 1
        columns = grid_columns(len(self.cells), size.width(), size.height(), panels)
        if columns == self._columns and not force:
            return
        self._columns = columns
        grid = self.graphics.ci.layout
        self._unplace_cells()
        for i in range(grid.rowCount()):
            grid.setRowStretchFactor(i, 0)
        for i in range(grid.columnCount()):
            grid.setColumnStretchFactor(i, 0)
        for index, cell in enumerate(self.cells):
            row, column = divmod(index, columns)
            grid.addItem(cell, row, column)
            grid.setRowStretchFactor(row, 1)
            grid.setColumnStretchFactor(column, 1)
        self._placed = list(self.cells)

    def _unplace_cells(self) -> None:
        """Take the cells out of the grid (only those in it: Qt warns about the others)."""
        grid = self.graphics.ci.layout
        for cell in self._placed:
            grid.removeItem(cell)
        self._placed = []

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        self.readout.setText(self.readout_at(scene_pos))

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self.readout.setText("")
