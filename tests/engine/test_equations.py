"""Hand-computed cases for every equation of the engine, one small example each."""

import numpy as np
import pytest

from backpropviz.engine.activations import (
    ACTIVATIONS,
    get_activation,
    tanh_from_exp_ops,
    tanh_is_vectorized,
    tanh_ops,
)
from backpropviz.engine.activations import tanh as course_tanh
from backpropviz.engine.init import initialize
from backpropviz.engine.layers import (
    bias_gradient,
    gradient_step,
    input_gradient,
    linear_backward,
    linear_forward,
    weight_gradient,
)
from backpropviz.engine.losses import (
    cost_from_logits,
    cost_from_probabilities,
    output_activation_gradient,
    output_gradient,
)
from backpropviz.engine.ops import run

Z = np.array([[-2.0, 0.0, 3.0]])
dA = np.array([[0.5, -1.0, 2.0]])


def _apply(name, Z):
    act = get_activation(name)
    A = act.forward(Z, np.empty_like(Z))
    return A, act.backward(dA, Z, A, np.empty_like(Z))


def test_relu_value_and_derivative_with_zero_counting_as_zero():
    A, dZ = _apply("relu", Z)
    np.testing.assert_array_equal(A, [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(dZ, [[0.0, 0.0, 2.0]])


def test_leaky_relu_slope_is_one_hundredth():
    A, dZ = _apply("leaky_relu", Z)
    np.testing.assert_allclose(A, [[-0.02, 0.0, 3.0]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(dZ, [[0.005, -0.01, 2.0]], rtol=0, atol=1e-15)


def test_tanh_derivative_is_one_minus_A_squared():
    A, dZ = _apply("tanh", Z)
    t = np.tanh([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(A[0], t, rtol=1e-15)
    np.testing.assert_allclose(dZ[0], [0.5 * (1 - t[0] ** 2), -1.0, 2.0 * (1 - t[2] ** 2)], rtol=1e-14)


def test_sigmoid_values_and_derivative():
    A, dZ = _apply("sigmoid", Z)
    s = [1 / (1 + np.e**2), 0.5, 1 / (1 + np.e**-3)]
    np.testing.assert_allclose(A[0], s, rtol=1e-15)
    np.testing.assert_allclose(dZ[0], [0.5 * s[0] * (1 - s[0]), -0.25, 2 * s[2] * (1 - s[2])], rtol=1e-14)


def test_sigmoid_of_huge_logits_is_finite_and_silent():
    # pytest's filterwarnings=error turns any overflow warning into a failure
    act = get_activation("sigmoid")
    huge = np.array([[-1e4, -800.0, 800.0, 1e4]])
    A = act.forward(huge, np.empty_like(huge))
    assert np.all(np.isfinite(A))
    assert A[0, 0] < 1e-300 and A[0, 1] < 1e-300
    np.testing.assert_array_equal(A[0, 2:], [1.0, 1.0])


def test_linear_is_the_identity():
    A, dZ = _apply("linear", Z)
    np.testing.assert_array_equal(A, Z)
    np.testing.assert_array_equal(dZ, dA)


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*relu"):
        get_activation("swish")
    assert set(ACTIVATIONS) == {"relu", "leaky_relu", "tanh", "sigmoid", "linear"}


def test_linear_forward_by_hand():
    A_prev = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, -1.0]])
    b = np.array([[0.5]])
    np.testing.assert_array_equal(linear_forward(A_prev, W, b), [[-1.5, -1.5]])


def test_linear_forward_published_course_value():
    rng = np.random.RandomState(1)
    A, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    np.testing.assert_allclose(linear_forward(A, W, b), [[3.26295337, -1.23429987]], atol=5e-9)


def test_linear_forward_writes_into_out():
    out = np.empty((1, 2))
    Z = linear_forward(np.ones((2, 2)), np.ones((1, 2)), np.zeros((1, 1)), out=out)
    assert Z is out
    np.testing.assert_array_equal(out, [[2.0, 2.0]])


def test_backward_equations_by_hand():
    dZ = np.array([[1.0, -1.0], [2.0, 0.0]])  # n_l = 2, m = 2
    A_prev = np.array([[1.0, 3.0], [2.0, 4.0], [0.0, 1.0]])  # n_prev = 3
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    # dW = 1/m dZ A_prevᵀ
    np.testing.assert_array_equal(weight_gradient(dZ, A_prev), [[-1.0, -1.0, -0.5], [1.0, 2.0, 0.0]])
    # db = 1/m Σ_j dZ
    np.testing.assert_array_equal(bias_gradient(dZ), [[0.0], [1.0]])
    # dA_prev = Wᵀ dZ
    np.testing.assert_array_equal(input_gradient(dZ, W), [[5.0, -1.0], [2.0, 0.0], [-1.0, 1.0]])
    dA_prev, dW, db = linear_backward(dZ, A_prev, W)
    assert dA_prev.shape == (3, 2) and dW.shape == W.shape and db.shape == (2, 1)


def test_gradient_step_in_place():
    W = np.array([[1.0, 2.0]])
    gradient_step(W, np.array([[0.5, -1.0]]), 0.1, np.empty_like(W))
    np.testing.assert_allclose(W, [[0.95, 2.1]], rtol=1e-15)


def test_cost_from_logits_equals_the_textbook_formula():
    Zl = np.array([[0.3, -1.2, 2.5, 0.0]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    A = 1 / (1 + np.exp(-Zl))
    textbook = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    assert cost_from_logits(Zl, Y) == pytest.approx(textbook, rel=1e-14)
    assert cost_from_probabilities(A, Y) == pytest.approx(textbook, rel=1e-14)


def test_cost_from_logits_stays_finite_where_the_textbook_gives_inf():
    Zl = np.array([[800.0, -800.0]])
    Y = np.array([[0.0, 1.0]])  # confidently wrong: J = 800
    assert cost_from_logits(Zl, Y) == pytest.approx(800.0)
    A = np.array([[1.0, 0.0]])
    assert not np.isfinite(cost_from_probabilities(A, Y))


def test_fused_output_gradient_and_clipped_display_dA():
    A = np.array([[0.8, 1.0, 0.0]])
    Y = np.array([[1.0, 0.0, 1.0]])
    np.testing.assert_allclose(output_gradient(A, Y), [[-0.2, 1.0, -1.0]], rtol=1e-15)
    dA, clipped = output_activation_gradient(A, Y)
    np.testing.assert_allclose(dA[0, 0], -1 / 0.8, rtol=1e-12)
    np.testing.assert_array_equal(clipped, [[False, True, True]])
    assert np.all(np.isfinite(dA))


def test_init_schemes_shapes_scales_and_course_draw_order():
    dims = [5, 4, 3]
    params = initialize(dims, "scaled_normal", seed=3)
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(params[0][0], rng.randn(4, 5) * 0.01)
    np.testing.assert_array_equal(params[1][0], rng.randn(3, 4) * 0.01)
    np.testing.assert_allclose(params[0][0][0, :2], [0.01788628, 0.0043651], atol=5e-9)
    for W, b in initialize(dims, "zeros"):
        assert not W.any() and not b.any()
    xavier = initialize([400, 300, 1], "xavier", seed=0)[0][0]
    he = initialize([400, 300, 1], "he", seed=0)[0][0]
    assert xavier.std() == pytest.approx(np.sqrt(1 / 400), rel=0.02)
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert [b.shape for _, b in params] == [(4, 1), (3, 1)]
    with pytest.raises(ValueError, match="unknown init scheme"):
        initialize(dims, "uniform")


def test_the_exp_form_of_tanh_is_within_two_ulps_of_one_of_numpys():
    # on CPUs where NumPy's float64 tanh is a scalar loop the engine computes 1 − 2/(e^{2Z} + 1) instead
    Z = np.concatenate([np.linspace(-30, 30, 200001), [-800.0, 400.0, np.inf, -np.inf, 1e-300, -0.0]])
    A = run_ops(tanh_from_exp_ops, Z)
    np.testing.assert_allclose(A, np.tanh(Z), rtol=0, atol=2 * np.finfo(float).eps)
    assert np.isnan(run_ops(tanh_from_exp_ops, np.array([np.nan])))[0]


def test_the_engine_uses_numpys_tanh_where_it_is_vectorized_and_the_course_always():
    expected = tanh_ops if tanh_is_vectorized() else tanh_from_exp_ops
    assert get_activation("tanh").forward_ops is expected
    assert course_tanh(Z, np.empty_like(Z)).tobytes() == np.tanh(Z).tobytes()


def run_ops(ops, Z):
    A = np.empty_like(Z)
    run(ops(Z, A))
    return A
