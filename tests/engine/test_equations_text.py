"""entry_equation and its helpers: the live numbers printed for one entry, checked by hand and against
the stepper's arrays. Pure NumPy, no Qt."""

import math

import numpy as np
import pytest

from backpropviz.engine.equations import (
    entry_equation,
    entry_name,
    format_value,
    producer_label,
    quantity_title,
)
from backpropviz.engine.network import Network
from backpropviz.engine.stepper import Stepper

# A 2-2-1 net small enough to do by hand: X has m = 3 examples.
X = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 3.0]])
Y = np.array([[1.0, 0.0, 1.0]])
PARAMS = {
    "W1": np.array([[0.5, -1.0], [2.0, 0.25]]),
    "b1": np.array([[0.1], [-0.2]]),
    "W2": np.array([[1.5, -0.5]]),
    "b2": np.array([[0.05]]),
}


def make_stepper(hidden="tanh", params=PARAMS, dims=(2, 2, 1), X=X, Y=Y, learning_rate=0.5):
    net = Network(list(dims), [hidden, "sigmoid"], parameters=params)
    return Stepper(net, X, Y, learning_rate)


def step_to(stepper, label):
    """Micro-step until ``label`` has just been done."""
    while stepper.last_step is None or stepper.last_step.label != label:
        assert stepper.step()


def result_of(text):
    """The number after the last '=' (a trailing '   (note)' left off)."""
    return text.split("   (")[0].rsplit(" = ", 1)[1]


# ----------------------------------------------------------------------------- format_value
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-2.0, "−2"),
        (0.0162, "0.01620"),
        (-0.003548123, "−0.003548"),
        (1.62071, "1.621"),
        (123.456, "123.5"),
        (2.1, "2.100"),
        (1.158e-06, "1.158e−06"),
        (-3.2e7, "−3.200e+07"),
        (float("nan"), "NaN"),
        (float("inf"), "+inf"),
        (float("-inf"), "−inf"),
    ],
)
def test_format_value_four_significant_digits_and_spelled_out_non_numbers(value, text):
    assert format_value(value) == text


def test_format_value_accepts_numpy_scalars():
    assert format_value(np.float32(0.25)) == "0.2500"
    assert format_value(np.float64(np.nan)) == "NaN"


# ----------------------------------------------------------------------------- names
def test_titles_names_and_producing_steps():
    net = Network([2, 4, 1], "tanh")
    assert quantity_title(net, "dW", 2) == "dW2 — gradient of the cost w.r.t. W2"
    assert quantity_title(net, "W", 1) == "W1 — weights of layer 1"
    assert quantity_title(net, "A", 2) == "A2 = ŷ — the predictions"
    assert quantity_title(net, "A", 0) == "A0 = X — the input features"
    assert quantity_title(net, "dA", 0) == "dA0 — gradient of the cost w.r.t. X"
    assert quantity_title(net, "J", 0).startswith("J — the cost")
    with pytest.raises(ValueError, match="unknown quantity"):
        quantity_title(net, "Q", 1)
    assert [producer_label(q, l, 2) for q, l in [("Z", 1), ("A", 2), ("dA", 2), ("dA", 1), ("dA", 0)]] == [
        "F1", "F2", "Cost", "B2", "B1",
    ]
    assert [producer_label(q, 2, 2) for q in ("dZ", "dW", "db", "W", "J")] == ["B2", "B2", "B2", "Update", "Cost"]
    assert entry_name("W", 2, 0, 1) == "W2[0,1]"
    assert entry_name("db", 1, 3, 0) == "db1[3]"


