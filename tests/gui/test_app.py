"""``backpropviz --screenshot``: the real entry point builds the window, steps and saves a PNG."""

import gc
import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from backpropviz.__main__ import main
from backpropviz.app import _import_window


def test_screenshot_after_steps(qtbot, tmp_path):
    path = tmp_path / "window.png"
    assert main(["--screenshot", str(path), "--steps", "4", "--size", "1280x800"]) == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)


@pytest.mark.parametrize(("args", "fragment"), [(["--size", "huge"], "size must look like"),
                                                (["--steps", "-1"], "must be ≥ 0")])
def test_bad_gui_arguments(args, fragment, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_the_window_modules_are_imported_with_the_collector_off_and_then_set_aside():
    """In a process starting the app, what the imports made is frozen out of the collector's passes; the
    collector is on again for what the window makes."""
    code = ("import gc; from backpropviz.app import _import_window; _import_window(); "
            "print(gc.isenabled(), gc.get_freeze_count() > 10_000)")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "True"]


def test_a_process_that_has_its_application_already_freezes_nothing(qapp):
    frozen = gc.get_freeze_count()
    _import_window()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


PYSIDE_CHECK = """
import importlib, inspect, sys
from backpropviz.app import _import_window
_import_window()
uses_pyside = sys.modules["shibokensupport.feature"]._mod_uses_pyside
assert uses_pyside.reads_bytes
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    try:
        expected = "PySide6" in inspect.getsource(module)
    except (TypeError, OSError):  # no source: a built-in or compiled module
        expected = False
    print(name, uses_pyside(module), expected)
"""


def test_pyside_learns_which_modules_use_it_as_from_their_source():
    """The quicker reading gives PySide6's own answers (in a process of its own: the test process keeps
    PySide6's reading)."""
    names = ["backpropviz.gui.main_window", "backpropviz.engine.model", "pyqtgraph.Qt", "json", "math",
             "numpy._core._multiarray_umath"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", PYSIDE_CHECK, *names], env=env, capture_output=True, text=True,
                            check=True)
    answers = {name: (quick, expected) for name, quick, expected in map(str.split, result.stdout.splitlines())}
    assert answers == {name: (answers[name][1],) * 2 for name in names}
    assert answers["backpropviz.gui.main_window"] == ("True", "True")
    assert answers["backpropviz.engine.model"] == ("False", "False")
