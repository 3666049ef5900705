"""The settings panel's "Load CSV…": read off the window's thread, with progress and Cancel; the limits
and the learning rate's floor as the window applies them."""

import threading

import pytest
from conftest import load_csv_into
from PySide6.QtCore import Qt

from backpropviz.engine import csv_import
from backpropviz.engine.limits import MAX_HIDDEN_LAYERS, MAX_ROWS, MAX_UNITS
from backpropviz.gui import csv_loader


@pytest.fixture
def points(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a;b;c;label\n" + "".join(f"{i};{i % 3};{-i};{'yes' if i > 9 else 'no'}\n" for i in range(200)))
    return path


@pytest.fixture
def held(monkeypatch):
    """Readings that stop after each progress report until the test lets them go on (``held.set()``): the
    window's thread is free meanwhile, or the test itself could not go on."""
    gate = threading.Event()
    real = csv_loader.load_csv

    def load_csv(path, progress):
        def report_and_wait(done, total):
            progress(done, total)
            assert gate.wait(10)

        return real(path, progress=report_and_wait)

    monkeypatch.setattr(csv_loader, "load_csv", load_csv)
    monkeypatch.setattr(csv_import, "PROGRESS_BYTES", 200)
    yield gate
    gate.set()


def finished_reading(panel) -> bool:
    return not panel._csv_loader.busy and not panel._csv_loader._readings


def test_a_csv_is_read_off_the_window_thread_with_progress(qtbot, window, points, held, tmp_path):
    panel = window.settings_panel
    with qtbot.waitSignal(panel.csvFinished, timeout=10_000) as finished:
        assert panel.load_csv(points)
        qtbot.waitUntil(lambda: panel.csv_progress_bar.value() > 0)
        assert panel.csv_progress.isVisible() and "Reading points.csv" in panel.message.text()
        window.controller.step_forward()  # the window goes on meanwhile
        assert panel.grab().save(str(tmp_path / "reading.png"))
        held.set()
    assert finished.args == [True]
    assert not panel.csv_progress.isVisible() and panel.dataset.currentText() == "CSV: points.csv"
    assert "200 rows, 3 features" in panel.message.text()
    assert window.controller.stepper.position == 1


def test_cancel_keeps_the_data_that_were_loaded(qtbot, window, points, held, tmp_path):
    panel = window.settings_panel
    first = tmp_path / "first.csv"
    first.write_text("x1,x2,label\n1,2,0\n3,4,1\n")
    held.set()
    assert load_csv_into(qtbot, panel, first)
    held.clear()
    form = (panel._csv, panel.dataset.currentText())
    assert panel.load_csv(points)
    qtbot.waitUntil(lambda: panel.csv_progress_bar.value() > 0)
    with qtbot.waitSignal(panel.csvFinished) as finished:
        qtbot.mouseClick(panel.csv_cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args == [False] and "cancelled" in panel.message.text()
    assert (panel._csv, panel.dataset.currentText()) == form and not panel.csv_progress.isVisible()
    held.set()
    qtbot.waitUntil(lambda: finished_reading(panel))  # the dropped reading delivers nothing
    assert (panel._csv, panel.dataset.currentText()) == form and "cancelled" in panel.message.text()


def test_a_second_csv_asked_for_while_reading_replaces_the_first(qtbot, window, points, held, tmp_path):
    panel = window.settings_panel
    other = tmp_path / "other.csv"
    other.write_text("x1,x2,label\n1,2,0\n3,4,1\n")
    outcomes = []
    panel.csvFinished.connect(outcomes.append)
    assert panel.load_csv(points)
    assert panel.load_csv(other)  # the first is cancelled at once
    held.set()
    qtbot.waitUntil(lambda: finished_reading(panel))
    assert outcomes == [False, True] and panel.dataset.currentText() == "CSV: other.csv"


def test_a_file_that_is_not_a_regular_file_is_refused_with_the_data_kept(qtbot, window, tmp_path):
    panel = window.settings_panel
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    before = window.controller.dataset
    assert not load_csv_into(qtbot, panel, link)
    assert "is a character device, not a regular file" in panel.message.text()
    assert window.controller.dataset is before and panel._csv is None


def test_the_controls_stop_at_the_engine_limits(qtbot, window):
    panel = window.settings_panel
    assert panel.samples.maximum() == MAX_ROWS
    for _ in range(MAX_HIDDEN_LAYERS + 2):
        if panel.add_layer_button.isEnabled():
            panel.add_layer_button.click()
    assert len(panel._rows) == MAX_HIDDEN_LAYERS and not panel.add_layer_button.isEnabled()
    assert panel._rows[0].units.maximum() == MAX_UNITS


def test_a_network_beyond_the_working_memory_is_refused_with_a_message(qtbot, window):
    panel = window.settings_panel
    panel.dataset.setCurrentIndex(panel.dataset.findData("moons"))
    panel.samples.setValue(MAX_ROWS)
    for _ in range(MAX_HIDDEN_LAYERS - len(panel._rows)):
        panel.add_layer_button.click()
    for row in panel._rows:
        row.units.setValue(MAX_UNITS)
    before = window.controller.stepper
    assert not panel.apply()
    assert "numbers of working memory, more than the 100,000,000 allowed" in panel.message.text()
    assert window.controller.stepper is before


@pytest.mark.parametrize("text", ["1e-300", "1e-13"])
def test_a_learning_rate_too_small_to_move_the_weights_is_refused_with_the_reason(qtbot, window, text):
    panel = window.settings_panel
    panel.learning_rate.setText(text)
    panel.apply_learning_rate()
    assert "is below the smallest allowed, 1e-12" in panel.message.text()
    assert window.controller.stepper.learning_rate == 1.2 and panel.learning_rate.text() == "1.2"
    panel.learning_rate.setText(text)
    assert not panel.apply()
    assert "is below the smallest allowed" in panel.message.text()
