"""The micro-step cursor: bit-identity of every path, exact undo and rewind, events, divergence, memory."""

import tracemalloc
from dataclasses import replace

import numpy as np
import pytest
from stepper_state import assert_same, snapshot

from backpropviz.engine.activations import ACTIVATIONS, tanh_from_exp_ops, tanh_ops
from backpropviz.engine.history import Series
from backpropviz.engine.network import Network
from backpropviz.engine.stepper import Stepper
from backpropviz.engine.steps import micro_steps


def flower_stepper(flower, learning_rate=1.2, **kwargs):
    X, Y = flower
    return Stepper(Network([2, 4, 1], "tanh", seed=3), X, Y, learning_rate, **kwargs)


def test_micro_step_order():
    assert [s.label for s in micro_steps(3)] == ["F1", "F2", "F3", "Cost", "B3", "B2", "B1", "Update"]


def test_each_micro_step_fills_exactly_its_equation(flower):
    s = flower_stepper(flower)
    assert s.value("Z", 1) is None and s.value("W", 1) is not None
    s.step()  # F1
    assert s.value("Z", 1) is not None and s.value("A", 1) is not None and s.value("Z", 2) is None
    s.step()  # F2
    assert s.value("A", 2) is not None and s.current_cost is None and s.value("dA", 2) is None
    s.step()  # Cost
    assert s.current_cost == pytest.approx(0.693, abs=1e-3)
    assert s.value("dA", 2) is not None and s.value("dZ", 2) is None
    s.step()  # B2
    assert all(s.value(q, 2) is not None for q in ("dZ", "dW", "db")) and s.value("dA", 1) is not None
    assert s.value("dW", 1) is None and s.value("dA", 0) is None
    s.step()  # B1
    assert s.value("dW", 1) is not None and s.value("dA", 0) is not None
    assert s.last_step.label == "B1" and s.next_step.label == "Update"
    W1 = s.value("W", 1).copy()
    s.step()  # Update
    assert (s.iteration, s.position) == (1, 0) and s.last_step.label == "Update"
    assert s.value("Z", 1) is None and not np.array_equal(W1, s.value("W", 1))
    assert len(s.series("cost")) == 1


def test_dA0_is_computed_when_first_read_with_the_bits_of_the_eager_product(flower):
    s = flower_stepper(flower)
    for _ in range(2 * s.L + 1):  # … B1
        s.step()
    W1, dZ1 = s.value("W", 1).copy(), s.value("dZ", 1).copy()
    expected = np.matmul(W1.T, dZ1)  # what B1 used to compute at once
    rows, columns = slice(None, None, 1), slice(None, None, 7)
    part = s.value_part("dA", 0, rows, columns)  # a thumbnail's sample: only those entries
    assert s._dA0_pending
    np.testing.assert_allclose(part, expected[rows, columns], rtol=1e-12, atol=1e-17)
    assert s.value("dA", 0).tobytes() == expected.tobytes()  # read whole: computed now, bit for bit
    assert not s._dA0_pending
    assert s.value_part("dA", 0, rows, columns).tobytes() == expected[rows, columns].tobytes()
    s.step()  # Update: dA0 belongs to the finished iteration
    assert s.value("dA", 0) is None and s.value_part("dA", 0, rows, columns) is None
    s.back()  # over the Update again: W1 as it was, so dA0 is the same
    assert s.value("dA", 0).tobytes() == expected.tobytes()


def test_values_are_read_only(flower):
    s = flower_stepper(flower)
    with pytest.raises(ValueError, match="read-only"):
        s.value("W", 1)[0, 0] = 5.0


