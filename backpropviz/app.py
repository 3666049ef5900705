"""QApplication set-up and the GUI's command line: ``backpropviz [SESSION.bpv] [--screenshot PATH …]``."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from . import __version__


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1440x900, got {text!r}") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"size {text} is out of range (320x240 … 8000x8000)")
    return width, height


def _steps(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backpropviz",
        description="Watch and step backpropagation. `backpropviz train --help` trains without a window.",
    )
    parser.add_argument("session", nargs="?", metavar="SESSION.bpv", help="a saved session to open")
    parser.add_argument("--version", action="version", version=f"backpropviz {__version__}")
    parser.add_argument("--screenshot", metavar="PATH", help="save a PNG of the window to PATH and exit")
    parser.add_argument("--iterations", type=_steps, default=0, help="with --screenshot: iterations to train first")
    parser.add_argument("--steps", type=_steps, default=0, help="with --screenshot: micro-steps to take then")
    parser.add_argument("--size", type=_size, default=(1440, 900), metavar="WxH", help="with --screenshot: window size")
    parser.add_argument("--presenter", action="store_true", help="with --screenshot: in presenter mode")
    return parser


def _import_engine() -> None:
    """The engine the window uses (NumPy and some 150 modules) before Qt: PySide6 reads the source of every module
    imported after it, looking for ``from __feature__ import`` (~0.3 ms a module, 40 ms of the window's start).
    NumPy's BLAS is found now too: threadpoolctl looks at every library loaded, and Qt's are some 80 more.
    ``numpy.random`` (which NumPy imports on first use, 27 modules) is what the toy data sets draw from."""
    import numpy.random  # noqa: F401

    from .engine import blas, equations, model, session, worker  # noqa: F401

    blas.default_threads()


def _read_sources_quickly() -> None:
    """PySide6 looks into every module imported after it for the text "PySide6" (to know which modules its
    ``__feature__`` switches may apply to), reading each one's source with ``inspect.getsource``: ~0.15 ms a
    module, ~40 ms for the 280 modules the window imports after Qt (pyqtgraph's 130 among them). Searching the
    file's bytes gives the same answer several times faster; other modules (no ``.py`` file) keep PySide6's own
    way. Nothing changes if PySide6 no longer has this check (``shibokensupport.feature._mod_uses_pyside``)."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "reads_bytes", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not (isinstance(path, str) and path.endswith(".py")):
            return original(module)
        try:
            return b"PySide6" in Path(path).read_bytes()
        except OSError:
            return original(module)

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]


def _import_window() -> None:
    """Every module the window needs, with Python's cyclic garbage collector off meanwhile, and what they made
    set aside from its later passes when this process starts the app (no QApplication yet; not in tests).

    Importing NumPy, Qt, pyqtgraph and the app makes some 70,000 objects that the collector tracks and that live
    as long as the process (modules, classes, functions): the automatic passes over them while they were made
    freed nothing and cost the start ~60 ms, and each pass over all of them later (the window's first ones,
    those at exit) ~20 ms (measured). ``gc.freeze`` moves them to a generation that no pass visits; objects made
    later are collected as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        _import_engine()
        from PySide6.QtWidgets import QApplication

        _read_sources_quickly()
        from .gui import icons, main_window  # noqa: F401

        if QApplication.instance() is None:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Open the main window; returns the exit status of the Qt event loop."""
    args = build_parser().parse_args(argv)
    _import_window()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from .gui.icons import icon
    from .gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("backpropviz")
    app.setOrganizationName("backpropviz")
    app.setWindowIcon(icon("app", "#2f6fdb") if isinstance(app, QApplication) else QIcon())
    window = MainWindow(remember=not args.screenshot)
    if args.screenshot:
        # no one is there to answer a dialog: errors go to stderr, the steps taken are not "unsaved work"
        window.files.warn = lambda title, text: None
        window.files.ask_save = lambda: QMessageBox.StandardButton.Discard
    if args.session and not window.files.open_path(Path(args.session)):
        print(f"backpropviz: {window.files.last_error}", file=sys.stderr)
        if args.screenshot:
            return 2
    if args.screenshot:
        return _screenshot(app, window, args)
    window.show()
    if not args.session:
        window.offer_recovery()
    return app.exec()


def _wait_for(app, done, seconds: float = 3.0) -> None:
    """Process events until ``done()`` or ``seconds`` have passed."""
    import time

    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _screenshot(app, window, args: argparse.Namespace) -> int:
    """Build the window, train ``--iterations``, take ``--steps`` micro-steps, save a PNG of it."""
    window.show()
    if args.presenter:
        window.toggle_presenter(True)
        app.processEvents()  # full screen takes effect; the screenshot's size is the "screen" then
    window.resize(*args.size)
    window.follow_size()
    window.controller.run(args.iterations)
    for _ in range(args.steps):
        window.controller.step_forward()
    for _ in range(3):  # let layouts settle and the views paint
        app.processEvents()
    _wait_for(app, lambda: window.plots.boundary.up_to_date)  # computed off the window's thread
    saved = window.grab().save(args.screenshot)
    window.close()
    if not saved:
        print(f"backpropviz: could not write {args.screenshot}", file=sys.stderr)
        return 1
    return 0
