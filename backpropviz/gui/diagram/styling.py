"""How the diagram's items look in a theme: computed, not computed yet (greyed), glowing, ghosted.

``Styler`` keeps one pen per look (an update sets over a hundred pens, and the same pen object lets
``Looks`` skip an unchanged look) and styles thumbnails, arrows, panels, unit circles and header chips.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from ..theme import Theme
from .heatmaps import colour, lut_colours, lut_index
from .items import Arrow, Box, Chip, Thumbnail, Units

# The text on an amber chip is always dark (amber is light in both themes).
ON_HIGHLIGHT = "#1d2330"


class Styler:
    """Pens, brushes and inks of the diagram's items for ``theme`` at presenter ``scale``."""

    def __init__(self, theme: Theme, scale: float) -> None:
        self.theme = theme
        self.scale = scale
        self._pens: dict[tuple, QPen] = {}
        self._unit_colours, self._ghost_colours = lut_colours(255), lut_colours(90)

    def pen(self, name: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine,
            alpha: int = 255) -> QPen:
        """A pen ``width`` × the presenter scale wide (cached: an update sets over a hundred pens)."""
        key = (name, width, style, alpha, self.scale)
        pen = self._pens.get(key)
        if pen is None:
            pen = QPen(colour(name, alpha), width * self.scale, style)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._pens[key] = pen
        return pen

    def thumb(self, thumb: Thumbnail, glowing: bool) -> None:
        t = self.theme
        state = (thumb.greyed, t.name, glowing)
        if state == thumb.style_state:
            return  # most thumbnails keep their frame from one frame of Play to the next
        thumb.style_state = state
        if glowing:
            pen = self.pen(t.highlight, 1.8)
        elif thumb.greyed:
            pen = self.pen(t.muted, 0.9, Qt.PenStyle.DashLine)
        else:
            pen = self.pen(t.box_border, 0.8)
        thumb.looks.show(pen, colour(t.muted, 45) if thumb.greyed else Qt.BrushStyle.NoBrush)
        thumb.labels[0].set_ink(t.muted if thumb.greyed else (t.backward if thumb.gradient else t.text))
        for label in thumb.labels[1:]:
            label.set_ink(t.muted if thumb.greyed else t.box_border)

    def arrow(self, arrow: Arrow, greyed: bool, ink: str) -> None:
        t = self.theme
        arrow.greyed = greyed
        ink = t.muted if greyed else ink
        arrow.looks.show(self.pen(ink, 1.8), QColor(ink))
        for label in arrow.labels[:1]:
            label.set_ink(ink)
        for label in arrow.labels[1:]:
            label.set_ink(t.muted if greyed else t.box_border)

    def box(self, box: Box, border: str, greyed: bool, glowing: bool, lower: bool = False) -> None:
        t = self.theme
        if glowing:
            box.looks.show(self.pen(t.highlight, 2.2), colour(t.backward, 14) if lower else QColor(t.box_fill))
        elif lower:  # the backward band: a faint red wash once computed
            box.looks.show(self.pen(t.muted if greyed else border, 1.2, Qt.PenStyle.DashLine if greyed else
                                    Qt.PenStyle.SolidLine, alpha=255 if greyed else 150),
                           colour(t.backward, 14) if not greyed else QColor(t.panel))
        else:
            box.looks.show(self.pen(border, 1.2), QColor(t.box_fill))

    def units(self, units: Units, A: np.ndarray | None, ghosted: bool) -> None:
        """Unit circles coloured by each unit's mean activation over the examples (``A`` of the layer, or
        None while not computed); repainted only when a colour changes."""
        t = self.theme
        indices = None if A is None else lut_index(A.mean(axis=1) if A.shape[1] else np.zeros(units.n)).tolist()
        state = (t.name, ghosted, indices)
        if state == units.state:
            return  # the same colours: no repaint
        units.state = state
        if indices is None:
            units.fills = [colour(t.muted, 70)] * units.n
            units.pen = self.pen(t.muted, 0.8)
        else:
            colours = self._ghost_colours if ghosted else self._unit_colours
            units.fills = [colours[k] for k in indices]
            units.pen = self.pen(t.muted if ghosted else t.box_border, 0.8)
        units.update()

    def chip(self, chip: Chip, done: bool, current: bool, upcoming: bool, diverging: bool) -> None:
        """A micro-step chip: the one just done amber, the next dashed (red when it would diverge), the
        ones done this iteration plain, the rest muted."""
        t = self.theme
        ink = t.backward if chip.backward else t.text
        if upcoming and diverging:
            chip.looks.show(self.pen(t.backward, 1.2), QColor(t.backward))
            chip.text.setBrush(QColor("#ffffff"))
        elif current:
            chip.looks.show(self.pen(t.highlight, 1.2), QColor(t.highlight))
            chip.text.setBrush(QColor(ON_HIGHLIGHT))
        elif upcoming:
            chip.looks.show(self.pen(t.highlight, 1.4, Qt.PenStyle.DashLine), QColor(t.panel))
            chip.text.setBrush(QColor(ink))
        else:
            chip.looks.show(self.pen(t.box_border if done else t.muted, 0.9),
                            QColor(t.box_fill) if done else QColor(t.panel))
            chip.text.setBrush(QColor(ink if done else t.muted))
        font = chip.text.font()
        if font.bold() != current:
            font.setBold(current)
            chip.text.setFont(font)
