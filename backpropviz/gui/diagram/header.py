"""The header above the diagram: "Iteration N", the strip of micro-step chips, and "α = … · m = …"."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from ...engine.stepper import Stepper
from ..theme import Theme
from .geometry import Fonts
from .items import Chip, text_item
from .layout import HeaderPlace, TextPlace
from .styling import Styler


class Header:
    """The header's items in ``scene`` at ``place``, one chip per micro-step of ``stepper``."""

    def __init__(self, scene: QGraphicsScene, place: HeaderPlace, stepper: Stepper, fonts: Fonts) -> None:
        self.iteration = text_item(None, place.iteration, fonts)
        scene.addItem(self.iteration)
        self.chips: list[Chip] = []
        for chip_place, step in zip(place.chips, stepper.steps, strict=True):
            chip = Chip(chip_place, step.kind == "backward", fonts)
            scene.addItem(chip)
            self.chips.append(chip)
        self.info = text_item(None, TextPlace("", "small", QPointF()), fonts)
        scene.addItem(self.info)
        self._info_right, self._info_y = place.info_right, place.info_y

    def apply_theme(self, theme: Theme) -> None:
        self.iteration.setBrush(QColor(theme.text))
        self.info.setBrush(QColor(theme.box_border))

    def refresh(self, stepper: Stepper, styler: Styler) -> None:
        """The iteration, which chip is done (amber) and next (dashed), α and m."""
        self.iteration.setText(f"Iteration {stepper.iteration}")
        done_index = stepper.position - 1 if stepper.position > 0 else (
            len(stepper.steps) - 1 if stepper.iteration > 0 else -1)
        for i, chip in enumerate(self.chips):
            styler.chip(chip, done=i < stepper.position, current=i == done_index, upcoming=i == stepper.position,
                        diverging=stepper.report is not None)
        self.info.setText(f"α = {stepper.learning_rate:g} · m = {stepper.net.m}")
        self.info.setPos(self._info_right - self.info.boundingRect().width(), self._info_y)
