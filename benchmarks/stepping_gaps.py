"""The longest stall of the window's thread while a user finishes iterations, steps, plays and scrubs, on the
nets the issue names, measured in one run on this machine.

Run from the checkout: ``python benchmarks/stepping_gaps.py [--quick] [--nets NAME …]`` (offscreen; a few
minutes, ``--quick`` about a minute). Nothing the window does may hold its thread for more than 100 ms
(DESIGN.md §4). A QTimer ticking every TICK_MS on that thread records the longest interval between two of its
ticks from the click until the action is over and every view shows its result (the decision boundary is
computed on a thread of its own: the action ends when it is up to date). A gap of 3 s means the window could
neither paint nor take a key for 3 s.

The real ``MainWindow`` (1280×720, nothing remembered, the Weights tab shown: the heatmaps are the costliest
plot) is set up once per net:

- ``6x1024``: six relu hidden layers of 1,024 units on the flower (m = 400), 5.2 million parameters, with the
  decision boundary;
- ``784-128-64-1``: relu on 10,000 random examples of 784 features (benchmarks/gui_live.py's), no boundary
  (784 features);
- ``flower``: the course's 2-4-1 tanh net, for reference.

Actions: ``iteration`` (Finish iteration, three times), ``micro-steps`` (every micro-step of an iteration,
one click at a time), ``back`` (Back over an Update), ``play`` (Play at Maximum for PLAY_SECONDS, then Pause),
``scrub`` (the timeline to the start, the middle and the end of what was trained) and ``reset``.

Besides the longest gap, each row names the longest single call into the engine on the window's thread
(``Stepper`` computing, which no view can shorten) and the longest single ``controller.changed`` slot of a
view (the views' own share), so that a gap over 100 ms says whose it is.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import argparse
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

try:
    import backpropviz  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`: the package sits next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from backpropviz.engine.blas import current_threads
from backpropviz.engine.datasets import toy_dataset
from backpropviz.engine.model import HiddenLayer, ModelSettings
from backpropviz.engine.stepper import Stepper
from backpropviz.gui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts, however this one is started
from engine_vs_textbook import machine_header
from gui_live import WIDE_HIDDEN, make_app, make_window, maximum_speed_index, receivers, run_loop, wide_dataset

WINDOW_SIZE = (1280, 720)
TICK_MS = 5
LIMIT_SECONDS = 0.100  # DESIGN.md §4: no action blocks the window's thread for longer
PLAY_SECONDS = 4.0
SETTLE_SECONDS = 0.3  # the event loop runs this long after an action before its gaps are taken
ENGINE_CALLS = ("run", "step", "finish_iteration", "step_backward_phase", "back", "goto", "reset", "fast_forward")


# ===================================================================== measuring
class GapMeter(QObject):
    """A precise timer on the window's thread; ``gaps`` are the intervals between its ticks since ``start``."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self.gaps: list[float] = []

    def start(self) -> None:
        self.gaps = []
        self._clock.start()
        self._timer.start()

    def _tick(self) -> None:
        self.gaps.append(self._clock.nsecsElapsed() / 1e9)
        self._clock.restart()

    def stop(self) -> list[float]:
        self._timer.stop()
        self.gaps.append(self._clock.nsecsElapsed() / 1e9)
        return self.gaps


@dataclass
class Longest:
    """The longest single call seen, by name."""

    seconds: float = 0.0
    name: str = ""

    def note(self, seconds: float, name: str) -> None:
        if seconds > self.seconds:
            self.seconds, self.name = seconds, name


@dataclass
class Probe:
    """Times the engine's calls and every view's changed slot while installed."""

    window: MainWindow
    engine: Longest = field(default_factory=Longest)
    views: Longest = field(default_factory=Longest)

    def __post_init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def install(self) -> None:
        stepper = self.window.controller.stepper
        for name in ENGINE_CALLS:
            original = getattr(Stepper, name)

            @functools.wraps(original)
            def timed(*args, original=original, name=name, **kwargs):
                start = time.perf_counter()
                try:
                    return original(stepper, *args, **kwargs)
                finally:
                    self.engine.note(time.perf_counter() - start, name)

            setattr(stepper, name, timed)
            self._undo.append(functools.partial(delattr, stepper, name))
        changed = self.window.controller.changed
        for name, view in receivers(self.window).items():
            slot = getattr(view, "_on_changed", None)
            if slot is None:
                continue
            try:
                changed.disconnect(slot)
            except (RuntimeError, TypeError):
                continue

            def timed_slot(kind, slot=slot, name=name) -> None:
                start = time.perf_counter()
                slot(kind)
                self.views.note(time.perf_counter() - start, name)

            changed.connect(timed_slot)
            self._undo.append(functools.partial(self._reconnect, slot, timed_slot))

    def _reconnect(self, slot, timed_slot) -> None:
        changed = self.window.controller.changed
        changed.disconnect(timed_slot)
        changed.connect(slot)

    def remove(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo = []


@dataclass
class Row:
    net: str
    action: str
    gaps: list[float]
    engine: Longest
    views: Longest
    seconds: float

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)

    @property
    def over(self) -> int:
        return sum(g > LIMIT_SECONDS for g in self.gaps)