@pytest.mark.parametrize("k", [1, 7, 40])
def test_micro_steps_run_and_train_are_bit_identical(flower, k):
    X, Y = flower
    micro = flower_stepper(flower)
    for _ in range(k * len(micro.steps)):
        assert micro.step()
    ran = flower_stepper(flower)
    ran.run(k)
    mixed = flower_stepper(flower)
    mixed.step()
    mixed.step()
    mixed.run(k)  # finishes the started iteration first, then k − 1 more
    net = Network([2, 4, 1], "tanh", seed=3)
    net.bind(X, Y)
    costs = net.train(k, 1.2)
    for other in (ran, mixed):
        assert other.net.theta.tobytes() == micro.net.theta.tobytes()
    assert net.theta.tobytes() == micro.net.theta.tobytes()
    np.testing.assert_array_equal(micro.series("cost"), costs)
    np.testing.assert_array_equal(ran.series("cost"), costs)


def test_series_match_the_network(flower):
    _, Y = flower
    s = flower_stepper(flower)
    s.run(30)
    acc = s.series("train_accuracy")
    norms = s.series("grad_norm")
    assert acc.shape == (30,) and norms.shape == (30, 2)
    s.goto(29, len(s.steps) - 1)  # just before the last Update
    assert acc[29] == np.mean((s.value("A", 2) > 0.5) == Y)
    assert norms[29, 0] == pytest.approx(np.linalg.norm(s.value("dW", 1)), rel=1e-12)
    assert np.isnan(s.series("test_cost")).all()
    with pytest.raises(ValueError, match="unknown series"):
        s.series("loss")


def test_rows_written_at_once_equal_rows_written_one_by_one_past_several_doublings():
    rows = np.arange(3 * 40, dtype=float).reshape(40, 3)
    one_by_one, at_once = Series(width=3, capacity=2), Series(width=3, capacity=2)
    for i, row in enumerate(rows):
        one_by_one.set(i, row)
    at_once.write_rows(0, rows[:5])
    at_once.write_rows(5, rows[5:])  # 5 → 40 rows: the table doubles three times in one call
    at_once.write_rows(40, rows[:0])  # nothing to write changes nothing
    assert len(at_once) == 40
    np.testing.assert_array_equal(at_once.values(), one_by_one.values())
    at_once.write_rows(10, -rows[:3])  # rewriting inside keeps the length
    assert len(at_once) == 40 and at_once.values()[11, 0] == -3.0 and at_once.values()[13, 0] == 39.0


def test_test_set_is_recorded(flower):
    X, Y = flower
    s = Stepper(Network([2, 4, 1], "tanh", seed=3), X[:, :300], Y[:, :300], 1.2, X[:, 300:], Y[:, 300:])
    s.run(5)
    net = Network([2, 4, 1], "tanh", seed=3)
    net.bind(X[:, :300], Y[:, :300])
    net.train(4, 1.2)
    assert s.series("test_accuracy")[4] == net.accuracy(X[:, 300:], Y[:, 300:])
    assert np.isfinite(s.series("test_cost")).all()


def test_finish_iteration_and_backward_phase(flower):
    s = flower_stepper(flower)
    s.step()
    s.finish_iteration()
    assert (s.iteration, s.position) == (1, 0)
    assert s.step_backward_phase()  # runs forward through the Cost
    assert s.last_step.label == "Cost"
    assert s.step_backward_phase()
    assert s.last_step.label == "B2"


def test_back_restores_bit_identical_state_after_every_kind_of_move(flower):
    s = flower_stepper(flower)
    s.run(3)
    for action in ("step", "step", "step", "finish", "step", "run", "edit", "lr", "bug", "step", "goto"):
        before = snapshot(s)
        if action == "step":
            s.step()
        elif action == "finish":
            s.finish_iteration()
            s.back()
            before = snapshot(s)
            s.step()
        elif action == "run":
            s.run(5)
            s.back()
            before = snapshot(s)
            s.step()
        elif action == "edit":
            s.set_parameter("W2", (0, 1), 0.75)
        elif action == "lr":
            s.set_learning_rate(0.5)
        elif action == "bug":
            s.set_planted_bug(1)
        else:
            s.goto(1, 3)
            s.back()
            before = snapshot(s)
            s.step()
        s.back()
        assert_same(snapshot(s), before)


