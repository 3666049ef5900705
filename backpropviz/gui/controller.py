"""The one object that drives the engine. Views read ``controller.stepper`` and listen to its signals.

Every user action goes through here: stepping, Play, edits, settings. The stepper's own notifications
become the Qt signal ``changed(kind)``; during Play the many iterations of one timer tick are
announced once, so the views redraw once per frame.
"""

from __future__ import annotations

import atexit
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..engine import blas
from ..engine.changes import Change
from ..engine.datasets import Dataset
from ..engine.divergence import DivergenceReport
from ..engine.gradcheck import ParameterSnapshot, gradient_check
from ..engine.model import ModelSettings, build_dataset, build_stepper
from ..engine.stepper import Stepper
from ..engine.worker import Worker, fast_forward
from .background import BackgroundJob

# Play at "Maximum" paces frames of FRAME_SECONDS: whole iterations for what the frame leaves after the
# last frame's redraw (the views' slots, painting, input), then Qt redraws and handles input. The engine
# gets at least MIN_WORK_SHARE of a frame: a slow redraw lowers the frame rate, not the training rate.
FRAME_SECONDS = 1 / 30
MIN_WORK_SHARE = 0.7
WORK_SECONDS = MIN_WORK_SHARE * FRAME_SECONDS  # the engine's share of a frame at fixed speeds
# a first estimate of one iteration's time, and how fast a batch may grow from one frame to the next
FIRST_ITERATION_SECONDS = 1e-3
MAX_BATCH_GROWTH = 4
# weight of the newest frame in the running estimates of an iteration's time and of a redraw's
SMOOTHING = 0.3
# While the worker process trains (Play at an iteration speed), the window takes what it sent once a frame
# and lets it train at most LOOKAHEAD_SECONDS (and 2 iterations) ahead of what it shows: Pause keeps what
# is shown and drops the rest. A long frame (a dialog opening, a resize) must not leave the worker idle.
LOOKAHEAD_SECONDS = 0.25
MIN_LOOKAHEAD = 2
MAX_FRAME_DEBT = 3
# Frames of Play in the worker come a little more often than FRAME_SECONDS: a late one now and then
# (a repaint of the whole window, another program) still leaves 30 a second.
WORKER_FRAME_SECONDS = 0.030
# A costly next micro-step (F1, B1 of a 784-input net) is computed ahead once the window has drawn
# the last one (100 ms later: a redraw of that net takes up to ~50 ms here, and sharing the cores slows both).
PREFETCH_DELAY_MS = 100
# Nets with more parameters than this: the gradient check samples GRADCHECK_SAMPLE entries per layer.
GRADCHECK_SAMPLED_ABOVE = 2000
GRADCHECK_SAMPLE = 30
WORKER_START_DELAY_MS = 1000


@dataclass(frozen=True)
class Speed:
    """A Play speed: ``unit`` is "step" (micro-steps, for watching them light up) or "iteration"."""

    label: str
    unit: str
    per_second: float | None  # None: as fast as the machine goes


SPEEDS = (
    Speed("1 micro-step/s", "step", 1),
    Speed("3 micro-steps/s", "step", 3),
    Speed("10 micro-steps/s", "step", 10),
    Speed("1 iteration/s", "iteration", 1),
    Speed("3 iterations/s", "iteration", 3),
    Speed("10 iterations/s", "iteration", 10),
    Speed("100 iterations/s", "iteration", 100),
    Speed("1,000 iterations/s", "iteration", 1000),
    Speed("Maximum", "iteration", None),
)
DEFAULT_SPEED = len(SPEEDS) - 1

_worker: Worker | None = None
_worker_failed = False


def shared_worker() -> Worker | None:
    """The one training process of this app, started on first use; None where it cannot run (then Play
    trains in the window's own process, as before the worker was ready)."""
    global _worker, _worker_failed
    if _worker is not None and not _worker.alive:
        _worker.close()
        _worker, _worker_failed = None, True  # it died: training at home is slower but sure
    if _worker is None and not _worker_failed:
        try:
            _worker = Worker()
        except OSError:
            _worker_failed = True
        else:
            atexit.register(_worker.close)
    return _worker


