"""Thumbnail colouring: the ≤ 64×64 sample of a matrix a thumbnail shows and its colours on the diverging map.

Levels are symmetric about a centre (0, or 0.5 for probabilities); non-finite entries are black, so a NaN
never passes for a number.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap

from ..theme import DIVERGING_LUT, symmetric_level
from .geometry import MAX_CELLS

# DIVERGING_LUT with black appended: index −1 (non-finite) picks it.
LUT_WITH_BLACK = np.vstack([DIVERGING_LUT, np.zeros((1, 3), np.uint8)])


def stride(n: int, limit: int) -> slice:
    """Every k-th index so that at most ``limit`` of n remain (a view, no copy)."""
    return slice(None, None, max(1, math.ceil(n / limit)))


def sample_matrix(values: np.ndarray) -> np.ndarray:
    """The ≤ 64×64 part a thumbnail shows: every k-th row and column (a view, so cheap for 128×784 too).

    For Z-like matrices the columns are examples; striding them (rather than taking the first 64) shows
    both classes of a data set whose examples are sorted by label, and the same examples in X, Z, A and ŷ.
    """
    rows, cols = values.shape
    return values[stride(rows, MAX_CELLS), stride(cols, MAX_CELLS)]


def lut_index(sample: np.ndarray, level: float | None = None, centre: float = 0.0) -> np.ndarray:
    """Indices into DIVERGING_LUT of ``sample`` on [centre − level, centre + level] (level: max |sample − centre|
    by default); −1 marks non-finite entries."""
    shifted = sample - centre if centre else sample
    top = len(DIVERGING_LUT) - 1
    biggest = float(np.abs(shifted).max()) if shifted.size else 0.0
    finite = math.isfinite(biggest)  # one reduction answers "all finite?" for the common case
    if level is None:
        level = (biggest or 1.0) if finite else symmetric_level(shifted)
    factor = top / 2.0 / level
    if not math.isfinite(factor):  # a level so tiny (denormal) that 1/level overflows: draw it as zeros
        factor = 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = shifted * factor + (top / 2.0 + 0.5)  # a fresh array: safe to write into
        bad = None if finite else ~np.isfinite(shifted)
        if bad is not None:
            scaled[bad] = 0.0
        np.clip(scaled, 0, top, out=scaled)
        index = scaled.astype(np.intp)
    if bad is not None:
        index[bad] = -1
    return index


def heatmap_rgb(sample: np.ndarray, level: float | None = None, centre: float = 0.0) -> np.ndarray:
    """(h, w, 3) uint8 colours of ``sample`` on the diverging map, symmetric about ``centre``.

    Non-finite entries are black, so a NaN never passes for a number.
    """
    return np.ascontiguousarray(LUT_WITH_BLACK[lut_index(sample, level, centre)])


def rgb_pixmap(rgb: np.ndarray) -> QPixmap:
    """A QPixmap of an (h, w, 3) uint8 array (copied, so the array may go)."""
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image)


def lut_colours(alpha: int) -> list[QColor]:
    """The colours of LUT_WITH_BLACK at ``alpha`` (what ``lut_index`` indexes), for unit circles."""
    return [QColor(int(r), int(g), int(b), alpha) for r, g, b in LUT_WITH_BLACK]


def colour(name: str, alpha: int = 255) -> QColor:
    """The colour ``name`` at ``alpha``."""
    result = QColor(name)
    result.setAlpha(alpha)
    return result
