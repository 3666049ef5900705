"""Crash safety: an error in a slot becomes a dialog (the window stays usable), and the run is autosaved.

Qt calls Python slots from C++; an exception there reaches ``sys.excepthook``, whose default prints it
and carries on with the state half-updated and nobody told. We show it with its details (to copy into
a bug report) instead. The autosave lives in the user's data folder and is removed on a clean exit, so
finding one at start-up means the last run ended in a crash.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from ..engine.session import SessionError, save_session
from .controller import Controller

AUTOSAVE_MINUTES = 3
AUTOSAVE_NAME = "autosave.bpv"


def format_exception(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(kind, value, tb))


def show_error(parent: QWidget | None, summary: str, details: str) -> None:
    """A non-modal error box with the traceback under "Show Details…"."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", summary, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText("The window keeps working; your run is as it was before this action. "
                           "The details below can be copied into a bug report.")
    box.setDetailedText(details)
    box.setModal(False)
    box.show()


class ErrorReporter:
    """``sys.excepthook`` while the window lives: errors are shown, counted and never silently lost."""

    def __init__(self, parent: QWidget | None, show: Callable[[QWidget | None, str, str], None] = show_error) -> None:
        self.parent = parent
        self.show = show
        self.errors: list[str] = []
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        details = format_exception(kind, value, tb)
        self.errors.append(details)
        sys.stderr.write(details)
        if self.parent is not None:
            self.show(self.parent, f"{kind.__name__}: {value}", details)


def autosave_path() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return folder / AUTOSAVE_NAME


class Autosave(QObject):
    """Saves the run every few minutes while it has unsaved changes; ``discard`` on a clean exit."""

    def __init__(self, controller: Controller, path: Path, minutes: float = AUTOSAVE_MINUTES) -> None:
        super().__init__(controller)
        self.controller = controller
        self.path = path
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.save_now)
        self._timer.start(int(minutes * 60_000))

    def save_now(self) -> bool:
        """Write the autosave if there is anything unsaved; never raises (a failed autosave is not fatal)."""
        c = self.controller
        if not c.modified:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self.path, c.settings, c.dataset, c.stepper, title="Recovered session")
        except (SessionError, OSError) as exc:
            sys.stderr.write(f"backpropviz: autosave failed: {exc}\n")
            return False
        return True

    def discard(self) -> None:
        self._timer.stop()
        self.path.unlink(missing_ok=True)
