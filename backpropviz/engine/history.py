"""The past of a training run: growable per-iteration series and parameter keyframes.

Full-batch gradient descent is deterministic, so the past need not be stored whole: θ is kept at
every ``spacing``-th iteration (a keyframe) and any other iteration is recomputed by replaying from the
keyframe before it. ``spacing`` doubles whenever the keyframes would outgrow the memory budget.
"""

from __future__ import annotations

import numpy as np

DEFAULT_BUDGET_BYTES = 100_000_000
# Below this much work per iteration (parameters × examples) an iteration costs microseconds, so
# keyframes start 16 iterations apart (replaying ≤ 15 is instant); above it every iteration is kept
# until the budget says otherwise.
CHEAP_ITERATION_WORK = 1_000_000
CHEAP_SPACING = 16
# What one stored frame costs besides θ's bytes (array header, dict slot); it dominates for tiny nets.
FRAME_OVERHEAD_BYTES = 256


class Series:
    """Per-iteration values in a float array that grows by doubling; row i belongs to iteration i.

    ``width`` > 1 gives a (n, width) table, e.g. one gradient norm per layer.
    """

    def __init__(self, width: int = 1, capacity: int = 1024) -> None:
        self.width = width
        self._data = np.full((capacity, width), np.nan)
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def set(self, i: int, value: float | np.ndarray) -> None:
        """Write row i (i ≤ len); writing row len appends."""
        self.row(i)[...] = value

    def row(self, i: int) -> np.ndarray:
        """Row i (i ≤ len) to fill in place, counted as written; row len appends."""
        self._extend_to(i + 1)
        return self._data[i]

    def write_rows(self, start: int, rows: np.ndarray) -> None:
        """Write ``rows`` (n, width) as rows start … start + n − 1 (start ≤ len) at once."""
        self._extend_to(start + len(rows))
        self._data[start : start + len(rows)] = rows

    def _extend_to(self, length: int) -> None:
        """At least ``length`` rows, the table doubling as often as needed."""
        capacity = self._data.shape[0]
        if length > capacity:
            capacity = max(capacity, 1)
            while capacity < length:
                capacity *= 2
            grown = np.full((capacity, self.width), np.nan)
            grown[: self._length] = self._data[: self._length]
            self._data = grown
        self._length = max(self._length, length)

    def set_rows(self, rows: np.ndarray) -> None:
        """Replace everything with ``rows`` (n, width) at once, e.g. a loaded session's records."""
        capacity = max(self._data.shape[0], len(rows))
        self._data = np.full((capacity, self.width), np.nan)
        self._data[: len(rows)] = rows
        self._length = len(rows)

    def truncate(self, length: int) -> None:
        self._length = min(self._length, length)

    def values(self) -> np.ndarray:
        """A read-only view of the rows so far: shape (n,) for width 1, else (n, width)."""
        view = self._data[: self._length]
        view = view[:, 0] if self.width == 1 else view
        view = view.view()
        view.flags.writeable = False
        return view


class Keyframes:
    """θ at the start of chosen iterations (after that iteration's events), within a byte budget."""

    def __init__(self, theta_nbytes: int, work: int, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self.frame_nbytes = theta_nbytes + FRAME_OVERHEAD_BYTES
        self.spacing = CHEAP_SPACING if work < CHEAP_ITERATION_WORK else 1
        self._frames: dict[int, np.ndarray] = {}

    @property
    def nbytes(self) -> int:
        return len(self._frames) * self.frame_nbytes

    def __contains__(self, iteration: int) -> bool:
        return iteration in self._frames

    def wants(self, iteration: int) -> bool:
        """Whether θ at the start of ``iteration`` should be stored."""
        return iteration % self.spacing == 0

    def store(self, iteration: int, theta: np.ndarray) -> None:
        """Keep a copy of θ for ``iteration``; past the budget, double the spacing and thin the frames.

        Any frame but iteration 0's can go: replay from an earlier one (events included) rebuilds it.
        """
        self._frames[iteration] = theta.copy()
        while self.nbytes > self.budget_bytes and len(self._frames) > 1:
            self.spacing *= 2
            for i in [i for i in self._frames if i % self.spacing != 0]:
                del self._frames[i]

    def nearest(self, iteration: int) -> tuple[int, np.ndarray]:
        """The latest stored (i, θ) with i ≤ iteration (the stepper always keeps iteration 0)."""
        best = max(i for i in self._frames if i <= iteration)
        return best, self._frames[best]

    def drop_from(self, iteration: int) -> None:
        """Forget the frames at and after ``iteration``: that part of the past was rewritten."""
        for i in [i for i in self._frames if i >= iteration]:
            del self._frames[i]
