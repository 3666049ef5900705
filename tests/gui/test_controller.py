"""Play's pacing: at "Maximum" a frame trains for what the last redraw left of it, never less than its share."""

from __future__ import annotations

import pytest

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
