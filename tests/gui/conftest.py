"""GUI fixtures: a controller on the course's flower net and the main window around it."""

import gc

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMessageBox

from backpropviz.engine.model import ModelSettings
from backpropviz.gui.controller import Controller


def shown(qtbot, widget, size=(420, 320)):
    """Register, size and show a widget, and wait until it is on (the offscreen) screen."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class EventCounter(QObject):
    """Counts the events of one type that the widgets it is installed on receive."""

    def __init__(self, kind: QEvent.Type, *widgets: QObject) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        self.count += event.type() == self.kind
        return False


def load_csv_into(qtbot, panel, path) -> bool:
    """Ask the settings panel to read a CSV and wait for the reading's end: True if it was loaded."""
    with qtbot.waitSignal(panel.csvFinished, timeout=20_000) as finished:
        assert panel.load_csv(path)
    return finished.args[0]


def peaks_at_once(y: np.ndarray, bin_size: int) -> tuple[np.ndarray, np.ndarray]:
    """A decimated curve computed directly: per bin its nanmin, then its nanmax, at the bin's start."""
    bins = [y[i : i + bin_size] for i in range(0, y.size, bin_size)]
    low = [np.nan if np.isnan(b).all() else np.nanmin(b) for b in bins]
    high = [np.nan if np.isnan(b).all() else np.nanmax(b) for b in bins]
    x = np.repeat(np.arange(len(bins)) * float(bin_size), 2)
    return x, np.ravel(np.column_stack([low, high]))


@pytest.fixture
def controller(qtbot):
    return Controller(ModelSettings())


@pytest.fixture
def window(qtbot, controller):
    from backpropviz.gui.main_window import MainWindow

    window = MainWindow(controller, remember=False)
    # no modal question may block a test; tests that want to see the question replace these
    window.files.ask_save = lambda: QMessageBox.StandardButton.Discard
    window.files.warn = lambda title, text: pytest.fail(f"unexpected warning: {title}: {text}")
    window.settings_panel.confirm = lambda parent: True
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture(autouse=True)
def each_test_cleans_up_after_itself():
    """After the test (and after pytest-qt has closed its widgets): background jobs still running are stopped,
    the closed widgets are deleted and what the test left is collected here, not in the middle of a later
    test's events (background.py turns automatic collection off while jobs run)."""
    yield
    from backpropviz.gui import background

    background.stop_all()
    QApplication.processEvents()
    gc.collect()
