"""``backpropviz --screenshot``: the real entry point builds the window, steps and saves a PNG."""

import pytest
from PySide6.QtGui import QImage

from backpropviz.__main__ import main


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
