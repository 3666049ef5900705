"""Reading a CSV off the window's thread: progress as it goes, Cancel, and the result by a signal.

A CSV at the limits (100,000 rows × 1,000 columns) takes seconds to read; the window's thread only
starts the reading and later receives what came of it. Each reading is a ``_Reading`` with its own
thread: starting another one cancels the one before, whose result is then dropped, so the outcome the
window sees is always that of the last file asked for.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from ..engine.csv_import import load_csv
from ..engine.datasets import Dataset, DatasetError

PERMILLE = 1000


class _CancelledError(Exception):
    """Raised from load_csv's progress callback to stop the reading."""


class _Reading(QObject):
    """One file being read in its own thread. Made on the window's thread, so its signals, emitted
    from the reading thread, reach the window's thread queued."""

    progressed = Signal(int)  # per mille of the file's bytes read
    done = Signal(object, object, str)  # (this reading, the Dataset or None, why not)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.cancelled = threading.Event()
        self._shown = -1
        self.thread = threading.Thread(target=self._run, name=f"read {path.name}", daemon=True)

    def _run(self) -> None:
        dataset, message = None, ""
        try:
            dataset = load_csv(self.path, progress=self._progress)
        except _CancelledError:
            message = "cancelled"
        except DatasetError as exc:
            message = str(exc)
        except MemoryError:
            message = "not enough memory to hold this data set"
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
        self.done.emit(self, dataset, message)

    def _progress(self, done: int, total: int) -> None:
        if self.cancelled.is_set():
            raise _CancelledError
        shown = PERMILLE * done // max(total, 1)
        if shown != self._shown:  # a signal only when the bar would move
            self._shown = shown
            self.progressed.emit(shown)


class CsvLoader(QObject):
    """Reads one CSV at a time off the window's thread.

    ``progressed(permille)`` while reading; then exactly one of ``loaded(path, dataset)``,
    ``failed(path, message)`` or ``cancelled(path)`` for each ``start``.
    """

    progressed = Signal(int)
    loaded = Signal(object, object)  # Path, Dataset
    failed = Signal(object, str)  # Path, message
    cancelled = Signal(object)  # Path

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: _Reading | None = None
        self._readings: set[_Reading] = set()  # kept alive until their threads end
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shut_down)

    @property
    def busy(self) -> bool:
        """Whether a reading is under way (its outcome not yet delivered)."""
        return self._current is not None

    def start(self, path: Path) -> None:
        """Read ``path``; a reading under way is cancelled first (its outcome is ``cancelled``)."""
        self.cancel()
        reading = _Reading(path)
        # Both connected to this object, which lives on the window's thread: delivered there, queued.
        reading.progressed.connect(self.progressed)
        reading.done.connect(self._finished)
        self._current = reading
        self._readings.add(reading)
        reading.thread.start()

    def cancel(self) -> None:
        """Stop the reading under way (if any): ``cancelled`` is emitted now, its result never."""
        reading, self._current = self._current, None
        if reading is not None:
            reading.cancelled.set()
            self.cancelled.emit(reading.path)

    def shut_down(self) -> None:
        """Cancel every reading and wait for the threads (at quit: none may outlive the application)."""
        self.cancel()
        for reading in list(self._readings):
            reading.cancelled.set()
            reading.thread.join()

    @Slot(object, object, str)
    def _finished(self, reading: _Reading, dataset: Dataset | None, message: str) -> None:
        self._readings.discard(reading)
        if reading is not self._current:  # cancelled, and said so, already
            return
        self._current = None
        if dataset is not None:
            self.loaded.emit(reading.path, dataset)
        else:
            self.failed.emit(reading.path, message)