# ===================================================================== the nets and the actions
def deep_settings() -> ModelSettings:
    return ModelSettings(hidden=tuple(HiddenLayer(1024, "relu") for _ in range(6)), init="he", learning_rate=0.01)


def set_up(window: MainWindow, net: str) -> None:
    controller = window.controller
    if net == "6x1024":
        settings = deep_settings()
        controller.apply_settings(settings, toy_dataset(settings.dataset))
    elif net == "784-128-64-1":
        controller.apply_settings(ModelSettings(hidden=WIDE_HIDDEN, init="he", learning_rate=0.01), wide_dataset())
    else:
        controller.apply_settings(ModelSettings())
    window.plots.setCurrentWidget(window.plots.weights)


def idle(window: MainWindow) -> bool:
    """Nothing left to show: not playing and the decision boundary up to date (or not shown)."""
    boundary = window.plots.boundary
    return not window.controller.playing and (not boundary.available or boundary.up_to_date)


def finish_iterations(window: MainWindow, quick: bool) -> None:
    for _ in range(1 if quick else 3):
        QTimer.singleShot(0, window.iteration_action.trigger)
        run_loop(60.0, until=lambda: idle(window) and window.controller.stepper.position == 0)


def micro_steps(window: MainWindow, quick: bool) -> None:
    stepper = window.controller.stepper
    for _ in range(len(stepper.steps)):
        QTimer.singleShot(0, window.step_action.trigger)
        run_loop(60.0, until=lambda: idle(window))


def back(window: MainWindow, quick: bool) -> None:
    QTimer.singleShot(0, window.back_action.trigger)  # at an iteration's start: undoes the Update
    run_loop(60.0, until=lambda: idle(window))


def play(window: MainWindow, quick: bool) -> None:
    window.speed.setCurrentIndex(maximum_speed_index())
    QTimer.singleShot(0, window.play_action.trigger)
    run_loop(PLAY_SECONDS / (2 if quick else 1))
    QTimer.singleShot(0, window.play_action.trigger)
    run_loop(60.0, until=lambda: idle(window))


def scrub(window: MainWindow, quick: bool) -> None:
    furthest = window.controller.stepper.furthest
    for value in (0, furthest // 2, furthest):
        QTimer.singleShot(0, functools.partial(window.timeline.setValue, value))
        run_loop(60.0, until=lambda: idle(window))


def reset(window: MainWindow, quick: bool) -> None:
    QTimer.singleShot(0, window.reset_action.trigger)
    run_loop(60.0, until=lambda: idle(window))


ACTIONS: dict[str, Callable[[MainWindow, bool], None]] = {
    "iteration": finish_iterations, "micro-steps": micro_steps, "back": back, "play": play, "scrub": scrub,
    "reset": reset,
}
NETS = ("flower", "6x1024", "784-128-64-1")


def measure(app: QApplication, window: MainWindow, net: str, quick: bool) -> list[Row]:
    set_up(window, net)
    run_loop(60.0, until=lambda: idle(window))
    run_loop(SETTLE_SECONDS)
    rows = []
    meter = GapMeter()
    for name, action in ACTIONS.items():
        probe = Probe(window)
        probe.install()
        meter.start()
        start = time.perf_counter()
        action(window, quick)
        seconds = time.perf_counter() - start
        run_loop(SETTLE_SECONDS)
        gaps = meter.stop()
        probe.remove()
        rows.append(Row(net, name, gaps, probe.engine, probe.views, seconds))
        print(f"  {net:13s} {name:12s} longest gap {1000 * rows[-1].longest:7.1f} ms", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter Play")
    parser.add_argument("--nets", nargs="+", choices=NETS, default=list(NETS))
    args = parser.parse_args()
    app = make_app()
    window = make_window(app, WINDOW_SIZE)
    print("backpropviz benchmark: longest stalls of the window's thread" + (" (--quick)" if args.quick else ""))
    for line in machine_header():  # the load average at the start too
        print("  " + line)
    rows: list[Row] = []
    for net in args.nets:
        rows += measure(app, window, net, args.quick)
        print(f"  ({net}: BLAS threads in the window {current_threads()})")
    window.close()
    print()
    print(f"| net | action | longest gap | gaps > {1000 * LIMIT_SECONDS:.0f} ms | longest engine call | "
          "longest view slot | action took |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        engine = f"{1000 * r.engine.seconds:.0f} ms ({r.engine.name})" if r.engine.name else "—"
        views = f"{1000 * r.views.seconds:.0f} ms ({r.views.name})" if r.views.name else "—"
        print(f"| {r.net} | {r.action} | {1000 * r.longest:.0f} ms | {r.over} | {engine} | {views} | "
              f"{r.seconds:.1f} s |")
    print("(a loaded machine stretches gaps: the scheduler can hold a runnable thread back for 100 ms and more)")


if __name__ == "__main__":
    main()
