"""QApplication set-up and the GUI's command line: ``backpropviz [--screenshot PATH]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backpropviz",
        description="Watch and step backpropagation. `backpropviz train --help` trains without a window.",
    )
    parser.add_argument("--version", action="version", version=f"backpropviz {__version__}")
    parser.add_argument("--screenshot", metavar="PATH", help="save a PNG of the window to PATH and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Open the main window; returns the exit status of the Qt event loop."""
    args = build_parser().parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from .gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("backpropviz")
    app.setOrganizationName("backpropviz")
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    if args.screenshot:
        app.processEvents()
        window.grab().save(args.screenshot)
        return 0
    return app.exec()
