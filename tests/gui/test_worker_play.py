"""Play in the worker process: the window ends, bit for bit, where Play in its own process would have (the worker
starts once the window has painted; both use the run's BLAS thread count)."""

from __future__ import annotations

import numpy as np
import pytest
from stepper_state import assert_same_run

from backpropviz.engine import blas
from backpropviz.engine.model import HiddenLayer, ModelSettings, build_stepper
from backpropviz.engine.worker import Worker
from backpropviz.gui import controller as controller_module
from backpropviz.gui.controller import SPEEDS, Controller

STARTUP_MS = 60_000  # the child imports NumPy and the engine first: seconds on a loaded machine


def speed(per_second: float | None) -> int:
    return next(i for i, s in enumerate(SPEEDS) if s.unit == "iteration" and s.per_second == per_second)


def play_remote(controller, qtbot, per_second: float | None = None, beyond: int = 200) -> None:
    """Play until the worker trains and the window has taken ``beyond`` iterations from it."""
    controller.set_speed(speed(per_second))
    controller.play()
    qtbot.waitUntil(lambda: controller.remote, timeout=STARTUP_MS)
    start = controller.stepper.iteration
    qtbot.waitUntil(lambda: controller.stepper.iteration >= start + beyond, timeout=STARTUP_MS)


def test_play_trains_in_the_worker_and_pause_keeps_exactly_what_is_shown(controller, qtbot):
    play_remote(controller, qtbot, beyond=2_000)
    with qtbot.waitSignal(controller.playingChanged) as paused:
        controller.pause()
    assert paused.args == [False] and not controller.playing and not controller.remote
    s = controller.stepper
    assert s.position == 0 and s.caches_current  # the flower's buffers came along: the diagram's ghosts
    here = build_stepper(controller.settings, controller.dataset)
    here.run(s.iteration)
    assert_same_run(here, s)


def test_a_change_during_play_is_trained_from_the_iteration_it_was_made(controller, qtbot):
    settings = controller.settings
    play_remote(controller, qtbot)
    controller.set_learning_rate(0.6)  # an event at the iteration on screen; the worker's copy is out of date
    changed_at = controller.stepper.events[-1].iteration
    assert not controller.remote and controller.playing  # Play goes on here until the worker has the new run
    play_again = controller.stepper.iteration
    qtbot.waitUntil(lambda: controller.remote and controller.stepper.iteration > play_again + 200, timeout=STARTUP_MS)
    controller.pause()
    here = build_stepper(settings, controller.dataset)  # the controller's settings now say α = 0.6
    here.run(changed_at)
    here.set_learning_rate(0.6)
    here.run(controller.stepper.iteration - changed_at)
    assert_same_run(here, controller.stepper)


def test_a_step_during_play_takes_the_training_back_until_the_iteration_is_whole(controller, qtbot):
    play_remote(controller, qtbot)
    controller.step_forward()  # F1 of the next iteration, in this process
    assert not controller.remote and controller.playing
    qtbot.waitUntil(lambda: controller.remote, timeout=STARTUP_MS)  # handed over again at an iteration's start
    controller.pause()
    here = build_stepper(controller.settings, controller.dataset)
    here.run(controller.stepper.iteration)
    assert_same_run(here, controller.stepper)


def test_a_divergence_in_the_worker_is_reported_as_play_here_reports_it(qtbot):
    settings = ModelSettings(hidden=(HiddenLayer(4, "relu"),), seed=1, learning_rate=10.0)  # diverges at 15
    controller = Controller(settings)
    reports = []
    controller.diverged.connect(reports.append)
    controller.set_speed(speed(None))
    here = build_stepper(settings, controller.dataset)
    expected = here.run(100)
    worker = controller_module.shared_worker()
    qtbot.waitUntil(lambda: worker.messages() == [] and worker.ready, timeout=STARTUP_MS)
    jobs = controller._gen
    controller.play()  # handed to the worker at once: it is ready and the cursor at an iteration's start
    assert controller.remote and controller._gen == jobs + 1
    qtbot.waitUntil(lambda: not controller.playing, timeout=STARTUP_MS)
    assert len(reports) == 1 and reports[0] == expected
    assert_same_run(here, controller.stepper)


def test_when_the_worker_dies_play_goes_on_in_the_window(controller, qtbot, monkeypatch):
    own = Worker()  # this test's own child, so that the one the other tests share lives on
    monkeypatch.setattr(controller_module, "_worker", own)
    monkeypatch.setattr(controller_module, "_worker_failed", False)
    play_remote(controller, qtbot)
    own._process.kill()
    qtbot.waitUntil(lambda: not controller.remote, timeout=STARTUP_MS)
    assert controller.playing
    resumed = controller.stepper.iteration
    qtbot.waitUntil(lambda: controller.stepper.iteration > resumed + 100, timeout=STARTUP_MS)
    controller.pause()
    assert controller_module.shared_worker() is None  # a child that died is not started again
    here = build_stepper(controller.settings, controller.dataset)
    here.run(controller.stepper.iteration)
    assert_same_run(here, controller.stepper)


@pytest.mark.parametrize("per_second", [10, 1000])
def test_a_fixed_speed_trains_in_the_worker_at_most_a_lookahead_ahead(controller, qtbot, per_second):
    play_remote(controller, qtbot, per_second, beyond=5)
    assert controller._granted - controller.stepper.iteration <= max(2, per_second * 0.1 + 1)
    controller.pause()
    here = build_stepper(controller.settings, controller.dataset)
    here.run(controller.stepper.iteration)
    assert_same_run(here, controller.stepper)
    assert np.isfinite(controller.stepper.series("cost")).all()


class Child:
    """Stands in for the worker process: only whether it was started matters here."""

    alive = True
    ready = False

    def close(self) -> None:
        pass


def test_the_worker_starts_after_the_window_has_had_time_to_paint(qtbot, monkeypatch):
    started: list[Child] = []
    monkeypatch.setattr(controller_module, "_worker", None)
    monkeypatch.setattr(controller_module, "_worker_failed", False)
    monkeypatch.setattr(controller_module, "Worker", lambda: started.append(Child()) or started[-1])
    Controller(ModelSettings())
    assert started == []  # its imports would take a core while the window is built and painted
    qtbot.waitUntil(lambda: len(started) == 1, timeout=5 * controller_module.WORKER_START_DELAY_MS)


def test_the_window_sets_the_blas_threads_of_each_run(qtbot, monkeypatch):
    monkeypatch.setenv(blas.ENV, "default")
    controller = Controller(ModelSettings())
    assert blas.current_threads() == blas.default_threads()
    monkeypatch.delenv(blas.ENV)
    controller.apply_settings(ModelSettings(hidden=(HiddenLayer(50, "relu"),) * 6))
    net = controller.stepper.net
    assert blas.current_threads() == blas.choose_threads(net.layer_dims, net.m) == 1
