"""The main window: the diagram in the centre, inspector, settings and plots in docks, toolbar and keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSlider,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..engine.changes import Change
from ..engine.events import EVENT_KINDS
from ..engine.model import ModelSettings
from .banner import Banner
from .controller import SPEEDS, Controller
from .diagram import NetworkView
from .dock_chrome import scale_dock_chrome
from .field_keys import FieldKeys
from .files import SessionFiles, render_scene
from .icons import icon
from .inspector import Inspector
from .panels import SettingsPanel
from .plots import PlotsPanel
from .presenter_dialog import PresenterDialog, TextDialog
from .safety import Autosave, ErrorReporter, autosave_path
from .static_label import StaticLabel
from .theme import LIGHT, THEMES, Theme, apply_dialog_scale, apply_palette, format_number
from .window_layout import DockLayout, fit_toolbar, size_class

if TYPE_CHECKING:
    from .gradcheck_dialog import GradCheckDialog

PRESENTER_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_PRESENTER_SCALE = 1.75
KEYBOARD_HELP = """<table cellpadding="3">
<tr><td><b>Right</b>, <b>Space</b>, <b>Page Down</b></td><td>next micro-step</td></tr>
<tr><td><b>Left</b>, <b>Page Up</b></td><td>back one micro-step (undo)</td></tr>
<tr><td><b>B</b></td><td>next backward step (runs forward to the cost first)</td></tr>
<tr><td><b>Enter</b></td><td>finish the iteration (in a field: apply what was typed)</td></tr>
<tr><td><b>P</b></td><td>play / pause</td></tr>
<tr><td><b>R</b></td><td>reset to the initial parameters</td></tr>
<tr><td><b>F11</b></td><td>presenter mode</td></tr>
<tr><td><b>F9</b></td><td>hide / show the panels beside the diagram</td></tr>
<tr><td><b>Esc</b></td><td>close the lesson's explanation, then leave presenter mode</td></tr>
</table>"""


def settings_from_json(text: str) -> ModelSettings:
    """Saved settings back; anything unreadable gives the defaults (a stale file must never block start-up)."""
    try:
        return ModelSettings.from_dict(json.loads(text))
    except ValueError:
        return ModelSettings()


class MainWindow(QMainWindow):
    """backpropviz's window. ``controller`` may be given (tests); otherwise the last settings are used."""

    def __init__(self, controller: Controller | None = None, remember: bool = True) -> None:
        super().__init__()
        self._remember = remember
        self._store = QSettings("backpropviz", "backpropviz")
        if controller is None:
            saved = self._store.value("model_settings", "") if remember else ""
            controller = self._build_controller(settings_from_json(saved) if saved else ModelSettings())
        self.controller = controller
        self.files = SessionFiles(self, controller, self._store if remember else None)
        self.theme: Theme = LIGHT
        self.scale = 1.0
        self.presenter_scale = DEFAULT_PRESENTER_SCALE
        self.setWindowTitle(f"backpropviz {__version__}")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.network_view = NetworkView(controller, self.theme)
        self.banner = Banner()
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.network_view, 1)
        self.setCentralWidget(centre)
        self.inspector = Inspector(controller, self.theme)
        self.settings_panel = SettingsPanel(controller)
        self.plots = PlotsPanel(controller, self.theme)
        self._gradcheck: GradCheckDialog | None = None  # made when first opened (see gradcheck)
        scroll = QScrollArea()
        scroll.setWidget(self.settings_panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.settings_panel.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.settings_dock = self._dock("Settings", self._with_footer(scroll), Qt.DockWidgetArea.LeftDockWidgetArea)
        self.plots_dock = self._dock("Plots", self.plots, Qt.DockWidgetArea.BottomDockWidgetArea)
        # the boundary deserves to be seen beside the cost curve while Play runs, not behind a tab
        self.plots.removeTab(self.plots.indexOf(self.plots.boundary))
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.boundary_dock = self._dock("Decision boundary", self.plots.boundary, bottom)
        docks = (self.settings_dock, self.inspector_dock, self.plots_dock, self.boundary_dock)
        self.dock_layout = DockLayout(self, *docks)
        self._relayout = QTimer(self)  # a resize settles before the docks move (a drag sends many)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(120)
        self._relayout.timeout.connect(self.follow_size)
        self.plots.boundary.confirm_discard = lambda: self.settings_panel.confirm(self)

        self._field_keys = FieldKeys(self)
        self.installEventFilter(self._field_keys)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        self.network_view.selected.connect(self._inspect)
        controller.changed.connect(self._on_changed)
        controller.rebuilt.connect(self._on_rebuilt)
        controller.playingChanged.connect(self._on_playing)
        controller.diverged.connect(self._on_diverged)
        controller.modifiedChanged.connect(self._update_title)
        self.files.pathChanged.connect(self._update_title)
        self.files.opened.connect(self.banner.show_text)
        controller.speedChanged.connect(self._on_speed)
        self.resize(1440, 900)
        self._default_layout()
        self.set_theme(self.theme)
        if remember:
            self._restore_window()
        self._on_changed(Change.RESET)
        self._update_title()
        self.errors = ErrorReporter(self)
        self.autosave: Autosave | None = None
        if remember:
            self.errors.install()
            self.autosave = Autosave(controller, autosave_path())

    def _inspect(self, quantity: str, layer: int) -> None:
        """A click on the diagram: show it in the inspector, bringing its tab to the front."""
        self.inspector.show_quantity(quantity, layer)
        if self.inspector_dock in self.dock_layout.put_away:
            self.toggle_panels()  # the panels were put away for the diagram: what was clicked wants to be seen
        if not self.inspector_dock.isHidden():
            self.inspector_dock.raise_()

    @property
    def gradcheck(self) -> GradCheckDialog:
        """The gradient check dialog, made in the window's theme and scale when first wanted: the window shows
        sooner without it (~15 ms), and opening it takes ~20 ms more the first time."""
        if self._gradcheck is None:
            from .gradcheck_dialog import GradCheckDialog

            self._gradcheck = GradCheckDialog(self.controller, self, self.theme)
            if self.scale != 1.0:
                self._gradcheck.set_scale(self.scale)
        return self._gradcheck

    def show_gradcheck(self) -> None:
        self.gradcheck.show()

    @staticmethod
    def _build_controller(settings: ModelSettings) -> Controller:
        try:
            return Controller(settings)
        except ValueError:
            return Controller()

    def _with_footer(self, scroll: QScrollArea) -> QWidget:
        """The settings form scrolls; its feedback (CSV errors, α messages, "new run started") and the Apply
        button stay under it, always in sight."""
        panel = self.settings_panel
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scroll, 1)
        footer = QVBoxLayout()
        footer.setContentsMargins(9, 4, 9, 9)
        footer.addWidget(panel.message)  # moved out of the scrolled form
        footer.addWidget(panel.apply_button)
        column.addLayout(footer)
        return page

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower() + "_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # ----------------------------------------------------------------- actions, toolbar, menus
    def _action(self, text: str, slot, keys: tuple[str, ...] = (), icon_name: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        shortcut = f" ({', '.join(keys)})" if keys else ""
        action.setToolTip((tip or text) + shortcut)
        action.setStatusTip(tip or text)
        action.setData(icon_name)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        c = self.controller
        self.reset_action = self._action("Reset", self.reset, ("R",), "reset", "Back to the initial parameters")
        self.back_action = self._action("Back", c.back, ("Left", "PgUp"), "back", "Undo the last micro-step")
        self.step_action = self._action(
            "Step", c.step_forward, ("Right", "Space", "PgDown"), "step", "Next micro-step"
        )
        self.backward_action = self._action(
            "Backward step", c.step_backward, ("B",), "step_backward",
            "Next backward micro-step (runs forward to the cost first)",
        )
        self.iteration_action = self._action(
            "Finish iteration", c.finish_iteration, ("Return", "Enter"), "iteration", "Finish this iteration"
        )
        self.play_action = self._action("Play", c.toggle_play, ("P",), "play", "Play / pause iterations")
        self.gradcheck_action = self._action(
            "Gradient check…", self.show_gradcheck, (), "gradcheck", "Compare backprop's dW with numerical slopes"
        )
        self.presenter_action = self._action(
            "Presenter mode", self.toggle_presenter, ("F11",), "presenter", "Full screen, large fonts"
        )
        self.presenter_action.setCheckable(True)
        self.escape_action = self._action(
            "Close the explanation / leave presenter mode", self._escape, ("Esc",), "", "Hide the lesson banner"
        )
        self.help_action = self._action("Keyboard and help", self.show_help, ("F1",), "", "Keys and what they do")
        self.panels_action = self._action(
            "Hide panels", self.toggle_panels, ("F9",), "", "Hide or show every panel beside the diagram"
        )

    def _build_toolbar(self) -> None:
        bar = QToolBar("Steps")
        bar.setObjectName("steps_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        self.addToolBar(bar)
        for action in (self.reset_action, self.back_action, self.step_action, self.backward_action,
                       self.iteration_action, self.play_action):
            bar.addAction(action)
        self.speed = QComboBox()
        self.speed.addItems([speed.label for speed in SPEEDS])
        self.speed.setCurrentIndex(self.controller.speed_index)
        self.speed.setToolTip("Play speed")
        # as wide as its longest entry would crowd the toolbar in presenter mode; the list shows them whole
        self.speed.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.speed.setMinimumContentsLength(10)
        self.speed.currentIndexChanged.connect(self.controller.set_speed)
        bar.addWidget(self.speed)
        bar.addSeparator()
        bar.addWidget(QLabel(" Iteration "))
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setMinimumWidth(120)  # it stretches over whatever room the toolbar has
        self.timeline.setToolTip("Scrub through the iterations trained so far")
        self.timeline.valueChanged.connect(self._timeline_moved)
        bar.addWidget(self.timeline)
        self.timeline_label = QLabel()
        self._fit_timeline_label()
        bar.addWidget(self.timeline_label)
        bar.addSeparator()
        bar.addAction(self.gradcheck_action)
        bar.addAction(self.presenter_action)
        self.toolbar = bar

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction("Open session…", QKeySequence.StandardKey.Open, self.files.open_dialog)
        self.recent_menu = file_menu.addMenu("Open recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction("Save session", QKeySequence.StandardKey.Save, self.files.save)
        file_menu.addAction("Save session as…", QKeySequence("Ctrl+Shift+S"), self.files.save_as)
        file_menu.addSeparator()
        file_menu.addAction("Load CSV data set…", self.settings_panel.choose_csv)
        export = file_menu.addMenu("Export")
        f = self.files
        export.addAction("Diagram as PNG or SVG…", lambda: f.export(
            "Export the diagram", "PNG image (*.png);;SVG drawing (*.svg)", ".png",
            lambda path: render_scene(self.network_view.scene(), path)))
        export.addAction("Current plot as PNG or SVG…", lambda: f.export(
            "Export the plot", "PNG image (*.png);;SVG drawing (*.svg)", ".png", self.plots.export_current))
        export.addAction("Decision boundary as PNG or SVG…", lambda: f.export(
            "Export the decision boundary", "PNG image (*.png);;SVG drawing (*.svg)", ".png",
            self.plots.boundary.export))
        export.addAction("Parameters as NumPy .npz…", lambda: f.export(
            "Export the parameters", "NumPy archive (*.npz)", ".npz", f.write_parameters_npz))
        export.addAction("Parameters as CSV…", lambda: f.export(
            "Export the parameters", "CSV (*.csv)", ".csv", f.write_parameters_csv))
        export.addAction("Cost and accuracy per iteration as CSV…", lambda: f.export(
            "Export the history", "CSV (*.csv)", ".csv", f.write_history_csv))
        file_menu.addSeparator()
        file_menu.addAction("Quit", QKeySequence.StandardKey.Quit, self.close)
        self._build_presets_menu(menu)
        run = menu.addMenu("&Run")
        for action in (self.step_action, self.backward_action, self.iteration_action, self.play_action,
                       self.back_action, self.reset_action):
            run.addAction(action)
        run.addSeparator()
        run.addAction(self.gradcheck_action)
        view = menu.addMenu("&View")
        for dock in (self.settings_dock, self.inspector_dock, self.plots_dock, self.boundary_dock):
            view.addAction(dock.toggleViewAction())
        view.addAction(self.panels_action)
        view.addAction("Reset layout", self._reset_layout)
        view.addSeparator()
        themes = QActionGroup(self)
        for name in THEMES:
            action = view.addAction(f"{name.title()} theme")
            action.setCheckable(True)
            action.setChecked(name == self.theme.name)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(THEMES[n]))
            themes.addAction(action)
        self.theme_actions = themes
        view.addSeparator()
        view.addAction(self.presenter_action)
        sizes = view.addMenu("Presenter text size")
        group = QActionGroup(self)
        for scale in PRESENTER_SCALES:
            action = sizes.addAction(f"{round(scale * 100)} %")
            action.setCheckable(True)
            action.setChecked(scale == self.presenter_scale)
            action.triggered.connect(lambda _=False, f=scale: self.set_presenter_scale(f))
            group.addAction(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction("About backpropviz", self.show_about)

    def _build_presets_menu(self, menu) -> None:
        self.presets_menu = menu.addMenu("&Presets")
        self.presets_menu.setToolTipsVisible(True)
        # filled when first opened: the window shows sooner without the presets' module
        self.presets_menu.aboutToShow.connect(self._fill_presets)

    def _fill_presets(self) -> None:
        if self.presets_menu.actions():
            return
        from ..engine.presets import PRESETS

        for preset in PRESETS:
            action = self.presets_menu.addAction(preset.title)
            action.setStatusTip(preset.purpose)
            action.setToolTip(preset.purpose)
            action.triggered.connect(lambda _=False, key=preset.key: self.open_preset(key))

    def open_preset(self, key: str) -> bool:
        """A lecture preset: a shipped session, or the hidden-layer sweep dialog."""
        from ..engine.presets import PRESETS, load_preset
        from .sweep_dialog import SweepDialog

        preset = next(p for p in PRESETS if p.key == key)
        if preset.filename is None:
            dialog = SweepDialog(self, theme=self.theme)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # each opening is a fresh sweep
            dialog.set_scale(self.scale)
            dialog.show()
            return True
        if not self.files.maybe_save():
            return False
        if not self.files.adopt(load_preset(key), preset.title):
            return False
        self.controller.set_pace(preset.pace)
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.files.recent()
        for path in paths:
            self.recent_menu.addAction(path, lambda p=path: self.files.maybe_save() and self.files.open_path(Path(p)))
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _update_title(self, *_: object) -> None:
        self.setWindowTitle(self.files.window_title())

    def _build_status_bar(self) -> None:
        self.status = StaticLabel()
        self.statusBar().addPermanentWidget(self.status, 1)

    # ----------------------------------------------------------------- reacting to the controller
    def _on_changed(self, kind: Change) -> None:
        s = self.controller.stepper
        last = s.last_step.label if s.last_step else "—"
        parts = [
            f"Iteration <b>{s.iteration}</b>",
            f"last step <b>{last}</b>, next <b>{s.next_step.label}</b>",
            f"J = <b>{self._latest(s, 'cost', lambda J: format_number(J, 6))}</b>",
            f"train accuracy {self._latest(s, 'train_accuracy', lambda a: format_number(100 * a, 1) + ' %')}",
        ]
        if self.controller.dataset.m_test:
            test = s.series("test_accuracy")
            index = min(s.iteration, len(test)) - 1
            shown = f"{format_number(100 * test[index], 1)} % (it. {index})" if index >= 0 else "—"
            parts.append(f"test accuracy {shown}")
        parts.append(f"α = {s.learning_rate:g}")
        if s.planted_bug_layer:
            parts.append(f"<span style='color:{self.theme.backward}'>planted bug in dW{s.planted_bug_layer}</span>")
        if s.report is not None:
            parts.append(f"<span style='color:{self.theme.backward}'><b>diverged</b> — {s.report.step}</span>")
        self.status.setText(" · ".join(parts))
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, max(s.furthest, s.iteration))
        self.timeline.setValue(s.iteration)
        self.timeline.blockSignals(False)
        self.timeline_label.setText(f"{s.iteration} / {max(s.furthest, s.iteration)}")
        self._fit_timeline_label(grow_only=True)
        self.back_action.setEnabled(s.iteration > 0 or s.position > 0 or bool(s.events))
        for action in (self.step_action, self.backward_action, self.iteration_action):
            action.setEnabled(s.report is None)
        # after a divergence Play cannot go on: it says why, and how to go on
        self.play_action.setEnabled(s.report is None or self.controller.playing)
        self.play_action.setToolTip(
            "Play / pause iterations (P)" if s.report is None
            else f"Training diverged at {s.report.step}: step back (Left) or change α to go on"
        )
        if kind in EVENT_KINDS and self._replaced_future(s):
            self.statusBar().showMessage(
                "The iterations trained after this point were discarded (Back restores them).", 8000
            )

    def _fit_timeline_label(self, grow_only: bool = False) -> None:
        """A fixed size that fits the text, grown only when the digits need it: a label that may change size
        asks the whole window to lay itself out again, at every step."""
        label = self.timeline_label
        hint = label.sizeHint()
        width = max(hint.width(), label.width() if grow_only else round(90 * self.scale))
        label.setFixedSize(width, hint.height())  # the same size again is a no-op

    def _on_rebuilt(self) -> None:
        self.banner.hide()  # a new run; an opened session shows its own explanation right after
        self.inspector.show_quantity("W", 1)
        self._update_title()
        if self._remember:
            self._store.setValue("model_settings", json.dumps(self.controller.settings.to_dict()))

    def _on_playing(self, playing: bool) -> None:
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(icon("pause" if playing else "play", self.theme.text))

    @staticmethod
    def _latest(stepper, name: str, text) -> str:
        """``Stepper.latest``'s value as ``text`` formats it, with its iteration when it is an earlier one's
        (the diagram labels it the same way)."""
        latest = stepper.latest(name)
        if latest is None:
            return "—"
        value, t = latest
        return text(value) + ("" if t == stepper.iteration else f" (it. {t})")

    @staticmethod
    def _replaced_future(stepper) -> bool:
        """Whether the event just made dropped trained iterations or later events (its redo future)."""
        event = stepper.events[-1] if stepper.events else None
        return event is not None and (
            bool(event.replaced_events) or (event.replaced_records is not None and len(event.replaced_records) > 0)
        )

    def _on_speed(self, index: int) -> None:
        self.speed.blockSignals(True)
        self.speed.setCurrentIndex(index)
        self.speed.blockSignals(False)

    def _on_diverged(self, report) -> None:
        self.statusBar().showMessage(report.message, 30_000)

    def _timeline_moved(self, value: int) -> None:
        self.controller.pause()
        self.controller.goto_iteration(value)

    # ----------------------------------------------------------------- commands
    def reset(self) -> None:
        self.controller.reset()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        app = QApplication.instance()
        if app is not None:
            apply_palette(app, theme)
        for action in self.actions():
            if action.data():
                action.setIcon(icon(action.data(), theme.text))
        self._on_playing(self.controller.playing)
        for view in (self.network_view, self.inspector, self.plots, *self.findChildren(PresenterDialog)):
            view.set_theme(theme)
        self.banner.set_style(theme, self.scale)
        if self._remember:
            self._store.setValue("theme", theme.name)

    def set_presenter_scale(self, scale: float) -> None:
        self.presenter_scale = scale
        if self.presenter_action.isChecked():
            self.toggle_presenter(True)

    def toggle_presenter(self, on: bool) -> None:
        """Full screen with every font and line scaled; the settings dock hides."""
        self.scale = self.presenter_scale if on else 1.0
        for view in (self.network_view, self.inspector, self.plots, *self.findChildren(PresenterDialog)):
            view.set_scale(self.scale)
        apply_dialog_scale(QApplication.instance(), self.scale)  # message boxes: help, questions, errors
        font = self.font()
        font.setPointSizeF(QApplication.font().pointSizeF() * self.scale)
        self.toolbar.setFont(font)
        icon = self.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarIconSize)
        self.toolbar.setIconSize(QSize(round(icon * self.scale), round(icon * self.scale)))
        self.status.setFont(font)
        scale_dock_chrome(self, self.scale)
        self.banner.set_style(self.theme, self.scale)
        self._fit_timeline_label()
        self.presenter_action.setChecked(on)
        if on:
            self.showFullScreen()
        else:
            self.showNormal()
        self._default_layout()

    def _escape(self) -> None:
        """Esc: hide the lesson banner if it shows, else leave presenter mode."""
        if self.banner.isVisible():
            self.banner.hide()
        elif self.presenter_action.isChecked():
            self.toggle_presenter(False)

    def show_help(self) -> TextDialog:
        return self._show_text("Keyboard", KEYBOARD_HELP)

    def show_about(self) -> TextDialog:
        return self._show_text(
            "About backpropviz",
            f"<h3>backpropviz {__version__}</h3><p>Watch and step backpropagation with the numbers of "
            "Andrew Ng's deep learning course (C1, weeks 3–4).</p><p>MIT licence.</p>" + KEYBOARD_HELP,
        )

    def _show_text(self, title: str, text: str) -> TextDialog:
        """A text in the presenter's scale and the theme (a message box would cap its width at 500 px)."""
        dialog = TextDialog(self, title, text, self.theme, self.scale)
        dialog.show()
        return dialog

    def _default_layout(self) -> None:
        """The diagram gets the most room; the docks are arranged for the window's size (window_layout.py)."""
        self.dock_layout.arrange(size_class(self.size(), self.presenter_action.isChecked()))
        self._show_panels_state()
        self._fit_toolbar()

    def _reset_layout(self) -> None:
        self._default_layout()

    def follow_size(self) -> None:
        """Docks and toolbar for the window's present size (a resize does this once it has settled)."""
        self._relayout.stop()
        self.dock_layout.follow(self.presenter_action.isChecked())
        self._show_panels_state()
        self._fit_toolbar()

    def _fit_toolbar(self) -> None:
        primary = (self.back_action, self.step_action, self.iteration_action, self.play_action)
        fit_toolbar(self.toolbar, self.width(), primary)

    def toggle_panels(self) -> None:
        """F9: every dock hidden, the diagram alone (a class looking at one step); again: as they were."""
        self.dock_layout.toggle_panels()
        self._show_panels_state()

    def _show_panels_state(self) -> None:
        self.panels_action.setText("Hide panels" if self.dock_layout.panels_shown else "Show panels")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout.start()

    # ----------------------------------------------------------------- window state
    def _restore_window(self) -> None:
        geometry = self._store.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self._store.value("window_state")
        if isinstance(state, QByteArray) and self.restoreState(state):
            # the docks as the user left them, for as long as the window keeps its size class
            self.dock_layout.arranged_for = size_class(self.size(), False)
        self.set_theme(THEMES.get(str(self._store.value("theme", "light")), LIGHT))

    def offer_recovery(self) -> bool:
        """After a crash the autosave is still there: offer to continue from it."""
        path = autosave_path()
        if self.autosave is None or not path.exists():
            return False
        answer = QMessageBox.question(
            self, "Recover the last session?",
            "backpropviz did not close normally last time. Continue from the automatically saved session?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        )
        recovered = answer == QMessageBox.StandardButton.Yes and self.files.open_path(path)
        if recovered:
            self.files.path = None  # a recovered run belongs to no file of the user's
            self.controller.set_modified(True)
            self._update_title()
        else:
            path.unlink(missing_ok=True)
        return recovered

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.pause()
        if not self.files.maybe_save():
            event.ignore()
            return
        if self.autosave is not None:
            self.autosave.discard()
        self.errors.uninstall()
        if self._remember:
            self._store.setValue("geometry", self.saveGeometry())
            self._store.setValue("window_state", self.saveState())
        super().closeEvent(event)
