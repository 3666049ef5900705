"""The step table (steps.py) and the one event validator (events.py): pure NumPy, no Qt."""

import numpy as np
import pytest

from backpropviz.engine.events import EventError, check_event
from backpropviz.engine.network import Network
from backpropviz.engine.steps import (
    QUANTITIES,
    ROWS,
    MicroStep,
    equation,
    is_filled,
    micro_steps,
    producing_step,
    row_for,
    shape,
    step_index,
    step_writes,
)


def every_quantity(L: int) -> list[tuple[str, int]]:
    return [(row.quantity, l) for row in ROWS for l in row.layers(L)]


@pytest.mark.parametrize("L", [1, 2, 5])
def test_every_quantity_is_written_by_exactly_one_step_or_given(L):
    written = [pair for step in micro_steps(L) for pair in step_writes(step, L)]
    assert len(written) == len(set(written))
    assert sorted([*written, ("A", 0)]) == sorted(every_quantity(L))
    for quantity, l in written:
        assert producing_step(quantity, l, L) in micro_steps(L)


@pytest.mark.parametrize("L", [1, 2, 4])
def test_is_filled_follows_the_lecture_order(L):
    """The positions at which each quantity appears, written out by hand as the lecture orders them."""
    expected_first = {("Z", l): l for l in range(1, L + 1)}  # F_l is the l-th step
    expected_first.update({("A", l): l for l in range(1, L + 1)})
    expected_first[("J", 0)] = L + 1
    expected_first[("dA", L)] = L + 1
    for l in range(1, L + 1):  # B_l is step 2L + 2 − l
        for q in ("dZ", "dW", "db"):
            expected_first[(q, l)] = 2 * L + 2 - l
        expected_first[("dA", l - 1)] = 2 * L + 2 - l
    for quantity, l in every_quantity(L):
        for position in range(2 * L + 2):
            filled = is_filled(quantity, l, L, position)
            if quantity in ("W", "b") or (quantity, l) == ("A", 0):
                assert filled
            else:
                assert filled == (position >= expected_first[(quantity, l)]), (quantity, l, position)


def test_step_index_is_the_position_in_the_sequence():
    for L in (1, 3):
        for i, step in enumerate(micro_steps(L)):
            assert step_index(step, L) == i


def test_equations_shapes_and_checks_of_the_table():
    dims, m = [2, 4, 3, 1], 400
    assert equation("dZ", 3, 3) == "dZ3 = A3 − Y   (dA3 ∗ σ′(Z3), simplified)"
    assert equation("dZ", 2, 3, "relu") == "dZ2 = dA2 ∗ relu′(Z2)"
    assert equation("dA", 1, 3) == "dA1 = W2ᵀ dZ2"
    assert [shape(q, 2, dims, m) for q in ("W", "b", "Z", "dW", "db", "dA")] == [
        (3, 4), (3, 1), (3, 400), (3, 4), (3, 1), (3, 400),
    ]
    assert step_writes(MicroStep("backward", 1), 3, lazy=False) == [("dZ", 1), ("dW", 1), ("db", 1)]
    assert step_writes(MicroStep("backward", 1), 3)[-1] == ("dA", 0)
    with pytest.raises(ValueError, match="unknown quantity 'Q'"):
        row_for("Q", 1, 3)
    with pytest.raises(ValueError, match="layer must be in 1…3"):
        row_for("W", 0, 3)
    with pytest.raises(ValueError, match="layer must be in 1…3"):
        row_for("Z", 4, 3)
    assert set(QUANTITIES) == {"W", "b", "Z", "A", "dZ", "dW", "db", "dA"}


def test_network_step_buffers_come_from_the_table():
    net = Network([2, 4, 3, 1], "tanh")
    net.bind(np.zeros((2, 5)), np.zeros((1, 5)))
    assert net.step_buffers("forward", 2) == [net.Z[2], net.A[2]]
    assert [b is c for b, c in zip(net.step_buffers("backward", 2), [net.dZ[2], net.dW[2], net.db[2], net.dA[1]],
                                   strict=True)] == [True] * 4
    assert len(net.step_buffers("backward", 1)) == 3  # dA0 is left to its first reader


DIMS = [2, 4, 1]


@pytest.mark.parametrize(
    ("kind", "data", "field", "words"),
    [
        ("teleport", {"value": 1}, "kind", "not an event kind"),
        ("edit", {"name": "W3", "index": [0, 0], "value": 1.0}, "data.name", "not a parameter"),
        ("edit", {"name": "Z1", "index": [0, 0], "value": 1.0}, "data.name", "not a parameter"),
        ("edit", {"name": "W1", "layer": 2, "index": [0, 0], "value": 1.0}, "data.name", "is not W2 or b2"),
        ("edit", {"name": "W1", "index": [4, 0], "value": 1.0}, "data.index", "must be from 0 to 3, got 4"),
        ("edit", {"name": "b1", "index": [0, 1], "value": 1.0}, "data.index", "must be from 0 to 0, got 1"),
        ("edit", {"name": "W1", "index": [True, 0], "value": 1.0}, "data.index", "whole number"),
        ("edit", {"name": "W1", "index": [0], "value": 1.0}, "data.index", "(row, column) pair"),
        ("edit", {"name": "W1", "index": [0, 0], "value": float("nan")}, "data.value", "finite"),
        ("edit", {"name": "W1", "index": [0, 0], "value": "1"}, "data.value", "must be a number"),
        ("learning_rate", {"value": 0.0}, "data.value", "> 0"),
        ("learning_rate", {}, "data.value", "missing"),
        ("planted_bug", {"value": 3}, "data.value", "must be from 1 to 2, got 3"),
    ],
)
def test_one_validator_names_the_field_and_the_problem(kind, data, field, words):
    with pytest.raises(EventError) as error:
        check_event(kind, data, DIMS)
    assert error.value.field == field
    assert words in error.value.problem


def test_the_validator_gives_one_form_and_checks_the_precision():
    assert check_event("edit", {"name": "W1", "index": [1, 0], "value": 2}, DIMS) == {
        "name": "W1", "layer": 1, "index": (1, 0), "value": 2.0,
    }
    assert check_event("planted_bug", {"value": None}, DIMS) == {"value": None}
    with pytest.raises(EventError, match="beyond float32 precision"):
        check_event("edit", {"name": "W1", "index": [0, 0], "value": 1e300}, DIMS, np.float32)
