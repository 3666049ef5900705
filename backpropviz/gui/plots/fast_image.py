"""An ImageItem that turns a float matrix into pixels in one NumPy pass, keeping its colour table.

pyqtgraph renders a float image with fixed levels and a lookup table through a generic path: a NaN
check, a rescale, then a 256-entry colour table rebuilt in Python (256 ``qRgb`` calls) at every
paint. A micro-step of the 784-input net repaints four such heatmaps (W1 … W3 and the inspector's),
about 1 ms each here. This item maps the values to the table's indices into buffers it keeps and
reuses the table; NaN, colour or unlevelled images still take pyqtgraph's own render.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage


def colour_table(lut: np.ndarray) -> list[int]:
    """The QImage colour table (0xAARRGGBB ints) of an (n, 3) or (n, 4) uint8 lookup table."""
    channels = lut.astype(np.uint32)
    alpha = channels[:, 3] if lut.shape[1] == 4 else np.uint32(255)
    return ((alpha << 24) | (channels[:, 0] << 16) | (channels[:, 1] << 8) | channels[:, 2]).tolist()


class FastImageItem(pg.ImageItem):
    """``pg.ImageItem`` with a fast render for 2-D float images, levels and a ≤ 256-colour table.

    The pixels match pyqtgraph's mapping: value v gets colour ⌊(v − low) · n / (high − low)⌋, clipped
    to the table's n entries.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._scaled: np.ndarray | None = None
        self._index: np.ndarray | None = None
        self._table_key: bytes | None = None
        self._table: list[int] = []
        super().__init__(*args, **kwargs)

    def _fast(self) -> bool:
        image, lut, levels = self.image, self.lut, self.levels
        if image is None or image.ndim != 2 or image.size == 0 or image.dtype.kind != "f":
            return False
        if levels is None or np.ndim(levels) != 1 or self.autoDownsample:
            return False
        if not isinstance(lut, np.ndarray) or lut.dtype != np.uint8 or lut.ndim != 2 or not 0 < len(lut) <= 256:
            return False
        if self._imageHasNans is None:  # as pyqtgraph caches it: one reduction per new image
            self._imageHasNans = bool(np.isnan(image.min()))
        return not self._imageHasNans

    def render(self) -> None:
        if not self._fast():
            super().render()
            return
        image, lut = self.image, self.lut
        rows = image if self.axisOrder == "row-major" else image.T  # a QImage is row by row
        if self._index is None or self._index.shape != rows.shape:
            self._scaled = np.empty(rows.shape, np.float32)
            self._index = np.empty(rows.shape, np.uint8)
        low, high = (float(v) for v in self.levels)
        colours = len(lut)
        scaled = self._scaled
        np.subtract(rows, low, out=scaled, casting="same_kind")
        np.multiply(scaled, colours / ((high - low) or 1.0), out=scaled)
        np.clip(scaled, 0, colours - 1, out=scaled)
        np.copyto(self._index, scaled, casting="unsafe")  # truncates, as pyqtgraph's cast does
        key = lut.tobytes()
        if key != self._table_key:
            self._table_key, self._table = key, colour_table(lut)
        qimage = pg.functions.ndarray_to_qimage(self._index, QImage.Format.Format_Indexed8)
        qimage.setColorTable(self._table)
        self.qimage = qimage
        self._renderRequired = False
        self._unrenderable = False


__all__ = ["FastImageItem", "colour_table"]
