"""Play's pacing: at "Maximum" a frame trains for what the last redraw left of it, never less than its share."""

from __future__ import annotations

import pytest
from stepper_state import assert_same, snapshot

from backpropviz.engine import prefetch
from backpropviz.engine.model import build_stepper
from backpropviz.gui.controller import FRAME_SECONDS, SPEEDS, WORK_SECONDS

ITERATION_SECONDS = 1e-3  # the fake clock's cost of one iteration


def maximum() -> int:
    return next(i for i, speed in enumerate(SPEEDS) if speed.per_second is None)


def batches_with_redraw(controller, redraw_seconds: float, frames: int = 40) -> list[int]:
    """Iterations per tick when every redraw takes ``redraw_seconds`` and every iteration 1 ms (a fake clock)."""
    clock = [0.0]
    controller.use_worker = False  # the pacing of Play in this process (the worker's frames: test_worker.py)
    controller.clock = lambda: clock[0]
    run = controller.stepper.run

    def timed_run(n: int) -> None:
        run(n)
        clock[0] += n * ITERATION_SECONDS

    controller.stepper.run = timed_run
    controller.set_speed(maximum())
    controller.play()
    controller._timer.stop()  # ticks by hand, each after a redraw of known length
    batches = []
    for _ in range(frames):
        clock[0] += redraw_seconds
        before = controller.stepper.iteration
        controller._tick()
        batches.append(controller.stepper.iteration - before)
    return batches


@pytest.mark.parametrize("redraw", [0.002, 0.008])
def test_a_cheap_redraw_leaves_the_rest_of_the_frame_to_the_engine(controller, redraw):
    batches = batches_with_redraw(controller, redraw)
    assert batches[:3] == [1, 4, 16]  # a new net may be slow: one iteration first, then at most ×4 a frame
    expected = (FRAME_SECONDS - redraw) / ITERATION_SECONDS
    assert batches[-1] == pytest.approx(expected, abs=1)  # frames of 1/30 s: 30 redraws a second


def test_a_slow_redraw_slows_the_frames_not_the_training(controller):
    batches = batches_with_redraw(controller, 0.030)
    assert batches[-1] == pytest.approx(WORK_SECONDS / ITERATION_SECONDS, abs=1)  # 70 % of a frame still trains


def test_maximum_waits_for_no_timer_and_fixed_speeds_tick_each_frame(controller):
    controller.set_speed(maximum())
    controller.play()
    assert controller._timer.interval() == 0  # fires once the redraw and the input are handled
    controller.pause()
    controller.set_speed(next(i for i, s in enumerate(SPEEDS) if s.per_second == 100))
    controller.play()
    assert controller._timer.interval() == round(1000 * FRAME_SECONDS)
    controller.pause()


def recorded_prefetches(controller) -> list[bool]:
    """What each prepare_next_step the controller makes returns (True: the thread computes a step ahead)."""
    calls: list[bool] = []
    prepare = controller.stepper.prepare_next_step

    def recorded() -> bool:
        calls.append(prepare())
        return calls[-1]

    controller.stepper.prepare_next_step = recorded
    return calls


def test_once_the_window_is_idle_the_next_step_is_computed_ahead_with_the_same_bits(qtbot, controller, monkeypatch):
    monkeypatch.setattr(prefetch, "MIN_WORK", 0)  # the flower net's steps are cheap: compute them ahead anyway
    reference = build_stepper(controller.settings, controller.dataset)
    calls = recorded_prefetches(controller)
    for _ in range(2 * len(reference.steps)):
        costly = controller.stepper.next_step.kind in ("forward", "backward")
        before = len(calls)
        qtbot.waitUntil(lambda before=before: len(calls) > before)  # a frame after the last change
        assert calls[-1] == costly
        controller.step_forward()
        reference.step()
        assert_same(snapshot(controller.stepper), snapshot(reference))


def test_play_over_whole_iterations_computes_no_step_ahead(qtbot, controller, monkeypatch):
    monkeypatch.setattr(prefetch, "MIN_WORK", 0)
    controller.use_worker = False
    calls = recorded_prefetches(controller)
    qtbot.waitUntil(lambda: len(calls) == 1)  # the one the new controller makes
    controller.set_speed(maximum())
    controller.play()
    qtbot.waitUntil(lambda: controller.stepper.iteration > 50)
    assert len(calls) == 1
    controller.pause()
    qtbot.waitUntil(lambda: len(calls) == 2)  # paused: the next step is worth computing ahead again
