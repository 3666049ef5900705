"""The gradient check as a job: its shortcut for J(θ ± ε), progress, Cancel, and the copy it checks."""

import numpy as np
import pytest

from backpropviz.engine.activations import ACTIVATIONS
from backpropviz.engine.gradcheck import (
    EPSILON,
    INCREMENTS,
    GradCheckCancelledError,
    ParameterSnapshot,
    gradient_check,
)
from backpropviz.engine.losses import cost_in_dtype
from backpropviz.engine.model import HiddenLayer, ModelSettings, build_dataset, build_stepper
from backpropviz.engine.network import Network


def _toy(n_x=3, m=20, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    Y = (X[0:1] + 0.5 * rng.randn(1, m) > 0).astype(float)
    return X, Y


def _full_cost(net: Network, X, Y) -> np.floating:
    Z_L, _ = net.forward_fresh(X, np.longdouble)
    return cost_in_dtype(Z_L, Y.astype(np.longdouble))


def _centred_difference(net: Network, X, Y, name: str, l: int, index: tuple[int, int]) -> float:
    """The course's gradapprox of one entry, by two whole forward passes in long double."""
    param = (net.W if name == "W" else net.b)[l]
    original = param[index]
    param[index] = original + EPSILON
    J_plus = _full_cost(net, X, Y)
    param[index] = original - EPSILON
    J_minus = _full_cost(net, X, Y)
    param[index] = original
    return float((J_plus - J_minus) / (2 * EPSILON))


@pytest.mark.parametrize("activations", [
    ["leaky_relu", "tanh", "relu", "sigmoid"], ["linear", "sigmoid", "tanh", "sigmoid"],
])
def test_each_gradapprox_is_the_centred_difference_of_whole_forward_passes(activations):
    # J(θ ± ε) − J(θ) is carried from the shifted row on as a change; it must equal two full passes
    X, Y = _toy(n_x=3, m=12, seed=5)
    net = Network([3, 4, 5, 3, 1], activations, init="xavier", seed=7)
    result = gradient_check(net, X, Y)
    expected = []
    for l in range(1, net.L + 1):
        expected += [_centred_difference(net, X, Y, "W", l, ix) for ix in np.ndindex(*net.W[l].shape)]
        expected += [_centred_difference(net, X, Y, "b", l, ix) for ix in np.ndindex(*net.b[l].shape)]
    # long double rounding of J (≈ 1e-19) over 2ε: ≈ 5e-13 either way
    np.testing.assert_allclose(result.gradapprox, expected, rtol=1e-9, atol=1e-11)


def test_progress_counts_every_entry_in_order():
    X, Y = _toy(n_x=3, m=8)
    net = Network([3, 5, 4, 1], "tanh", init="xavier", seed=2)
    seen = []
    result = gradient_check(net, X, Y, progress=lambda done, total: seen.append((done, total)))
    total = net.theta.size
    assert seen == [(done, total) for done in range(1, total + 1)]
    assert result.grad.size == total


def test_a_cancelled_check_stops_within_one_entry():
    X, Y = _toy(n_x=3, m=8)
    net = Network([3, 5, 4, 1], "tanh", init="xavier", seed=2)
    seen = []
    with pytest.raises(GradCheckCancelledError):
        gradient_check(net, X, Y, progress=lambda done, total: seen.append(done), cancelled=lambda: len(seen) >= 5)
    assert seen == [1, 2, 3, 4, 5]


def test_the_check_runs_on_the_snapshot_taken_when_it_was_asked_for():
    X, Y = _toy(n_x=3, m=8)
    net = Network([3, 5, 4, 1], "tanh", init="xavier", seed=2)
    net.planted_bug_layer = 2
    snapshot = ParameterSnapshot.of(net)
    expected = gradient_check(net, X, Y)
    # the caller's net trains on (and loses its bug) while the check runs: the check does not see it
    net.bind(X, Y)
    net.train(5, 1.0)
    net.planted_bug_layer = None
    result = gradient_check(snapshot, X, Y)
    np.testing.assert_array_equal(result.gradapprox, expected.gradapprox)
    np.testing.assert_array_equal(result.grad, expected.grad)
    assert result.failing_layers() == [2]


def test_every_activation_has_an_increment_formula():
    assert set(INCREMENTS) == set(ACTIVATIONS)


def test_a_deep_relu_net_passes_in_every_layer():
    # 6 × 40 relu on the flower after 3 iterations: two whole costs in float64 differed by rounding enough
    # to fail layers 3-6 (1.2e-7 … 2.7e-5); their changes carried without cancellation pass like long double
    settings = ModelSettings(hidden=tuple(HiddenLayer(40, "relu") for _ in range(6)), init="he")
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(3)
    result = gradient_check(stepper.net, dataset.X, dataset.Y, max_entries_per_layer=30)
    assert result.failing_layers() == [] and max(result.per_layer.values()) < 1e-8
