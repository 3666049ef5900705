"""Crash safety: an exception in a slot is shown (not lost) and the window keeps working; autosave."""

import sys

from backpropviz.engine.session import load_session
from backpropviz.gui.safety import Autosave, ErrorReporter


def test_an_exception_in_a_slot_is_shown_and_the_window_stays_usable(qtbot, window):
    shown = []
    reporter = ErrorReporter(window, show=lambda parent, summary, details: shown.append((summary, details)))
    reporter.install()
    try:
        def broken(kind):
            raise RuntimeError("a view fell over")

        window.controller.changed.connect(broken)
        window.controller.step_forward()  # Qt calls the broken slot; the hook gets the exception
        window.controller.changed.disconnect(broken)
    finally:
        reporter.uninstall()
    assert shown and "a view fell over" in shown[0][0]
    assert "Traceback" in shown[0][1]
    assert sys.excepthook is not reporter
    window.controller.step_forward()
    assert window.controller.stepper.last_step.label == "F2"


def test_autosave_writes_only_unsaved_work_and_is_removed_on_a_clean_exit(qtbot, controller, tmp_path):
    path = tmp_path / "data" / "autosave.bpv"
    autosave = Autosave(controller, path, minutes=60)
    assert not autosave.save_now() and not path.exists()  # nothing to save yet
    controller.run(7)
    assert autosave.save_now()
    assert load_session(path).iteration == 7
    autosave.discard()
    assert not path.exists()