# ----------------------------------------------------------------------------- forward, by hand
def test_forward_entries_by_hand():
    s = make_stepper()
    step_to(s, "F2")
    # Z1[0,1] = 0.5·2 + (−1)(−1) + 0.1 = 2.1
    assert entry_equation(s, "Z", 1, 0, 1) == (
        "Z1[0,1] = Σ_k W1[0,k] A0[k,1] + b1[0] = (0.5000)(2) + (−1)(−1) + 0.1000 = 2.100"
    )
    # Z1[1,1] = 2·2 + 0.25·(−1) − 0.2 = 3.55: a negative bias is subtracted
    assert entry_equation(s, "Z", 1, 1, 1) == (
        "Z1[1,1] = Σ_k W1[1,k] A0[k,1] + b1[1] = (2)(2) + (0.2500)(−1) − 0.2000 = 3.550"
    )
    assert entry_equation(s, "A", 1, 0, 1) == "A1[0,1] = tanh(Z1[0,1]) = tanh(2.100) = 0.9705"
    assert entry_equation(s, "A", 0, 1, 2) == "A0[1,2] = X[1,2] = 3   (input feature 1 of example 2)"
    # Z2[0,1] = 1.5 tanh(2.1) − 0.5 tanh(3.55) + 0.05
    z2 = 1.5 * math.tanh(2.1) - 0.5 * math.tanh(3.55) + 0.05
    text = entry_equation(s, "Z", 2, 0, 1)
    assert text.startswith("Z2[0,1] = Σ_k W2[0,k] A1[k,1] + b2[0] = (1.500)(0.9705) + (−0.5000)(0.9984) + 0.05000 = ")
    assert result_of(text) == format_value(z2)
    a2 = 1 / (1 + math.exp(-z2))
    assert entry_equation(s, "A", 2, 0, 1) == (
        f"A2[0,1] = σ(Z2[0,1]) = 1 / (1 + e^−Z2[0,1]) = σ({format_value(z2)}) = {format_value(a2)}"
    )


def test_cost_entry():
    s = make_stepper()
    assert "not computed yet" in entry_equation(s, "J", 0, 0, 0)
    step_to(s, "Cost")
    text = entry_equation(s, "J", 0, 0, 0)
    assert text.startswith("J = −1/3 Σ_j [Y[0,j] log A2[0,j]")
    assert result_of(text) == format_value(s.current_cost)


# ----------------------------------------------------------------------------- backward, by hand
def test_backward_entries_by_hand():
    s = make_stepper()
    step_to(s, "B1")
    A1, A2 = s.value("A", 1), s.value("A", 2)
    dZ2 = A2 - Y
    # dZ2 = A2 − Y, written with Y bare
    assert entry_equation(s, "dZ", 2, 0, 1) == (
        f"dZ2[0,1] = A2[0,1] − Y[0,1] = {format_value(A2[0, 1])} − 0 = {format_value(dZ2[0, 1])}"
    )
    # dW2[0,1] = 1/3 Σ_j dZ2[0,j] A1[1,j]: three terms, written out
    dW = (dZ2[0] * A1[1]).sum() / 3
    text = entry_equation(s, "dW", 2, 0, 1)
    terms = " + ".join(f"({format_value(a)})({format_value(b)})" for a, b in zip(dZ2[0], A1[1], strict=True))
    assert text == f"dW2[0,1] = 1/m · Σ_j dZ2[0,j] · A1[1,j] = 1/3 · {terms} = {format_value(dW)}"
    db = dZ2[0].sum() / 3
    assert result_of(entry_equation(s, "db", 2, 0, 0)) == format_value(db)
    assert entry_equation(s, "db", 2, 0, 0).startswith("db2[0] = 1/m · Σ_j dZ2[0,j] = 1/3 · (")
    # dA1[1,2] = Σ_i W2[i,1] dZ2[i,2] = (−0.5)(dZ2[0,2])
    assert entry_equation(s, "dA", 1, 1, 2) == (
        f"dA1[1,2] = Σ_i W2[i,1] dZ2[i,2] = (−0.5000)({format_value(dZ2[0, 2])}) = {format_value(-0.5 * dZ2[0, 2])}"
    )
    # dZ1 = dA1 · (1 − A1²) for tanh
    dA1 = 1.5 * dZ2[0, 0]
    assert entry_equation(s, "dZ", 1, 0, 0) == (
        f"dZ1[0,0] = dA1[0,0] · (1 − A1[0,0]²) = ({format_value(dA1)})(1 − ({format_value(A1[0, 0])})²) = "
        f"{format_value(dA1 * (1 - A1[0, 0] ** 2))}"
    )


