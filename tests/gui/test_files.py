"""Sessions and exports from the window: save, open, refuse bad files, ask before losing work, title."""

import csv
import io

import numpy as np
from PySide6.QtWidgets import QMessageBox

from backpropviz.engine.session import load_session


def test_save_then_open_restores_the_exact_state(qtbot, window, tmp_path):
    c = window.controller
    c.run(30)
    c.edit_parameter("W2", (0, 1), 0.5)
    c.step_forward()
    c.step_forward()
    path = tmp_path / "lesson.bpv"
    assert window.files.save_to(path)
    assert not c.modified and window.windowTitle() == "lesson.bpv — backpropviz"
    theta, cursor = c.stepper.net.theta.copy(), (c.stepper.iteration, c.stepper.position)
    c.run(100)
    assert c.modified and window.windowTitle().startswith("lesson.bpv *")
    window.files.ask_save = lambda: QMessageBox.StandardButton.Discard
    assert window.files.open_path(path)
    assert (c.stepper.iteration, c.stepper.position) == cursor
    assert c.stepper.net.theta.tobytes() == theta.tobytes()
    assert c.stepper.value("Z", 2) is not None  # the F2 just taken is there again
    assert "Iteration <b>30</b>" in window.status.text()


def test_a_corrupt_session_is_refused_and_the_run_stays(qtbot, window, tmp_path):
    warnings = []
    window.files.warn = lambda title, text: warnings.append(text)
    window.controller.run(12)
    bad = tmp_path / "broken.bpv"
    bad.write_bytes(b"PK\x03\x04 this is not a whole zip")
    assert not window.files.open_path(bad)
    assert warnings and "broken.bpv" in warnings[0]
    assert window.controller.stepper.iteration == 12


def test_closing_with_unsaved_work_asks(qtbot, window):
    window.controller.run(3)
    asked = []
    window.files.ask_save = lambda: asked.append(True) or QMessageBox.StandardButton.Cancel
    window.close()
    assert asked and window.isVisible()
    window.files.ask_save = lambda: QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible()


def test_exports_write_parameters_and_history(qtbot, window, tmp_path):
    c = window.controller
    c.run(25)
    window.files.write_parameters_npz(tmp_path / "p.npz")
    with np.load(tmp_path / "p.npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["W1"], c.stepper.net.W[1])
    window.files.write_parameters_csv(tmp_path / "p.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "p.csv").read_text())))
    assert len(rows) == 8 + 4 + 4 + 1
    assert float(rows[0]["value"]) == c.stepper.net.W[1][0, 0]
    window.files.write_history_csv(tmp_path / "h.csv")
    history = list(csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text())))
    assert len(history) == 25 and float(history[-1]["cost"]) == c.stepper.series("cost")[-1]


def test_diagram_exports_as_png_and_svg(qtbot, window, tmp_path):
    from backpropviz.gui.files import render_scene

    for name in ("d.png", "d.svg"):
        render_scene(window.network_view.scene(), tmp_path / name)
        assert (tmp_path / name).stat().st_size > 2000
    assert "<svg" in (tmp_path / "d.svg").read_text()


def test_every_preset_opens_from_the_menu(qtbot, window):
    from backpropviz.engine.presets import PRESETS

    for preset in PRESETS:
        if preset.filename is None:
            continue
        assert window.open_preset(preset.key), preset.key
        assert window.windowTitle().startswith(preset.title)
        window.controller.run(5)
        window.files.ask_save = lambda: QMessageBox.StandardButton.Discard


def test_cli_saved_session_opens_in_the_window(qtbot, window, tmp_path):
    from backpropviz.cli import main as cli_main

    path = tmp_path / "run.bpv"
    assert cli_main(["--iterations", "40", "--save", str(path), "--print-every", "20"]) == 0
    assert load_session(path).iteration == 40
    assert window.files.open_path(path)
    assert window.controller.stepper.iteration == 40
