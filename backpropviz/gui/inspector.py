"""The inspector: one quantity of the network as a heatmap and a table of its numbers.

It shows the quantity's name, shape and equation, and for the selected entry the same equation with
the live numbers plugged in (engine.equations.entry_equation). W and b can be edited by hand: a
double-click on a cell opens an editor, and the new value goes to the controller as an undoable edit.
Wide matrices are paged: the table shows 12 columns at a time, the heatmap always the whole matrix
with the current page framed.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGraphicsOpacityEffect,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..engine.changes import Change
from ..engine.equations import (
    entry_equation,
    entry_name,
    format_value,
    producer_label,
    quantity_equation,
    quantity_shape,
    quantity_title,
    shape_text,
)
from .controller import Controller
from .plots.base import cache_static_items, next_level
from .plots.fast_image import FastImageItem
from .refresh import Refresher
from .static_label import StaticLabel
from .theme import DIVERGING_LUT, LIGHT, Theme, image_values, lut_position, scaled_font, symmetric_level

PAGE_COLUMNS = 12  # columns the table shows at once: readable cells in a narrow dock
FIT_ROWS = 32  # rows measured to fit a column's width to its numbers
GHOST_OPACITY = 0.45  # the last Update's gradient, shown while this iteration's is not computed yet
PLAY_RATE = 10.0  # during Play the inspector redraws at most ten times a second
HEATMAP_HEIGHT = 150
EDITABLE = ("W", "b")
ValueRole = Qt.ItemDataRole.UserRole  # the entry as a Python float, for tests and tools

_Index = QModelIndex | QPersistentModelIndex


def parse_number(text: str) -> float:
    """A typed value as a finite float; ValueError says what is wrong in words a student understands.

    Accepts the typeset minus sign (−) and a decimal comma.
    """
    typed = text.strip()
    cleaned = typed.replace("−", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise ValueError("type a number, e.g. 0.5 or -1.2e-3")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{typed}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"“{typed}” is not a finite number")
    return value


def centred_ticks(n: int, most: int = 8) -> list[list[tuple[float, str]]]:
    """Integer tick labels at cell centres (k + 0.5), every 1, 2, 5, 10, 20, 50, … cells."""
    steps = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
    step = next((s for s in steps if n / s <= most), steps[-1])
    return [[(k + 0.5, str(k)) for k in range(0, n, step)]]


def width_signature(page: np.ndarray) -> bytes:
    """What the widths of a page's printed numbers depend on, column by column: the largest and the
    smallest decimal exponent, and whether any entry is negative, not finite or not whole. Equal
    signatures need no new fitting of the columns (which reads every cell's text, colour and font)."""
    if page.size == 0:
        return b""
    finite = np.isfinite(page)
    size = np.abs(np.where(finite, page, 0.0))
    nonzero = size > 0
    exponent = np.floor(np.log10(np.where(nonzero, size, 1.0)))
    features = (
        np.where(nonzero, exponent, -1000.0).max(axis=0),
        np.where(nonzero, exponent, 1000.0).min(axis=0),
        (page < 0).any(axis=0),
        (~finite).any(axis=0),
        (np.where(finite, page, 0.0) % 1 != 0).any(axis=0),
    )
    return np.stack(features).astype(np.float64).tobytes()


SELECTED_INK = "#1d2330"


def _text_colour_on(background: QColor) -> QColor:
    """Dark ink on light cells, white on the saturated ends of the colour map."""
    luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF()
    return QColor(SELECTED_INK) if luminance > 0.55 else QColor("#ffffff")


_cell_brushes: list[tuple[QBrush, QBrush]] = []


def cell_brushes(index: int) -> tuple[QBrush, QBrush]:
    """(background, ink) of a cell at ``lut_position`` ``index``; −1 (not finite): black."""
    if not _cell_brushes:
        for r, g, b in [*DIVERGING_LUT.tolist(), (0, 0, 0)]:
            background = QColor(r, g, b)
            _cell_brushes.append((QBrush(background), QBrush(_text_colour_on(background))))
    return _cell_brushes[index]


@dataclass(frozen=True)
class Axes:
    """How the rows and columns of one quantity are named (headers, caption, pager)."""

    row: Callable[[int], str]
    column: Callable[[int], str]
    caption: str
    column_noun: str  # "examples", "inputs", "units": the pager says "examples 1–12 of 400"


def quantity_axes(quantity: str, l: int) -> Axes:
    """Rows are units of layer l (features for A0, dA0); columns examples, inputs or units of layer l−1."""
    if l == 0:
        rows, row_text = (lambda i: f"x{i}"), "features of X"
    else:
        rows, row_text = (lambda i: f"unit {i}"), f"units of layer {l}"
    if quantity in ("W", "dW"):
        if l == 1:
            return Axes(rows, lambda k: f"x{k}", f"rows: {row_text} · columns: inputs x", "inputs")
        return Axes(rows, lambda k: f"unit {k}", f"rows: {row_text} · columns: units of layer {l - 1}", "units")
    if quantity in ("b", "db"):
        return Axes(rows, lambda _k: f"{quantity}{l}", f"rows: {row_text}", "columns")
    return Axes(rows, lambda j: f"ex {j}", f"rows: {row_text} · columns: examples", "examples")


# What a cell's painting asks for, and where its _cell entry keeps it.
_RIGHT_CENTRED = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_READ_ONLY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _READ_ONLY_FLAGS | Qt.ItemFlag.ItemIsEditable
_PAINTED_ROLES = {Qt.ItemDataRole.DisplayRole: 0, Qt.ItemDataRole.BackgroundRole: 1, Qt.ItemDataRole.ForegroundRole: 2}
_PAINTED_ROLE_LIST = list(_PAINTED_ROLES)


class MatrixModel(QAbstractTableModel):
    """One page of a matrix for a QTableView: formatted numbers on diverging colours.

    It reads the (read-only) array it is given, so a refresh is just ``dataChanged``. Column c of the
    model is column ``offset + c`` of the matrix.
    """

    editRejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: np.ndarray | None = None
        self.level = 1.0
        self.offset = 0
        self.page_columns = PAGE_COLUMNS
        self.editable = False
        self.axes = quantity_axes("W", 1)
        self.name = ""
        # set by the inspector: (i, j, text) → True if the edit was made
        self.edit_handler: Callable[[int, int, str], bool] | None = None
        # (i, j) → (text, background, foreground) of the cells painted since the numbers last changed: the
        # view asks for each role of each cell on its own, and a repaint asks again for every cell
        self._cells: dict[tuple[int, int], tuple[str, QBrush, QBrush]] = {}

    # ----------------------------------------------------------------- content
    def set_matrix(self, values: np.ndarray | None, level: float, name: str, axes: Axes, editable: bool) -> None:
        """A new quantity (or none): the table is rebuilt, back to its first page."""
        self.beginResetModel()
        self.values, self.level, self.name, self.axes, self.editable = values, level, name, axes, editable
        self.offset = 0
        self._cells.clear()
        self.endResetModel()

    def refresh(self, values: np.ndarray, level: float, in_view: tuple[range, range] | None = None) -> None:
        """The same quantity with new numbers: repaint in place when the shape is unchanged. Given the
        rows and columns in view, only those of their cells whose text or colour changed: an Update
        moves a weight by α·dW, which mostly leaves its four digits (and the table's pixels) alone."""
        old, self._cells = self._cells, {}
        if self.values is None or values.shape != self.values.shape:
            self.beginResetModel()
            self.values, self.level = values, level
            self.offset = min(self.offset, self.last_offset())
            self.endResetModel()
            return
        self.values, self.level = values, level
        if not (self.rowCount() and self.columnCount()):
            return
        if in_view is not None:
            rows, columns = in_view
            changed = [(i, c) for i in rows for c in columns if self.painted(i, c) != old.get((i, self.offset + c))]
            if 2 * len(changed) <= len(rows) * len(columns):  # else one signal for the page is cheaper
                for i, c in changed:
                    index = self.index(i, c)
                    self.dataChanged.emit(index, index, _PAINTED_ROLE_LIST)
                return
        last = self.index(self.rowCount() - 1, self.columnCount() - 1)
        self.dataChanged.emit(self.index(0, 0), last, _PAINTED_ROLE_LIST)

    @property
    def total_columns(self) -> int:
        return 0 if self.values is None else self.values.shape[1]

    def last_offset(self) -> int:
        return max(0, (self.total_columns - 1) // self.page_columns * self.page_columns)

    def set_offset(self, offset: int) -> None:
        offset = max(0, min(offset, self.last_offset()))
        if offset != self.offset:
            self.beginResetModel()
            self.offset = offset
            self._cells.clear()
            self.endResetModel()

    def source_column(self, column: int) -> int:
        return self.offset + column

    def page(self) -> np.ndarray:
        """The entries on the current page (rows × shown columns)."""
        if self.values is None:
            return np.zeros((0, 0))
        return self.values[:, self.offset : self.offset + self.columnCount()]

    # ----------------------------------------------------------------- QAbstractTableModel
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if self.values is None or parent.isValid() else self.values.shape[0]

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if self.values is None or parent.isValid():
            return 0
        return min(self.page_columns, self.total_columns - self.offset)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if self.values is None or not index.isValid():
            return None
        i, j = index.row(), self.source_column(index.column())
        if role in _PAINTED_ROLES:
            return self._cell(i, j)[_PAINTED_ROLES[role]]
        value = float(self.values[i, j])
        if role == Qt.ItemDataRole.EditRole:
            return f"{value:.10g}"
        if role == ValueRole:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT_CENTRED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self.name}[{i},{j}] = {value!r}" + ("\nDouble-click to edit." if self.editable else "")
        return None

    def _cell(self, i: int, j: int) -> tuple[str, QBrush, QBrush]:
        cell = self._cells.get((i, j))
        if cell is None:
            value = float(self.values[i, j])
            cell = self._cells[i, j] = (format_value(value), *cell_brushes(lut_position(value, self.level)))
        return cell

    def painted(self, row: int, column: int) -> tuple[str, QBrush, QBrush]:
        """(text, background, ink) of the cell at (row, column) of this page."""
        return self._cell(row, self.source_column(column))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or self.values is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.axes.column(self.source_column(section))
        return self.axes.row(section)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _EDITABLE_FLAGS if self.editable else _READ_ONLY_FLAGS  # asked twice a cell a paint: no enum sums

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A typed value for a W or b entry: handed to the inspector, which validates and edits."""
        if role != Qt.ItemDataRole.EditRole or not self.editable or not index.isValid() or self.edit_handler is None:
            return False
        return self.edit_handler(index.row(), self.source_column(index.column()), str(value))


class NumberDelegate(QStyledItemDelegate):
    """Paints a cell's colour and number; edits an entry in a line editor that starts with the
    full-precision value selected.

    It does no validation of its own (a validator would silently swallow a mistyped key); the
    inspector parses the text and explains a bad value.
    """

    def __init__(self, parent: QTableView) -> None:
        super().__init__(parent)
        # the style's own margin for item text, as QStyledItemDelegate's sizeHint (column fitting) counts it
        self._margin = parent.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1
        self.set_selection_colour(LIGHT.highlight)

    def set_selection_colour(self, colour: str) -> None:
        self._selection = QBrush(QColor(colour))
        self._selection_ink = QColor(SELECTED_INK)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        """Straight from the model's cell cache: the style's item painting under the table's style sheet
        asked the model for a dozen roles a cell and cost ~0.2 ms each; a refresh of W1 paints ~40."""
        text, background, ink = index.model().painted(index.row(), index.column())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(option.rect, self._selection if selected else background)
        painter.setPen(self._selection_ink if selected else ink.color())
        painter.setFont(option.font)
        margin = self._margin
        painter.drawText(option.rect.adjusted(margin, 0, -margin, 0), _RIGHT_CENTRED, text)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(_RIGHT_CENTRED)
        editor.setPlaceholderText("e.g. 0.5")
        editor.setFrame(False)
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole)))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractTableModel, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class _ClickableImage(FastImageItem):
    """The heatmap: a left click names the entry under the mouse (row i, column j)."""

    entryClicked = Signal(int, int)

    def mouseClickEvent(self, ev: object) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and self.image is not None:
            pos = ev.pos()
            rows, columns = self.image.shape[:2]
            i, j = int(pos.y()), int(pos.x())
            if 0 <= i < rows and 0 <= j < columns:
                self.entryClicked.emit(i, j)
                ev.accept()
                return
        super().mouseClickEvent(ev)


class Inspector(QWidget):
    """The selected quantity: title, shape, equation, live entry equation, heatmap and numbers.

    ``show_quantity("dW", 2)`` selects what to show (W b Z A dZ dW db dA, or "J"); it follows
    ``controller.changed`` in place and ``controller.rebuilt`` (falling back to W1 when its layer is
    gone). ``entrySelected(quantity, layer, i, j)`` is emitted when the user picks an entry.
    """

    entrySelected = Signal(str, int, int, int)

    def __init__(self, controller: Controller, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._theme = theme
        self._scale = 1.0
        self._quantity, self._layer = "W", 1
        self._entry = (0, 0)
        self._fitted = b""  # width_signature of the page when its columns were last fitted
        self._drawn: np.ndarray | None = None  # a copy of the values the table and heatmap show
        self._pixels = np.empty((0, 0), dtype=np.float32)  # the heatmap's image of them
        self._level: float | None = None  # their colour scale's half-width (see next_level)
        self._shape: tuple[int, int] | None = None
        self._message_kind = ""
        self._styled = False  # set_theme has styled every part once

        self._build()
        # opaque: a label or the table repainting at a step stops here instead of painting the dock's frame
        # and title behind it again
        self.setAutoFillBackground(True)
        self.refresher = Refresher(self, lambda _kind: self._refresh(), PLAY_RATE)
        controller.changed.connect(self._on_changed)
        controller.rebuilt.connect(self._on_rebuilt)
        controller.playingChanged.connect(self._on_playing_changed)
        self.set_theme(theme)
        self.set_scale(1.0)
        self.show_quantity("W", 1)

    # ----------------------------------------------------------------- construction
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        self._title = QLabel()
        self._title.setWordWrap(True)
        layout.addWidget(self._title)

        # the equation and, kept on one line by non-breaking spaces, the shape: "Z1 = W1 A0 + b1   shape (4×400)"
        self._formula = QLabel()
        self._formula.setWordWrap(True)
        self._formula.setTextFormat(Qt.TextFormat.RichText)
        self._formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._equation_text, self._shape_text = "", ""
        layout.addWidget(self._formula)

        self._entry_label = StaticLabel(rich=False, wrap=True)
        self._entry_label.set_padding(7)  # 1 px of border and 6 of padding (its style sheet)
        layout.addWidget(self._entry_label)

        # the cost is one number: shown large instead of a 1×1 table
        self._scalar = QLabel()
        self._scalar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._scalar.hide()
        layout.addWidget(self._scalar)

        self._message = QLabel()
        self._message.setWordWrap(True)
        self._message.setTextFormat(Qt.TextFormat.PlainText)
        self._message.hide()
        layout.addWidget(self._message)

        # Everything that shows numbers lives in one box, hidden while the quantity is not computed.
        self._matrix_box = QWidget()
        box = QVBoxLayout(self._matrix_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self._build_heatmap()
        box.addWidget(self._heatmap)

        self._caption = QLabel()
        self._caption.setWordWrap(True)
        box.addWidget(self._caption)

        self._pager = QWidget()
        pager = QHBoxLayout(self._pager)
        pager.setContentsMargins(0, 0, 0, 0)
        self._prev = QToolButton()
        self._prev.setArrowType(Qt.ArrowType.LeftArrow)
        self._prev.setToolTip("Previous page")
        self._next = QToolButton()
        self._next.setArrowType(Qt.ArrowType.RightArrow)
        self._next.setToolTip("Next page")
        self._page_label = QLabel()
        self._page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pager.addWidget(self._prev)
        pager.addWidget(self._page_label, 1)
        pager.addWidget(self._next)
        self._prev.clicked.connect(lambda: self._turn_page(-1))
        self._next.clicked.connect(lambda: self._turn_page(+1))
        box.addWidget(self._pager)

        self._model = MatrixModel(self)
        self._model.edit_handler = self._edit_entry
        self._table = QTableView()
        self._table.setModel(self._model)
        self._delegate = NumberDelegate(self._table)
        self._table.setItemDelegate(self._delegate)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self._table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self._table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._table.setWordWrap(False)
        self._table.horizontalHeader().setHighlightSections(False)
        # fitting columns measured every row: 170 ms a refresh for W1 of a 784-input net; 32 rows say enough.
        # QTableView reads the rows it measures for a column's width from the *vertical* header's precision.
        self._table.verticalHeader().setResizeContentsPrecision(FIT_ROWS)
        self._table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self._table.verticalHeader().setHighlightSections(False)
        self._table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._table.verticalHeader().setDefaultAlignment(_RIGHT_CENTRED)
        self._table.selectionModel().currentChanged.connect(self._on_current_changed)
        self._table.doubleClicked.connect(self._on_double_clicked)
        box.addWidget(self._table, 1)
        box.addStretch(0)  # takes what a short table (capped at its rows' height) leaves over
        layout.addWidget(self._matrix_box, 1)
        # the numbers of the last Update's gradient, shown faintly while this iteration has none yet
        self._ghost = QGraphicsOpacityEffect(self._matrix_box)
        self._ghost.setOpacity(GHOST_OPACITY)
        self._ghost.setEnabled(False)
        self._matrix_box.setGraphicsEffect(self._ghost)
        layout.addStretch(0)  # keeps the labels at the top while the matrix box is hidden

    def _build_heatmap(self) -> None:
        self._heatmap = pg.GraphicsLayoutWidget()
        self._heatmap.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._heatmap.ci.layout.setContentsMargins(2, 2, 6, 2)
        self._heatmap.ci.layout.setSpacing(2)
        self._plot = self._heatmap.addPlot(row=0, col=0, enableMenu=False)  # no menu made only to be dropped
        self._plot.hideButtons()
        self._plot.setMouseEnabled(x=False, y=False)
        self._plot.invertY(True)  # row 0 on top, as the table reads
        for name in ("left", "bottom"):
            axis = self._plot.getAxis(name)
            axis.setStyle(tickLength=-4, autoExpandTextSpace=True)
        self._image = _ClickableImage(axisOrder="row-major")
        self._image.setLookupTable(DIVERGING_LUT)
        self._image.entryClicked.connect(self._select_entry_from_heatmap)
        self._plot.addItem(self._image)
        # the current table page (dashed) and the selected entry (amber) drawn over the heatmap
        self._page_frame = QGraphicsRectItem()
        self._entry_frame = QGraphicsRectItem()
        for frame in (self._page_frame, self._entry_frame):
            frame.setZValue(10)
            self._plot.addItem(frame)
        colour_map = pg.ColorMap(np.linspace(0.0, 1.0, len(DIVERGING_LUT)), DIVERGING_LUT)
        self._bar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=colour_map, interactive=False, orientation="horizontal", width=10,
            colorMapMenu=False,
        )
        self._heatmap.addItem(self._bar, row=1, col=0)
        cache_static_items(self._heatmap.scene())

    # ----------------------------------------------------------------- public API
    @property
    def quantity(self) -> tuple[str, int]:
        """(quantity, layer) shown now."""
        return self._quantity, self._layer

    @property
    def selected_entry(self) -> tuple[int, int]:
        """(i, j) of the selected entry in the whole matrix (not the page)."""
        return self._entry

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def model(self) -> MatrixModel:
        return self._model

    def show_quantity(self, quantity: str, layer: int) -> None:
        """Show ``quantity`` of ``layer`` (W b Z A dZ dW db dA; "J" for the cost, layer ignored)."""
        stepper = self._controller.stepper
        stepper.is_filled(quantity, layer)  # ValueError for a quantity or layer the network does not have
        if quantity == "J":
            layer = 0
        self._quantity, self._layer = quantity, layer
        self._clear_message()
        net = stepper.net
        self._title.setText(quantity_title(net, quantity, layer))
        if quantity == "J":
            self._equation_text = quantity_equation(net, "J", 0)
            self._shape_text = "scalar"
            self._shape = None
            self._model.set_matrix(None, 1.0, "J", quantity_axes("Z", 1), False)
        else:
            rows, columns = quantity_shape(net, quantity, layer)
            self._equation_text = quantity_equation(net, quantity, layer)
            self._shape_text = f"shape {shape_text(rows, columns)}"
            self._shape = (rows, columns)
            i, j = self._entry
            self._entry = (min(i, rows - 1), min(j, columns - 1))
            self._model.set_matrix(
                None, 1.0, f"{quantity}{layer}", quantity_axes(quantity, layer), quantity in EDITABLE
            )
            self._plot.setRange(xRange=(0, columns), yRange=(0, rows), padding=0)
            self._plot.getAxis("bottom").setTicks(centred_ticks(columns))
            self._plot.getAxis("left").setTicks(centred_ticks(rows, most=5))
            self._caption.setText(self._model.axes.caption)
        self._apply_title_colour()
        self._show_formula()
        self._drawn = self._level = None
        self._refresh()
        # open on the page holding the selected entry
        self._model.set_offset(self._entry[1] // PAGE_COLUMNS * PAGE_COLUMNS)
        self._after_page_change()

    def set_theme(self, theme: Theme) -> None:
        """Colours of the labels, the table frame and the heatmap's axes."""
        if self._styled and theme == self._theme:
            return  # styled in it already (the window sets its theme at start)
        self._styled = True
        self._theme = theme
        self._heatmap.setBackground(theme.panel)
        for name in ("left", "bottom"):
            axis = self._plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.muted))
            axis.setTextPen(pg.mkPen(theme.text))
        self._bar.getAxis("bottom").setTextPen(pg.mkPen(theme.text))
        page_pen = QPen(QColor(theme.text), 1.5, Qt.PenStyle.DashLine)
        page_pen.setCosmetic(True)
        self._page_frame.setPen(page_pen)
        entry_pen = QPen(QColor(theme.highlight), 2.5)
        entry_pen.setCosmetic(True)
        self._entry_frame.setPen(entry_pen)
        self._entry_label.setStyleSheet(
            f"background: {theme.box_fill}; color: {theme.text}; border: 1px solid {theme.grid}; border-radius: 4px;"
        )
        self._caption.setStyleSheet(f"color: {theme.muted if theme.name == 'dark' else theme.box_border};")
        self._formula.setStyleSheet(f"color: {theme.text};")
        self._show_formula()
        self._scalar.setStyleSheet(f"color: {theme.text}; padding: 12px;")
        self._page_label.setStyleSheet(f"color: {theme.text};")
        self._style_table()
        self._apply_title_colour()
        self._apply_message_style()

    @property
    def equation_text(self) -> str:
        """The quantity's equation as shown, e.g. ``dW2 = 1/m dZ2 A1ᵀ``."""
        return self._equation_text

    @property
    def shape_text(self) -> str:
        """``shape (4×2)``, or ``scalar`` for J."""
        return self._shape_text

    def _show_formula(self) -> None:
        shape = html.escape(self._shape_text).replace(" ", "&nbsp;")
        self._formula.setText(
            f"{html.escape(self._equation_text)}&nbsp;&nbsp;&nbsp; <span style='color: {self._theme.box_border};'>"
            f"{shape}</span>"
        )

    def _style_table(self) -> None:
        """The table's colours and header font in one style sheet (a style sheet on the view would
        otherwise override the headers' setFont)."""
        theme = self._theme
        self._delegate.set_selection_colour(theme.highlight)
        header_points = scaled_font(QApplication.font(), 0.9 * self._scale).pointSizeF()
        self._table.setStyleSheet(
            f"QTableView {{ gridline-color: {theme.grid}; background: {theme.panel}; color: {theme.text};"
            f" selection-background-color: {theme.highlight}; selection-color: {SELECTED_INK};"
            f" border: 1px solid {theme.grid}; }}"
            f"QHeaderView {{ font-size: {header_points:.1f}pt; }}"
            f"QHeaderView::section {{ background: {theme.box_fill}; color: {theme.box_border}; border: none;"
            f" border-right: 1px solid {theme.grid}; border-bottom: 1px solid {theme.grid}; padding: 2px 6px; }}"
            f"QTableCornerButton::section {{ background: {theme.box_fill}; border: none;"
            f" border-right: 1px solid {theme.grid}; border-bottom: 1px solid {theme.grid}; }}"
        )

    def set_scale(self, factor: float) -> None:
        """Presenter mode: every font (and the heatmap's height) scaled by ``factor`` (1.0–2.5)."""
        self._scale = factor
        base = QApplication.font()
        self._title.setFont(scaled_font(base, 1.2 * factor, bold=True))
        self._scalar.setFont(scaled_font(base, 1.8 * factor, bold=True))
        for label in (self._formula, self._message, self._page_label, self._entry_label):
            label.setFont(scaled_font(base, factor))
        self._caption.setFont(scaled_font(base, 0.9 * factor))
        self._table.setFont(scaled_font(base, factor))
        self._style_table()
        metrics = self._table.fontMetrics()
        self._table.verticalHeader().setDefaultSectionSize(round(metrics.height() * 1.45))
        # wide enough for −0.001234 without eliding; wider numbers widen their column
        self._table.horizontalHeader().setMinimumSectionSize(metrics.horizontalAdvance("−0.001234") + 10)
        tick_font = scaled_font(base, 0.8 * factor)
        tick_height = QFontMetrics(tick_font).height()
        for axis in (self._plot.getAxis("left"), self._plot.getAxis("bottom"), self._bar.getAxis("bottom")):
            axis.setStyle(tickFont=tick_font)
        # pyqtgraph sizes axes for its default font: make room for the scaled tick labels
        self._plot.getAxis("bottom").setHeight(tick_height + 8)
        self._bar.getAxis("bottom").setHeight(tick_height + 6)
        # as tall as HEATMAP_HEIGHT (more in presenter mode), shrinking down to half that when the dock is short
        tall = round(HEATMAP_HEIGHT * (1 + 0.5 * (factor - 1)))
        self._heatmap.setMinimumHeight(tall // 2)
        self._heatmap.setMaximumHeight(tall)
        self._fit_columns()

    # ----------------------------------------------------------------- live updates
    def _on_changed(self, kind: Change) -> None:
        if self._message_kind == "error":
            self._clear_message()  # an edit message is about the state before this change
        # during Play: redraw at most PLAY_RATE times a second, and not at all while hidden
        playing = self._controller.playing
        self.refresher.request(kind, throttle=playing, defer_hidden=playing)

    def _on_playing_changed(self, playing: bool) -> None:
        if not playing:
            self.refresher.now(Change.RUN)

    def _on_rebuilt(self) -> None:
        """A new network: show the same quantity if its layer still exists, else W1."""
        quantity, layer = self._quantity, self._layer
        if quantity != "J" and layer > self._controller.stepper.L:
            quantity, layer = "W", 1
        self.show_quantity(quantity, layer)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)
        self.refresher.shown()

    def _refresh(self) -> None:
        """Read the quantity's live values and update every part in place."""
        stepper = self._controller.stepper
        quantity, layer = self._quantity, self._layer
        i, j = self._entry
        self._entry_label.setText(self._entry_text(stepper, quantity, layer, i, j))
        filled = stepper.is_filled(quantity, layer)
        self._entry_label.setVisible(filled)  # when not filled, the message below says what computes it
        if quantity == "J":
            self._matrix_box.hide()
            J = stepper.current_cost
            self._scalar.setVisible(J is not None)
            self._scalar.setText(f"J = {format_value(J)}   (iteration {stepper.iteration})" if J is not None else "")
            if J is None:
                self._show_pending()
            elif self._message_kind == "pending":
                self._clear_message()
            return
        self._scalar.hide()
        values = stepper.value(quantity, layer)
        previous = stepper.previous_gradient(quantity, layer) if values is None else None
        if values is None and previous is None:
            self._drawn = None
            self._matrix_box.hide()
            self._model.set_matrix(None, 1.0, self._model.name, self._model.axes, quantity in EDITABLE)
            self._show_pending()
            return
        self._ghost.setEnabled(previous is not None)  # the last Update's gradient, faintly, until B computes anew
        if previous is not None:
            values, used_in = previous
            self._show_pending(used_in)
        elif self._message_kind == "pending":
            self._clear_message()
        # (NaN ≠ NaN: a matrix holding NaN repaints each time, which only a diverged run shows; equal_nan
        # would make every comparison 20× slower)
        if self._model.values is not None and self._drawn is not None and np.array_equal(self._drawn, values):
            return  # a step elsewhere in the net: the same numbers, so no repaint of table and heatmap
        if self._drawn is None or self._drawn.shape != values.shape or self._drawn.dtype != values.dtype:
            # kept from step to step: a new 0.8 MB array (W1 of 784 inputs) costs its page faults every time
            self._drawn = np.empty_like(values)
            self._pixels = np.empty(values.shape, dtype=np.float32)
        np.copyto(self._drawn, values)
        # the Weights tab's stable round levels: no flicker, and the bar's axis is not laid out anew each step
        level = next_level(self._level, symmetric_level(values))
        image = image_values(values, out=self._pixels)
        finite = np.isfinite(values)
        if not finite.all():
            image[~finite] = np.nan  # drawn transparent; the table spells NaN and ±inf out
        self._image.setImage(image, levels=(-level, level), autoLevels=False)
        if level != self._level:
            self._level = level
            self._bar.setLevels((-level, level))
        was_empty = self._model.values is None
        self._model.refresh(values, level, self._cells_in_view())
        self._matrix_box.show()
        if was_empty:
            self._after_page_change()
        elif not self._controller.playing and width_signature(self._model.page()) != self._fitted:
            self._fit_columns()
        self._update_frames()

    @staticmethod
    def _entry_text(stepper: object, quantity: str, layer: int, i: int, j: int) -> str:
        # W and b read "value; Update: …": one line each in the narrow dock
        return entry_equation(stepper, quantity, layer, i, j).replace(";  ", "\n")

    def entry_text(self) -> str:
        """The live equation of the selected entry, as shown."""
        return self._entry_label.text()

    def _show_pending(self, used_in: int | None = None) -> None:
        """Say what computes the quantity; ``used_in``: the faint numbers shown are that iteration's, which its
        Update used."""
        stepper = self._controller.stepper
        name = "J" if self._quantity == "J" else f"{self._quantity}{self._layer}"
        producer = producer_label(self._quantity, self._layer, stepper.L)
        upcoming = stepper.next_step.label
        if producer == upcoming:
            text = f"{name} is not computed yet in this iteration — next: {producer} computes it."
        else:
            text = f"{name} is not computed yet in this iteration — {producer} computes it (next step: {upcoming})."
        if used_in is not None:
            text += f" Shown faintly: iteration {used_in}'s {name}, which its Update used."
        self._set_message(text, "pending")

    # ----------------------------------------------------------------- pages and selection
    def _turn_page(self, direction: int) -> None:
        self._model.set_offset(self._model.offset + direction * PAGE_COLUMNS)
        self._after_page_change()

    def _after_page_change(self) -> None:
        """Pager text, page frame, column widths and the selection after the table was reset."""
        model = self._model
        total = model.total_columns
        paged = total > PAGE_COLUMNS
        self._pager.setVisible(paged)
        if paged:
            last = model.offset + model.columnCount()
            self._page_label.setText(f"{model.axes.column_noun} {model.offset + 1}–{last} of {total}")
            self._prev.setEnabled(model.offset > 0)
            self._next.setEnabled(last < total)
        self._fit_columns()
        self._select_in_table()
        self._update_frames()

    def _cells_in_view(self) -> tuple[range, range] | None:
        """The page's rows and columns the table shows (partly shown ones too); None while it is hidden."""
        table, viewport = self._table, self._table.viewport()
        if not table.isVisible():
            return None
        rows, columns = self._model.rowCount(), self._model.columnCount()

        def span(first: int, last: int, count: int) -> range:
            return range(0) if first < 0 else range(first, (last if last >= 0 else count - 1) + 1)

        return (
            span(table.rowAt(0), table.rowAt(viewport.height() - 1), rows),
            span(table.columnAt(0), table.columnAt(viewport.width() - 1), columns),
        )

    def _fit_columns(self) -> None:
        self._fitted = width_signature(self._model.page())
        if self._model.columnCount():
            self._table.resizeColumnsToContents()
        self._fit_table_height()

    def _fit_table_height(self) -> None:
        """A few rows take only the height they need (the rest of the dock stays empty below);
        many rows fill the dock and scroll."""
        table = self._table
        header = table.horizontalHeader()
        header.ensurePolished()  # the style sheet's padding counts in the header's height
        height = header.sizeHint().height() + self._model.rowCount() * table.verticalHeader().defaultSectionSize()
        height += 2 * table.frameWidth()
        content_width = header.length() + table.verticalHeader().sizeHint().width() + 2 * table.frameWidth()
        # the width the layout gives the table (its own width lags behind while the widget is shown)
        margins = self.layout().contentsMargins()
        available = self.width() - margins.left() - margins.right()
        if content_width > available:
            height += table.horizontalScrollBar().sizeHint().height()
        table.setMaximumHeight(max(height, header.sizeHint().height() * 2))

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)
        self._fit_table_height()

    def _select_in_table(self) -> None:
        """Mark the selected entry in the table when it lies on the current page."""
        i, j = self._entry
        column = j - self._model.offset
        selection = self._table.selectionModel()
        if 0 <= i < self._model.rowCount() and 0 <= column < self._model.columnCount():
            index = self._model.index(i, column)
            selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
        else:
            selection.clearSelection()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._set_entry(current.row(), self._model.source_column(current.column()))

    def _select_entry_from_heatmap(self, i: int, j: int) -> None:
        self._set_entry(i, j)
        if j < self._model.offset or j >= self._model.offset + PAGE_COLUMNS:
            self._model.set_offset(j // PAGE_COLUMNS * PAGE_COLUMNS)
            self._after_page_change()  # selects the entry in the table too
        else:
            self._select_in_table()

    def _set_entry(self, i: int, j: int) -> None:
        changed = (i, j) != self._entry
        self._entry = (i, j)
        self._entry_label.setText(self._entry_text(self._controller.stepper, self._quantity, self._layer, i, j))
        self._update_frames()
        if changed:
            self.entrySelected.emit(self._quantity, self._layer, i, j)

    def _update_frames(self) -> None:
        """Frame the table's page and the selected entry on the heatmap."""
        if self._shape is None:
            return
        rows, columns = self._shape
        paged = columns > PAGE_COLUMNS
        self._page_frame.setVisible(paged)
        if paged:
            self._page_frame.setRect(QRectF(self._model.offset, 0, self._model.columnCount(), rows))
        i, j = self._entry
        self._entry_frame.setRect(QRectF(j, i, 1, 1))

    # ----------------------------------------------------------------- editing
    def _on_double_clicked(self, index: QModelIndex) -> None:
        if not self._model.editable:
            self._set_message(
                f"{self._model.name} is computed by backprop; only W and b can be edited by hand.", "info"
            )

    def _edit_entry(self, i: int, j: int, text: str) -> bool:
        """A typed value for W or b: parsed, then an undoable edit through the controller."""
        entry = entry_name(self._quantity, self._layer, i, j)
        try:
            value = parse_number(text)
            current = float(self._controller.stepper.value(self._quantity, self._layer)[i, j])
            if value == current or text.strip() == f"{current:.10g}":
                return False  # Enter on the value the editor opened with: no edit, the iteration goes on
            self._controller.edit_parameter(f"{self._quantity}{self._layer}", (i, j), value)
        except ValueError as error:
            self._set_message(f"{entry} not changed: {error}.", "error")
            return False
        self._set_message(
            f"{entry} set to {format_value(value)}. The iteration restarts from F1; Back undoes the edit.", "info"
        )
        return True

    # ----------------------------------------------------------------- messages
    def message_text(self) -> str:
        """The message shown under the equation ("" when none): pending, edit errors, hints."""
        return self._message.text() if self._message_kind else ""

    def _set_message(self, text: str, kind: str) -> None:
        self._message_kind = kind
        self._message.setText(text)
        self._apply_message_style()
        self._message.show()

    def _clear_message(self) -> None:
        self._message_kind = ""
        self._message.clear()
        self._message.hide()

    def _apply_message_style(self) -> None:
        theme = self._theme
        border = {"error": theme.backward, "pending": theme.muted}.get(self._message_kind, theme.box_border)
        colour = theme.backward if self._message_kind == "error" else theme.text
        self._message.setStyleSheet(
            f"QLabel {{ color: {colour}; border: 1px solid {border}; border-left: 4px solid {border};"
            f" border-radius: 3px; padding: 4px 6px; background: {theme.panel}; }}"
        )

    def _apply_title_colour(self) -> None:
        # gradients in the backward red, forward quantities in ink: the colours of the diagram's arrows
        colour = self._theme.backward if self._quantity.startswith("d") else self._theme.forward
        self._title.setStyleSheet(f"color: {colour};")


__all__ = ["Inspector", "MatrixModel", "NumberDelegate", "ValueRole", "parse_number", "quantity_axes"]
