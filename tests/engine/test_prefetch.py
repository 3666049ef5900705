"""A micro-step computed ahead on a background thread: the same bits as computing it in the step, and
never used once anything changed in between."""

import threading

import numpy as np
import pytest
from stepper_state import assert_same, snapshot

from backpropviz.engine import prefetch
from backpropviz.engine.network import Network
from backpropviz.engine.prefetch import step_work
from backpropviz.engine.stepper import Stepper


def deep_stepper(X, Y, learning_rate=0.5):
    return Stepper(Network([X.shape[0], 6, 5, 1], "relu", seed=2), X, Y, learning_rate)


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((12, 300))
    Y = (rng.random((1, 300)) < 0.5).astype(np.float64)
    return X, Y


@pytest.fixture
def main_thread_steps(monkeypatch):
    """Compute every forward/backward step ahead, however small; the F/B calls the main thread makes
    itself are counted (the thread's own are not: it may still be finishing a dropped job)."""
    monkeypatch.setattr(prefetch, "MIN_WORK", 0)
    calls = []
    main = threading.main_thread()
    for name in ("forward_layer", "backward_layer"):
        original = getattr(Network, name)

        def spy(self, *args, original=original, **kwargs):
            if threading.current_thread() is main:
                calls.append(kwargs.get("into") is not None)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Network, name, spy)
    return calls


def computes_in_the_step(calls, stepper) -> bool:
    """Step; whether the main thread computed the step itself (rather than take what was computed ahead)."""
    before = len(calls)
    assert stepper.step()
    return calls[before:] == [False]


def test_steps_computed_ahead_are_bit_identical_to_steps_computed_in_place(data, main_thread_steps):
    ahead, plain = deep_stepper(*data), deep_stepper(*data)
    for _ in range(3 * len(plain.steps)):
        costly = ahead.next_step.kind in ("forward", "backward")
        assert ahead.prepare_next_step() == costly
        assert not computes_in_the_step(main_thread_steps, ahead)  # taken from the thread, or not an F/B step
        assert plain.step()
        assert_same(snapshot(ahead), snapshot(plain))


def test_a_change_after_preparing_drops_what_was_computed(data, main_thread_steps):
    """Edit, back, goto, α, bug, run, reset between prepare and step: the step computes afresh, and
    everything equals a stepper that never computed ahead."""
    rng = np.random.default_rng(3)
    s, reference = deep_stepper(*data), deep_stepper(*data)
    changes = [
        lambda t: t.set_parameter("W1", (0, 1), 0.25),
        lambda t: t.back(),
        lambda t: t.goto(1, 2),
        lambda t: t.set_planted_bug(2),
        lambda t: t.set_learning_rate(0.1),
        lambda t: t.run(2),
        lambda t: t.reset(),
    ]
    dropped = 0
    for _ in range(150):
        s.prepare_next_step()
        if rng.random() < 0.3:
            change = changes[int(rng.integers(len(changes)))]
            version = s.version
            change(s)
            change(reference)
            if s.version != version and s.next_step.kind in ("forward", "backward"):  # back() at 0 changes nothing
                assert computes_in_the_step(main_thread_steps, s)
                dropped += 1
            else:
                s.step()
        else:
            s.step()
        reference.step()
        assert_same(snapshot(s, history=True), snapshot(reference, history=True))
    assert dropped > 10


def test_a_divergence_in_a_step_computed_ahead_is_reported_like_any_other(data, main_thread_steps):
    X, Y = data
    s, reference = deep_stepper(X * 1e6, Y, 50.0), deep_stepper(X * 1e6, Y, 50.0)
    for _ in range(200):
        s.prepare_next_step()
        ok, ok_reference = s.step(), reference.step()
        assert ok == ok_reference
        if not ok:
            break
    assert s.report is not None and s.report.message == reference.report.message
    assert_same(snapshot(s), snapshot(reference))
    assert not s.prepare_next_step()  # nothing to compute past a divergence


def test_only_costly_steps_are_computed_ahead():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((784, 1000))
    Y = (rng.random((1, 1000)) < 0.5).astype(np.float64)
    s = Stepper(Network([784, 128, 4, 1], "relu"), X, Y, 0.01)
    assert step_work(s.net, "forward", 1) == 784 * 128 * 1000
    assert step_work(s.net, "backward", 2) == 2 * 128 * 4 * 1000  # dW2 and dA1
    assert step_work(s.net, "cost", 0) == 0
    assert s.prepare_next_step()  # F1: 10⁸ multiply-adds
    s.step()
    assert not s.prepare_next_step()  # F2: 5·10⁵