def test_random_walk_of_step_back_goto_edit_matches_a_fresh_replay(flower):
    """Property-style: after any seeded sequence, the state equals a fresh stepper driven to the same point."""
    rng = np.random.RandomState(2024)
    s = flower_stepper(flower)
    history = []
    for _ in range(400):
        action = rng.choice(["step", "step", "step", "back", "back", "goto", "run", "edit", "lr"])
        before = snapshot(s)
        if action == "step":
            s.step()
        elif action == "back":
            s.back()
        elif action == "goto":
            s.goto(int(rng.randint(0, s.iteration + 3)), int(rng.randint(0, len(s.steps))))
        elif action == "run":
            s.run(int(rng.randint(1, 20)))
        elif action == "edit":
            name = f"{rng.choice(['W', 'b'])}{rng.randint(1, 3)}"
            shape = s.value(name[0], int(name[1])).shape
            edit = (name, (rng.randint(shape[0]), rng.randint(shape[1])), rng.randn())
            s.set_parameter(*edit)
        else:
            learning_rate = float(rng.choice([0.5, 1.2, 2.0]))
            s.set_learning_rate(learning_rate)
        history.append(action)
        if action in ("step", "edit", "lr"):
            s.back()
            assert_same(snapshot(s), before)
            if action == "step":
                s.step()
            elif action == "edit":
                s.set_parameter(*edit)
            else:
                s.set_learning_rate(learning_rate)
    # replay what the stepper says happened: its events, then goto the cursor, on a fresh stepper
    fresh = flower_stepper(flower)
    target = (s.iteration, s.position)
    for event in s.events:
        fresh.goto(event.iteration, event.position_before)
        if event.kind == "edit":
            fresh.set_parameter(event.data["name"], event.data["index"], event.data["value"])
        else:
            fresh.set_learning_rate(event.data["value"])
    fresh.goto(*target)
    assert_same(snapshot(fresh), snapshot(s))
    assert len(history) == 400 and len(s.events) > 3


def test_goto_far_past_after_the_budget_forced_spacing_is_exact(flower):
    s = flower_stepper(flower, memory_budget=20_000)  # room for a few dozen keyframes only
    s.run(3000)
    assert s.keyframes.spacing >= 64
    assert s.keyframes.nbytes <= 20_000
    s.goto(1234, 4)
    X, Y = flower
    net = Network([2, 4, 1], "tanh", seed=3)
    net.bind(X, Y)
    net.train(1234, 1.2)
    for l in (1, 2):
        net.forward_layer(l)
    assert s.net.theta.tobytes() == net.theta.tobytes()
    assert s.value("A", 2).tobytes() == net.A[2].tobytes()
    assert s.current_cost == net.compute_cost()
    assert len(s.series("cost")) == 3000  # the known future is kept


def test_undo_depth_of_a_thousand_micro_steps(flower):
    s = flower_stepper(flower)
    start = snapshot(s)
    for _ in range(1200):
        s.step()
    for _ in range(1200):
        assert s.back()
    assert_same(snapshot(s), {**start, "records": snapshot(s)["records"]})
    assert not s.back()  # nothing before the start


def test_an_edit_changes_the_next_forward_pass_and_back_removes_it(flower):
    s = flower_stepper(flower)
    s.run(10)
    s.step()
    Z_before = s.value("Z", 1).copy()
    s.set_parameter("W1", (0, 0), 3.0)
    assert (s.iteration, s.position) == (10, 0)  # the iteration restarts: Z1 is stale
    assert s.value("W", 1)[0, 0] == 3.0
    s.step()
    assert not np.array_equal(s.value("Z", 1), Z_before)
    s.back()
    s.back()  # the edit
    assert (s.iteration, s.position) == (10, 1)
    np.testing.assert_array_equal(s.value("Z", 1), Z_before)


