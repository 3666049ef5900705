"""Numerical edge cases: the engine trains or stops with its divergence report — never a NaN in the record.

Learning rates from 1e−6 to 1e3 on the course's flower net and on deep nets, zero and huge initialisations,
one example, one feature, 1,000 features, six hidden layers of one unit, labels all 0 or all 1, float32, and
the equation texts on diverged or huge states (a non-finite number is spelled out, never printed as "nan").
pytest turns every warning into an error here, so an overflow the engine does not expect fails the test.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from backpropviz.engine.equations import entry_equation, format_value, quantity_equation, step_equations
from backpropviz.engine.network import Network
from backpropviz.engine.stepper import Stepper
from backpropviz.engine.steps import QUANTITIES

LEARNING_RATES = (1e-6, 1e-3, 1.0, 10.0, 100.0, 1e3)
# (layer_dims after n_x, hidden activation, init): the course's week-3 net and two deep ones.
NETS = {
    "flower 2-4-1 tanh": ([4], "tanh", "scaled_normal"),
    "deep 6×8 relu": ([8] * 6, "relu", "he"),
    "deep 5×8 sigmoid": ([8] * 5, "sigmoid", "xavier"),
}
ITERATIONS = 300
# "nan" or "inf" as Python prints them, or NaN spelled out: none may appear on a kept (finite) state.
# A spelled-out "+inf"/"−inf" is allowed only where a would-be update overflows (checked separately).
NOT_A_NUMBER = re.compile(r"(?<![A-Za-z+−-])(nan|inf|NaN|Infinity)(?![A-Za-z])")


def build(X, Y, hidden=(4,), activation="tanh", init="scaled_normal", learning_rate=1.2, dtype="float64",
          seed=3, scale=None) -> Stepper:
    net = Network([X.shape[0], *hidden, 1], activation, init=init, seed=seed, dtype=dtype)
    if scale is not None:
        net.theta *= scale
    return Stepper(net, X, Y, learning_rate)


def assert_consistent(s: Stepper) -> None:
    """The record and the parameters are finite, and the history is as long as the run."""
    cost = s.series("cost")
    assert len(cost) == s.furthest >= s.iteration
    for name in ("cost", "train_accuracy", "grad_norm"):
        assert np.isfinite(s.series(name)).all(), f"{name} holds NaN or inf: {s.series(name)}"
    assert (cost >= 0).all()
    assert np.isfinite(s.net.theta).all()
    assert s.net.theta.dtype == s.net.dtype
    for l in range(s.L + 1):
        for quantity in QUANTITIES:
            if l == 0 and quantity not in ("A", "dA"):
                continue
            value = s.value(quantity, l)
            if value is not None:
                assert np.isfinite(value).all(), f"{quantity}{l} is shown but not finite"


def assert_trains_or_reports(s: Stepper, n: int) -> None:
    """Either n iterations with a finite cost, or a stop with a report that says where, on a finite state."""
    report = s.run(n)
    assert_consistent(s)
    if report is None:
        assert (s.iteration, s.position) == (n, 0)
        # one more iteration by micro-steps: the texts of every step stay numbers (or it stops cleanly)
        for _ in s.steps:
            if not s.step():
                break
            assert_texts_are_numbers(s)
        assert_consistent(s)
        if s.report is None:
            return
        report = s.report
    assert s.report is report
    assert report.iteration == s.iteration
    assert report.step == s.next_step.label  # the cursor waits before the step that went bad
    assert 0 < report.bad_entries <= report.total_entries
    assert report.cause and report.step in report.message and report.quantity in report.message
    assert s.step() is False and s.report is report  # stepping on changes nothing
    assert_texts_are_numbers(s)


def all_texts(s: Stepper) -> list[str]:
    """Every equation text of the current state: the corner entries of every quantity, J, the steps."""
    net, texts = s.net, []
    for quantity in QUANTITIES:
        for l in range(0 if quantity in ("A", "dA") else 1, s.L + 1):
            rows, columns = getattr(net, quantity)[l].shape
            texts.append(quantity_equation(net, quantity, l))
            for i in {0, rows - 1}:
                for j in {0, columns - 1}:
                    texts.append(entry_equation(s, quantity, l, i, j))
    texts.append(entry_equation(s, "J", 0, 0, 0))
    for step in s.steps:
        texts.extend(step_equations(net, step, s.learning_rate))
    return texts


def assert_texts_are_numbers(s: Stepper) -> None:
    for text in all_texts(s):
        assert not NOT_A_NUMBER.search(text), text
        if re.search(r"[+−-]inf", text):
            assert text.startswith(("W", "b")) and "Update" in text, text  # only an overflowing Update preview


# ------------------------------------------------------------------------------------- learning rates
@pytest.mark.parametrize("learning_rate", LEARNING_RATES)
@pytest.mark.parametrize("net", NETS)
def test_every_learning_rate_trains_or_stops_with_a_report(flower, net, learning_rate):
    hidden, activation, init = NETS[net]
    s = build(*flower, hidden, activation, init, learning_rate)
    assert_trains_or_reports(s, ITERATIONS)
    if learning_rate <= 1e-3:
        assert s.report is None
        cost = s.series("cost")
        assert cost[-1] <= cost[0]  # a tiny step never climbs


def test_the_textbook_outcomes_of_small_and_huge_learning_rates(flower):
    slow = build(*flower, learning_rate=1e-6)
    slow.run(ITERATIONS)
    assert slow.series("cost")[-1] == pytest.approx(np.log(2), abs=1e-4)  # barely moved from log 2
    course = build(*flower, learning_rate=1.2)
    course.run(2000)
    assert course.series("cost")[-1] < 0.35 and course.report is None
    deep = build(*flower, [8] * 6, "relu", "he", 1e3)
    assert deep.run(ITERATIONS) is not None  # a deep relu net at α = 1000 cannot survive


@pytest.mark.parametrize("learning_rate", [10.0, 1e3])
@pytest.mark.parametrize("net", NETS)
def test_micro_steps_stop_exactly_where_run_stops(flower, net, learning_rate):
    hidden, activation, init = NETS[net]
    by_run = build(*flower, hidden, activation, init, learning_rate)
    by_run.run(ITERATIONS)
    by_step = build(*flower, hidden, activation, init, learning_rate)
    for _ in range(ITERATIONS * len(by_step.steps)):
        if not by_step.step():
            break
    assert (by_step.iteration, by_step.position) == (by_run.iteration, by_run.position)
    assert by_step.net.theta.tobytes() == by_run.net.theta.tobytes()
    assert (by_step.report is None) == (by_run.report is None)
    if by_run.report is not None:
        assert by_step.report.message == by_run.report.message
    np.testing.assert_array_equal(by_step.series("cost"), by_run.series("cost"))
    assert_consistent(by_step)


def test_after_a_divergence_back_goto_and_a_smaller_rate_recover(flower):
    s = build(*flower, [8] * 6, "relu", "he", 1e3)
    report = s.run(ITERATIONS)
    assert report is not None
    where = (s.iteration, s.position)
    # Back walks all the way to the start without a NaN appearing anywhere
    while s.back():
        assert s.report is None
        assert_consistent(s)
    assert (s.iteration, s.position) == (0, 0)
    # forward again: the very same divergence, by goto this time
    s.goto(where[0], where[1])
    s.run(ITERATIONS)
    assert s.report is not None and s.report.message == report.message
    # a smaller α from the start trains
    s.goto(0)
    s.set_learning_rate(1e-3)
    assert s.run(ITERATIONS) is None
    assert_consistent(s)


# ------------------------------------------------------------------------------------- initialisation
@pytest.mark.parametrize("net", NETS)
def test_zero_initialisation_trains_and_never_breaks_symmetry(flower, net):
    hidden, activation, _ = NETS[net]
    s = build(*flower, hidden, activation, "zeros", 1.2)
    assert_trains_or_reports(s, ITERATIONS)
    assert s.report is None
    for l in range(1, s.L + 1):
        W = s.net.W[l]
        assert np.all(W[:1] == W), f"the units of layer {l} drifted apart from a zero start"


@pytest.mark.parametrize("scale", [1e6, 1e100, 1e200])
@pytest.mark.parametrize("net", NETS)
def test_huge_initial_weights_stop_before_any_update(flower, net, scale):
    hidden, activation, init = NETS[net]
    s = build(*flower, hidden, activation, init, 1.2, scale=scale)
    assert_trains_or_reports(s, ITERATIONS)
    assert s.report is not None and s.report.iteration == 0 and s.report.step.startswith("F")
    assert s.series("cost").size == 0


def test_huge_initial_weights_are_blamed_on_the_initialisation(flower):
    # found here: the cause blamed α ("learning rate 1.2 too large: |W1| grew to 2e+04") before any update
    s = build(*flower, scale=1e6)
    report = s.run(ITERATIONS)
    assert report is not None and report.iteration == 0
    assert "grew" not in report.cause and "learning rate" not in report.cause
    assert "initial" in report.cause


def test_a_huge_hand_edit_is_blamed_on_the_edit(flower):
    s = build(*flower)
    s.run(5)
    s.set_parameter("W2", (0, 0), 1e6)
    report = s.run(ITERATIONS)
    assert report is not None and (report.iteration, report.step) == (5, "F2")
    assert "grew" not in report.cause and "learning rate" not in report.cause
    assert "W2" in report.cause


# ------------------------------------------------------------------------------------- data shapes
@pytest.mark.parametrize("net", NETS)
def test_one_example_is_learnt(flower, net):
    hidden, activation, init = NETS[net]
    X, Y = flower
    s = build(X[:, :1], Y[:, :1], hidden, activation, init, 0.1)
    assert_trains_or_reports(s, ITERATIONS)
    assert s.report is None and s.net.m == 1
    assert s.series("train_accuracy")[-1] == 1.0
    assert s.series("cost")[-1] < s.series("cost")[0]


def test_one_feature(flower):
    X, Y = flower
    s = build(X[:1], Y)
    assert_trains_or_reports(s, ITERATIONS)
    assert s.report is None and s.net.W[1].shape == (4, 1)
    assert_texts_are_numbers(s)


@pytest.mark.parametrize("hidden", [(4,), (8, 8)])
def test_a_thousand_features_and_five_examples(hidden):
    rng = np.random.RandomState(0)
    X, Y = rng.randn(1000, 5), np.array([[0.0, 1.0, 0.0, 1.0, 1.0]])
    s = build(X, Y, hidden, "tanh", "xavier", 0.5)
    assert_trains_or_reports(s, ITERATIONS)
    assert s.report is None and s.series("train_accuracy")[-1] == 1.0
    big = build(100 * X, Y, hidden, "relu", "xavier", 100.0)
    assert_trains_or_reports(big, ITERATIONS)  # huge inputs and α: whatever happens, it is reported cleanly


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu", "sigmoid", "linear"])
def test_six_hidden_layers_of_one_unit(flower, activation):
    s = build(*flower, [1] * 6, activation, "xavier", 1.2)
    assert_trains_or_reports(s, ITERATIONS)
    # one step by hand through the whole iteration: every micro-step's texts stay numbers
    s.goto(0)
    for _ in s.steps:
        assert s.step()
        assert_texts_are_numbers(s)


@pytest.mark.parametrize("label", [0.0, 1.0])
@pytest.mark.parametrize("net", NETS)
@pytest.mark.parametrize("learning_rate", [1.2, 1e3])
def test_all_labels_identical(flower, net, label, learning_rate):
    hidden, activation, init = NETS[net]
    X, Y = flower
    s = build(X, np.full_like(Y, label), hidden, activation, init, learning_rate)
    assert_trains_or_reports(s, ITERATIONS)
    if learning_rate == 1.2 and s.report is None:
        assert s.series("train_accuracy")[-1] == 1.0
        assert s.series("cost")[-1] < 0.05


# ------------------------------------------------------------------------------------- float32
@pytest.mark.parametrize("learning_rate", [1e-6, 1.2, 100.0, 1e3])
@pytest.mark.parametrize("net", NETS)
def test_float32_trains_or_reports(flower, net, learning_rate):
    hidden, activation, init = NETS[net]
    s = build(*flower, hidden, activation, init, learning_rate, dtype="float32")
    assert_trains_or_reports(s, ITERATIONS)


def test_float32_edge_cases(flower):
    X, Y = flower
    for s in (
        build(*flower, scale=1e6, dtype="float32"),  # huge init
        build(*flower, [8] * 6, "sigmoid", "xavier", dtype="float32", scale=1e30),
        build(X[:, :1], Y[:, :1], dtype="float32"),  # one example
        build(X, np.ones_like(Y), [8] * 6, "relu", "he", 10.0, dtype="float32"),  # labels all 1
        build(*flower, [4], "tanh", "zeros", dtype="float32"),  # zero init
    ):
        assert_trains_or_reports(s, ITERATIONS)


def test_float32_saturated_output_shows_a_finite_dAL(flower):
    # found here: ε = 1e−15 vanished in float32 (1 − ε rounds to 1), so dA[L] was 1/0 = inf and 0/0 = NaN
    net = Network([2, 4, 1], "tanh", seed=3, dtype="float32")
    net.b[2][...] = 30.0  # A2 = σ(≈30) rounds to exactly 1 in float32
    s = Stepper(net, *flower, 1.2)
    s.goto(0, s.L + 1)  # just after the Cost step: dA2 is computed
    assert (s.net.A[2] == 1.0).all()
    assert np.isfinite(s.value("dA", s.L)).all()
    for j in (0, 399):  # a 0 label and a 1 label
        text = entry_equation(s, "dA", s.L, 0, j)
        assert not NOT_A_NUMBER.search(text) and "inf" not in text, text


def test_float32_edit_within_range_is_stored(flower):
    s = build(*flower, dtype="float32")
    s.set_parameter("W1", (0, 0), 1e30)
    assert s.net.W[1][0, 0] == np.float32(1e30)
    assert_trains_or_reports(s, 3)


def test_float32_edit_beyond_its_range_is_refused(flower):
    # found here: a finite float64 beyond float32's range was accepted and stored as inf
    s = build(*flower, dtype="float32")
    with pytest.raises(ValueError):
        s.set_parameter("b1", (0, 0), 1e300)
    assert np.isfinite(s.net.theta).all()


# ------------------------------------------------------------------------------------- hand-made extremes
@pytest.mark.parametrize("value", [1e10, 1e154, 1e300, -1e300])
@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_huge_hand_edits_step_cleanly(flower, name, value):
    s = build(*flower)
    s.set_parameter(name, (0, 0), value)
    for _ in range(3 * len(s.steps)):
        moved = s.step()
        assert_consistent(s)
        assert_texts_are_numbers(s)
        if not moved:
            break


def test_gradient_norm_of_finite_gradients_is_finite(flower):
    # found here: ‖dW‖² overflowed, so grad_norm recorded inf where every dW entry was finite
    # a linear hidden layer at −0.5 whose two huge output weights cancel: Z2 = 0, but dW1 ≈ 1e200
    net = Network([2, 4, 1], ["linear", "sigmoid"], seed=3)
    net.W[1][...] = 0.0
    net.b[1][...] = -0.5
    net.W[2][...] = [[1e200, -1e200, 0.0, 0.0]]
    s = Stepper(net, *flower, 1.2)
    s.run(1)
    norms = s.series("grad_norm")
    assert np.isfinite(norms).all(), norms
    dW1 = s.net.dW[1]  # iteration 0's gradient (the stop replayed it)
    top = np.abs(dW1).max()
    assert top > 1e150 and norms[0, 0] == pytest.approx(top * np.sqrt(np.sum((dW1 / top) ** 2)), rel=1e-12)


def test_an_overflowing_update_preview_is_spelled_out(flower):
    s = build(*flower, learning_rate=1e3)
    s.set_parameter("W2", (0, 0), 1e306)
    s.set_parameter("W1", (0, 0), 1e306)
    for _ in range(2 * s.L + 1):  # through B1: the gradients exist, the Update has not run
        if not s.step():
            break
    for text in all_texts(s):
        assert not NOT_A_NUMBER.search(text), text


def test_format_value_spells_out_what_is_not_a_number():
    assert format_value(float("nan")) == "NaN"
    assert format_value(float("inf")) == "+inf"
    assert format_value(float("-inf")) == "−inf"
    for value in (1e300, -1e300, 5e-324, np.float32(3e38), np.finfo(np.float64).max):
        assert not NOT_A_NUMBER.search(format_value(value))
