"""The main window: the diagram in the centre, inspector, settings and plots in docks, toolbar and keys."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSlider,
    QToolBar,
    QWidget,
)

from .. import __version__
from ..engine.model import ModelSettings
from .controller import SPEEDS, Controller
from .files import SessionFiles, render_scene
from .gradcheck_dialog import GradCheckDialog
from .icons import icon
from .inspector import Inspector
from .network_view import NetworkView
from .panels import SettingsPanel
from .plots import PlotsPanel
from .presenter_dialog import PresenterDialog, TextDialog
from .safety import Autosave, ErrorReporter, autosave_path
from .static_label import StaticLabel
from .theme import LIGHT, THEMES, Theme, apply_dialog_scale, apply_palette, format_number

PRESENTER_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
DEFAULT_PRESENTER_SCALE = 1.75
KEYBOARD_HELP = """<table cellpadding="3">
<tr><td><b>Right</b>, <b>Space</b>, <b>Page Down</b></td><td>next micro-step</td></tr>
<tr><td><b>Left</b>, <b>Page Up</b></td><td>back one micro-step (undo)</td></tr>
<tr><td><b>B</b></td><td>next backward step (runs forward to the cost first)</td></tr>
<tr><td><b>Enter</b></td><td>finish the iteration</td></tr>
<tr><td><b>P</b></td><td>play / pause</td></tr>
<tr><td><b>R</b></td><td>reset to the initial parameters</td></tr>
<tr><td><b>F11</b></td><td>presenter mode</td></tr>
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
        self.setCentralWidget(self.network_view)
        self.inspector = Inspector(controller, self.theme)
        self.settings_panel = SettingsPanel(controller)
        self.plots = PlotsPanel(controller, self.theme)
        self.gradcheck = GradCheckDialog(controller, self)
        scroll = QScrollArea()
        scroll.setWidget(self.settings_panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.settings_panel.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        self.inspector_dock = self._dock("Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self.settings_dock = self._dock("Settings", scroll, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.plots_dock = self._dock("Plots", self.plots, Qt.DockWidgetArea.BottomDockWidgetArea)
        # the boundary deserves to be seen beside the cost curve while Play runs, not behind a tab
        self.plots.removeTab(self.plots.indexOf(self.plots.boundary))
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.boundary_dock = self._dock("Decision boundary", self.plots.boundary, bottom)
        self.splitDockWidget(self.plots_dock, self.boundary_dock, Qt.Orientation.Horizontal)
        self.plots.boundary.confirm_discard = lambda: self.settings_panel.confirm(self)

        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        self.network_view.selected.connect(self.inspector.show_quantity)
        controller.changed.connect(self._on_changed)
        controller.rebuilt.connect(self._on_rebuilt)
        controller.playingChanged.connect(self._on_playing)
        controller.diverged.connect(self._on_diverged)
        controller.modifiedChanged.connect(self._update_title)
        self.files.pathChanged.connect(self._update_title)
        self.inspector.show_quantity("W", 1)
        self.resize(1440, 900)
        self._default_layout()
        self.set_theme(self.theme)
        if remember:
            self._restore_window()
        self._on_changed("reset")
        self._update_title()
        self.errors = ErrorReporter(self)
        self.autosave: Autosave | None = None
        if remember:
            self.errors.install()
            self.autosave = Autosave(controller, autosave_path())

    @staticmethod
    def _build_controller(settings: ModelSettings) -> Controller:
        try:
            return Controller(settings)
        except ValueError:
            return Controller()

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
            "Gradient check…", self.gradcheck.show, (), "gradcheck", "Compare backprop's dW with numerical slopes"
        )
        self.presenter_action = self._action(
            "Presenter mode", self.toggle_presenter, ("F11",), "presenter", "Full screen, large fonts"
        )
        self.presenter_action.setCheckable(True)
        self.help_action = self._action("Keyboard and help", self.show_help, ("F1",), "", "Keys and what they do")

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
        self.speed.currentIndexChanged.connect(self.controller.set_speed)
        bar.addWidget(self.speed)
        bar.addSeparator()
        bar.addWidget(QLabel(" Iteration "))
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setMinimumWidth(220)
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
        from ..engine.presets import PRESETS

        presets = menu.addMenu("&Presets")
        for preset in PRESETS:
            action = presets.addAction(preset.title)
            action.setStatusTip(preset.purpose)
            action.setToolTip(preset.purpose)
            action.triggered.connect(lambda _=False, key=preset.key: self.open_preset(key))
        presets.setToolTipsVisible(True)

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
        return self.files.adopt(load_preset(key), preset.title)

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
    def _on_changed(self, kind: str) -> None:
        s = self.controller.stepper
        last = s.last_step.label if s.last_step else "—"
        cost = s.current_cost
        if cost is None and s.iteration > 0 and s.iteration <= len(s.series("cost")):
            cost = s.series("cost")[s.iteration - 1]
        train = s.series("train_accuracy")
        test = s.series("test_accuracy")
        index = min(s.iteration, len(train)) - 1
        parts = [
            f"Iteration <b>{s.iteration}</b>",
            f"last step <b>{last}</b>, next <b>{s.next_step.label}</b>",
            f"J = <b>{format_number(cost, 6) if cost is not None else '—'}</b>",
            f"train accuracy {format_number(100 * train[index], 1) + ' %' if index >= 0 else '—'}",
        ]
        if self.controller.dataset.m_test:
            parts.append(f"test accuracy {format_number(100 * test[index], 1) + ' %' if index >= 0 else '—'}")
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

    def _fit_timeline_label(self, grow_only: bool = False) -> None:
        """A fixed size that fits the text, grown only when the digits need it: a label that may change size
        asks the whole window to lay itself out again, at every step."""
        label = self.timeline_label
        hint = label.sizeHint()
        width = max(hint.width(), label.width() if grow_only else round(90 * self.scale))
        label.setFixedSize(width, hint.height())  # the same size again is a no-op

    def _on_rebuilt(self) -> None:
        self.inspector.show_quantity("W", 1)
        self._update_title()
        if self._remember:
            self._store.setValue("model_settings", json.dumps(self.controller.settings.to_dict()))

    def _on_playing(self, playing: bool) -> None:
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setIcon(icon("pause" if playing else "play", self.theme.text))

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
        self.status.setFont(font)
        self._fit_timeline_label()
        self.settings_dock.setVisible(not on)
        self.presenter_action.setChecked(on)
        if on:
            self.showFullScreen()
            # the diagram is what the room looks at: give it the larger share of the screen
            size = self.screen().availableGeometry().size()
            self.resizeDocks([self.inspector_dock], [int(size.width() * 0.27)], Qt.Orientation.Horizontal)
            self.resizeDocks([self.plots_dock], [int(size.height() * 0.3)], Qt.Orientation.Vertical)
        else:
            self.showNormal()
            self._default_layout()

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
        """The diagram gets the most room; the docks start at sizes where their contents read well."""
        self.resizeDocks([self.settings_dock, self.inspector_dock], [330, 430], Qt.Orientation.Horizontal)
        self.resizeDocks([self.plots_dock], [300], Qt.Orientation.Vertical)
        self.resizeDocks([self.plots_dock, self.boundary_dock], [900, 500], Qt.Orientation.Horizontal)

    # ----------------------------------------------------------------- window state
    def _restore_window(self) -> None:
        geometry = self._store.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self._store.value("window_state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
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
