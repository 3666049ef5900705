"""Inputs of the course's test cases (weeks 3 and 4), rebuilt from their seeded constructions.

Each function says which course generator it rebuilds. Draws use NumPy's global RNG, exactly as the
course's ``testCases`` do, so the numbers are the course's. Where a course case is a literal array that
has no seeded construction, the literal is written out here (only the inputs; the expected outputs stay in
the test files, next to the assertions). Also: helpers to check that a call left its inputs unchanged.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np


# ----------------------------------------------------------------------------------------- week 3
def w3_layer_sizes_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """layer_sizes_test_case (5, 3)/(2, 3), then the newest test's (7, 5)/(5, 5) from the same stream."""
    np.random.seed(1)
    first = (np.random.randn(5, 3), np.random.randn(2, 3))
    second = (np.random.randn(7, 5), np.random.randn(5, 5))
    return [first, second]


def w3_seed2_parameters() -> dict[str, np.ndarray]:
    """The literal W1, W2 of the week-3 forward/backward test cases: the seed-2 initialisation
    (``np.random.seed(2); initialize_parameters(2, 4, 1)``) printed to 8 decimals; b1, b2 zeros."""
    np.random.seed(2)
    W1 = np.round(np.random.randn(4, 2) * 0.01, 8)
    W2 = np.round(np.random.randn(1, 4) * 0.01, 8)
    return {"W1": W1, "W2": W2, "b1": np.zeros((4, 1)), "b2": np.zeros((1, 1))}


def w3_forward_propagation_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """forward_propagation_test_case: seed 1, X (2, 3), b1 (4, 1) drawn, b2 = [[−1.3]], W1/W2 as above."""
    parameters = w3_seed2_parameters()
    np.random.seed(1)
    X = np.random.randn(2, 3)
    parameters["b1"] = np.random.randn(4, 1)
    parameters["b2"] = np.array([[-1.3]])
    return X, parameters


def w3_compute_cost_case() -> tuple[np.ndarray, np.ndarray]:
    """compute_cost_test_case: Y = randn(1, 3) > 0 after seed 1 (a boolean Y), A2 literal."""
    np.random.seed(1)
    Y = np.random.randn(1, 3) > 0
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963]])
    return A2, Y


def w3_compute_cost_newest_case() -> tuple[np.ndarray, np.ndarray]:
    """The newest public test's 5-example case: Y = randn(1, 5) > 0 after seed 1."""
    np.random.seed(1)
    Y = np.random.randn(1, 5) > 0
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963, 0.25, 0.7]])
    return A2, Y


def w3_backward_propagation_case() -> tuple[dict, dict, np.ndarray, np.ndarray]:
    """backward_propagation_test_case: seed 1, X (2, 3), Y = randn(1, 3) > 0; parameters are the seed-2
    initialisation and the cache its forward pass on X, both as the test case prints them (8 decimals)."""
    parameters = w3_seed2_parameters()
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = np.random.randn(1, 3) > 0
    # Written with plain NumPy, independent of the code under test.
    Z1 = parameters["W1"] @ X
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1
    A2 = 1 / (1 + np.exp(-Z2))
    cache = {name: np.round(value, 8) for name, value in (("A1", A1), ("A2", A2), ("Z1", Z1), ("Z2", Z2))}
    return parameters, cache, X, Y


def w3_backward_propagation_newest_case() -> tuple[dict, dict, np.ndarray, np.ndarray]:
    """The newest public test's random case: X (3, 7), 9 hidden units; cache entries are unrelated draws."""
    np.random.seed(1)
    X = np.random.randn(3, 7)
    Y = np.random.randn(1, 7) > 0
    parameters = {
        "W1": np.random.randn(9, 3),
        "W2": np.random.randn(1, 9),
        "b1": np.zeros((9, 1)),
        "b2": np.zeros((1, 1)),
    }
    cache = {
        "A1": np.random.randn(9, 7),
        "A2": np.random.randn(1, 7),
        "Z1": np.random.randn(9, 7),
        "Z2": np.random.randn(1, 7),
    }
    return parameters, cache, X, Y


def w3_trained_parameters() -> dict[str, np.ndarray]:
    """The literal parameters of update_parameters_test_case and predict_test_case."""
    return {
        "W1": np.array(
            [[-0.00615039, 0.0169021], [-0.02311792, 0.03137121], [-0.0169217, -0.01752545], [0.00935436, -0.05018221]]
        ),
        "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
        "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]]),
        "b2": np.array([[9.14954378e-05]]),
    }


def w3_update_parameters_case() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """update_parameters_test_case: literal parameters and gradients."""
    grads = {
        "dW1": np.array(
            [[0.00023322, -0.00205423], [0.00082222, -0.00700776], [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]
        ),
        "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]]),
        "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]]),
        "db2": np.array([[-1.08923140e-05]]),
    }
    return w3_trained_parameters(), grads


def w3_nn_model_case() -> tuple[np.ndarray, np.ndarray]:
    """nn_model_test_case (also predict's X): seed 1, X = randn(2, 3), Y = randn(1, 3) > 0."""
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = np.random.randn(1, 3) > 0
    return X, Y


# ----------------------------------------------------------------------------------------- week 4
def w4_linear_forward_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """linear_forward_test_case: seed 1, A (3, 2), W (1, 3), b (1, 1)."""
    np.random.seed(1)
    return np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)


def w4_linear_activation_forward_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """linear_activation_forward_test_case: seed 2, A_prev (3, 2), W (1, 3), b (1, 1)."""
    np.random.seed(2)
    return np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)


