"""The hidden-layer sweep dialog: Run fills the table and the bars, stays responsive, and can be stopped."""

import pytest
from PySide6.QtCore import Qt

from backpropviz.engine.presets import SWEEP_SIZES, hidden_layer_sweep
from backpropviz.gui.sweep_dialog import NOT_RUN, SweepDialog, format_accuracy
from backpropviz.gui.theme import DARK

ITERATIONS = 300  # the notebook's 5000 take seconds; the dialog's wiring is the same


@pytest.fixture
def dialog(qtbot):
    dialog = SweepDialog(iterations=ITERATIONS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_before_running_the_table_lists_the_sizes_without_results(dialog):
    assert not dialog.isModal()
    assert dialog.table_texts() == [(str(n), NOT_RUN) for n in SWEEP_SIZES]
    assert dialog.bar_heights() == [0.0] * 7
    assert dialog.progress_bar.value() == 0
    assert dialog.run_button.text() == "Run"


def test_run_fills_the_table_and_the_bars(qtbot, dialog):
    with qtbot.waitSignal(dialog.completed, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        assert dialog.is_running and dialog.run_button.text() == "Stop"
    expected = hidden_layer_sweep(iterations=ITERATIONS)  # the engine's numbers, computed in one go
    assert blocker.args == [expected]
    assert dialog.results == expected
    assert dialog.table.rowCount() == 7
    assert dialog.table_texts() == [(str(n), format_accuracy(a)) for n, a in expected]
    assert dialog.bar_heights() == [a for _, a in expected]
    assert all(h > 40 for h in dialog.bar_heights())  # every size was trained and measured
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert not dialog.is_running and dialog.run_button.text() == "Run again"


def test_the_event_loop_runs_between_chunks(qtbot, dialog):
    """The sweep is sliced into timer ticks: the progress bar moves while it runs."""
    seen = []
    dialog.progress_bar.valueChanged.connect(seen.append)
    dialog.run()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=20000)
    assert len(seen) >= 3 and seen == sorted(seen)


def test_stop_keeps_what_finished(qtbot, dialog):
    dialog.run()
    qtbot.waitUntil(lambda: len(dialog.results) >= 1, timeout=20000)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)  # "Stop"
    assert not dialog.is_running and dialog.run_button.text() == "Run again"
    finished = len(dialog.results)
    assert 1 <= finished <= 7
    texts = dialog.table_texts()
    assert all(accuracy != NOT_RUN for _, accuracy in texts[:finished])
    assert all(accuracy == NOT_RUN for _, accuracy in texts[finished:])


def test_closing_stops_the_sweep(qtbot, dialog):
    dialog.run()
    dialog.reject()  # Esc
    assert not dialog.is_running


def test_theme_and_presenter_scale(qtbot, dialog):
    size = dialog.table.font().pointSizeF()
    dialog.set_scale(2.0)
    assert dialog.table.font().pointSizeF() == pytest.approx(2 * size)
    dialog.set_theme(DARK)
    assert dialog.bars.opts["brush"].color().name() == DARK.class0