def test_output_dA_and_its_clipping_note():
    s = make_stepper()
    step_to(s, "Cost")
    a = s.value("A", 2)[0, 1]
    assert entry_equation(s, "dA", 2, 0, 1) == (
        f"dA2[0,1] = −(Y[0,1]/A2[0,1] − (1 − Y[0,1])/(1 − A2[0,1])) = "
        f"−(0/{format_value(a)} − 1/{format_value(1 - a)}) = {format_value(1 / (1 - a))}"
    )
    assert "clipped" not in entry_equation(s, "dA", 2, 0, 1)
    # huge output weights push A2 to exactly 1.0 for example 1 (Y = 0): dA2 is computed from the clipped A
    params = dict(PARAMS, W2=np.array([[100.0, 100.0]]))
    s = make_stepper(params=params)
    step_to(s, "Cost")
    assert s.value("A", 2)[0, 1] == 1.0 and s.dAL_clipped()[0, 1]
    text = entry_equation(s, "dA", 2, 0, 1)
    assert "clipped" in text and "1e-15" in text
    assert result_of(text) == format_value(s.value("dA", 2)[0, 1])
    assert s.value("dA", 2)[0, 1] > 1e14


@pytest.mark.parametrize(
    ("hidden", "A_text", "dZ_text"),
    [
        # Z1[0,2] = 0.5·(−1) + (−1)·3 + 0.1 = −3.4
        ("relu", "max(0, Z1[0,2]) = max(0, −3.400) = 0", "relu′(Z1[0,2]) = ({dA}) · 0 = 0   (Z1[0,2] = −3.400 ≤ 0)"),
        (
            "leaky_relu",
            "max(0.01·Z1[0,2], Z1[0,2]) = max(0.01·(−3.400), −3.400) = −0.03400",
            "leaky_relu′(Z1[0,2]) = ({dA}) · 0.01 = {dZ}   (Z1[0,2] = −3.400 ≤ 0)",
        ),
        ("linear", "A1[0,2] = Z1[0,2] = −3.400", "dA1[0,2] · 1 = ({dA}) · 1 = {dZ}"),
        ("sigmoid", "σ(−3.400) = 0.03230", "A1[0,2] (1 − A1[0,2]) = ({dA})(0.03230)(1 − 0.03230) = {dZ}"),
    ],
)
def test_each_hidden_activation_and_its_derivative(hidden, A_text, dZ_text):
    s = make_stepper(hidden)
    step_to(s, "B1")
    assert entry_equation(s, "A", 1, 0, 2).endswith(A_text)
    dA, dZ = s.value("dA", 1)[0, 2], s.value("dZ", 1)[0, 2]
    assert entry_equation(s, "dZ", 1, 0, 2).endswith(dZ_text.format(dA=format_value(dA), dZ=format_value(dZ)))


def test_relu_derivative_on_the_positive_side():
    s = make_stepper("relu")
    step_to(s, "B1")
    # Z1[0,1] = 2.1 > 0: the gradient passes through
    dA = s.value("dA", 1)[0, 1]
    assert entry_equation(s, "dZ", 1, 0, 1).endswith(
        f"= ({format_value(dA)}) · 1 = {format_value(dA)}   (Z1[0,1] = 2.100 > 0)"
    )


# ----------------------------------------------------------------------------- parameters and the Update
def test_weight_shows_the_update_to_come_and_it_matches_the_update():
    s = make_stepper()
    text = entry_equation(s, "W", 1, 0, 1)
    assert text == (
        "W1[0,1] = −1;  Update: W1[0,1] := W1[0,1] − α dW1[0,1], α = 0.5  (dW1 not computed yet: B1 computes it)"
    )
    step_to(s, "B1")
    dW = s.value("dW", 1)[0, 1]
    text = entry_equation(s, "W", 1, 0, 1)
    assert text.startswith(
        f"W1[0,1] = −1;  Update: W1[0,1] := W1[0,1] − α dW1[0,1] = −1 − 0.5 · ({format_value(dW)}) = "
    )
    assert entry_equation(s, "b", 1, 1, 0).startswith("b1[1] = −0.2000;  Update: b1[1] := b1[1] − α db1[1] = −0.2000")
    predicted = result_of(text)
    step_to(s, "Update")
    assert format_value(s.value("W", 1)[0, 1]) == predicted
    assert entry_equation(s, "W", 1, 0, 1).startswith(f"W1[0,1] = {predicted};")


