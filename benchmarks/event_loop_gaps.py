"""The longest event-loop gap on the window's thread while an action runs, on the nets the issue names.

Run from the checkout: ``python benchmarks/event_loop_gaps.py [--nets NAME …] [--actions NAME …]``
(offscreen; about a minute with every net and action). Nothing the window does may hold its thread for more
than 100 ms (DESIGN.md §4): a QTimer ticking every TICK_MS on that thread records the largest interval
between two of its ticks while the action runs, from the click until the action has finished. A gap of
3 s means the window could neither paint nor take a key for 3 s. Beside the longest gap comes the CPU time
the window's thread spent in it: close to the gap, the window's own work was slow; far below it, the thread
waited (for the GIL, or for a core that other threads or processes held: the load average is printed).

The real ``MainWindow`` (1280×720, nothing remembered) is set up once per net:

- ``6x1024``: six tanh hidden layers of 1,024 units on the flower (m = 400), 5.2 million parameters;
- ``784-128-64-1``: relu on 10,000 random examples of 784 features (as benchmarks/gui_live.py).

Each action is a function that takes the ``Bench``, starts what a user's click starts, and runs the event
loop (``bench.wait_until``) until the action is over; add one to ACTIONS to measure it too (applying
settings, finishing an iteration, scrubbing, Play …). The table at the end lists the longest gap, the
number of gaps over 100 ms and the action's own duration per net and action.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    import backpropviz
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`: the package sits next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import backpropviz

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from backpropviz.engine.datasets import Dataset, toy_dataset
from backpropviz.engine.model import HiddenLayer, ModelSettings
from backpropviz.engine.presets import HIDDEN_LAYER_SWEEP
from backpropviz.gui.main_window import MainWindow
from backpropviz.gui.sweep_dialog import SweepDialog

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts, however this one is started
from engine_vs_textbook import machine_header
from gui_live import WIDE_HIDDEN, make_app, make_window, run_loop, settle, wide_dataset

WINDOW_SIZE = (1280, 720)
TICK_MS = 5
LIMIT_SECONDS = 0.100  # DESIGN.md §4: no action blocks the window's thread for longer


# ===================================================================== measuring
class GapMeter(QObject):
    """A precise timer on the window's thread; ``stop`` returns the longest interval between its ticks."""

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self._last = 0
        self.gaps: list[float] = []
        self.ends: list[float] = []  # seconds from start to the end of each gap
        self.busy: list[float] = []  # CPU seconds of the window's thread during each gap
        self._cpu = 0.0

    def start(self) -> None:
        self.gaps, self.ends, self.busy = [], [], []
        self._clock.start()
        self._last = 0
        self._cpu = time.thread_time()
        self._timer.start()

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        cpu = time.thread_time()
        self.gaps.append((now - self._last) / 1e9)
        self.ends.append(now / 1e9)
        self.busy.append(cpu - self._cpu)
        self._last, self._cpu = now, cpu

    def stop(self) -> tuple[list[float], list[float], list[float]]:
        """Every interval from ``start`` on, when each ended and the window's thread's CPU time in it; the
        last one up to now (an action that blocks to its very end would otherwise never be counted)."""
        self._tick()
        self._timer.stop()
        return self.gaps, self.ends, self.busy


@dataclass(frozen=True)
class Net:
    name: str
    description: str
    settings: ModelSettings
    dataset: Callable[[], Dataset]


NETS = (
    Net("6x1024", "6 × 1,024 tanh, flower m = 400",
        ModelSettings(hidden=tuple(HiddenLayer(1024, "tanh") for _ in range(6)), init="xavier"),
        lambda: toy_dataset("flower")),
    Net("784-128-64-1", "784-128-64-1 relu, m = 10,000",
        ModelSettings(hidden=WIDE_HIDDEN, init="he", learning_rate=0.01), wide_dataset),
)


@dataclass
class Bench:
    """What an action works on: the app, the window (on ``net``) and how to wait for the action's end."""

    app: QApplication
    window: MainWindow
    net: Net

    def wait_until(self, done: Callable[[], bool], timeout: float) -> None:
        """Run the event loop until ``done()`` (polled every few ms), at most ``timeout`` seconds."""
        if not done():
            run_loop(timeout, done)
        if not done():
            raise TimeoutError(f"not finished after {timeout:.0f} s")


@dataclass(frozen=True)
class Action:
    name: str
    run: Callable[[Bench], None]  # starts the action as a click would and returns once it is over
    timeout: float = 600.0
    per_net: bool = True  # False: the action does not depend on the net (it runs on the first one only)


@dataclass
class Measurement:
    net: Net
    action: Action
    gaps: list[float]
    ends: list[float]  # seconds from the click to the end of each gap
    busy: list[float]  # CPU seconds the window's thread spent in each gap (the rest it waited: for the
    # GIL, or for a core that other threads and processes held)
    seconds: float

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)

    @property
    def _longest_index(self) -> int:
        return max(range(len(self.gaps)), key=self.gaps.__getitem__)

    @property
    def longest_began(self) -> float:
        """Seconds from the click to the start of the longest gap."""
        return self.ends[self._longest_index] - self.longest

    @property
    def longest_busy(self) -> float:
        """CPU seconds of the window's thread in the longest gap."""
        return self.busy[self._longest_index]

    @property
    def over_limit(self) -> int:
        return sum(gap > LIMIT_SECONDS for gap in self.gaps)