def w4_L_model_forward_case() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """L_model_forward_test_case_2hidden: seed 6, X (5, 4) and a 5-4-3-1 net, drawn X, W1, b1, W2, b2, W3, b3."""
    np.random.seed(6)
    X = np.random.randn(5, 4)
    parameters = {}
    for l, (n, n_prev) in enumerate(((4, 5), (3, 4), (1, 3)), start=1):
        parameters["W" + str(l)] = np.random.randn(n, n_prev)
        parameters["b" + str(l)] = np.random.randn(n, 1)
    return X, parameters


def w4_linear_backward_case() -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """linear_backward_test_case (v4a, = the newest testCases): seed 1, dZ (3, 4), A (5, 4), W (3, 5), b (3, 1)."""
    np.random.seed(1)
    dZ = np.random.randn(3, 4)
    A = np.random.randn(5, 4)
    W = np.random.randn(3, 5)
    b = np.random.randn(3, 1)
    return dZ, (A, W, b)


def w4_linear_activation_backward_case() -> tuple[np.ndarray, tuple]:
    """linear_activation_backward_test_case: seed 2, dA (1, 2), A (3, 2), W (1, 3), b (1, 1), Z (1, 2)."""
    np.random.seed(2)
    dA = np.random.randn(1, 2)
    A = np.random.randn(3, 2)
    W = np.random.randn(1, 3)
    b = np.random.randn(1, 1)
    Z = np.random.randn(1, 2)
    return dA, ((A, W, b), Z)


def w4_L_model_backward_case() -> tuple[np.ndarray, np.ndarray, tuple]:
    """L_model_backward_test_case: seed 3, AL (1, 2), Y = [[1, 0]], then the two layers' caches in draw order."""
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    caches = []
    for n_prev, n in ((4, 3), (3, 1)):
        A_prev = np.random.randn(n_prev, 2)
        W = np.random.randn(n, n_prev)
        b = np.random.randn(n, 1)
        Z = np.random.randn(n, 2)
        caches.append(((A_prev, W, b), Z))
    return AL, Y, tuple(caches)


def w4_update_parameters_case() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """update_parameters_test_case: parameters drawn after seed 2, gradients after seed 3."""
    np.random.seed(2)
    parameters = {
        "W1": np.random.randn(3, 4),
        "b1": np.random.randn(3, 1),
        "W2": np.random.randn(1, 3),
        "b2": np.random.randn(1, 1),
    }
    np.random.seed(3)
    grads = {
        "dW1": np.random.randn(3, 4),
        "db1": np.random.randn(3, 1),
        "dW2": np.random.randn(1, 3),
        "db2": np.random.randn(1, 1),
    }
    return parameters, grads


def w4_two_layer_model_case() -> tuple[np.ndarray, np.ndarray]:
    """two_layer_model_test (application): seed 1, X = randn(10, 10), a real-valued Y = randn(1, 10)."""
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.random.randn(1, 10)
    return X, Y


def w4_L_layer_model_case() -> tuple[np.ndarray, np.ndarray]:
    """L_layer_model_test (application): seed 1, X = randn(10, 10), Y = [[1,1,1,1,0,0,0,1,1,0]]."""
    np.random.seed(1)
    X = np.random.randn(10, 10)
    Y = np.array([1, 1, 1, 1, 0, 0, 0, 1, 1, 0]).reshape(1, 10)
    return X, Y


# ----------------------------------------------------------------------------------------- helpers
def snapshot(obj: Any) -> Any:
    """A deep copy of a call's inputs, to compare with afterwards."""
    return copy.deepcopy(obj)


def assert_unchanged(after: Any, before: Any, where: str = "input") -> None:
    """``after`` holds the same containers, keys and array values (dtype included) as the ``before`` snapshot."""
    if isinstance(before, dict):
        assert isinstance(after, dict), where
        assert list(after) == list(before), f"{where}: keys changed"
        for key in before:
            assert_unchanged(after[key], before[key], f"{where}[{key!r}]")
    elif isinstance(before, (tuple, list)):
        assert type(after) is type(before) and len(after) == len(before), f"{where}: container changed"
        for i, (a, b) in enumerate(zip(after, before, strict=True)):
            assert_unchanged(a, b, f"{where}[{i}]")
    else:
        after_array, before_array = np.asarray(after), np.asarray(before)
        assert after_array.dtype == before_array.dtype, f"{where}: dtype changed"
        np.testing.assert_array_equal(after_array, before_array, err_msg=f"{where} was modified")


def assert_printed(actual: Any, expected: Any, decimals: int = 8, scientific: bool = False) -> None:
    """``actual`` agrees with a value NumPy printed with ``decimals`` digits after the point.

    Fixed notation (``[[ 0.01624345 -0.00611756]]``): each entry within half a unit of the last printed
    digit. Scientific notation (``[[-2.16491028e-04]]``): the same, relative to each entry's exponent.
    """
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    if scientific:
        exponent = np.floor(np.log10(np.where(expected == 0, 1.0, np.abs(expected))))
        tolerance = 0.5 * 10.0 ** (exponent - decimals)
    else:
        tolerance = np.full(expected.shape, 0.5 * 10.0**-decimals)
    # A hair of slack for the binary representation of the printed decimal itself.
    tolerance = tolerance * (1 + 1e-6)
    error = np.abs(actual - expected)
    assert np.all(error <= tolerance), f"{actual}\n!= printed\n{expected}\n(max error {error.max():.3g})"
