"""The decision boundary's A[L] over its grid, computed on a thread of its own.

A forward pass over the grid grows with the net (120×120 points through 6×512 units took 4.6 s on the window's
thread). Here it runs on a QThread, on a copy of θ taken on the window's thread (the network may train on
meanwhile), in chunks of grid points, so that a computation that became useless (the run was reset, stepped
back, rebuilt) stops at the next chunk. NumPy releases the GIL in BLAS and in its array loops, so the window's
thread stays free to paint and take input. The outcome comes back by a queued signal; the view decides whether
it still fits what it shows.
"""

from __future__ import annotations

import atexit
import functools
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QThread, QTimer, Signal

from ...engine.network import Network

# Grid points per forward pass: bounds the memory of a wide net's Z (n_l × CHUNK floats) and how long a
# cancelled computation runs on.
CHUNK = 1024

_running: set[GridComputation] = set()


@dataclass(eq=False)
class GridRequest:
    """One computation: the network (for its architecture: its own θ is not read), θ (n_θ,) copied when it was
    asked for, the grid (n_x, k) as the network sees it, and what the view tags it with."""

    net: Network
    theta: np.ndarray
    grid: np.ndarray
    epoch: int  # the view's count of changes that left the way forward (DecisionBoundary.note_change)
    iteration: int
    cancelled: bool = False  # set on the window's thread; the computation stops at its next chunk


def grid_probabilities(request: GridRequest) -> np.ndarray | None:
    """A[L] at every grid point as float32 (k,), or None if the request was cancelled on the way."""
    k = request.grid.shape[1]
    values = np.empty(k, np.float32)
    for start in range(0, k, CHUNK):
        if request.cancelled:
            return None
        A = request.net.predict_proba(request.grid[:, start : start + CHUNK], theta=request.theta)
        np.copyto(values[start : start + CHUNK], A[0], casting="same_kind")
    return values


class GridComputation(QThread):
    """Computes one GridRequest; ``computed(request, values or None if cancelled, seconds)`` follows ``start()``."""

    computed = Signal(object, object, float)

    def __init__(self, request: GridRequest) -> None:
        super().__init__()
        self.request = request
        self.finished.connect(self._forget)

    def start(self) -> None:  # type: ignore[override]
        # kept until its thread has ended: Qt aborts the program when a running QThread is destroyed
        _running.add(self)
        super().start()

    def run(self) -> None:
        start = time.perf_counter()
        values = grid_probabilities(self.request)
        self.computed.emit(self.request, values, time.perf_counter() - start)

    def _forget(self) -> None:
        self.wait()  # ``finished`` comes just before the thread's end
        # dropped after this slot: the last reference going inside the delivery of its own event crashes
        QTimer.singleShot(0, functools.partial(_running.discard, self))


@atexit.register
def _stop_all() -> None:
    """At exit, stop what still runs (a QThread destroyed while running aborts the interpreter)."""
    for computation in list(_running):
        computation.request.cancelled = True
        computation.wait()