# ===================================================================== the actions
def open_gradient_check(bench: Bench) -> None:
    """The toolbar's "Gradient check…": the dialog appears (and paints)."""
    bench.window.gradcheck_action.trigger()
    bench.wait_until(lambda: bench.window.gradcheck.isVisible(), 5)
    settle(bench.app)


def gradient_check(bench: Bench) -> None:
    """"Run gradient check" in the dialog, until its result is on show."""
    dialog = bench.window.gradcheck
    dialog.show()
    results = []
    dialog.checked.connect(results.append)
    try:
        dialog._run.click()
        bench.wait_until(lambda: bool(results), 600)
        settle(bench.app)
    finally:
        dialog.checked.disconnect(results.append)


def hidden_layer_sweep(bench: Bench) -> None:
    """The "Hidden layer size sweep" preset: open it, Run, until the notebook's 7 nets are trained."""
    bench.window.open_preset(HIDDEN_LAYER_SWEEP)
    dialog = bench.window.findChildren(SweepDialog)[-1]
    results = []
    dialog.completed.connect(results.append)
    dialog.run_button.click()
    bench.wait_until(lambda: bool(results), 120)
    settle(bench.app)
    dialog.close()


ACTIONS = (
    Action("open the gradient check", open_gradient_check),
    Action("gradient check", gradient_check),
    Action("hidden-layer sweep", hidden_layer_sweep, per_net=False),
)


# ===================================================================== running
def measure(bench: Bench, action: Action, meter: GapMeter) -> Measurement:
    settle(bench.app, 200)
    meter.start()
    start = time.perf_counter()
    action.run(bench)
    seconds = time.perf_counter() - start
    return Measurement(bench.net, action, *meter.stop(), seconds)


def header_lines(app: QApplication) -> list[str]:
    return [
        *machine_header(),
        f"backpropviz {backpropviz.__version__} ({Path(backpropviz.__file__).parent}), PySide6 {pyside_version}, "
        f"Qt platform {app.platformName()}; window {WINDOW_SIZE[0]}×{WINDOW_SIZE[1]}; timer every {TICK_MS} ms",
    ]


def table(rows: Sequence[list[Measurement]]) -> list[str]:
    """One row per net and action: the repeat with the shortest longest gap (other jobs on these shared
    CPUs only ever lengthen gaps), the worst repeat beside it."""
    lines = [
        "| net | action | longest gap (best repeat) | worst repeat | gaps > 100 ms | action took | ≤ 100 ms |",
        "|---|---|---:|---:|---:|---:|:-:|",
    ]
    for repeats in rows:
        best = min(repeats, key=lambda m: m.longest)
        worst = max(m.longest for m in repeats)
        ok = "✓" if best.longest <= LIMIT_SECONDS else "✗"
        lines.append(f"| {best.net.description} | {best.action.name} | {1000 * best.longest:,.0f} ms | "
                     f"{1000 * worst:,.0f} ms | {best.over_limit} | {best.seconds:.2f} s | {ok} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", nargs="+", choices=[n.name for n in NETS], default=[n.name for n in NETS])
    parser.add_argument("--actions", nargs="+", choices=[a.name for a in ACTIONS],
                        default=[a.name for a in ACTIONS], metavar="ACTION",
                        help="any of: " + ", ".join(repr(a.name) for a in ACTIONS))
    parser.add_argument("--repeats", type=int, default=1, help="runs of each action; the best one counts")
    args = parser.parse_args(argv)
    app = make_app()
    print("backpropviz benchmark: the longest event-loop gap on the window's thread per action")
    for line in header_lines(app):
        print("  " + line)
    print(flush=True)

    window = make_window(app, WINDOW_SIZE)
    meter = GapMeter()
    rows: list[list[Measurement]] = []
    first = True
    for net in (n for n in NETS if n.name in args.nets):
        window.controller.apply_settings(net.settings, net.dataset())
        settle(app, 500)
        bench = Bench(app, window, net)
        for action in (a for a in ACTIONS if a.name in args.actions and (a.per_net or first)):
            rows.append([])
            for _ in range(args.repeats):
                m = measure(bench, action, meter)
                rows[-1].append(m)
                print(f"  {net.description}: {action.name}: longest gap {1000 * m.longest:,.0f} ms "
                      f"(the window's thread busy {1000 * m.longest_busy:,.0f} ms of it), from {m.longest_began:.2f} s"
                      f" on; {m.over_limit} over 100 ms; {m.seconds:.2f} s", flush=True)
        first = False
    print(f"  load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("\n".join(table(rows)))
    window.close()
    return 0 if all(min(m.longest for m in repeats) <= LIMIT_SECONDS for repeats in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
