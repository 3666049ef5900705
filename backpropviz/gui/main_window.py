"""The main window. For now it names the app and points to the headless trainer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from .. import __version__


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(f"backpropviz {__version__}")
        label = QLabel(
            "<h1>backpropviz</h1><p>The network diagram arrives with the main-window issue.</p>"
            "<p>Meanwhile: <code>backpropviz train --dataset flower --layers 4 --activation tanh "
            "--lr 1.2 --iterations 10000 --seed 3</code></p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
