"""The settings dock: dataset, architecture, initialisation, learning rate and seeds.

Nothing here touches the engine: "Apply" builds a ModelSettings (and a Dataset for a CSV) and hands it
to the controller, after asking if there is training progress to lose. The learning rate is the
exception: changing it is an undoable event of the running history, not a reset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..engine.activations import ACTIVATIONS
from ..engine.changes import Change
from ..engine.datasets import DEFAULTS, TITLES, Dataset
from ..engine.init import INIT_SCHEMES
from ..engine.limits import MAX_HIDDEN_LAYERS, MAX_ROWS, MAX_UNITS
from ..engine.model import HiddenLayer, ModelSettings, is_generated
from ..engine.network import check_learning_rate
from .controller import Controller
from .csv_loader import PERMILLE, CsvLoader
from .field_keys import ENTER_KEYS

INIT_TITLES = {
    "scaled_normal": "randn × 0.01 (course)",
    "xavier": "Xavier: randn / √n[l−1]",
    "he": "He: randn × √(2/n[l−1])",
    "zeros": "zeros (symmetry never breaks)",
}
CSV_ENTRY = "csv"
STORED_ENTRY = "stored"  # the init list's entry of parameters a session brought


def ask_to_discard(parent: QWidget) -> bool:
    """Ask before throwing training progress away."""
    answer = QMessageBox.question(
        parent, "Start a new run?",
        "Applying these settings starts training over; the current progress and hand edits are lost.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


class LayerRow(QWidget):
    """One hidden layer: units and activation, with a remove button."""

    removed = Signal(object)

    def __init__(self, index: int, layer: HiddenLayer) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.units = QSpinBox()
        self.units.setRange(1, MAX_UNITS)
        self.units.setValue(layer.units)
        self.units.setSuffix(" units")
        self.activation = QComboBox()
        self.activation.addItems([name for name in ACTIVATIONS if name != "linear"] + ["linear"])
        self.activation.setCurrentText(layer.activation)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Remove this hidden layer")
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        layout.addWidget(self.label)
        layout.addWidget(self.units, 1)
        layout.addWidget(self.activation, 1)
        layout.addWidget(self.remove)
        self.set_index(index)

    def set_index(self, index: int) -> None:
        self.label.setText(f"Layer {index}")

    def value(self) -> HiddenLayer:
        return HiddenLayer(self.units.value(), self.activation.currentText())


class SettingsPanel(QWidget):
    """Controls for a new run; ``confirm`` may be replaced (tests answer the question themselves)."""

    csvFinished = Signal(bool)  # a CSV reading ended: loaded into the form, or not (error or Cancel)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.confirm: Callable[[QWidget], bool] = ask_to_discard
        self._csv: Dataset | None = None
        self._csv_loader = CsvLoader(self)
        self._csv_loader.progressed.connect(self._csv_progressed)
        self._csv_loader.loaded.connect(self._csv_loaded)
        self._csv_loader.failed.connect(self._csv_failed)
        self._csv_loader.cancelled.connect(self._csv_cancelled)
        self._rows: list[LayerRow] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_data_group())
        layout.addWidget(self._build_architecture_group())
        layout.addWidget(self._build_training_group())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.apply_button = QPushButton("Apply and start over")
        self.apply_button.setToolTip("Build the network with these settings (training restarts)")
        self.apply_button.clicked.connect(self.apply)
        layout.addWidget(self.apply_button)
        layout.addStretch(1)
        controller.rebuilt.connect(self.show_settings)
        controller.changed.connect(self._on_changed)
        self.show_settings()

    # ----------------------------------------------------------------- building
    def _build_data_group(self) -> QGroupBox:
        group = QGroupBox("Data")
        form = QFormLayout(group)
        self.dataset = QComboBox()
        for name, title in TITLES.items():
            self.dataset.addItem(title, name)
        self.dataset.currentIndexChanged.connect(self._dataset_chosen)
        self.load_csv_button = QPushButton("Load CSV…")
        self.load_csv_button.clicked.connect(self.choose_csv)
        row = QHBoxLayout()
        row.addWidget(self.dataset, 1)
        row.addWidget(self.load_csv_button)
        form.addRow("Set", row)
        form.addRow(self._build_csv_progress())
        self.samples = QSpinBox()
        self.samples.setRange(4, MAX_ROWS)
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 5.0)
        self.noise.setSingleStep(0.05)
        self.noise.setDecimals(3)
        self.data_seed = QSpinBox()
        self.data_seed.setRange(0, 2**31 - 1)
        self.test_share = QSpinBox()
        self.test_share.setRange(0, 90)
        self.test_share.setSuffix(" %")
        self.standardize = QCheckBox("Standardise features")
        form.addRow("Points", self.samples)
        form.addRow("Noise", self.noise)
        form.addRow("Data seed", self.data_seed)
        # points no generator made (a CSV, a session's stored points): where they come from, instead of the
        # generator's fields, which did not make them
        self.stored_source = QLabel()
        self.stored_source.setWordWrap(True)
        form.addRow("Points", self.stored_source)
        form.addRow("Test share", self.test_share)
        form.addRow("", self.standardize)
        self.examples = QLabel()  # m of the run, as the equations use it
        form.addRow("Examples", self.examples)
        self._data_form = form
        return group

    def _build_csv_progress(self) -> QWidget:
        """How far a CSV is read, with Cancel; shown only while one is read."""
        self.csv_progress = QWidget()
        row = QHBoxLayout(self.csv_progress)
        row.setContentsMargins(0, 0, 0, 0)
        self.csv_progress_bar = QProgressBar()
        self.csv_progress_bar.setRange(0, PERMILLE)
        self.csv_cancel_button = QPushButton("Cancel")
        self.csv_cancel_button.setToolTip("Stop reading the CSV; the data stay as they were")
        self.csv_cancel_button.clicked.connect(self._csv_loader.cancel)
        row.addWidget(self.csv_progress_bar, 1)
        row.addWidget(self.csv_cancel_button)
        self.csv_progress.hide()
        return self.csv_progress

    def _build_architecture_group(self) -> QGroupBox:
        group = QGroupBox("Architecture")
        outer = QVBoxLayout(group)
        self.layer_box = QVBoxLayout()
        outer.addLayout(self.layer_box)
        self.add_layer_button = QPushButton("Add hidden layer")
        self.add_layer_button.clicked.connect(lambda: self._add_row(HiddenLayer(4, "tanh")))
        outer.addWidget(self.add_layer_button)
        outer.addWidget(QLabel("Output: 1 sigmoid unit, binary cross-entropy"))
        return group

    def _build_training_group(self) -> QGroupBox:
        group = QGroupBox("Training")
        form = QFormLayout(group)
        self.init = QComboBox()
        for name in INIT_SCHEMES:
            self.init.addItem(INIT_TITLES.get(name, name), name)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.init.currentIndexChanged.connect(
            lambda: self._training_form.setRowVisible(self.seed, self.init.currentData() != STORED_ENTRY)
        )
        self.learning_rate = QLineEdit()
        self.learning_rate.setToolTip("α, e.g. 1.2 or 7.5e-3; Enter applies it from this iteration on")
        self.learning_rate.editingFinished.connect(self.apply_learning_rate)
        self.dtype = QComboBox()
        self.dtype.addItems(["float64", "float32"])
        form.addRow("Initialisation", self.init)
        form.addRow("Init seed", self.seed)
        self._training_form = form
        form.addRow("Learning rate α", self.learning_rate)
        form.addRow("Precision", self.dtype)
        return group

    # ----------------------------------------------------------------- showing the settings
    def show_settings(self) -> None:
        s, dataset = self.controller.settings, self.controller.dataset
        if not is_generated(s, dataset):
            # a CSV, hand-edited points or a session's stored points: Apply keeps training on them
            self._show_stored(dataset, f"Stored: {dataset.name}" if self._csv is not dataset else None)
        else:
            self._csv = None
            self.dataset.blockSignals(True)
            self.dataset.setCurrentIndex(max(0, self.dataset.findData(s.dataset)))
            self._remove_csv_entry()
            self.dataset.blockSignals(False)
            defaults = DEFAULTS[s.dataset]
            self.samples.setValue(s.samples or defaults.n)
            self.noise.setValue(defaults.noise if s.noise is None else s.noise)
            self.data_seed.setValue(defaults.seed if s.data_seed is None else s.data_seed)
        self.test_share.setValue(round(100 * dataset.test_share))
        self.standardize.setChecked(dataset.standardized)
        for row in self._rows:
            row.setParent(None)
            row.deleteLater()
        self._rows = []
        for layer in s.hidden:
            self._add_row(layer)
        self._show_initialisation(s)
        self._show_learning_rate()
        self.dtype.setCurrentText(s.dtype)
        self._update_generator_controls()

    def _show_examples(self) -> None:
        """m (and the test set's size) of the run, and where stored points come from."""
        dataset = self.controller.dataset
        test = f", {dataset.m_test:,} for testing" if dataset.m_test else ""
        self.examples.setText(f"m = {dataset.m:,} for training{test}")
        stored = self._csv or dataset  # a CSV read but not applied yet is what Apply trains on
        self.stored_source.setText(f"from file or session: {stored.source or stored.name}")

    def _show_initialisation(self, settings: ModelSettings) -> None:
        """The scheme that drew the run's initial parameters, or — when they came stored in a session (a course
        test case) — that entry instead of a scheme that did not make them; Apply then asks for a scheme."""
        stored = self.init.findData(STORED_ENTRY)
        if not self.controller.stepper.initialised_by_scheme:
            if stored < 0:
                self.init.insertItem(0, "stored in the session", STORED_ENTRY)
            self.init.setCurrentIndex(0)
        else:
            if stored >= 0:
                self.init.removeItem(stored)
            self.init.setCurrentIndex(self.init.findData(settings.init))
        self.seed.setValue(settings.seed)
        self._training_form.setRowVisible(self.seed, self.init.currentData() != STORED_ENTRY)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a field of the form applies the form; α's own field applies α alone (editingFinished)."""
        if event.key() in ENTER_KEYS and QApplication.focusWidget() is not self.learning_rate:
            self.apply()
            return
        super().keyPressEvent(event)

    def _on_changed(self, kind: Change) -> None:
        shows_new_alpha = kind in (Change.LEARNING_RATE, Change.BACK, Change.RESET, Change.GOTO, Change.LOADED)
        if shows_new_alpha and not self.learning_rate.isModified():  # never over what is being typed
            self._show_learning_rate()

    def _show_learning_rate(self) -> None:
        """The α the run uses now: the stepper owns it (its initial α and the events that changed it)."""
        self.learning_rate.setText(f"{self.controller.stepper.learning_rate:g}")

    def _add_row(self, layer: HiddenLayer) -> None:
        if len(self._rows) >= MAX_HIDDEN_LAYERS:
            return
        row = LayerRow(len(self._rows) + 1, layer)
        row.removed.connect(self._remove_row)
        self._rows.append(row)
        self.layer_box.addWidget(row)
        self._update_layer_buttons()

    def _remove_row(self, row: LayerRow) -> None:
        self._rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        for index, other in enumerate(self._rows, start=1):
            other.set_index(index)
        self._update_layer_buttons()

    def _update_layer_buttons(self) -> None:
        self.add_layer_button.setEnabled(len(self._rows) < MAX_HIDDEN_LAYERS)

    def _dataset_chosen(self) -> None:
        name = self.dataset.currentData()
        if name != CSV_ENTRY:
            self._csv = None
            self._remove_csv_entry()
            defaults = DEFAULTS[name]
            self.samples.setValue(defaults.n)
            self.noise.setValue(defaults.noise)
            self.data_seed.setValue(defaults.seed)
            self.test_share.setValue(0 if name == "flower" else 20)
        self._update_generator_controls()

    def _update_generator_controls(self) -> None:
        """The generator's fields for a toy set, "from file or session" for stored points; m either way."""
        generated = self._csv is None
        for widget in (self.samples, self.noise, self.data_seed):
            self._data_form.setRowVisible(widget, generated)
        self._data_form.setRowVisible(self.stored_source, not generated)
        self._show_examples()

    def _remove_csv_entry(self) -> None:
        index = self.dataset.findData(CSV_ENTRY)
        if index >= 0:
            self.dataset.removeItem(index)

    # ----------------------------------------------------------------- CSV
    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load a CSV data set", "", "CSV files (*.csv *.tsv *.txt);;All (*)")
        if path:
            self.load_csv(Path(path))

    def load_csv(self, path: Path) -> bool:
        """Start reading a CSV into the form, off the window's thread (True: started).

        ``csvFinished`` says how it ended: loaded into the form (applied with the other settings), or
        not (a bad file, or Cancel), and then the form keeps the data it had.
        """
        self._csv_loader.start(path)
        self.csv_progress_bar.setValue(0)
        self.csv_progress_bar.setFormat(f"Reading {path.name}: %p %")
        self.csv_progress.show()
        self.show_message(f"Reading {path.name}…")
        return True

    def _csv_progressed(self, permille: int) -> None:
        self.csv_progress_bar.setValue(permille)

    def _csv_failed(self, path: Path, message: str) -> None:
        self.csv_progress.setVisible(self._csv_loader.busy)
        self.show_message(f"Could not load {path.name}: {message}", error=True)
        self.csvFinished.emit(False)

    def _csv_cancelled(self, path: Path) -> None:
        self.csv_progress.setVisible(self._csv_loader.busy)
        self.show_message(f"Reading {path.name} was cancelled; the data set is as it was.")
        self.csvFinished.emit(False)

    def _csv_loaded(self, path: Path, dataset: Dataset) -> None:
        self.csv_progress.hide()
        self._show_stored(dataset, f"CSV: {path.name}")
        self.standardize.setChecked(True)  # raw CSV features are rarely on a scale the net can learn from
        self.test_share.setValue(20)
        self._update_generator_controls()
        labels = " / ".join(dataset.label_names)
        self.show_message(
            f"{path.name}: {dataset.m + dataset.m_test} rows, {dataset.n_x} features, labels {labels}. "
            "Press Apply to train on it."
        )
        self.csvFinished.emit(True)

    def _show_stored(self, dataset: Dataset, label: str | None) -> None:
        """Points that no generator makes: listed as their own entry; ``label`` None keeps the entry."""
        self._csv = dataset
        # silent: a removed entry moves the current index, and _dataset_chosen would forget these points
        self.dataset.blockSignals(True)
        if label is not None:
            self._remove_csv_entry()
            self.dataset.addItem(label, CSV_ENTRY)
        self.dataset.setCurrentIndex(self.dataset.findData(CSV_ENTRY))
        self.dataset.blockSignals(False)
        self._update_generator_controls()

    # ----------------------------------------------------------------- applying
    def settings_from_form(self) -> ModelSettings:
        base = self.controller.settings
        if self.init.currentData() == STORED_ENTRY:
            raise ValueError(
                "The initial parameters came stored in the session: choose an initialisation to start a new run "
                "(Reset goes back to the stored ones)."
            )
        name = self.dataset.currentData()
        return replace(
            base,
            dataset=base.dataset if name == CSV_ENTRY else name,
            samples=self.samples.value(),
            noise=self.noise.value(),
            data_seed=self.data_seed.value(),
            test_share=self.test_share.value() / 100,
            standardize=self.standardize.isChecked(),
            hidden=tuple(row.value() for row in self._rows),
            init=self.init.currentData(),
            seed=self.seed.value(),
            learning_rate=self._parse_learning_rate(),
            dtype=self.dtype.currentText(),
        )

    def _parse_learning_rate(self) -> float:
        text = self.learning_rate.text().strip().replace(",", ".").replace("−", "-")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"learning rate: {text!r} is not a number") from None
        check_learning_rate(value)  # the engine's one check of α
        return value

    def apply(self) -> bool:
        """Start a new run with the form's settings; False if refused or cancelled (nothing changes)."""
        try:
            settings = self.settings_from_form()
            dataset = None
            if self._csv is not None:
                dataset = self._csv.resplit(test_share=settings.test_share, standardize=settings.standardize)
            if self.controller.has_progress and not self.confirm(self):
                return False
            previous, self._csv = self._csv, dataset  # show_settings runs inside and must see the CSV
            try:
                self.controller.apply_settings(settings, dataset)
            except ValueError:
                self._csv = previous
                raise
        except ValueError as exc:
            self.show_message(str(exc), error=True)
            return False
        self.show_message("New run started.")
        return True

    def apply_learning_rate(self) -> None:
        """Enter in the α field: change α from this iteration on (undoable), without starting over."""
        self.learning_rate.setModified(False)  # what was typed is taken: the field follows the run's α again
        try:
            value = self._parse_learning_rate()
            if value != self.controller.stepper.learning_rate:
                self.controller.set_learning_rate(value)
                self.show_message(
                    f"α = {value:g} from iteration {self.controller.stepper.iteration} on (Back undoes it)."
                )
        except ValueError as exc:
            self.show_message(str(exc), error=True)
        self._show_learning_rate()

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c0392b;" if error else "")
