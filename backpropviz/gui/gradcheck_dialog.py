"""The gradient check panel: does backprop agree with the slope of J, overall and layer by layer?

A non-modal dialog. "Run gradient check" asks the controller for a check on a copy of the current
parameters, which runs off the window's thread with a progress bar and Cancel (a 6 × 1,024 net takes
seconds), and shows the relative difference overall and per layer, green below the threshold and red
above. Stepping or Play meanwhile does not disturb the check; its result then arrives marked out of date.
The "Planted bug" control doubles dW of one layer (the course's classic bug) so that the check can
be seen to catch it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..engine.changes import Change
from ..engine.gradcheck import EPSILON, THRESHOLD, GradCheckResult
from .background import BackgroundJob
from .controller import GRADCHECK_SAMPLE, GRADCHECK_SAMPLED_ABOVE, Controller
from .presenter_dialog import PresenterDialog
from .theme import LIGHT, Theme, scaled_font

PASS_GREEN = {"light": "#1e7f3c", "dark": "#4cc36b"}
# Below this ‖grad‖ a layer cannot be judged: at ε = 1e-7 rounding in J (≈ 1e-16) makes each
# gradapprox entry uncertain by ≈ 1e-9, so the relative difference would measure rounding, not backprop.
TOO_SMALL = 1e-6
IDLE_FORMAT = "%v of %m entries"

def power_of_ten(value: float) -> str:
    """1e-7 as the course writes it (not Python's 1e-07)."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


FORMULA = f"difference = ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖), ε = {power_of_ten(EPSILON)}"


def format_difference(value: float) -> str:
    """1.23e−09 with a typeset minus."""
    return f"{value:.2e}".replace("-", "−")


class GradCheckDialog(PresenterDialog):
    """Run the gradient check and plant the course's bug. ``checked(result)`` follows every finished
    run, ``cancelled()`` every run stopped with Cancel."""

    checked = Signal(object)  # the GradCheckResult
    cancelled = Signal()

    def __init__(self, controller: Controller, parent: QWidget | None = None, theme: Theme = LIGHT) -> None:
        super().__init__(parent, "Gradient check")
        self._controller = controller
        self._theme = theme
        self._scale = 1.0
        self._result: GradCheckResult | None = None
        self._stale = False
        self._job: BackgroundJob | None = None
        self._changed_while_running = False
        self._build()
        controller.changed.connect(self._on_changed)
        controller.rebuilt.connect(self._on_rebuilt)
        self._on_rebuilt()
        self.set_theme(theme)
        self.set_scale(1.0)

    # ----------------------------------------------------------------- construction
    def _build(self) -> None:
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)

        self._intro = QLabel(
            "Is backprop right? The check nudges every weight and bias by ±ε, measures how J changes "
            "(gradapprox), and compares that slope with backprop's dW and db (grad)."
        )
        self._intro.setWordWrap(True)
        layout.addWidget(self._intro)
        self._formula = QLabel(
            f"{FORMULA}. Below {power_of_ten(THRESHOLD)} (green) the gradients agree; above it (red) one is wrong."
        )
        self._formula.setWordWrap(True)
        layout.addWidget(self._formula)

        bug_row = QHBoxLayout()
        self._bug_title = QLabel("Planted bug:")
        self._bug = QComboBox()
        self._bug.setToolTip("dW of layer l doubled — the course's classic bug")
        self._bug.currentIndexChanged.connect(self._on_bug_chosen)
        bug_row.addWidget(self._bug_title)
        bug_row.addWidget(self._bug, 1)
        layout.addLayout(bug_row)
        self._bug_hint = QLabel("dW of layer l doubled — the course's classic bug.")
        self._bug_hint.setWordWrap(True)
        layout.addWidget(self._bug_hint)

        run_row = QHBoxLayout()
        self._run = QPushButton("Run gradient check")
        self._run.setDefault(True)
        self._run.clicked.connect(self.run_check)
        self._progress = QProgressBar()
        self._progress.setFormat(IDLE_FORMAT)
        self._progress.setRange(0, 1)
        self._progress.setValue(0)
        self._progress.setTextVisible(False)
        self._cancel = QPushButton("Cancel")
        self._cancel.setEnabled(False)
        self._cancel.setToolTip("Stop the check; the last result stays on show")
        self._cancel.clicked.connect(self.cancel_check)
        run_row.addWidget(self._run, 1)
        run_row.addWidget(self._cancel)
        layout.addLayout(run_row)
        layout.addWidget(self._progress)

        self._table = self.results_table(["", "difference", "result"])
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self._table)

        self._summary = QLabel()
        self._summary.setWordWrap(True)
        layout.addWidget(self._summary)
        self._note = QLabel()
        self._note.setWordWrap(True)
        layout.addWidget(self._note)
        layout.addStretch(1)

    # ----------------------------------------------------------------- public API
    @property
    def result(self) -> GradCheckResult | None:
        """The last check's result (None before the first run)."""
        return self._result

    @property
    def is_running(self) -> bool:
        return self._job is not None

    def run_check(self) -> None:
        """Start a check of backprop's gradients on (a copy of) the current parameters; ``checked`` follows."""
        if self._job is not None:
            return
        self._job = job = self._controller.gradient_check_job()
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_checked)
        job.stopped.connect(self._on_stopped)
        job.failed.connect(self._on_failed)
        self._changed_while_running = False
        self._show_running(True)
        job.start()

    def cancel_check(self) -> None:
        """Stop a running check (within one entry); the last result stays, ``cancelled`` follows."""
        if self._job is not None and not self._job.cancel_requested:
            self._job.cancel()
            self._cancel.setEnabled(False)
            self._progress.setFormat("Cancelling…")

    def set_planted_bug(self, layer: int | None) -> None:
        """Choose the planted bug as the combo box does (None removes it)."""
        self._bug.setCurrentIndex(0 if layer is None else layer)

    def row_texts(self) -> list[tuple[str, str, str]]:
        """What the results table shows: (name, difference, result) per row."""
        rows = []
        for r in range(self._table.rowCount()):
            rows.append(tuple(self._table.item(r, c).text() for c in range(3)))
        return rows

    def row_colour(self, row: int) -> QColor:
        """The verdict colour of one row (green pass, red fail, muted when stale or not run)."""
        return self._table.item(row, 2).foreground().color()

    def summary_text(self) -> str:
        return self._summary.text()

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        super().set_theme(theme)
        self._formula.setStyleSheet(
            f"color: {theme.text}; background: {theme.box_fill}; border: 1px solid {theme.grid};"
            f" border-radius: 4px; padding: 6px;"
        )
        self._bug_hint.setStyleSheet(f"color: {theme.box_border};")
        self._note.setStyleSheet(f"color: {theme.box_border};")
        self.style_table(self._table, theme, self._scale)
        self._show_result()

    def set_scale(self, factor: float) -> None:
        """Presenter mode: fonts scaled by ``factor``."""
        self._scale = factor
        base = QGuiApplication.font()
        font = scaled_font(base, factor)
        for widget in (self._intro, self._formula, self._bug_title, self._bug, self._bug_hint, self._run,
                       self._progress, self._cancel, self._summary, self._note, self._table):
            widget.setFont(font)
        self._summary.setFont(scaled_font(base, 1.1 * factor, bold=True))
        self.style_table(self._table, self._theme, factor)
        self._table.verticalHeader().setDefaultSectionSize(round(self._table.fontMetrics().height() * 1.6))
        self._show_result()  # the items' own (bold) fonts follow the table's
        self.fit_contents(refit=True)

    def _fit_table(self) -> None:
        """The results table is exactly as tall as its rows (the summary sits right under it) and at least
        as wide as its texts (a narrow window scrolls the dialog instead of clipping a column)."""
        table = self._table
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += table.rowCount() * table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height)
        header = table.horizontalHeader()
        columns = sum(max(table.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(3))
        table.setMinimumWidth(columns + 2 * table.frameWidth())

    # ----------------------------------------------------------------- controller
    def _on_rebuilt(self) -> None:
        """A new network: one bug choice and one result row per layer."""
        stepper = self._controller.stepper
        self._bug.blockSignals(True)
        self._bug.clear()
        self._bug.addItem("None")
        for l in range(1, stepper.L + 1):
            self._bug.addItem(f"Layer {l}: dW{l} doubled")
        self._bug.setCurrentIndex(stepper.planted_bug_layer or 0)
        self._bug.blockSignals(False)
        self.cancel_check()  # its rows no longer exist
        self._table.setRowCount(stepper.L + 1)
        self._result = None
        sampled = stepper.net.theta.size > GRADCHECK_SAMPLED_ABOVE
        self._note.setText(
            f"This network has {stepper.net.theta.size:,} parameters: the check samples {GRADCHECK_SAMPLE} "
            "weights and biases per layer."
            if sampled
            else ""
        )
        self._note.setVisible(sampled)
        self._show_result()

    def _on_changed(self, kind: Change) -> None:
        # the combo box follows the stepper (Back can undo a planted bug)
        layer = self._controller.stepper.planted_bug_layer or 0
        if self._bug.currentIndex() != layer:
            self._bug.blockSignals(True)
            self._bug.setCurrentIndex(layer)
            self._bug.blockSignals(False)
        # any change of θ or of the bug makes the last result out of date (α alone does not)
        if kind == Change.LEARNING_RATE:
            return
        self._changed_while_running |= self._job is not None
        if self._result is not None and not self._stale:
            self._stale = True
            self._show_result()

    # ----------------------------------------------------------------- the running check
    def _on_progress(self, done: int, total: int) -> None:
        if self._job is None or self._job.cancel_requested:
            return
        self._progress.setRange(0, total)
        self._progress.setValue(done)

    def _on_checked(self, result: GradCheckResult) -> None:
        if self._job is None or self._job.cancel_requested:  # it finished just as Cancel was pressed
            self._on_stopped()
            return
        self._job = None
        self._result, self._stale = result, self._changed_while_running
        self._show_running(False)
        self._progress.setValue(self._progress.maximum())
        self._show_result()
        self.fit_contents()  # a longer verdict: grow rather than scroll
        self.checked.emit(result)

    def _on_stopped(self) -> None:
        done, total = self._progress.value(), self._progress.maximum()
        self._job = None
        self._show_running(False)
        self._progress.setFormat(f"Cancelled after {done} of {total} entries" if total else "Cancelled")
        self.cancelled.emit()

    def _on_failed(self, error: BaseException) -> None:
        self._job = None
        self._show_running(False)
        raise error  # to the window's error report, on this thread

    def _show_running(self, running: bool) -> None:
        self._run.setEnabled(not running)
        self._cancel.setEnabled(running)
        if running:
            self._progress.setFormat(IDLE_FORMAT)
            self._progress.setRange(0, 0)  # busy until the first progress report gives the count
            self._progress.setTextVisible(True)
        elif self._progress.maximum() == 0:  # stopped before the first report
            self._progress.setRange(0, 1)
            self._progress.setValue(0)

    def stop_work(self) -> None:
        self.cancel_check()

    def _on_bug_chosen(self, index: int) -> None:
        layer = index if index > 0 else None
        if layer != self._controller.stepper.planted_bug_layer:
            self._controller.set_planted_bug(layer)

    # ----------------------------------------------------------------- results
    def _verdicts(self, result: GradCheckResult) -> list[str]:
        """pass, fail or small for the overall row and each layer."""
        overall = max(float(np.linalg.norm(result.grad)), float(np.linalg.norm(result.gradapprox)))
        verdicts = ["small" if overall < TOO_SMALL else "pass" if result.difference < THRESHOLD else "fail"]
        for l, difference in result.per_layer.items():
            if result.per_layer_norm[l] < TOO_SMALL:
                verdicts.append("small")
            else:
                verdicts.append("pass" if difference < THRESHOLD else "fail")
        return verdicts

    def _show_result(self) -> None:
        theme, result = self._theme, self._result
        colours = {
            "pass": QColor(PASS_GREEN.get(theme.name, PASS_GREEN["light"])), "fail": QColor(theme.backward),
            "small": QColor(theme.box_border), "none": QColor(theme.muted),
        }
        words = {"pass": "✓ passes", "fail": "✗ fails", "small": "too small", "none": "not run"}
        L = self._table.rowCount() - 1
        names = ["Overall"] + [f"Layer {l}  (W{l}, b{l})" for l in range(1, L + 1)]
        verdicts = ["none"] * (L + 1) if result is None else self._verdicts(result)
        for row, name in enumerate(names):
            if result is None:
                difference = "—"
            else:
                difference = format_difference(result.difference if row == 0 else result.per_layer[row])
            colour = colours["none"] if self._stale else colours[verdicts[row]]
            for column, text in enumerate((name, difference, words[verdicts[row]])):
                item = self._table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self._table.setItem(row, column, item)
                item.setText(text)
                alignment = Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignRight
                item.setTextAlignment(alignment | Qt.AlignmentFlag.AlignVCenter)
                item.setForeground(QBrush(colour if column else QColor(theme.text)))
                font = QFont(self._table.font())  # an item's own font would not follow the presenter scale
                font.setBold(row == 0 or column == 2)
                item.setFont(font)
                item.setToolTip(self._row_tip(verdicts[row]))
        self._fit_table()
        self._summary.setText(self._summary_for(result, verdicts))
        colour = theme.text
        if result is not None and not self._stale and verdicts[0] != "small":
            colour = colours["fail" if "fail" in verdicts else "pass"].name()
        self._summary.setStyleSheet(f"color: {colour};")

    @staticmethod
    def _row_tip(verdict: str) -> str:
        return {
            "pass": f"difference below {power_of_ten(THRESHOLD)}: backprop agrees with the slope of J",
            "fail": f"difference above {power_of_ten(THRESHOLD)}: backprop disagrees with the slope of J",
            "small": f"‖grad‖ below {power_of_ten(TOO_SMALL)}: rounding in J swamps the slope at ε = 1e-7",
        }.get(verdict, "")

    def _summary_for(self, result: GradCheckResult | None, verdicts: list[str]) -> str:
        if result is None:
            return "Press “Run gradient check” to compare backprop with the slope of J."
        if self._stale:
            return "The parameters or the planted bug changed since this check: run it again."
        layers = verdicts[1:]
        failing = [l for l, v in enumerate(layers, start=1) if v == "fail"]
        small = [l for l, v in enumerate(layers, start=1) if v == "small"]
        parts = []
        if not failing and verdicts[0] == "pass":
            parts.append(f"✓ Backprop is right: the differences are below {power_of_ten(THRESHOLD)}.")
        elif failing:
            listed = ", ".join(str(l) for l in failing)
            if len(failing) == 1:
                parts.append(f"✗ Layer {listed} fails: its gradient disagrees with the slope of J.")
            else:
                parts.append(f"✗ Layers {listed} fail: their gradients disagree with the slope of J.")
            bug = self._controller.stepper.planted_bug_layer
            if bug is not None and bug in failing:
                parts.append(f"That is the planted bug: dW{bug} is doubled.")
            elif max(result.per_layer[l] for l in failing) < 1e-5:
                parts.append(
                    "Differences this close to 1e-7 can come from rounding in J alone when the gradients are "
                    "small (as right after initialisation); the lecture calls 1e-7 great and 1e-5 worth a look."
                )
            if set(self._controller.stepper.net.activation_names) & {"relu", "leaky_relu"}:
                parts.append("With ReLU, a Z exactly at 0 (its kink) has no slope: that alone can fail a layer.")
        if small:
            listed = ("Layer " if len(small) == 1 else "Layers ") + ", ".join(str(l) for l in small)
            parts.append(
                f"{listed}: gradients below {power_of_ten(TOO_SMALL)} (vanishing) are lost in the rounding "
                "of J, so the check cannot judge them."
            )
        return " ".join(parts)