def test_an_edit_drops_the_redo_future_and_is_replayed_by_goto(flower):
    s = flower_stepper(flower)
    s.run(50)
    s.goto(20)
    future = s.series("cost").copy()
    s.set_parameter("b2", (0, 0), -1.0)
    assert len(s.series("cost")) == 20
    s.back()  # undoing the edit brings the replaced future back
    np.testing.assert_array_equal(s.series("cost"), future)
    s.set_parameter("b2", (0, 0), -1.0)
    s.run(10)
    theta_30 = s.net.theta.copy()
    s.goto(5)
    s.goto(30)
    assert s.net.theta.tobytes() == theta_30.tobytes()


def test_learning_rate_change_is_an_undoable_event(flower):
    s = flower_stepper(flower)
    s.step()
    s.set_learning_rate(0.1)
    assert s.learning_rate == 0.1 and (s.iteration, s.position) == (0, 1)
    s.back()
    assert s.learning_rate == 1.2 and (s.iteration, s.position) == (0, 1)
    with pytest.raises(ValueError, match="learning rate"):
        s.set_learning_rate(-1)


@pytest.mark.parametrize(
    ("name", "index", "value", "message"),
    [
        ("W3", (0, 0), 1.0, "not a parameter"),
        ("Z1", (0, 0), 1.0, "not a parameter"),
        ("W1", (4, 0), 1.0, "outside"),
        ("b2", (0, 0), float("nan"), "finite"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(flower, name, index, value, message):
    s = flower_stepper(flower)
    before = snapshot(s)
    with pytest.raises(ValueError, match=message):
        s.set_parameter(name, index, value)
    assert_same(snapshot(s), before)


def test_planted_bug_doubles_dW_of_its_layer(flower):
    s = flower_stepper(flower)
    s.goto(0, 5)  # after B1
    dW1, dW2 = s.value("dW", 1).copy(), s.value("dW", 2).copy()
    s.set_planted_bug(1)
    s.goto(0, 5)
    np.testing.assert_array_equal(s.value("dW", 1), 2 * dW1)
    np.testing.assert_array_equal(s.value("dW", 2), dW2)
    s.back()  # the goto's last micro-step
    s.goto(0, 0)
    s.back()  # the bug itself
    assert s.planted_bug_layer is None


def test_large_learning_rate_stops_with_a_report_and_finite_parameters(flower):
    s = flower_stepper(flower, learning_rate=1e3)
    report = s.run(1000)
    assert report is not None and s.report is report
    assert report.step == "F2" and report.layer == 2 and report.quantity == "Z2"
    assert report.bad_entries > 0 and report.total_entries == 400
    assert "learning rate 1000 too large" in report.cause
    assert f"iteration {report.iteration}" in report.message
    assert np.isfinite(s.net.theta).all()
    assert (s.iteration, s.position) == (report.iteration, 1)
    assert len(s.series("cost")) == report.iteration
    assert not s.step()  # stays paused on the last finite state
    micro = flower_stepper(flower, learning_rate=1e3)
    while micro.step():
        pass
    assert (micro.report.iteration, micro.report.step) == (report.iteration, report.step)
    assert micro.net.theta.tobytes() == s.net.theta.tobytes()


def test_overflowing_parameters_are_caught_at_the_update(flower):
    X, Y = flower
    net = Network([2, 4, 1], "relu", seed=3)
    s = Stepper(net, X, Y, 1e300)
    report = s.run(10)
    assert report is not None
    assert np.isfinite(s.net.theta).all()
    s.goto(0)
    s.set_learning_rate(0.1)  # an event clears the report
    assert s.report is None and s.run(5) is None


def test_listeners_hear_every_change(flower):
    s = flower_stepper(flower)
    heard = []
    s.listeners.append(lambda kind, stepper: heard.append(kind))
    s.step()
    s.back()
    s.run(2)
    s.goto(1)
    s.set_learning_rate(0.5)
    s.reset()
    assert heard == ["step", "back", "run", "goto", "learning_rate", "reset"]
    assert (s.iteration, s.position) == (0, 0) and s.learning_rate == 1.2


def test_memory_stays_within_the_budget_over_100k_iterations(flower):
    budget = 5_000_000
    tracemalloc.start()
    s = flower_stepper(flower, memory_budget=budget)
    base = tracemalloc.get_traced_memory()[0]
    s.run(100_000)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert len(s.series("cost")) == 100_000
    # the keyframes keep to their budget; the series (6 floats an iteration) come on top
    assert s.keyframes.nbytes <= budget
    assert grown <= budget + s.records.nbytes + 1_000_000


def test_export_import_round_trip_is_bit_identical_with_the_same_next_step(flower):
    s = flower_stepper(flower)
    s.run(40)
    s.set_parameter("W1", (1, 1), 0.3)
    s.run(5)
    s.set_learning_rate(0.7)
    s.set_planted_bug(2)
    for _ in range(3):
        s.step()
    meta, arrays = s.export_state()
    loaded = flower_stepper(flower)
    loaded.import_state(meta, arrays)
    assert_same(snapshot(loaded), snapshot(s))
    assert loaded.next_step == s.next_step
    s.run(10)
    loaded.run(10)
    assert_same(snapshot(loaded), snapshot(s))
    s.goto(3)
    loaded.goto(3)
    assert_same(snapshot(loaded), snapshot(s))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m, a: a.update(theta_start=np.zeros(5)), "theta_start has shape"),
        (lambda m, a: a.update(theta_initial=np.full(17, np.nan)), "NaN"),
        (lambda m, a: a.update(records=np.zeros((3, 2))), "records have shape"),
        (lambda m, a: m.update(position=99), "no such point"),
        (lambda m, a: m.update(iteration=10**9), "no such point"),
        (lambda m, a: m.update(initial_learning_rate=-1), "learning rate"),
        (lambda m, a: m["events"].append({"iteration": 1, "kind": "magic", "data": {}, "position_before": 0,
                                          "position_after": 0}), "unknown event"),
        (lambda m, a: m["events"].append({"iteration": 1, "kind": "edit", "position_before": 0, "position_after": 0,
                                          "data": {"name": "W7", "layer": 7, "index": [0, 0], "value": 1}}),
         "does not have"),
    ],
)
def test_import_refuses_what_does_not_fit_and_changes_nothing(flower, change, message):
    source = flower_stepper(flower)
    source.run(5)
    meta, arrays = source.export_state()
    change(meta, arrays)
    target = flower_stepper(flower)
    target.run(2)
    before = snapshot(target)
    with pytest.raises(ValueError, match=message):
        target.import_state(meta, arrays)
    assert_same(snapshot(target), before)


