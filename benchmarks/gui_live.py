"""Live plots: the real window playing, against the headless engine, measured in one run on this machine.

Run from the checkout: ``python benchmarks/gui_live.py [--quick]`` (offscreen; about 2 minutes, ``--quick``
about 25 s). Other processes on the machine move these numbers a lot (the wide net's BLAS uses every core):
the header and the footer print the load average.

What it prints:

1. iterations/s of the headless engine on the course's flower net (2-4-1 tanh, m = 400): ``Network.train``
   and ``Stepper.run`` (the call Play makes, in Play's own batch size), each for half as long as a Play run;
2. the same net playing in the real ``MainWindow`` at the "Maximum" speed, the Qt event loop running for a
   few seconds (no sleeps): iterations/s, redraws/s (``controller.changed("run")`` emissions and paint
   events of the diagram's viewport) and the ratio live/headless — once in the default layout and once
   with every plot visible (the plots leave their tabs for docks of their own). Play trains in the worker
   process (engine/worker.py) once it is ready; the iterations counted are the ones the window shows;
3. where a Play frame goes: the worker's training (its own timing of each chunk) or, for frames trained
   in the window, Stepper.run; the window's taking over of the chunks, the views' update slots (per
   view) and the rest (painting, Qt, waiting for the next frame); the paint of a whole frame after a
   batch of iterations, and of each view alone (``widget.grab()``);
4. a 784-128-64-1 relu net on m = 10,000 random examples: the latency of one micro-step with its redraw
   (``controller.step_forward()`` + ``app.processEvents()``, which paints what changed, as the screen
   shows it), per micro-step of iterations 2–4 of a fresh run, clicked at a student's pace (the event loop
   runs STUDENT_PAUSE seconds between clicks: the window computes a costly next step ahead meanwhile, see
   engine/prefetch.py) on PACED_ROUNDS fresh runs, each step's fastest reported (other jobs on these
   shared CPUs slow single clicks by up to 2× from one minute to the next; every run's slowest is printed
   too) and, in another fresh run, back to back (a held key: nothing can be computed ahead);
   then one iteration at the pace a few dozen iterations in (the curves' axes settled); a forced repaint of
   the whole window
   (``window.grab()``) afterwards is printed beside it for reference, not counted: no step needs one;
5. on that wide net, the Pause latency while Play runs: a request arrives from another thread at a random
   moment (as a key press would, queued to the GUI thread, triggering the Play/Pause action) and the time
   until Play has stopped is measured. Training in the worker, the window only waits for the frame under
   way; training in the window (before the worker is ready), for the whole iterations of the tick.

Headless and live runs alternate repeat by repeat (two shared cores drift) and the best repeat counts; the
spread column shows the noise. At the end comes a markdown table to paste into README.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import argparse
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

try:
    import backpropviz
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`: the package sits next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import backpropviz

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox, QWidget

from backpropviz.engine.datasets import Dataset
from backpropviz.engine.model import HiddenLayer, ModelSettings, build_dataset, build_stepper
from backpropviz.gui.controller import SPEEDS, WORK_SECONDS, shared_worker
from backpropviz.gui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling script, however this one is started
from engine_vs_textbook import machine_header

WINDOW_SIZE = (1440, 900)  # the app's default --size
WIDE_HIDDEN = (HiddenLayer(128, "relu"), HiddenLayer(64, "relu"))
WIDE_M = 10_000
TARGET_RATIO = 0.7
TARGET_REDRAWS = 30.0
TARGET_STEP_MS = 30.0
STUDENT_PAUSE = 0.5  # seconds between clicks: a fast student (reading a step's numbers takes longer)
PACED_ROUNDS = 3  # fresh runs clicked at the pace; each step's best of them is reported, as Play's best repeat
LATER_ITERATIONS = 25  # trained before the micro-steps of a later iteration (the curves' axes have settled)
TARGET_PAUSE_MS = 100.0  # not from the issue: the usual limit for a response to feel immediate


# ===================================================================== the window
def _qt_message(mode, context, message: str) -> None:
    # The offscreen platform says this for every top-level window with a layout; it is not ours.
    if "propagateSizeHints" not in message:
        print(f"Qt: {message}", file=sys.stderr)


def make_app() -> QApplication:
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("backpropviz-benchmark")
    app.setOrganizationName("backpropviz-benchmark")
    return app  # type: ignore[return-value]


def make_window(app: QApplication, size: tuple[int, int] = WINDOW_SIZE) -> MainWindow:
    """The real window, nothing remembered, closing never asks; shown, settled, and the training worker ready
    (it starts a second after the window's first paint; a Play before then trains in the window)."""
    window = MainWindow(remember=False)
    window.files.ask_save = lambda: QMessageBox.StandardButton.Discard
    window.files.warn = lambda title, text: print(f"  (window warning: {title}: {text})")
    window.settings_panel.confirm = lambda parent: True
    window.resize(*size)
    window.show()
    settle(app)
    worker = shared_worker()

    def worker_ready() -> bool:
        if worker is None:
            return True  # it cannot run here: Play trains in the window
        worker.messages()  # takes the child's ``ready``
        return worker.ready or not worker.alive

    run_loop(60.0, until=worker_ready)
    return window


def settle(app: QApplication, ms: int = 50) -> None:
    """Run the event loop briefly so layouts settle and pending paints happen."""
    run_loop(ms / 1000)
    app.processEvents()


def run_loop(seconds: float, until: Callable[[], bool] | None = None) -> QEventLoop:
    """The Qt event loop for ``seconds`` (a QTimer quits it); ``until`` may quit earlier (polled each 5 ms)."""
    loop = QEventLoop()
    QTimer.singleShot(max(1, round(seconds * 1000)), loop.quit)
    if until is not None:
        poll = QTimer()
        poll.setInterval(5)
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start()
    loop.exec()
    return loop


def plot_views(window: MainWindow) -> dict[str, QWidget]:
    p = window.plots
    return {"cost": p.cost, "accuracy": p.accuracy, "weights": p.weights, "gradients": p.grad_norms,
            "boundary": p.boundary}


def show_all_plots(app: QApplication, window: MainWindow) -> dict[str, tuple[int, int]]:
    """Every plot visible at once: accuracy beside cost, weights and gradients under the inspector.

    The window keeps the plots as tabs (only one shows; hidden ones skip their work); this is the worst
    case for Play. Returns each plot's on-screen size (0×0 if hidden).
    """
    panel = window.plots
    bottom, right = Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    docks = {}
    for name, plot, area in (("Accuracy", panel.accuracy, bottom), ("Weights", panel.weights, right),
                             ("Gradients", panel.grad_norms, right)):
        index = panel.indexOf(plot)
        if index >= 0:
            panel.removeTab(index)
        dock = QDockWidget(name, window)
        dock.setObjectName(f"benchmark_{name.lower()}_dock")
        dock.setWidget(plot)
        window.addDockWidget(area, dock)
        docks[name] = dock
    window.splitDockWidget(window.plots_dock, docks["Accuracy"], Qt.Orientation.Horizontal)
    window.splitDockWidget(window.inspector_dock, docks["Weights"], Qt.Orientation.Vertical)
    window.splitDockWidget(docks["Weights"], docks["Gradients"], Qt.Orientation.Vertical)
    panel.setCurrentWidget(panel.cost)
    for dock in docks.values():
        dock.show()
    settle(app, 100)
    return visible_sizes(window)


def visible_sizes(window: MainWindow) -> dict[str, tuple[int, int]]:
    return {name: (plot.width(), plot.height()) if plot.isVisible() else (0, 0)
            for name, plot in plot_views(window).items()}


def sizes_text(sizes: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{name} {w}×{h}" if w else f"{name} hidden" for name, (w, h) in sizes.items())


def maximum_speed_index() -> int:
    return next(i for i, speed in enumerate(SPEEDS) if speed.per_second is None)


class PaintCounter(QObject):
    """Counts paint events of the widgets it is installed on."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Requester(QObject):
    """A pause request from another thread: queued to the GUI thread, like a key press."""

    request = Signal()


# ===================================================================== headless
def flower_stepper():
    settings = ModelSettings()
    return build_stepper(settings, build_dataset(settings))


def play_batch(rate: float) -> int:
    """Iterations per Play tick at ``rate`` it/s (the controller sizes its batches to WORK_SECONDS)."""
    return max(1, int(WORK_SECONDS * rate))


def iteration_rate(train: Callable[[int], object], seconds: float, batch: int) -> float:
    """Iterations/s of ``train(batch)`` called again and again for ``seconds``."""
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        train(batch)
        n += batch
    return n / elapsed


def headless_rates(seconds: float, batch: int) -> tuple[float, float]:
    """(Network.train it/s, Stepper.run it/s) on fresh flower nets, each for ``seconds``, in ``batch``es."""
    net = flower_stepper().net
    train = iteration_rate(lambda n: net.train(n, 1.2), seconds, batch)
    return train, iteration_rate(flower_stepper().run, seconds, batch)


def rate_beside_busy_cpu(seconds: float, batch: int) -> float:
    """Stepper.run it/s while another process spins a plain Python loop: what the worker process can
    reach while the window draws on the other CPU (on these 2-CPU machines a busy neighbour alone cost the
    engine 0–40 %, varying from minute to minute)."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)  # started and spinning
        return iteration_rate(flower_stepper().run, seconds, batch)
    finally:
        spinner.kill()
        spinner.wait()


# ===================================================================== Play in the window
RECEIVERS = ("diagram", "window", "inspector", "settings", "cost", "accuracy", "weights", "gradients", "boundary")


def receivers(window: MainWindow) -> dict[str, QObject]:
    return {"diagram": window.network_view, "window": window, "inspector": window.inspector,
            "settings": window.settings_panel, **plot_views(window)}


@dataclass
class LiveRun:
    seconds: float
    iterations: int
    frames: int  # controller.changed("run") emissions
    paints: int  # paint events of the diagram's viewport
    work: float  # seconds of training: Stepper.run in the window, or the worker's chunks
    slots: float  # seconds from a frame's start (a tick, or taking the worker's chunks) to its views' last slot
    gaps: list[float]  # seconds between frames
    per_view: dict[str, float] = field(default_factory=dict)  # seconds in each view's slot
    ticks: list[float] = field(default_factory=list)  # seconds of each Stepper.run call or worker chunk
    remote_frames: int = 0  # frames that showed what the worker trained
    adopt: float = 0.0  # seconds the window spent taking the worker's chunks (Stepper.fast_forward)

    @property
    def rate(self) -> float:
        return self.iterations / self.seconds

    @property
    def redraws(self) -> float:
        return self.frames / self.seconds

    @property
    def paint_rate(self) -> float:
        return self.paints / self.seconds


class Instrument:
    """Times the training (Stepper.run in the window, or the worker's chunks as the worker timed them), the
    window's taking of the chunks and each view's changed slot while Play runs.

    Views connect ``controller.changed`` to their ``_on_changed`` when built; the instrument swaps each
    connection for a timed one (and back in ``close``). A view without such a slot is simply not itemised.
    """

    def __init__(self, window: MainWindow, per_view: bool = True) -> None:
        self.window = window
        self.controller = window.controller
        self.stepper = self.controller.stepper
        self.work: list[tuple[float, float, int]] = []  # (end time, seconds, iterations)
        self.frames: list[float] = []  # times the last changed("run") slot ran
        self.slot_seconds: list[float] = []
        self.frame_start: float | None = None
        self.remote_frames = 0
        self.adopt_seconds = 0.0
        self.per_view = dict.fromkeys(RECEIVERS, 0.0) if per_view else {}
        self._swapped: list[tuple[Callable[[str], None], Callable[[str], None]]] = []
        original = self.stepper.run

        def timed_run(n: int, original=original):
            start = time.perf_counter()
            try:
                return original(n)
            finally:
                end = time.perf_counter()
                self.work.append((end, end - start, n))

        self.stepper.run = timed_run  # type: ignore[method-assign]
        controller = self.controller
        original_frame, original_adopt = controller._frame, controller._adopt

        def timed_frame(original=original_frame) -> None:
            self.frame_start = time.perf_counter()
            original()

        def timed_adopt(header: dict, arrays: dict, original=original_adopt) -> bool:
            start = time.perf_counter()
            before = controller.stepper.iteration
            try:
                return original(header, arrays)
            finally:
                end = time.perf_counter()
                self.adopt_seconds += end - start
                self.work.append((end, header["seconds"], controller.stepper.iteration - before))

        controller._frame_timer.timeout.disconnect(original_frame)
        controller._frame_timer.timeout.connect(timed_frame)
        controller._adopt = timed_adopt  # type: ignore[method-assign]
        self._frame_swap = (original_frame, timed_frame)
        if per_view:
            for name, obj in receivers(window).items():
                slot = getattr(obj, "_on_changed", None)
                if slot is None:
                    continue
                try:
                    self.controller.changed.disconnect(slot)
                except (RuntimeError, TypeError):
                    continue

                def timed(kind: str, slot=slot, name=name) -> None:
                    start = time.perf_counter()
                    slot(kind)
                    self.per_view[name] += time.perf_counter() - start

                self.controller.changed.connect(timed)
                self._swapped.append((slot, timed))
        self.controller.changed.connect(self._frame)  # connected last: runs after every view's slot

    def _frame(self, kind: str) -> None:
        if kind != "run":
            return
        now = time.perf_counter()
        self.frames.append(now)
        if self.controller.remote and self.frame_start is not None:
            self.remote_frames += 1
            self.slot_seconds.append(now - self.frame_start)
        elif self.work:
            self.slot_seconds.append(now - self.work[-1][0])

    def close(self) -> None:
        controller = self.controller
        original_frame, timed_frame = self._frame_swap
        controller._frame_timer.timeout.disconnect(timed_frame)
        controller._frame_timer.timeout.connect(original_frame)
        del controller._adopt
        self.controller.changed.disconnect(self._frame)
        for slot, timed in self._swapped:
            self.controller.changed.disconnect(timed)
            self.controller.changed.connect(slot)
        del self.stepper.run


def play_for(app: QApplication, window: MainWindow, seconds: float, per_view: bool = True) -> LiveRun:
    """Play at "Maximum" for ``seconds`` of the event loop, from a fresh start of the current net."""
    controller = window.controller
    controller.reset()
    window.speed.setCurrentIndex(maximum_speed_index())
    settle(app)
    paints = PaintCounter()
    window.network_view.viewport().installEventFilter(paints)
    probe = Instrument(window, per_view)
    start_iteration = controller.stepper.iteration
    controller.play()
    start = time.perf_counter()
    run_loop(seconds)
    elapsed = time.perf_counter() - start
    controller.pause()
    iterations = controller.stepper.iteration - start_iteration
    probe.close()
    window.network_view.viewport().removeEventFilter(paints)
    gaps = list(np.diff(probe.frames)) if len(probe.frames) > 1 else []
    settle(app)
    return LiveRun(
        seconds=elapsed, iterations=iterations, frames=len(probe.frames), paints=paints.count,
        work=sum(w[1] for w in probe.work), slots=sum(probe.slot_seconds), gaps=gaps,
        per_view=probe.per_view, ticks=[w[1] for w in probe.work], remote_frames=probe.remote_frames,
        adopt=probe.adopt_seconds,
    )


def paint_costs(app: QApplication, window: MainWindow, repeats: int, batch: int) -> dict[str, float]:
    """Median ms to paint each visible view right after a batch of iterations, and a whole frame's paint.

    A view's cost is ``widget.grab()`` (it paints the widget and its children, graphics viewports included,
    into a pixmap; ``repaint()`` would skip the viewports). "frame" is ``app.processEvents()`` right after
    ``controller.run(batch)``: the views' slots have run inside ``run``, so what remains is painting every
    dirty view, as a Play frame does.
    """
    widgets = {"diagram": window.network_view, "inspector": window.inspector,
               **{k: v for k, v in plot_views(window).items() if v.isVisible()}}
    times: dict[str, list[float]] = {name: [] for name in (*widgets, "frame")}
    controller = window.controller
    for _ in range(repeats):
        for name, widget in widgets.items():
            controller.run(batch)
            app.processEvents()
            controller.run(batch)  # the views' items are updated; now paint one of them
            start = time.perf_counter()
            widget.grab()
            times[name].append(time.perf_counter() - start)
            app.processEvents()
        controller.run(batch)
        start = time.perf_counter()
        app.processEvents()
        times["frame"].append(time.perf_counter() - start)
    return {name: 1000 * statistics.median(t) for name, t in times.items()}


# ===================================================================== the wide net
def wide_dataset(m: int = WIDE_M, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((784, m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return Dataset.from_arrays(X, Y, name="random784", source=f"random normal (784, {m}), seed {seed}")


@dataclass
class StepTiming:
    label: str
    engine: float  # the micro-step's own computation
    views: float  # the views' changed slots (they run inside step_forward)
    events: float  # app.processEvents(): pending paints of what changed
    repaint: float  # a forced full repaint (window.grab()), for reference: not part of the latency

    @property
    def total(self) -> float:
        """What the user waits for: the step, the views' updates and the paint of what changed."""
        return self.engine + self.views + self.events


def step_latencies(
    app: QApplication, window: MainWindow, iterations: int, pause: float = 0.0
) -> tuple[list[StepTiming], dict[str, float]]:
    """Every micro-step of ``iterations`` iterations: step_forward + processEvents (+ a forced full repaint),
    the event loop running ``pause`` seconds before each (0: back to back).

    processEvents paints every widget that the step changed (offscreen as on a screen): that is the
    latency. The forced repaint afterwards is ``window.grab()``: it paints every widget again, graphics
    viewports included, changed or not; it is timed for reference (an earlier version of this benchmark
    counted it, so its totals were higher by about that column).

    Also returns the seconds each view's changed slot took over all of them.
    """
    controller = window.controller
    marks: list[float] = []

    def mark(kind: str, stepper) -> None:
        marks.append(time.perf_counter())

    result = []
    probe = Instrument(window)
    try:
        for _ in range(iterations):
            for _ in range(len(controller.stepper.steps)):
                if pause:
                    run_loop(pause)
                stepper = controller.stepper
                stepper.listeners.insert(0, mark)  # called first, when the engine's part is done
                label = stepper.next_step.label
                marks.clear()
                t0 = time.perf_counter()
                controller.step_forward()
                t1 = time.perf_counter()
                app.processEvents()
                t2 = time.perf_counter()
                window.grab()
                t3 = time.perf_counter()
                stepper.listeners.remove(mark)
                engine_end = marks[0] if marks else t1
                result.append(StepTiming(label, engine_end - t0, t1 - engine_end, t2 - t1, t3 - t2))
    finally:
        probe.close()
    return result, probe.per_view


@dataclass
class PauseTrial:
    latency: float  # request → Play timer stopped
    tick_elapsed: float  # how far into the tick under way the request came (0 if between ticks)
    ticks: list[float]  # seconds of each Play tick of this trial's Play
    iterations: int  # in the trial's Play
    seconds: float  # the trial's Play, request and wait included
    later_ticks: int  # ticks that started after the request (the request waited for them too)
    batches: list[int] = field(default_factory=list)  # iterations of each tick


class PauseBench:
    """Play on the current net; at a random moment another thread asks for a pause, queued like a key press
    to the Play/Pause action; the time until the Play timer has stopped is the latency."""

    def __init__(self, app: QApplication, window: MainWindow, rng: random.Random) -> None:
        self.app, self.window, self.rng = app, window, rng
        self.controller = window.controller
        self.requester = Requester()
        self.requester.request.connect(window.play_action.trigger)
        self.paints = PaintCounter()
        window.network_view.viewport().installEventFilter(self.paints)
        self.probe = Instrument(window, per_view=False)
        self.stepper = self.controller.stepper
        self.in_tick: list[float] = []  # start time of the Stepper.run under way, or nothing
        self.probe_run = self.stepper.run

        def marked_run(n: int, original=self.probe_run):
            self.in_tick.append(time.perf_counter())
            try:
                return original(n)
            finally:
                self.in_tick.clear()

        self.stepper.run = marked_run  # type: ignore[method-assign]

    def prime(self) -> None:
        """Play one iteration at "1 iteration/s", so Play's estimate of one iteration's time is this net's."""
        controller = self.controller
        self.window.speed.setCurrentIndex(
            next(i for i, s in enumerate(SPEEDS) if s.unit == "iteration" and s.per_second == 1))
        ticks = len(self.probe.work)
        controller.play()
        run_loop(30.0, until=lambda: len(self.probe.work) > ticks)
        controller.pause()
        settle(self.app)

    def trial(self) -> PauseTrial | None:
        controller = self.controller
        self.window.speed.setCurrentIndex(maximum_speed_index())
        stopped: list[float] = []
        requested: list[tuple[float, float]] = []

        def on_playing(playing: bool) -> None:
            if not playing:
                stopped.append(time.perf_counter())

        controller.playingChanged.connect(on_playing)
        delay = self.rng.uniform(0.4, 1.2)

        def ask() -> None:
            threading.Event().wait(delay)  # the user's moment, in a helper thread; the GUI loop never sleeps
            now = time.perf_counter()
            tick = self.in_tick[0] if self.in_tick else None
            requested.append((now, now - tick if tick is not None else 0.0))
            self.requester.request.emit()

        first_tick = len(self.probe.work)
        start_iteration = controller.stepper.iteration
        controller.play()
        start = time.perf_counter()
        helper = threading.Thread(target=ask, daemon=True)
        helper.start()
        run_loop(delay + 120.0, until=lambda: bool(stopped))
        helper.join()
        seconds = time.perf_counter() - start
        controller.pause()
        controller.playingChanged.disconnect(on_playing)
        settle(self.app)
        if not (stopped and requested):
            return None
        asked = requested[0][0]
        work = self.probe.work[first_tick:]
        later = sum(asked < end - length < stopped[0] for end, length, _ in work)
        return PauseTrial(stopped[0] - asked, requested[0][1], [w[1] for w in work],
                          controller.stepper.iteration - start_iteration, seconds, later, [w[2] for w in work])

    def close(self) -> LiveRun:
        """Undo the instrumentation; the Play statistics of all trials."""
        self.stepper.run = self.probe_run  # type: ignore[method-assign]  # the probe's; close() removes it
        self.probe.close()
        self.window.network_view.viewport().removeEventFilter(self.paints)
        p = self.probe
        return LiveRun(
            seconds=0.0, iterations=0, frames=len(p.frames), paints=self.paints.count,
            work=sum(w[1] for w in p.work), slots=sum(p.slot_seconds), gaps=[], ticks=[w[1] for w in p.work],
        )


# ===================================================================== printing
def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def spread(values: Sequence[float]) -> float:
    """Best/median − 1: how much the repeats disagree (rates: higher is better)."""
    return max(values) / statistics.median(values) - 1 if len(values) > 1 else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def header_lines(app: QApplication) -> list[str]:
    """The machine (as engine_vs_textbook.py describes it), then the GUI's versions and Play settings."""
    lines = machine_header()
    lines += [
        f"backpropviz {backpropviz.__version__}, PySide6 {pyside_version}, Qt platform {app.platformName()}",
        f"Play: WORK_SECONDS = {1000 * WORK_SECONDS:.0f} ms of iterations per tick, speed "
        f"{SPEEDS[maximum_speed_index()].label!r}; window {WINDOW_SIZE[0]}×{WINDOW_SIZE[1]}",
    ]
    return lines


@dataclass
class LayoutResult:
    name: str
    sizes: dict[str, tuple[int, int]]
    runs: list[LiveRun]

    @property
    def best(self) -> LiveRun:
        return max(self.runs, key=lambda r: r.rate)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 25 s instead of about 2 minutes")
    parser.add_argument("--seed", type=int, default=0, help="seed of the pause requests' timing")
    args = parser.parse_args(argv)
    quick = args.quick
    repeats = 1 if quick else 3
    seconds = 2.5 if quick else 5.0
    step_iterations = 1 if quick else 3
    trials = 3 if quick else 8
    t0 = time.perf_counter()

    app = make_app()
    print("backpropviz benchmark: live plots while Play runs" + (" (--quick)" if quick else ""))
    for line in header_lines(app):
        print("  " + line)
    print()

    # ---------------------------------------------------------------- measurements: flower net
    warm = flower_stepper()
    warm.run(2000)  # warm up NumPy and the caches, then size Play's batches the way the controller does
    start = time.perf_counter()
    warm.run(2000)
    batch = play_batch(2000 / (time.perf_counter() - start))

    busy_rate = rate_beside_busy_cpu(seconds / 2, batch)
    window = make_window(app)
    layouts = [LayoutResult("default layout", visible_sizes(window), [])]
    train_rates: list[float] = []
    stepper_rates: list[float] = []
    for layout_index in range(2):
        if layout_index == 1:
            layouts.append(LayoutResult("all plots visible", show_all_plots(app, window), []))
        for _ in range(repeats):
            train, run = headless_rates(seconds / 2, batch)
            train_rates.append(train)
            stepper_rates.append(run)
            layouts[-1].runs.append(play_for(app, window, seconds))
        print(f"  measured Play, {layouts[-1].name} ({time.perf_counter() - t0:.0f} s)", flush=True)
    all_plots = layouts[-1]
    paints = paint_costs(app, window, 3 if quick else 7, batch)

    # ---------------------------------------------------------------- measurements: wide net
    wide = wide_dataset()
    settings = ModelSettings(hidden=WIDE_HIDDEN, learning_rate=0.01)
    start = time.perf_counter()
    window.controller.apply_settings(settings, wide)
    settle(app, 200)
    build_seconds = time.perf_counter() - start
    dims = "-".join(str(n) for n in window.controller.stepper.net.layer_dims)
    # Other jobs on these shared CPUs make single clicks up to twice as slow from one minute to the next:
    # each step is taken on several fresh runs and its fastest reported (every run's figures are printed too).
    paced_rounds: list[list[StepTiming]] = []
    step_views: dict[str, float] = {}
    for round_index in range(1 if quick else PACED_ROUNDS):
        if round_index:
            window.controller.apply_settings(settings, wide)
            settle(app, 200)
        step_latencies(app, window, 1)  # warm-up: first paints of new items, BLAS buffers
        timings, views = step_latencies(app, window, step_iterations, STUDENT_PAUSE)
        paced_rounds.append(timings)
        for name, seconds_spent in views.items():
            step_views[name] = step_views.get(name, 0.0) + seconds_spent / len(timings)
    steps = [min(same_step, key=lambda t: t.total) for same_step in zip(*paced_rounds, strict=True)]
    every_round = [t.total for timings in paced_rounds for t in timings]
    # the same iterations of a fresh run again, back to back; then a few dozen iterations in, at the pace
    window.controller.apply_settings(settings, wide)
    settle(app, 200)
    step_latencies(app, window, 1)
    held, _ = step_latencies(app, window, step_iterations)
    window.controller.run(LATER_ITERATIONS)
    settle(app, 200)
    later, _ = step_latencies(app, window, 1, STUDENT_PAUSE)
    later_iteration = window.controller.stepper.iteration - 1
    print(f"  measured micro-steps on {dims} ({time.perf_counter() - t0:.0f} s)", flush=True)
    headless_wide = build_stepper(settings, wide)
    headless_wide.run(1)
    wide_iteration = []
    for _ in range(3 if quick else 5):
        start = time.perf_counter()
        headless_wide.run(1)
        wide_iteration.append(time.perf_counter() - start)
    del headless_wide
    rng = random.Random(args.seed)
    bench = PauseBench(app, window, rng)
    first_play = None
    if not quick:
        # The first Play on the new net: Play sizes its batches from its estimate of one iteration's time,
        # which still comes from the flower net.
        first_play = bench.trial()
    else:
        bench.prime()
    pauses = [t for t in (bench.trial() for _ in range(trials)) if t is not None]
    bench.close()
    print(f"  measured Pause on {dims} ({time.perf_counter() - t0:.0f} s)", flush=True)
    window.close()
    print()

    # ---------------------------------------------------------------- 1, 2. rates
    best_train, best_stepper = max(train_rates), max(stepper_rates)
    print(f"1. Headless engine, flower 2-4-1 tanh, m = 400 ({seconds / 2:g} s per repeat, batches of {batch} "
          f"iterations as Play runs them)")
    print(f"  Network.train: {fmt_rate(best_train)} it/s (spread {spread(train_rates):.0%})")
    print(f"  Stepper.run:   {fmt_rate(best_stepper)} it/s (spread {spread(stepper_rates):.0%}) — records cost, "
          f"accuracy, gradient norms and keyframes per iteration")
    print(f"  Stepper.run beside a busy CPU: {fmt_rate(busy_rate)} it/s ({busy_rate / best_stepper:.2f}× alone) — "
          f"another process spinning a Python loop, as the window's drawing does during Play")
    print()
    print(f"2. Play at Maximum in the window, same net ({seconds:g} s of event loop per repeat, best of {repeats})")
    head = (f"  {'layout':<18} {'it/s':>8} {'live/Stepper.run':>17} {'live/train':>11} {'redraws/s':>10} "
            f"{'diagram paints/s':>17} {'spread':>7}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    for layout in layouts:
        b = layout.best
        print(f"  {layout.name:<18} {fmt_rate(b.rate):>8} {b.rate / best_stepper:>16.2f}× "
              f"{b.rate / best_train:>10.2f}× {b.redraws:>10.1f} {b.paint_rate:>17.1f} "
              f"{spread([r.rate for r in layout.runs]):>7.0%}")
    for layout in layouts:
        print(f"  {layout.name}: {sizes_text(layout.sizes)}")
    print("  redraws/s: controller.changed('run') emissions (one per tick, every view updates once);")
    print("  diagram paints/s: paint events of the diagram's viewport.")
    print()

    # ---------------------------------------------------------------- 3. the frame
    b = all_plots.best
    frames = max(b.frames, 1)
    print("3. Where a Play frame goes (all plots visible, the best repeat)")
    print(f"  {b.remote_frames} of {b.frames} frames showed what the worker process trained (the others trained "
          "in the window)")
    print(f"  frame period median {ms(percentile(b.gaps, 50))} ms, 95th percentile {ms(percentile(b.gaps, 95))} ms, "
          f"longest {ms(max(b.gaps, default=0))} ms")
    if b.remote_frames:
        rest = b.seconds - b.slots
        print(f"  the worker trained {b.work / b.seconds:.0%} of the time ({ms(b.work / frames)} ms per frame, on "
              f"its own core); the window, per frame: taking the chunks {ms(b.adopt / frames)} ms, then the "
              f"views' update slots {ms((b.slots - b.adopt) / frames)} ms; painting, Qt and the wait for the next "
              f"frame {ms(rest / frames)} ms")
    else:
        rest = b.seconds - b.work - b.slots
        print(f"  per frame: engine (Stepper.run) {ms(b.work / frames)} ms = {b.work / b.seconds:.0%} of the time; "
              f"views' update slots {ms(b.slots / frames)} ms = {b.slots / b.seconds:.0%}; "
              f"painting, Qt and timer slack {ms(rest / frames)} ms = {rest / b.seconds:.0%}")
    itemised = {k: v for k, v in b.per_view.items() if v > 0}
    if itemised:
        print("  update slots per frame, by view: " + ", ".join(
            f"{k} {1000 * v / frames:.2f} ms" for k, v in sorted(itemised.items(), key=lambda kv: -kv[1])))
    print(f"  painting after a batch (median, ms): the whole frame {paints.pop('frame'):.1f} (app.processEvents());")
    print("  each view alone (widget.grab()): " + ", ".join(f"{k} {v:.1f}" for k, v in paints.items()))
    print()

    # ---------------------------------------------------------------- 4. micro-steps
    measured = f"iterations 2–{1 + step_iterations}" if step_iterations > 1 else "iteration 2"
    print(f"4. One micro-step + redraw on {dims} relu, m = {WIDE_M:,} random examples, all plots visible "
          f"(built in {build_seconds:.1f} s; {measured} of a fresh run, ms), clicked every "
          f"{STUDENT_PAUSE:g} s; then the same iterations clicked back to back, and iteration {later_iteration} at "
          f"the pace")
    head = (f"  {'step':<7} {'engine':>7} {'views':>7} {'events':>7} {'total':>7} {'(full repaint)':>15} "
            f"{'back to back':>13} {f'iteration {later_iteration}':>13}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    labels = list(dict.fromkeys(s.label for s in steps))
    worst: dict[str, float] = {}
    for label in labels:
        rows = [s for s in steps if s.label == label]
        med = {k: statistics.median(getattr(s, k) for s in rows) for k in ("engine", "views", "events", "repaint")}
        worst[label] = max(s.total for s in rows)
        back_to_back = statistics.median(s.total for s in held if s.label == label)
        settled = statistics.median(s.total for s in later if s.label == label)
        print(f"  {label:<7} {ms(med['engine']):>7} {ms(med['views']):>7} {ms(med['events']):>7} "
              f"{ms(med['engine'] + med['views'] + med['events']):>7} {ms(med['repaint']):>15} "
              f"{ms(back_to_back):>13} {ms(settled):>13}")
    totals = [s.total for s in steps]
    step_median, step_max = statistics.median(totals), max(totals)
    slowest = max(worst, key=worst.get)
    ui_only = [s.total - s.engine for s in steps]
    print(f"  all micro-steps: median {ms(step_median)} ms, slowest {ms(step_max)} ms ({slowest}); the redraw alone "
          f"(views + events) median {ms(statistics.median(ui_only))} ms, at most {ms(max(ui_only))} ms")
    if len(paced_rounds) > 1:
        print(f"  each step's fastest of {len(paced_rounds)} fresh runs at the pace; over every run: median "
              f"{ms(statistics.median(every_round))} ms, slowest {ms(max(every_round))} ms")
    itemised = {k: v for k, v in step_views.items() if v > 0}
    if itemised:
        print("  views' update slots per micro-step, by view: " + ", ".join(
            f"{k} {1000 * v / len(paced_rounds):.1f} ms" for k, v in sorted(itemised.items(), key=lambda kv: -kv[1])))
    print("  engine: the micro-step's NumPy work; views: the changed slots (inside step_forward); events:")
    print("  app.processEvents() (the paint of what changed); total: their sum, what the user waits for;")
    print("  full repaint: window.grab() afterwards, every widget painted again (reference only, not in total);")
    print("  back to back: the total with no pause between clicks (F1 and B1 then wait for their whole matmul;")
    print(f"  all micro-steps: median {ms(statistics.median(s.total for s in held))} ms, slowest "
          f"{ms(max(s.total for s in held))} ms); iteration {later_iteration}: the total at the pace once the")
    print(f"  curves' axes have settled (slowest {ms(max(s.total for s in later))} ms).")
    print()

    # ---------------------------------------------------------------- 5. pause
    latencies = [p.latency for p in pauses]
    ticks = [t for p in pauses for t in p.ticks]
    play_rate = sum(p.iterations for p in pauses) / max(sum(p.seconds for p in pauses), 1e-9)
    print(f"5. Pause while Play runs on {dims} ({len(pauses)} requests at random moments, 0.4–1.2 s into Play)")
    if first_play is not None:
        first_tick = first_play.ticks[0] if first_play.ticks else 0.0
        first_batch = first_play.batches[0] if first_play.batches else 0
        print(f"  the first Play after switching from the flower net (its 63 MB of points go to the worker "
              f"first): its first chunk of training ran {first_tick:.2f} s ({first_batch} iteration(s)); "
              f"Pause latency then {first_play.latency:.2f} s")
    elif quick:
        print("  (--quick: Play ran one tick at 1 iteration/s first; a full run also measures the first Play after")
        print("  switching from the flower net, whose speed says nothing about this one)")
    print(f"  headless Stepper.run(1) on this net, in this run: {1000 * statistics.median(wide_iteration):.0f} ms "
          f"median")
    if ticks:
        print(f"  steady Play: a chunk of training (the worker's, or a tick in the window) ran "
              f"{1000 * statistics.median(ticks):.0f} ms median (longest {1000 * max(ticks):.0f} ms) of whole "
              f"iterations; {play_rate:.1f} it/s")
    if latencies:
        print(f"  Pause latency (request → Play stopped): median {ms(statistics.median(latencies))} ms, "
              f"longest {ms(max(latencies))} ms")
        print("  each request: " + ", ".join(
            f"{ms(p.latency)} ms" + (f" ({ms(p.tick_elapsed)} ms into a tick" if p.tick_elapsed else
                                     " (between ticks") + (f", {p.later_ticks} more tick(s) ran first)" if
                                                          p.later_ticks else ")") for p in pauses))
        waited = sum(p.later_ticks > 0 for p in pauses)
        if waited:
            print(f"  {waited} of {len(pauses)} requests also waited for a tick that started after they were queued:")
            print("  the Play timer, overdue after a long tick, was served before the queued request.")
    else:
        print("  no pause request completed!")
    print()

    # ---------------------------------------------------------------- targets
    ratio = all_plots.best.rate / best_stepper
    redraws = all_plots.best.redraws
    pause_max = max(latencies, default=float("inf"))
    if first_play is not None:
        pause_max = max(pause_max, first_play.latency)
    print("Targets")
    print(f"  live/headless (Stepper.run) ≥ {TARGET_RATIO} with all plots visible: {verdict(ratio >= TARGET_RATIO)} "
          f"({ratio:.2f}×; a busy second CPU alone brings headless to {busy_rate / best_stepper:.2f}×)")
    print(f"  ≥ {TARGET_REDRAWS:.0f} redraws/s with all plots visible: {verdict(redraws >= TARGET_REDRAWS)} "
          f"({redraws:.1f}/s)")
    print(f"  micro-step + redraw ≤ {TARGET_STEP_MS:.0f} ms on {dims}: {verdict(1000 * step_max <= TARGET_STEP_MS)} "
          f"(median {ms(step_median)} ms, slowest {ms(step_max)} ms, {slowest}; best of {len(paced_rounds)} "
          f"run(s), every run's slowest {ms(max(every_round))} ms)")
    print(f"  Pause ≤ {TARGET_PAUSE_MS:.0f} ms on {dims} (feels immediate; the issue sets no number): "
          f"{verdict(1000 * pause_max <= TARGET_PAUSE_MS)} (longest {ms(pause_max)} ms)")
    print()

    # ---------------------------------------------------------------- README block
    print("Markdown for README:")
    print()
    print("| Measurement | Result |")
    print("|---|---|")
    print(f"| Flower 2-4-1, headless: Network.train / Stepper.run | {fmt_rate(best_train)} / "
          f"{fmt_rate(best_stepper)} it/s |")
    print(f"| Flower 2-4-1, Stepper.run beside a busy second CPU | {fmt_rate(busy_rate)} it/s "
          f"({busy_rate / best_stepper:.2f}× alone) |")
    for layout in layouts:
        lb = layout.best
        print(f"| Flower 2-4-1, Play at Maximum, {layout.name} | {fmt_rate(lb.rate)} it/s "
              f"(**{lb.rate / best_stepper:.2f}×** headless Stepper.run), {lb.redraws:.0f} redraws/s |")
    print(f"| {dims} relu, m = {WIDE_M:,}: one micro-step + redraw, a click every {STUDENT_PAUSE:g} s | median "
          f"{ms(step_median)} ms, slowest {ms(step_max)} ms ({slowest}), each step's best of {len(paced_rounds)} "
          f"fresh run(s); slowest of every run {ms(max(every_round))} ms |")
    print(f"| {dims} relu: the same, back to back (a held key) | median "
          f"{ms(statistics.median(s.total for s in held))} ms, slowest {ms(max(s.total for s in held))} ms |")
    print(f"| {dims} relu: iteration {later_iteration}, a click every {STUDENT_PAUSE:g} s | median "
          f"{ms(statistics.median(s.total for s in later))} ms, slowest {ms(max(s.total for s in later))} ms |")
    if latencies and ticks:
        print(f"| {dims} relu, m = {WIDE_M:,}: Pause during Play | median {ms(statistics.median(latencies))} ms, "
              f"longest {ms(max(latencies))} ms (an iteration = {1000 * statistics.median(ticks):.0f} ms of work) |")
    if first_play is not None:
        first_tick = first_play.ticks[0] if first_play.ticks else 0.0
        first_batch = first_play.batches[0] if first_play.batches else 0
        print(f"| {dims} relu: first Play after the flower net | first chunk {first_tick:.2f} s ({first_batch} "
              f"iteration(s)), Pause latency {first_play.latency:.2f} s |")
    print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"({time.perf_counter() - t0:.0f} s in all; {os.cpu_count()} CPUs; load average at the end {load}; "
          f"{'--quick' if quick else 'full'} run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
