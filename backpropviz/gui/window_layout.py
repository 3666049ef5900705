"""Where the panels go: the diagram keeps the largest share of any window, the docks tab rather than shrink.

Classrooms have 1024×768, 1280×720 and 1366×768 projectors as often as big monitors. In a window at least
ROOMY big every panel sits beside the diagram (settings left, inspector right, plots and the decision
boundary underneath). Below that, the panels stack on the right in two tab groups — inspector and
settings above, plots and the decision boundary below — so that each gets a useful size (a plot at least
MIN_PLOT_PX tall, the inspector's table some rows) while the diagram keeps the whole height. Presenter
mode puts all of them in one tab group beside the diagram, settings hidden (View shows them); on a
projector smaller than ROOMY the diagram alone fills the screen (its text at presenter size needs it all)
and F9 — or a click on anything in the diagram — brings the panels back. The user may drag the docks
anywhere: they are arranged again only when the window changes size class, on entering or leaving
presenter mode, or on View → Reset layout.

The toolbar never hides an action in its » overflow: when its buttons with text do not fit, the secondary
ones show their icons only, and if that is not enough all of them (each keeps its tooltip with the key).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar, QToolButton

ROOMY = QSize(1400, 860)
MIN_PLOT_PX = 150
# Share of the window's width the docks beside the diagram take, and their bounds in pixels at scale 1.
SIDE_SHARE = 0.34
SIDE_MIN, SIDE_MAX = 340, 470
# In the compact layout, the share of the height the upper group (inspector, settings) gets.
UPPER_SHARE = 0.6

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def size_class(size: QSize, presenter: bool) -> str:
    """"roomy" (every panel beside the diagram), "compact" (the panels in tabs on the right), "presenter" (one
    tab group beside the diagram) or "presenter_small" (the diagram alone, the panels behind F9)."""
    roomy = size.width() >= ROOMY.width() and size.height() >= ROOMY.height()
    if presenter:
        return "presenter" if roomy else "presenter_small"
    return "roomy" if roomy else "compact"


class DockLayout:
    """Arranges the window's four docks for its size class (see the module's docstring)."""

    def __init__(
        self, window: QMainWindow, settings: QDockWidget, inspector: QDockWidget, plots: QDockWidget,
        boundary: QDockWidget,
    ) -> None:
        self.window = window
        self.settings, self.inspector, self.plots, self.boundary = settings, inspector, plots, boundary
        self.arranged_for: str | None = None
        self.put_away: list[QDockWidget] = []  # the panels F9 hid (or presenter mode on a small screen)

    @property
    def docks(self) -> tuple[QDockWidget, ...]:
        return self.settings, self.inspector, self.plots, self.boundary

    def follow(self, presenter: bool) -> None:
        """After a resize: arrange the docks again if the window changed size class, else size them anew."""
        kind = size_class(self.window.size(), presenter)
        if kind != self.arranged_for:
            self.arrange(kind)
        else:
            self.resize(kind)

    def arrange(self, kind: str) -> None:
        """Put the docks where ``kind`` (a size_class) wants them, then size them."""
        w = self.window
        self.arranged_for = kind
        for dock in self.docks:
            dock.setFloating(False)
        if kind == "roomy":
            w.addDockWidget(LEFT, self.settings)
            w.addDockWidget(RIGHT, self.inspector)
            w.addDockWidget(BOTTOM, self.plots)
            w.splitDockWidget(self.plots, self.boundary, Qt.Orientation.Horizontal)
            for dock in self.docks:
                dock.show()
        elif kind == "compact":
            w.addDockWidget(RIGHT, self.inspector)
            w.splitDockWidget(self.inspector, self.plots, Qt.Orientation.Vertical)
            w.tabifyDockWidget(self.inspector, self.settings)
            w.tabifyDockWidget(self.plots, self.boundary)
            for dock in self.docks:
                dock.show()
            self.plots.raise_()
        else:
            w.addDockWidget(RIGHT, self.inspector)
            for dock in (self.plots, self.boundary, self.settings):
                w.tabifyDockWidget(self.inspector, dock)
            for dock in (self.inspector, self.plots, self.boundary):
                dock.show()
            self.settings.hide()  # the room looks at the diagram; View → Settings brings them back
        self.inspector.raise_()
        self.put_away = []
        if kind == "presenter_small":
            self.toggle_panels()
        self.resize(kind)

    @property
    def panels_shown(self) -> bool:
        return not self.put_away

    def toggle_panels(self) -> None:
        """Hide every panel shown beside the diagram, or show again the ones hidden so."""
        if self.put_away:
            for dock in self.put_away:
                dock.show()
            if self.inspector in self.put_away:
                self.inspector.raise_()
            self.put_away = []
            return
        self.put_away = [dock for dock in self.docks if not dock.isHidden()]
        for dock in self.put_away:
            dock.hide()

    def resize(self, kind: str) -> None:
        """The docks' sizes for the window's size: the diagram keeps the largest share."""
        w = self.window
        width, height = w.width(), w.height()
        side = int(min(max(SIDE_SHARE * width, SIDE_MIN), SIDE_MAX))
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        if kind == "roomy":
            w.resizeDocks([self.settings, self.inspector], [300, side], horizontal)
            w.resizeDocks([self.plots], [max(MIN_PLOT_PX + 90, int(0.3 * height))], vertical)
            w.resizeDocks([self.plots, self.boundary], [int(0.62 * width), int(0.38 * width)], horizontal)
            return
        w.resizeDocks([self.inspector], [side], horizontal)
        if kind == "compact":
            upper = int(UPPER_SHARE * height)
            w.resizeDocks([self.inspector, self.plots], [upper, height - upper], vertical)


def fit_toolbar(toolbar: QToolBar, width: int, keep_text: Sequence[QAction] = ()) -> None:
    """Every button with its text when all fit in ``width`` pixels; else text only on ``keep_text`` (the
    buttons a lecturer looks for); else icons only. Never an overflow."""
    buttons = [(action, toolbar.widgetForAction(action)) for action in toolbar.actions()]
    buttons = [(action, b) for action, b in buttons if isinstance(b, QToolButton)]
    for compact in (None, set(keep_text), set()):
        for action, button in buttons:
            text = compact is None or action in compact
            button.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonTextBesideIcon if text else Qt.ToolButtonStyle.ToolButtonIconOnly
            )
        toolbar.layout().invalidate()
        if toolbar.sizeHint().width() <= width:
            return


def overflow_shown(toolbar: QToolBar) -> bool:
    """Whether the toolbar's » extension button is showing (some action did not fit)."""
    buttons = toolbar.findChildren(QToolButton)
    return any(button.isVisible() for button in buttons if button.objectName() == "qt_toolbar_ext_button")
