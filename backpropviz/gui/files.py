"""Sessions and exports for the window: open, save, recent files, presets, and writing out pictures and numbers.

Every failure is shown to the user through ``warn`` and leaves the current run as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRectF, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsScene, QMessageBox, QWidget

from ..engine.session import SUFFIX, Session, SessionError, load_session, save_session, write_atomically
from .controller import Controller

MAX_RECENT = 8
SESSION_FILTER = f"backpropviz sessions (*{SUFFIX})"


def parameters_csv(controller: Controller) -> str:
    """Every W[l] and b[l] entry as rows: name, row, column, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "row", "column", "value"])
    net = controller.stepper.net
    for l in range(1, net.L + 1):
        for name, array in ((f"W{l}", net.W[l]), (f"b{l}", net.b[l])):
            for (i, j), value in np.ndenumerate(array):
                writer.writerow([name, i, j, repr(float(value))])
    return out.getvalue()


def history_csv(controller: Controller) -> str:
    """The per-iteration record: cost, accuracies and ‖dW[l]‖."""
    s = controller.stepper
    columns = ["cost", "train_accuracy", "test_cost", "test_accuracy"]
    table = np.column_stack([s.series(name) for name in columns] + [s.series("grad_norm")])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["iteration", *columns, *(f"norm_dW{l}" for l in range(1, s.L + 1))])
    for i, row in enumerate(table):
        writer.writerow([i, *("" if np.isnan(v) else repr(float(v)) for v in row)])
    return out.getvalue()


def render_scene(scene: QGraphicsScene, path: Path) -> None:
    """The diagram as PNG (2× for slides) or SVG, by the file's suffix."""
    rect = scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
    if path.suffix.lower() == ".svg":
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(int(rect.width()), int(rect.height())))
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("backpropviz network diagram")
        painter = QPainter(generator)
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        painter.end()
        return
    image = QImage(int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    if not image.save(str(path)):
        raise OSError(f"could not write {path}")


class SessionFiles(QObject):
    """The window's File menu logic; ``warn`` and ``ask_save`` may be replaced (tests answer for the user)."""

    pathChanged = Signal()  # the session's file (or title) changed: the window title follows
    opened = Signal(str, str)  # a session was opened: its title and description (a preset's explanation)

    def __init__(self, window: QWidget, controller: Controller, store: QSettings | None) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.store = store
        self.path: Path | None = None
        self.title = ""
        self.warn: Callable[[str, str], None] = lambda title, text: QMessageBox.warning(window, title, text)
        self.ask_save: Callable[[], QMessageBox.StandardButton] = self._ask_save
        self.last_error = ""

    # ----------------------------------------------------------------- recent files
    def recent(self) -> list[str]:
        if self.store is None:
            return []
        value = self.store.value("recent_files", [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [p for p in paths if Path(p).exists()][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        if self.store is not None:
            paths = [str(path)] + [p for p in self.recent() if p != str(path)]
            self.store.setValue("recent_files", paths[:MAX_RECENT])

    # ----------------------------------------------------------------- open
    def failed(self, title: str, text: str) -> bool:
        self.last_error = text
        self.warn(title, text)
        return False

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a session", "", SESSION_FILTER)
        return self.open_path(Path(path)) if path else False

    def open_path(self, path: Path) -> bool:
        """Load a .bpv; a damaged or foreign file is refused with its reason and the current run stays."""
        try:
            session = load_session(path)
        except (SessionError, OSError) as exc:
            return self.failed("Could not open the session", f"{path.name}: {exc}")
        if not self.adopt(session, path.name):
            return False
        self.path = path
        self._remember(path)
        self.pathChanged.emit()
        return True

    def adopt(self, session: Session, name: str) -> bool:
        try:
            settings, dataset, stepper = session.build()
        except SessionError as exc:
            return self.failed("Could not open the session", f"{name}: {exc}")
        self.title = session.title
        self.path = None
        self.controller.adopt(settings, dataset, stepper, loaded=True)
        self.pathChanged.emit()
        self.opened.emit(session.title, session.description)
        return True

    # ----------------------------------------------------------------- save
    def save(self) -> bool:
        return self.save_to(self.path) if self.path is not None else self.save_as()

    def save_as(self) -> bool:
        start = str(self.path or Path.home() / f"session{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the session", start, SESSION_FILTER)
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Write the session atomically; the old file survives any failure."""
        c = self.controller
        try:
            save_session(path, c.settings, c.dataset, c.stepper, title=self.title)
        except (SessionError, OSError) as exc:
            return self.failed("Could not save the session", f"{path.name}: {exc}")
        self.path = path
        self._remember(path)
        c.set_modified(False)
        self.pathChanged.emit()
        return True

    def _ask_save(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self.window, "Unsaved changes", "Save the current session first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the current run (saved, or the user said so)."""
        if not self.controller.modified:
            return True
        answer = self.ask_save()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def window_title(self) -> str:
        name = self.path.name if self.path else (self.title or "untitled")
        return f"{name}{' *' if self.controller.modified else ''} — backpropviz"

    # ----------------------------------------------------------------- exports
    def export(self, caption: str, filters: str, suffix: str, write: Callable[[Path], None]) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.window, caption, str(Path.home() / f"backpropviz{suffix}"), filters)
        return self.export_to(Path(path), write) if path else False

    def export_to(self, path: Path, write: Callable[[Path], None]) -> bool:
        try:
            write(path)
        except (OSError, ValueError) as exc:
            return self.failed("Export failed", f"{path.name}: {exc}")
        return True

    def write_parameters_npz(self, path: Path) -> None:
        parameters = self.controller.stepper.net.parameters()
        write_atomically(path, lambda stream: np.savez(stream, **parameters))

    def write_parameters_csv(self, path: Path) -> None:
        text = parameters_csv(self.controller).encode("utf-8")
        write_atomically(path, lambda stream: stream.write(text))

    def write_history_csv(self, path: Path) -> None:
        text = history_csv(self.controller).encode("utf-8")
        write_atomically(path, lambda stream: stream.write(text))
