"""The per-iteration record of a run: cost, train and test cost/accuracy, and ‖dW[l]‖ of every layer.

Row t of the table belongs to iteration t (its cost, its accuracy before its Update, its gradient). On the
course's nets an iteration is a few dozen NumPy calls, so recording must cost only a few: each new
iteration is *staged* — its J and test values written, A[L] and the flat gradient copied into a batch —
and the accuracy and gradient norms of a whole batch are computed at once, when the batch is full or
when anything reads the table. Every path (micro-steps, ``run``, the worker) stages the same way and the
batch computations give the same bits for any batch size, so the rows do not depend on how the
iterations were taken.
"""

from __future__ import annotations

import math

import numpy as np

from .history import Series
from .network import Network, Scorer

# Columns of the record; then one ‖dW[l]‖ per layer.
RECORD_COLUMNS = ("cost", "train_accuracy", "test_cost", "test_accuracy")
# Iterations staged before their accuracy and norms are computed together, and a bound on the batch's
# bytes (a wide net's gradient is large, and its iterations are slow enough to record one by one).
BATCH_ITERATIONS = 256
BATCH_BYTES = 4_000_000


class Records(Series):
    """The record table of one network bound to its training data (width: the columns and L norms)."""

    def __init__(self, net: Network) -> None:
        super().__init__(width=len(RECORD_COLUMNS) + net.L)
        self.net = net
        m, size = net.m, net.grad.size
        batch = max(1, min(BATCH_ITERATIONS, BATCH_BYTES // (8 * (m + size))))
        self._staged_buffers = np.empty((batch, m + size))  # net.output_and_gradient: A[L], then the gradient
        self._A, self._grad = self._staged_buffers[:, :m], self._staged_buffers[:, m:]
        self._squares = np.empty((batch, size))
        self._staged_rows = list(self._staged_buffers)
        self._source = net.output_and_gradient
        self._rows = np.full((batch, self.width), np.nan)
        self._costs: list[float] = []
        self._tests: list[tuple[int, tuple[float, float]]] = []
        self._batch = batch
        self._start = 0  # row of the first staged iteration
        self._staged = 0
        self._scorer = Scorer(net.Y)
        self._weights = net.weight_slices[1:]

    def stage(self, t: int, J: float, test: tuple[float, float] | None = None) -> None:
        """Record iteration t (= the table's length, the next row) from the network's buffers as they are
        before its Update."""
        k = self._staged
        if k == self._batch or (k and t != self._start + k):
            self.flush()
            k = 0
        if k == 0:
            self._start = t
        self._costs.append(J)
        if test is not None:
            self._tests.append((k, test))
        np.copyto(self._staged_rows[k], self._source)
        self._staged = k + 1

    def flush(self) -> None:
        """Compute the staged iterations' accuracy and gradient norms and write their rows."""
        k = self._staged
        if k == 0:
            return
        self._staged = 0
        rows, A, grad, squares = self._rows[:k], self._A[:k], self._grad[:k], self._squares[:k]
        rows[:, 0] = self._costs
        for i, test in self._tests:
            rows[i, 2:4] = test
        self._costs.clear()
        self._tests.clear()
        np.greater(A, 0.5, out=A)
        rows[:, 1] = self._scorer.correct_rows(A) / self.net.m
        norms = rows[:, len(RECORD_COLUMNS) :]
        # a diverging run's gradients overflow on the way; its records say so, not warnings
        with np.errstate(over="ignore", invalid="ignore"):
            np.multiply(grad, grad, out=squares)
            for l, weights in enumerate(self._weights):
                np.add.reduce(squares[:, weights], axis=1, out=norms[:, l])
            np.sqrt(norms, out=norms)
            if not math.isfinite(np.add.reduce(norms, None)):
                self._rescale(norms, grad)
        Series.write_rows(self, self._start, rows)
        rows[...] = np.nan

    def _rescale(self, norms: np.ndarray, grad: np.ndarray) -> None:
        """Where Σ dW² overflowed although every entry of dW is finite, ‖dW‖ = top · ‖dW / top‖: finite
        entries never give an infinite norm."""
        for i, l in zip(*np.nonzero(np.isinf(norms)), strict=True):
            dW = grad[i, self._weights[l]]
            if np.all(np.isfinite(dW)):
                top = np.abs(dW).max()
                norms[i, l] = top * math.sqrt(np.dot(dW / top, dW / top).item())

    # Whoever reads or rewrites the table sees the staged iterations computed first.
    def __len__(self) -> int:
        self.flush()
        return super().__len__()

    @property
    def nbytes(self) -> int:
        return super().nbytes + self._staged_buffers.nbytes + self._squares.nbytes + self._rows.nbytes

    def row(self, i: int) -> np.ndarray:
        self.flush()
        return super().row(i)

    def write_rows(self, start: int, rows: np.ndarray) -> None:
        self.flush()
        super().write_rows(start, rows)

    def set_rows(self, rows: np.ndarray) -> None:
        self._staged = 0
        self._costs.clear()
        self._tests.clear()
        super().set_rows(rows)

    def truncate(self, length: int) -> None:
        self.flush()
        super().truncate(length)

    def values(self) -> np.ndarray:
        self.flush()
        return super().values()