class Controller(QObject):
    """Owns the dataset and the stepper; the views' only way to the engine."""

    changed = Signal(object)  # the stepper's state changed; a Change says how (step, back, run, …)
    rebuilt = Signal()  # a new network or dataset: views rebuild what depends on the layer count
    diverged = Signal(object)  # a DivergenceReport
    playingChanged = Signal(bool)
    speedChanged = Signal(int)
    modifiedChanged = Signal(bool)  # the run differs from its saved session (or was never saved)

    def __init__(
        self, settings: ModelSettings | None = None, parent: QObject | None = None, use_worker: bool = True
    ) -> None:
        super().__init__(parent)
        self.settings = settings or ModelSettings()
        self.dataset = build_dataset(self.settings)
        self.stepper = build_stepper(self.settings, self.dataset)
        self.stepper.listeners.append(self._on_stepper)
        blas.use_threads(self.stepper.net.layer_dims, self.stepper.net.m)
        self._batching = False
        self.speed_index = DEFAULT_SPEED
        self.clock = time.perf_counter  # Play's pacing reads this clock (a test may drive it by hand)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._last_tick = 0.0
        self._carry = 0.0
        self._iteration_seconds = FIRST_ITERATION_SECONDS
        self._redraw_seconds = FRAME_SECONDS - WORK_SECONDS
        self._work_end: float | None = None  # when the last batch ended (the redraw began)
        self._batch_cap = 1  # the most iterations the next tick may run
        # Play handed to the worker process: frames take what it trained (see _frame)
        self.use_worker = use_worker
        if use_worker:
            # Started a while after the event loop has begun, when the window has painted (started at once, it
            # slowed the window's start by a third: the child's imports take a core; counted from here, a slow
            # start let it begin before the first paint). It has imported NumPy and the engine by the first Play;
            # a Play before then starts it at once.
            QTimer.singleShot(0, self._start_worker_later)
        self._worker: Worker | None = None
        self._gen = 0  # the worker's current job; messages of older ones are dropped
        self._granted = 0  # the worker may train until the start of this iteration
        self._remote = False
        self._next_frame = 0.0  # when the next frame is due (by self.clock)
        self._frame_timer = QTimer(self)
        self._frame_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.timeout.connect(self._frame)
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(PREFETCH_DELAY_MS)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self._prefetch_timer.start()
        self.modified = False

    def _start_worker_later(self) -> None:
        QTimer.singleShot(WORKER_START_DELAY_MS, shared_worker)

    # ----------------------------------------------------------------- engine notifications
    def _on_stepper(self, kind: Change, stepper: Stepper) -> None:
        if self.remote and not self._batching:
            self._take_back()  # a step or an edit during Play: the worker's copy is out of date
        if kind == Change.DIVERGED:
            self.pause()
            self.diverged.emit(stepper.report)
        if not self._batching:
            self.changed.emit(kind)
            self._prefetch_timer.start()
        self.set_modified(True)

    def _prefetch(self) -> None:
        """The next micro-step ahead, unless Play is training whole iterations (then it would only compete)."""
        if not self.playing or SPEEDS[self.speed_index].unit == "step":
            self.stepper.prepare_next_step()

    @property
    def report(self) -> DivergenceReport | None:
        return self.stepper.report

    # ----------------------------------------------------------------- stepping
    def step_forward(self) -> None:
        """The next micro-step (F1 … FL, Cost, BL … B1, Update)."""
        self.stepper.step()

    def step_backward(self) -> None:
        """The next backward micro-step; before the cost exists, run forward through the Cost."""
        self.stepper.step_backward_phase()

    def back(self) -> None:
        self.pause()
        self.stepper.back()

    def finish_iteration(self) -> None:
        self.stepper.finish_iteration()

    def run(self, iterations: int) -> None:
        self.stepper.run(iterations)

    def goto_iteration(self, iteration: int) -> None:
        self.stepper.goto(iteration, 0)

    def reset(self) -> None:
        """The initial parameters again, history cleared."""
        self.pause()
        self.stepper.reset()

    # ----------------------------------------------------------------- Play
    @property
    def playing(self) -> bool:
        return self._timer.isActive() or self._remote

    @property
    def remote(self) -> bool:
        """Whether the worker process is training this Play."""
        return self._remote

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self.playing:
            return
        if self.stepper.report is not None:
            return  # diverged: the user must step back or change something first
        self._last_tick = self.clock()
        self._carry = 0.0
        self._work_end = None
        self._batch_cap = 1  # a new net may be far slower than the last: one iteration, then at most ×4 a frame
        speed = SPEEDS[self.speed_index]
        self._worker = shared_worker() if self.use_worker and speed.unit == "iteration" else None
        self._timer.start(self._tick_interval())
        self.playingChanged.emit(True)
        self._hand_over()  # at once when the worker is ready; else a later tick tries again

    def _tick_interval(self) -> int:
        """Milliseconds between the ticks of Play in this process, at the current speed."""
        speed = SPEEDS[self.speed_index]
        if speed.per_second is None:
            # A zero timer fires once the event queue is empty: after the redraw and any input. The
            # frame's length comes from the batch (see _tick), not from waiting.
            return 0
        if speed.unit == "step":
            return max(1, round(1000 / speed.per_second))
        return max(1, round(1000 * FRAME_SECONDS))

    def pause(self) -> None:
        if not self.playing:
            return
        self._stop_worker()
        self._timer.stop()
        self.playingChanged.emit(False)
        self._prefetch_timer.start()

    def set_pace(self, per_second: float | None) -> None:
        """The speed that plays ``per_second`` iterations a second (None: Maximum)."""
        self.set_speed(next(i for i, s in enumerate(SPEEDS) if s.unit == "iteration" and s.per_second == per_second))

    def set_speed(self, index: int) -> None:
        self.speed_index = max(0, min(index, len(SPEEDS) - 1))
        self.speedChanged.emit(self.speed_index)
        if self.playing:
            self.pause()
            self.play()

    def _affordable(self, work_seconds: float) -> int:
        """Whole iterations that fit in ``work_seconds`` by the running estimate (≥ 1, ≤ the batch cap)."""
        return min(max(1, int(work_seconds / self._iteration_seconds)), self._batch_cap)

    def _tick(self) -> None:
        speed = SPEEDS[self.speed_index]
        if speed.unit == "step":
            self.stepper.step()
            return
        if self._hand_over():
            return
        now = self.clock()
        if speed.per_second is None:
            if self._work_end is not None:  # the last frame's redraw: from its batch's end until now
                self._redraw_seconds += SMOOTHING * (now - self._work_end - self._redraw_seconds)
            budget = self._affordable(max(FRAME_SECONDS - self._redraw_seconds, WORK_SECONDS))
        else:
            budget = self._paced(now, speed.per_second, self._affordable(WORK_SECONDS))
        self._last_tick = now
        if budget == 0:
            return
        self._batching = True
        try:
            start = self.clock()
            self.stepper.run(budget)
            elapsed = self.clock() - start
        finally:
            self._batching = False
        self._learn_iteration_time(elapsed, budget)
        self._batch_cap = MAX_BATCH_GROWTH * budget
        self._work_end = self.clock()
        self.changed.emit(Change.RUN)

    # ----------------------------------------------------------------- Play in the worker process
    def _hand_over(self) -> bool:
        """Let the worker train from here, if it is ready and the cursor is at an iteration's start."""
        worker = self._worker
        if worker is None or self.stepper.position != 0 or self.stepper.report is not None:
            return False
        worker.messages()  # a finished job's last messages, and the first ``ready``
        if not worker.ready:
            return False
        self._gen += 1
        if not worker.load(self._gen, self.settings, self.dataset, self.stepper):
            self._worker = None
            return False
        self._timer.stop()
        self._granted = self.stepper.iteration
        self._last_tick = self.clock()
        self._carry = 0.0
        self._grant()
        self._remote = True
        self._next_frame = self.clock()
        self._schedule_frame()
        return True

    def _schedule_frame(self) -> None:
        """The next frame WORKER_FRAME_SECONDS after the last one was due: late frames are made up by the next
        ones coming early (Qt's own periodic timer lost them), up to MAX_FRAME_DEBT of them."""
        now = self.clock()
        period = WORKER_FRAME_SECONDS
        self._next_frame = max(self._next_frame + period, now - MAX_FRAME_DEBT * period)
        self._frame_timer.start(max(0, round(1000 * (self._next_frame - now))))

    def _stop_worker(self) -> None:
        if self._remote:
            self._remote = False
            self._frame_timer.stop()
            self._worker.send({"kind": "stop", "gen": self._gen})

    def _take_back(self) -> None:
        """Go on playing in this process (the worker went away, or the run changed under it)."""
        self._stop_worker()
        if not self._worker.alive:
            self._worker = None
        self._work_end = None
        self._batch_cap = 1
        self._timer.start(self._tick_interval())

    def _grant(self) -> None:
        """Let the worker train ahead of what is shown: LOOKAHEAD_SECONDS' worth, or what a fixed speed allows."""
        speed, now = SPEEDS[self.speed_index], self.clock()
        lookahead = max(MIN_LOOKAHEAD, int(LOOKAHEAD_SECONDS / self._iteration_seconds))
        allowed = lookahead if speed.per_second is None else self._paced(now, speed.per_second, lookahead)
        self._last_tick = now
        until = self.stepper.iteration + allowed
        if until > self._granted:
            self._granted = until
            self._worker.send({"kind": "grant", "gen": self._gen, "until": until})

    def _frame(self) -> None:
        """One frame of Play in the worker: take what it trained since the last frame, grant more, redraw once."""
        worker = self._worker
        adopted = False
        for header, arrays in worker.messages():
            if header["gen"] != self._gen:
                continue
            if header["kind"] != "trained":  # the worker could not rebuild the run: train here
                self._take_back()
                return
            adopted |= self._adopt(header, arrays)
            if header["diverged"]:
                # the iteration that diverged runs again here, so that this stepper makes the report
                self._take_back()
                self.stepper.run(1)
                return
        if not worker.alive:
            self._take_back()
            return
        self._grant()
        self._schedule_frame()
        if adopted:
            self.changed.emit(Change.RUN)

    def _adopt(self, header: dict, arrays: dict) -> bool:
        self._batching = True
        try:
            done = fast_forward(self.stepper, header, arrays)
        finally:
            self._batching = False
        if done:
            self._learn_iteration_time(header["seconds"], done)
        return done > 0

    def _learn_iteration_time(self, seconds: float, iterations: int) -> None:
        """A running estimate of one iteration's time: it sizes the next batch, or the worker's lookahead."""
        self._iteration_seconds += SMOOTHING * (max(seconds / iterations, 1e-7) - self._iteration_seconds)

    def _paced(self, now: float, per_second: float, cap: int) -> int:
        """Iterations due at a fixed speed since the last tick (at most ``cap``); what the machine cannot do
        in time is dropped, not owed: no spiral of ever larger batches."""
        self._carry += (now - self._last_tick) * per_second
        due = min(int(self._carry), cap)
        self._carry = min(self._carry - due, 1.0)
        return due

    # ----------------------------------------------------------------- edits and events
    def edit_parameter(self, name: str, index: tuple[int, int], value: float) -> None:
        """A hand edit of W or b (undoable); ValueError says why one is refused."""
        self.pause()
        self.stepper.set_parameter(name, index, value)

    def set_learning_rate(self, learning_rate: float) -> None:
        """α from now on (an undoable event of the stepper, which owns α; ``settings.learning_rate`` stays the
        α the run started with); ValueError for α ≤ 0 or not finite."""
        self.stepper.set_learning_rate(learning_rate)

    def set_planted_bug(self, layer: int | None) -> None:
        self.stepper.set_planted_bug(layer)

    def gradient_check_job(self) -> BackgroundJob:
        """Backprop's dW against centred differences of J on the current parameters, as a job to start
        (after connecting to its signals) that runs off the window's thread; ``succeeded`` carries the
        GradCheckResult. It checks a copy taken now: stepping or Play meanwhile does not disturb it."""
        net = self.stepper.net
        sample = GRADCHECK_SAMPLE if net.theta.size > GRADCHECK_SAMPLED_ABOVE else None
        snapshot, X, Y = ParameterSnapshot.of(net), self.dataset.X, self.dataset.Y
        return BackgroundJob(lambda progress, cancelled: gradient_check(
            snapshot, X, Y, max_entries_per_layer=sample, progress=progress, cancelled=cancelled))

    # ----------------------------------------------------------------- a new run
    @property
    def has_progress(self) -> bool:
        """Whether rebuilding would throw work away (any step taken or event made)."""
        s = self.stepper
        return s.iteration > 0 or s.position > 0 or bool(s.events)

    def apply_settings(self, settings: ModelSettings, dataset: Dataset | None = None) -> None:
        """Start over with new settings (and data); on a ValueError nothing changes."""
        dataset = dataset if dataset is not None else build_dataset(settings)
        self.adopt(settings, dataset, build_stepper(settings, dataset))

    def adopt(self, settings: ModelSettings, dataset: Dataset, stepper: Stepper, loaded: bool = False) -> None:
        """Switch to a run built elsewhere (e.g. a loaded session). A fresh or just-loaded run has
        nothing unsaved; any step or edit after this marks it modified."""
        self.pause()
        self._iteration_seconds = FIRST_ITERATION_SECONDS  # the old net's speed says nothing about this one
        self.stepper.listeners.remove(self._on_stepper)
        self.settings, self.dataset, self.stepper = settings, dataset, stepper
        stepper.listeners.append(self._on_stepper)
        blas.use_threads(stepper.net.layer_dims, stepper.net.m)
        self.rebuilt.emit()
        self.changed.emit(Change.LOADED if loaded else Change.RESET)
        self._prefetch_timer.start()
        self.set_modified(False)

    def set_modified(self, modified: bool) -> None:
        if modified != self.modified:
            self.modified = modified
            self.modifiedChanged.emit(modified)

    def set_dataset(self, dataset: Dataset) -> None:
        """Train on other data (a CSV, hand-edited points) with the same architecture."""
        self.apply_settings(self.settings, dataset)
