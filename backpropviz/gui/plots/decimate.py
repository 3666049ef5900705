"""Peak decimation of a growing series, updated with its new values only.

A curve needs no more than each pixel column's lowest and highest value (pyqtgraph's "peak"
downsampling). pyqtgraph finds them again over the whole series at every ``setData`` and maps every
value to log10 on a log axis: at 200,000 iterations that was most of a Play frame, growing with the
run. Here the series is cut into bins of ``bin`` iterations; complete bins are folded once, bins
double (pairs merged) when there are more than ``max_bins``, and only the last, partial bin is
computed again at each update.
"""

from __future__ import annotations

import numpy as np

MAX_BINS = 1024  # two points a bin: enough for a plot 2,048 pixels wide


class PeakDecimator:
    """(x, y) of a series' decimated curve: per bin of ``bin`` values, its minimum then its maximum at
    the bin's first x. NaN is skipped within a bin (a bin of NaN only stays NaN)."""

    def __init__(self, max_bins: int = MAX_BINS) -> None:
        self.max_bins = max_bins
        self.reset()

    def reset(self) -> None:
        """Forget what was folded: the next update reads the whole series (its past was rewritten)."""
        self.bin = 1
        self._low = np.empty(0)
        self._high = np.empty(0)

    @property
    def _folded(self) -> int:
        """How many leading values the complete bins hold."""
        return self._low.size * self.bin

    def update(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The decimated curve of ``y``, which must extend the series of the last update (or be shorter:
        then it starts over). Reads only the values after the complete bins."""
        n = y.size
        if n < self._folded:
            self.reset()
        while n > self.max_bins * self.bin:
            self._double()
        complete = n // self.bin
        if complete > self._low.size:
            block = y[self._folded : complete * self.bin].reshape(-1, self.bin)
            self._low = np.concatenate([self._low, np.fmin.reduce(block, axis=1)])
            self._high = np.concatenate([self._high, np.fmax.reduce(block, axis=1)])
        low, high = self._low, self._high
        tail = y[complete * self.bin :]
        if tail.size:
            low = np.append(low, np.fmin.reduce(tail))
            high = np.append(high, np.fmax.reduce(tail))
        x = np.repeat(np.arange(low.size, dtype=np.float64) * self.bin, 2)
        values = np.empty(2 * low.size)
        values[0::2], values[1::2] = low, high
        return x, values

    def _double(self) -> None:
        """Bins twice as wide: each pair of complete bins merged (an odd last one is read again)."""
        pairs = self._low.size // 2
        self._low = np.fmin(self._low[0 : 2 * pairs : 2], self._low[1 : 2 * pairs : 2])
        self._high = np.fmax(self._high[0 : 2 * pairs : 2], self._high[1 : 2 * pairs : 2])
        self.bin *= 2
