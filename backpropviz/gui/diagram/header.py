"""The header above the diagram: "Iteration N", the strip of micro-step chips, and "α = … · m = …"."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from ...engine.stepper import Stepper
from ..theme import Theme
from .geometry import STRIP_PAD, Fonts
from .items import Chip, text_item
from .layout import TextPlace, place_header
from .styling import Styler


class Header:
    """The header's items in ``scene``, one chip per micro-step of ``stepper``, on one line ending at
    ``bottom`` until ``flow`` puts them elsewhere."""

    def __init__(self, scene: QGraphicsScene, stepper: Stepper, fonts: Fonts, bottom: float) -> None:
        self._labels, self._fonts, self._bottom = [step.label for step in stepper.steps], fonts, bottom
        place = place_header(self._labels, fonts, 0.0, bottom, None)
        self.one_line_width = place.rect.width()
        self.iteration = text_item(None, place.iteration, fonts)
        scene.addItem(self.iteration)
        self.chips: list[Chip] = []
        for chip_place, step in zip(place.chips, stepper.steps, strict=True):
            chip = Chip(chip_place, step.kind == "backward", fonts)
            scene.addItem(chip)
            self.chips.append(chip)
        self.info = text_item(None, TextPlace("", "small", QPointF()), fonts)
        scene.addItem(self.info)
        self._place = place
        self._signature: tuple | None = None

    @property
    def rect(self) -> QRectF:
        """What the header covers in the scene."""
        return QRectF(self._place.rect)

    def band(self, left: float, width: float) -> QRectF:
        """The scene's strip that holds the header, from ``left`` over ``width``, with a margin above and
        below; nothing else is drawn there."""
        return QRectF(left, self._place.rect.top() - STRIP_PAD, width, self._place.rect.height() + 2 * STRIP_PAD)

    def width_in(self, width: float) -> float:
        """How wide the header is when flowed into ``width``."""
        return place_header(self._labels, self._fonts, 0.0, self._bottom, width).rect.width()

    def flow(self, left: float, width: float | None) -> bool:
        """Move the items to start at ``left``, on one line if it fits in ``width`` (None: any width) and
        else on more (see ``place_header``); True when they moved."""
        place = place_header(self._labels, self._fonts, left, self._bottom, width)
        if place.rect == self._place.rect and place.info == self._place.info:
            return False
        self._place = place
        self.iteration.setPos(place.iteration.pos)
        for chip, chip_place in zip(self.chips, place.chips, strict=True):
            chip.setPos(chip_place.rect.topLeft() - chip.rect.topLeft())  # the chip's path stays where it was made
        self._place_info()
        return True

    def _place_info(self) -> None:
        place = self._place
        x = place.info.x() - self.info.boundingRect().width() if place.info_right else place.info.x()
        self.info.setPos(x, place.info.y())

    def apply_theme(self, theme: Theme) -> None:
        self.iteration.setBrush(QColor(theme.text))
        self.info.setBrush(QColor(theme.box_border))
        self._signature = None

    def refresh(self, stepper: Stepper, styler: Styler) -> bool:
        """The iteration, which chip is done (amber) and next (dashed), α and m; False when that is what the
        header shows already."""
        signature = (stepper.iteration, stepper.position, stepper.report is not None, stepper.learning_rate,
                     stepper.net.m, styler.theme)
        if signature == self._signature:
            return False
        self._signature = signature
        self.iteration.setText(f"Iteration {stepper.iteration}")
        done_index = stepper.position - 1 if stepper.position > 0 else (
            len(stepper.steps) - 1 if stepper.iteration > 0 else -1)
        for i, chip in enumerate(self.chips):
            styler.chip(chip, done=i < stepper.position, current=i == done_index, upcoming=i == stepper.position,
                        diverging=stepper.report is not None)
        self.info.setText(f"α = {stepper.learning_rate:g} · m = {stepper.net.m}")
        self._place_info()
        return True
