"""GUI fixtures: a controller on the course's flower net and the main window around it."""

import pytest
from PySide6.QtWidgets import QMessageBox

from backpropviz.engine.model import ModelSettings
from backpropviz.gui.controller import Controller


def shown(qtbot, widget, size=(420, 320)):
    """Register, size and show a widget, and wait until it is on (the offscreen) screen."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


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
