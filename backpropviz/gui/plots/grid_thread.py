"""The decision boundary's A[L] over its grid, computed off the window's thread.

A forward pass over the grid grows with the net: on the window's thread it froze the window for seconds on
wide nets. Here it runs as a BackgroundJob (gui/background.py) on a copy of θ taken on the window's thread
(the network may train on meanwhile), in chunks of grid points, so that a computation that became useless
(the run was reset, stepped back, rebuilt) stops at the next chunk. NumPy releases the GIL in BLAS and in its
array loops, so the window's thread stays free to paint and take input. The outcome comes back by a queued
signal; the view decides whether it still fits what it shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ...engine.network import Network
from ..background import BackgroundJob

# Grid points per forward pass: bounds the memory of a wide net's Z (n_l × CHUNK floats) and how long a
# cancelled computation runs on.
CHUNK = 1024

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


def grid_probabilities(request: GridRequest, cancelled: Callable[[], bool] = lambda: False) -> np.ndarray | None:
    """A[L] at every grid point as float32 (k,), or None if the request (or the job) was cancelled on the way."""
    k = request.grid.shape[1]
    values = np.empty(k, np.float32)
    for start in range(0, k, CHUNK):
        if request.cancelled or cancelled():
            return None
        A = request.net.predict_proba(request.grid[:, start : start + CHUNK], theta=request.theta)
        np.copyto(values[start : start + CHUNK], A[0], casting="same_kind")
    return values


class GridJob(BackgroundJob):
    """The job computing one GridRequest; its ``succeeded`` carries (request, values or None if the request
    was cancelled on the way, seconds)."""

    def __init__(self, request: GridRequest) -> None:
        super().__init__(self._compute)
        self.request = request

    def _compute(self, progress: object, cancelled: Callable[[], bool]) -> tuple[GridRequest, np.ndarray | None, float]:
        start = time.perf_counter()
        values = grid_probabilities(self.request, cancelled)
        return self.request, values, time.perf_counter() - start