def test_goto_forward_over_trained_iterations_starts_from_the_keyframe_before(flower):
    def history():
        s = flower_stepper(flower)
        s.run(200)
        s.set_learning_rate(0.6)  # an event on the way
        s.run(100)
        return s

    there, here = history(), history()
    there.goto(250, 3)  # behind the cursor: from a keyframe, as always
    here.goto(0)
    passes = []
    forward = here.net.forward
    here.net.forward = lambda: passes.append(1) or forward()
    here.goto(250, 3)  # ahead of the cursor, over 250 trained iterations
    assert len(passes) < here.keyframes.spacing  # from the keyframe at or before 250, not from iteration 0
    assert_same(snapshot(here), snapshot(there))
    assert here.learning_rate == 0.6


def test_records_do_not_depend_on_how_the_iterations_were_taken(flower):
    # the accuracy and ‖dW‖ of new iterations are computed in batches (records.py): batch boundaries, runs of
    # any length and micro-steps must all give the same bits, test-set columns included
    X, Y = flower
    def make():
        return Stepper(Network([2, 5, 3, 1], "tanh", seed=4), X[:, :300], Y[:, :300], 0.5, X[:, 300:], Y[:, 300:])

    whole = make()
    whole.run(100)
    chunks = make()
    for n in (1, 5, 33, 2, 40, 19):
        chunks.run(n)
    stepped = make()
    for _ in range(100 * len(stepped.steps)):
        assert stepped.step()
    for other in (chunks, stepped):
        assert other.records.values().tobytes() == whole.records.values().tobytes()
    assert np.isfinite(whole.records.values()).all()