# ----------------------------------------------------------------------------- against the arrays
def test_every_result_equals_the_steppers_array_on_a_wide_net():
    rng = np.random.RandomState(0)
    X_wide, Y_wide = rng.randn(6, 10), (rng.rand(1, 10) > 0.5).astype(float)
    net = Network([6, 5, 3, 1], ["relu", "tanh", "sigmoid"], init="he", seed=2)
    s = Stepper(net, X_wide, Y_wide, 0.1)
    step_to(s, "B1")
    for quantity, l in [("Z", 1), ("A", 1), ("Z", 2), ("A", 3), ("dA", 3), ("dZ", 3), ("dW", 3), ("db", 2),
                        ("dA", 2), ("dZ", 2), ("dW", 1), ("dA", 0), ("dZ", 1), ("db", 1)]:
        array = s.value(quantity, l)
        for i, j in [(0, 0), (array.shape[0] - 1, array.shape[1] - 1)]:
            text = entry_equation(s, quantity, l, i, j)
            assert result_of(text) == format_value(array[i, j]), text
    # Z1 sums over n_0 = 6 inputs: the sum's value is printed, not six products
    text = entry_equation(s, "Z", 1, 0, 0)
    assert ")(" not in text
    k_sum = np.dot(net.W[1][0], X_wide[:, 0])
    assert f"= ({format_value(k_sum)})" in text
    # dW sums over m = 10 examples: one number
    assert entry_equation(s, "dW", 1, 0, 0).count(")(") == 0


def test_not_computed_yet_says_which_step_computes_it():
    s = make_stepper()
    text = entry_equation(s, "dW", 2, 0, 1)
    assert text == "dW2[0,1] = 1/m · Σ_j dZ2[0,j] · A1[1,j] — not computed yet in this iteration (B2 computes it)"
    step_to(s, "F1")
    assert "not computed yet" not in entry_equation(s, "Z", 1, 0, 0)
    assert entry_equation(s, "dA", 1, 0, 0).endswith("(B2 computes it)")


def test_planted_bug_doubles_the_printed_dW():
    s = make_stepper()
    s.set_planted_bug(2)
    step_to(s, "B2")
    text = entry_equation(s, "dW", 2, 0, 1)
    assert text.startswith("dW2[0,1] = 2 · 1/m · Σ_j dZ2[0,j] · A1[1,j] = 2 · 1/3 · ")
    assert "planted bug" in text
    assert result_of(text) == format_value(s.value("dW", 2)[0, 1])


def test_non_finite_values_are_spelled_out():
    params = dict(PARAMS, b1=np.array([[np.nan], [0.0]]))
    s = make_stepper(params=params)
    s.net.forward_layer(1)  # bypass the stepper's divergence check to get a NaN into Z1
    s.position = 1
    assert result_of(entry_equation(s, "Z", 1, 0, 0)) == "NaN"


def test_bad_entries_are_refused():
    s = make_stepper()
    with pytest.raises(ValueError, match="outside"):
        entry_equation(s, "W", 1, 2, 0)
    with pytest.raises(ValueError, match="layer"):
        entry_equation(s, "Z", 0, 0, 0)
    with pytest.raises(ValueError, match="unknown quantity"):
        entry_equation(s, "Q", 1, 0, 0)


def test_float32_clipping_note_names_the_bound_the_result_used():
    """In float32, 1 − 1e-15 rounds to 1: the clip and its text use float32's epsilon, never '1/0'."""
    params = dict(PARAMS, W2=np.array([[100.0, 100.0]]))
    net = Network([2, 2, 1], ["tanh", "sigmoid"], parameters=params, dtype="float32")
    s = Stepper(net, X, Y, 0.5)
    step_to(s, "Cost")
    assert s.value("A", 2)[0, 1] == 1.0 and s.dAL_clipped()[0, 1]
    text = entry_equation(s, "dA", 2, 0, 1)
    epsilon = float(np.finfo(np.float32).eps)
    assert f"[{epsilon:.3g}, 1 − {epsilon:.3g}]" in text and "/0)" not in text
    assert float(result_of(text).replace("−", "-")) == pytest.approx(float(s.value("dA", 2)[0, 1]), rel=1e-3)
