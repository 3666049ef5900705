"""Engine work off the window's thread: one job on a QThread, its progress and outcome back as signals.

The work is a plain function ``work(progress, cancelled)`` that calls ``progress(done, total)`` now and
then and stops (by raising, e.g. the engine's GradCheckCancelledError) once ``cancelled()`` is true. NumPy
releases the GIL in its array loops and BLAS, so a costly job leaves the window's thread free to paint and
take input. The signals are emitted on the job's thread and delivered queued to receivers on the
window's thread, so connect them to methods of QObjects (a dialog's slots), not to bare functions.

A running job is kept alive here until its thread has ended: a dialog closed (or garbage-collected) in
the middle of a check must not destroy a running QThread, which Qt answers by aborting the program.

While a job runs, Python's cyclic garbage collector runs only on the window's thread, by a timer (as
pyqtgraph's GarbageCollector does): a collection started by the job's allocations would otherwise run on
the job's thread and may delete Qt objects there (a closed dialog, an old controller with its timers),
which Qt answers with warnings and crashes.

The job's thread keeps the window's priority: at nice 10 (tried, measured with
benchmarks/event_loop_gaps.py) a check ran up to 4× slower beside other programs, and the window then
waited for the GIL while the starved job held it, so the gaps did not shrink.
"""

from __future__ import annotations

import atexit
import functools
import gc
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, QTimer, Signal

# While jobs run, the window's thread looks this often whether a generation is due for collection.
COLLECT_INTERVAL_MS = 100
# Progress reaches the window at most this often: a tiny net checks thousands of entries a second, and
# each signal costs the window's thread an event.
PROGRESS_INTERVAL_SECONDS = 0.05

Progress = Callable[[int, int], None]
Work = Callable[[Progress, Callable[[], bool]], Any]

_running: set[BackgroundJob] = set()


class _CollectOnWindowThread:
    """Automatic collection off while jobs run; the window's thread collects by the same thresholds."""

    def __init__(self) -> None:
        self._timer: QTimer | None = None
        self._was_enabled = True

    def start(self) -> None:
        if self._timer is None:
            self._timer = QTimer()
            self._timer.setInterval(COLLECT_INTERVAL_MS)
            self._timer.timeout.connect(self.collect)
        if not self._timer.isActive():
            self._was_enabled = gc.isenabled()
            gc.disable()
            self._timer.start()

    def stop(self) -> None:
        if self._timer is not None and self._timer.isActive():
            self._timer.stop()
            if self._was_enabled:
                gc.enable()

    @staticmethod
    def collect() -> None:
        thresholds, counts = gc.get_threshold(), gc.get_count()
        generation = -1
        while generation < 2 and counts[generation + 1] > thresholds[generation + 1]:
            generation += 1
        if generation >= 0:
            gc.collect(generation)


_collector = _CollectOnWindowThread()


class BackgroundJob(QThread):
    """Runs ``work`` once on its own thread. Exactly one of ``succeeded(result)``, ``failed(exception)``
    or ``stopped()`` (after ``cancel()``) follows ``start()``; ``progressed(done, total)`` before it."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception, to be raised again on the window's thread
    stopped = Signal()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self.finished.connect(self._forget)

    def start(self) -> None:  # type: ignore[override]
        _running.add(self)
        _collector.start()
        super().start()

    def cancel(self) -> None:
        """Ask the work to stop at its next look at ``cancelled()``; ``stopped`` follows."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self._work(self._progress, self._cancel.is_set)
        except Exception as exc:  # every failure goes to the window's error report
            if self._cancel.is_set():
                self.stopped.emit()
            else:
                self.failed.emit(exc)
        else:
            if self._cancel.is_set():
                self.stopped.emit()
            else:
                self.succeeded.emit(result)

    def _progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == total or now - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = now
            self.progressed.emit(done, total)

    def _forget(self) -> None:
        self.wait()  # ``finished`` comes just before the thread's end
        # Dropped from the set after this slot: the last reference going now would delete the job inside
        # the delivery of its own event, which crashes.
        QTimer.singleShot(0, functools.partial(_retire, self))


def _retire(job: BackgroundJob) -> None:
    _running.discard(job)
    if not _running:
        _collector.stop()


@atexit.register
def _stop_all() -> None:
    """At exit, stop what still runs: a QThread destroyed while running aborts the interpreter."""
    for job in list(_running):
        job.cancel()
        job.wait()