@pytest.mark.parametrize("learning_rate", [1e300, 1e305, 1e308])
def test_an_overflowing_update_between_keyframes_is_reported_as_micro_steps_report_it(flower, learning_rate):
    # whole iterations test θ only at keyframes (every 16 iterations here) and replay to find the first failure
    def make():
        s = flower_stepper(flower)
        s.run(5)
        s.set_learning_rate(learning_rate)
        return s

    ran = make()
    report = ran.run(40)
    stepped = make()
    while stepped.step():
        pass
    assert report is not None and stepped.report is not None
    assert report.message == stepped.report.message
    assert (ran.iteration, ran.position) == (stepped.iteration, stepped.position)
    assert ran.net.theta.tobytes() == stepped.net.theta.tobytes()
    assert ran.records.values().tobytes() == stepped.records.values().tobytes()


@pytest.mark.parametrize("forward_ops", [tanh_ops, tanh_from_exp_ops])
def test_either_tanh_keeps_micro_steps_run_and_train_bit_identical(flower, monkeypatch, forward_ops):
    # the engine picks its tanh once per process by the CPU; CI's CPU shows only one of them otherwise
    monkeypatch.setitem(ACTIVATIONS, "tanh", replace(ACTIVATIONS["tanh"], forward_ops=forward_ops))
    X, Y = flower
    micro = flower_stepper(flower)
    for _ in range(20 * len(micro.steps)):
        assert micro.step()
    ran = flower_stepper(flower)
    ran.run(20)
    net = Network([2, 4, 1], "tanh", seed=3)
    net.bind(X, Y)
    costs = net.train(20, 1.2)
    assert ran.net.theta.tobytes() == micro.net.theta.tobytes() == net.theta.tobytes()
    assert ran.records.values().tobytes() == micro.records.values().tobytes()
    np.testing.assert_array_equal(ran.series("cost"), costs)


def test_the_last_updates_gradients_stay_readable_until_this_iteration_computes_its_own(flower):
    s = flower_stepper(flower)
    for _ in range(len(s.steps) - 1):  # up to the Update, not through it
        assert s.step()
    used = s.value("dW", 1).copy()
    assert s.previous_gradient("dW", 1) is None  # computed in this iteration: value() has it
    assert s.step()  # the Update: iteration 1 starts
    previous, iteration = s.previous_gradient("dW", 1)
    assert iteration == 0 and previous.tobytes() == used.tobytes() and not previous.flags.writeable
    for _ in range(s.L + 1):  # the forward pass and the Cost leave the gradients alone
        assert s.step()
    assert s.previous_gradient("db", 1)[1] == 0
    assert s.step() and s.previous_gradient("dW", 2) is None  # B2 computed this iteration's dW2 …
    assert s.previous_gradient("dW", 1)[1] == 0  # … and dW1 is still the one the Update used
    s.back()  # B2 undone: its buffer holds this iteration's numbers, no longer the Update's
    assert s.previous_gradient("dW", 2) is None
    s.run(7)
    assert s.previous_gradient("dW", 1)[1] == 7  # whole iterations keep them too
    s.goto(3)
    assert s.previous_gradient("dW", 1)[1] == 2  # replayed from a keyframe: the last replayed iteration's
    s.set_parameter("W1", (0, 0), 0.5)  # an edit restarts iteration 3 before any backward step: still there
    assert s.previous_gradient("dW", 1)[1] == 2
    assert s.previous_gradient("W", 1) is None and s.previous_gradient("dZ", 1) is None
