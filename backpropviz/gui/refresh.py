"""When a view redraws after a change: at once, at most ``rate`` times a second during Play, later if hidden.

Play announces a change every frame (30 a second); a view whose redraw costs more than its share of a
frame (the weight heatmaps, the decision boundary, the inspector's table) redraws at most ``rate`` times a
second then, and a timer catches the last change. A view hidden inside a shown window (a background tab, a
closed dock) does no work at all and redraws once when it is shown. The plots and the inspector share this
one mechanism.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from ..engine.changes import Change

# What a redraw after a deferral is told: the kind of change it catches up with.
CAUGHT_UP = Change.RUN  # the throttle's timer: Play frames were skipped
SHOWN = "show"  # the view was hidden: anything may have changed


class Refresher(QObject):
    """Calls ``redraw(kind)`` for ``view`` when ``request`` says it should; ``clock`` may be frozen by a test."""

    def __init__(self, view: QWidget, redraw: Callable[[str], None], rate: float) -> None:
        super().__init__(view)
        self.view = view
        self.redraw = redraw
        self.period = 1.0 / rate
        self.clock = time.perf_counter
        self.stale = False  # a change came while the view was hidden
        self._last = -math.inf
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(lambda: self.now(CAUGHT_UP))

    def hidden(self) -> bool:
        """Hidden inside a shown window: the work can wait until the view is shown."""
        return not self.view.isVisible() and self.view.window().isVisible()

    def request(self, kind: str, throttle: bool = False, defer_hidden: bool = True) -> None:
        """A change of ``kind``: redraw now, or once shown (``defer_hidden``), or — ``throttle`` — no sooner
        than ``1/rate`` seconds after the last redraw (the timer then brings the latest state)."""
        if defer_hidden and self.hidden():
            self.stale = True
            return
        if throttle:
            wait = min(self._last + self.period - self.clock(), self.period)
            if wait > 0:
                if not self.timer.isActive():
                    self.timer.start(int(wait * 1000) + 1)
                return
        self.now(kind)

    def now(self, kind: str) -> None:
        """Redraw at once (a pending catch-up is no longer needed)."""
        self.timer.stop()
        self.stale = False
        self._last = self.clock()
        self.redraw(kind)

    def shown(self) -> None:
        """The view is shown again: redraw if it missed a change."""
        if self.stale:
            self.now(SHOWN)
