"""Week 4 adapters against the notebooks' published expected outputs.

Step by step: the values of testCases_v4a, which the current notebook's public tests repeat. Application:
the current W4A2 public tests (two_layer_model_test, L_layer_model_test). Inputs are rebuilt in
``course_cases``; the expected values below are the printed ones.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from course_cases import (
    assert_printed,
    assert_unchanged,
    snapshot,
    w4_L_layer_model_case,
    w4_L_model_backward_case,
    w4_L_model_forward_case,
    w4_linear_activation_backward_case,
    w4_linear_activation_forward_case,
    w4_linear_backward_case,
    w4_linear_forward_case,
    w4_two_layer_model_case,
    w4_update_parameters_case,
)

from backpropviz.engine.course.week4 import (
    L_layer_model,
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    initialize_parameters_deep_app,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    predict,
    two_layer_model,
    update_parameters,
)


# ----------------------------------------------------------------------------------------- initialisation
def test_initialize_parameters_seeds_one_inside():
    np.random.seed(99)  # the function reseeds: what the caller did does not matter
    parameters = initialize_parameters(3, 2, 1)
    assert list(parameters) == ["W1", "b1", "W2", "b2"]
    assert_printed(parameters["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]])
    assert_printed(parameters["W2"], [[0.01744812, -0.00761207]])
    np.testing.assert_array_equal(parameters["b1"], np.zeros((2, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))


def test_initialize_parameters_latest_variant():
    parameters = initialize_parameters(4, 3, 2)
    assert_printed(
        parameters["W1"],
        [[0.01624345, -0.00611756, -0.00528172, -0.01072969],
         [0.00865408, -0.02301539, 0.01744812, -0.00761207],
         [0.00319039, -0.0024937, 0.01462108, -0.02060141]],
    )
    assert_printed(parameters["W2"], [[-0.00322417, -0.00384054, 0.01133769], [-0.01099891, -0.00172428, -0.00877858]])


def test_initialize_parameters_deep_seeds_three_inside():
    np.random.seed(99)
    parameters = initialize_parameters_deep([5, 4, 3])
    assert list(parameters) == ["W1", "b1", "W2", "b2"]
    assert_printed(
        parameters["W1"],
        [[0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
         [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
         [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
         [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]],
    )
    assert_printed(
        parameters["W2"],
        [[-0.01185047, -0.0020565, 0.01486148, 0.00236716],
         [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
         [-0.00768836, -0.00230031, 0.00745056, 0.01976111]],
    )
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((3, 1)))


def test_initialize_parameters_deep_latest_variant():
    parameters = initialize_parameters_deep([4, 3, 2])
    assert_printed(
        parameters["W1"],
        [[0.01788628, 0.0043651, 0.00096497, -0.01863493],
         [-0.00277388, -0.00354759, -0.00082741, -0.00627001],
         [-0.00043818, -0.00477218, -0.01313865, 0.00884622]],
    )
    assert_printed(parameters["W2"], [[0.00881318, 0.01709573, 0.00050034], [-0.00404677, -0.0054536, -0.01546477]])


def test_initialize_parameters_deep_app_is_dnn_app_utils_v3():
    parameters = initialize_parameters_deep_app([4, 3, 2])
    course = np.random.RandomState(1)  # dnn_app_utils_v3: seed(1), randn(n_l, n_{l−1}) / sqrt(n_{l−1})
    np.testing.assert_array_equal(parameters["W1"], course.randn(3, 4) / np.sqrt(4))
    np.testing.assert_array_equal(parameters["W2"], course.randn(2, 3) / np.sqrt(3))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((2, 1)))


# ----------------------------------------------------------------------------------------- forward
def test_linear_forward():
    A, W, b = w4_linear_forward_case()
    Z, cache = linear_forward(A, W, b)
    assert_printed(Z, [[3.26295337, -1.23429987]])
    assert type(cache) is tuple and cache[0] is A and cache[1] is W and cache[2] is b


def test_linear_activation_forward():
    A_prev, W, b = w4_linear_activation_forward_case()
    A, ((cached_A, cached_W, cached_b), Z) = linear_activation_forward(A_prev, W, b, activation="sigmoid")
    assert_printed(A, [[0.96890023, 0.11013289]])
    assert_printed(Z, [[3.43896131, -2.08938436]])
    assert cached_A is A_prev and cached_W is W and cached_b is b
    A, (_, Z) = linear_activation_forward(A_prev, W, b, activation="relu")
    assert_printed(A, [[3.43896131, 0.0]])
    assert_printed(Z, [[3.43896131, -2.08938436]])


def test_linear_activation_forward_names_a_wrong_activation():
    A_prev, W, b = w4_linear_activation_forward_case()
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        linear_activation_forward(A_prev, W, b, "softmax")


def test_L_model_forward():
    X, parameters = w4_L_model_forward_case()
    AL, caches = L_model_forward(X, parameters)
    assert_printed(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]])
    assert type(caches) is list and len(caches) == 3  # "Length of caches list = 3"
    expected_Z = [
        [[-5.23825714, 3.18040136, 0.4074501, -1.88612721],
         [-2.77358234, -0.56177316, 3.18141623, -0.99209432],
         [4.18500916, -1.78006909, -0.14502619, 2.72141638],
         [5.05850802, -1.25674082, -3.54566654, 3.82321852]],
        [[2.2644603, 1.09971298, -2.90298027, 1.54036335],
         [6.33722569, -2.38116246, -4.11228806, 4.48582383],
         [10.37508342, -0.66591468, 1.63635185, 8.17870169]],
        [[-3.19864676, 0.87117055, -1.40297864, -3.00319435]],
    ]
    assert caches[0][0][0] is X
    for l, ((A_prev, W, b), Z) in enumerate(caches, start=1):
        assert W is parameters[f"W{l}"] and b is parameters[f"b{l}"]
        assert_printed(Z, expected_Z[l - 1])
        if l > 1:
            np.testing.assert_array_equal(A_prev, np.maximum(0, caches[l - 2][1]))  # A[l−1] = relu(Z[l−1])


# ----------------------------------------------------------------------------------------- cost
def test_compute_cost_returns_a_0d_array():
    Y, AL = np.asarray([[1, 1, 0]]), np.array([[0.8, 0.9, 0.4]])
    cost = compute_cost(AL, Y)
    assert type(cost) is np.ndarray and cost.shape == ()
    assert cost.item() == pytest.approx(0.2797765635793422, rel=1e-15, abs=0)


def test_compute_cost_testcases_v4_accepts_lists():
    # testCases_v4 had Y = [[1, 1, 1]]; the notebooks sometimes pass plain lists.
    cost = compute_cost([[0.8, 0.9, 0.4]], [[1, 1, 1]])
    assert cost.shape == ()
    assert cost.item() == pytest.approx(-(math.log(0.8) + math.log(0.9) + math.log(0.4)) / 3, rel=1e-15)


# ----------------------------------------------------------------------------------------- backward
def test_linear_backward():
    dZ, linear_cache = w4_linear_backward_case()
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    assert_printed(
        dA_prev,
        [[-1.15171336, 0.06718465, -0.3204696, 2.09812712],
         [0.60345879, -3.72508701, 5.81700741, -3.84326836],
         [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
         [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
         [-2.52214926, 2.67882552, -0.67947465, 1.48119548]],
    )
    assert_printed(
        dW,
        [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
         [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
         [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]],
    )
    assert_printed(db, [[-0.14713786], [-0.11313155], [-0.13209101]])


def test_linear_activation_backward():
    dA, cache = w4_linear_activation_backward_case()
    dA_prev, dW, db = linear_activation_backward(dA, cache, activation="sigmoid")
    assert_printed(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]])
    assert_printed(dW, [[0.10266786, 0.09778551, -0.01968084]])
    assert_printed(db, [[-0.05729622]])
    dA_prev, dW, db = linear_activation_backward(dA, cache, activation="relu")
    assert_printed(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]])
    assert_printed(dW, [[0.44513824, 0.37371418, -0.10478989]])
    assert_printed(db, [[-0.20837892]])


def test_L_model_backward():
    AL, Y, caches = w4_L_model_backward_case()
    grads = L_model_backward(AL, Y, caches)
    assert set(grads) == {"dA0", "dA1", "dW1", "dW2", "db1", "db2"}
    assert_printed(grads["dA0"], [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404], [0.0, -0.74079187]])
    assert_printed(grads["dA1"], [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]])
    assert_printed(
        grads["dW1"],
        [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0.0, 0.0, 0.0, 0.0],
         [0.05283652, 0.01005865, 0.01777766, 0.0135308]],
    )
    assert_printed(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]])
    assert_printed(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]])
    assert_printed(grads["db2"], [[0.15187861]])


def test_L_model_backward_uses_the_course_dAL():
    # AL here is a random draw, partly negative: only the course's unclipped −(Y/AL − (1−Y)/(1−AL)) gives the
    # published numbers, so dA1 = W2ᵀ dZ2 pins the formula down.
    AL, Y, caches = w4_L_model_backward_case()
    (_, W2, _), Z2 = caches[1]
    s = 1 / (1 + np.exp(-Z2))
    dZ2 = -(Y / AL - (1 - Y) / (1 - AL)) * s * (1 - s)
    np.testing.assert_allclose(L_model_backward(AL, Y, caches)["dA1"], W2.T @ dZ2, rtol=1e-14)


# ----------------------------------------------------------------------------------------- update
def test_update_parameters():
    parameters, grads = w4_update_parameters_case()
    updated = update_parameters(parameters, grads, 0.1)
    assert_printed(
        updated["W1"],
        [[-0.59562069, -0.09991781, -2.14584584, 1.82662008],
         [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
         [-1.0535704, -0.86128581, 0.68284052, 2.20374577]],
    )
    assert_printed(updated["b1"], [[-0.04659241], [-1.28888275], [0.53405496]])
    assert_printed(updated["W2"], [[-0.55569196, 0.0354055, 1.32964895]])
    assert_printed(updated["b2"], [[-0.84610769]])


def test_adapters_leave_their_inputs_unchanged():
    X, parameters = w4_L_model_forward_case()
    before = snapshot((X, parameters))
    AL, caches = L_model_forward(X, parameters)
    Y = np.array([[1, 0, 1, 0]])
    after_forward = snapshot((AL, Y, caches))
    compute_cost(AL, Y)
    grads = L_model_backward(AL, Y, caches)
    assert_unchanged((AL, Y, caches), after_forward, "forward results")
    grads_before = snapshot(grads)
    updated = update_parameters(parameters, grads, 0.1)
    assert updated is not parameters
    assert_unchanged((X, parameters), before)
    assert_unchanged(grads, grads_before, "grads")
    dA, cache = w4_linear_activation_backward_case()
    cache_before = snapshot((dA, cache))
    linear_activation_backward(dA, cache, "relu")
    linear_activation_backward(dA, cache, "sigmoid")
    assert_unchanged((dA, cache), cache_before, "linear_activation_backward")


# ----------------------------------------------------------------------------------------- application
def printed_lines(text: str) -> dict[int, float]:
    """{iteration: cost} from the "Cost after iteration {}: {}" lines (full repr)."""
    pattern = r"Cost after iteration (\d+): (\S+)"
    return {int(i): float(cost) for i, cost in (re.fullmatch(pattern, line).groups() for line in text.splitlines())}


TWO_LAYER_EXPECTED = {
    # two_layer_model_test, case 1: layers (10, 4, 1), lr 0.0075, 2 iterations.
    (0.0075, 2): {
        "W1": [[0.01624965, -0.00610741, -0.00528734, -0.01072836, 0.008664, -0.02301103, 0.01745639, -0.00760949,
                0.0031934, -0.00248971],
               [0.01462848, -0.02057904, -0.00326745, -0.00383625, 0.01138176, -0.01097596, -0.00171974, -0.00877601,
                0.00043022, 0.00584423],
               [-0.01098272, 0.01148209, 0.00902102, 0.00500958, 0.00900571, -0.00683188, -0.00123491, -0.00937164,
                -0.00267157, 0.00532808],
               [-0.00693465, -0.00400047, -0.00684685, -0.00844447, -0.00670397, -0.00014731, -0.01113977,
                0.00238846, 0.0165895, 0.00738212]],
        "b1": [[1.10437111e-05], [1.78437869e-05], [3.74879549e-05], [-4.42988824e-05]],
        "W2": [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]],
        "b2": [[-0.00689018]],
        "scientific": {"b1"},  # how NumPy printed each array
    },
    # case 2: lr 0.1, 3 iterations.
    (0.1, 3): {
        "W1": [[0.01640028, -0.00585699, -0.00542633, -0.01069332, 0.0089055, -0.02290418, 0.01765388, -0.00754616,
                0.00326712, -0.00239159],
               [0.01476737, -0.02014461, -0.0040947, -0.0037457, 0.01221714, -0.01054049, -0.00164111, -0.00872507,
                0.00058592, 0.00615077],
               [-0.01051621, 0.01216499, 0.009119, 0.0047126, 0.00894761, -0.00672568, -0.00134921, -0.0096428,
                -0.00253223, 0.00580758],
               [-0.00728552, -0.00461461, -0.00638113, -0.00831084, -0.00654136, -0.00053186, -0.01052771,
                0.00320719, 0.01643914, 0.00667123]],
        "b1": [[0.00027478], [0.00034477], [0.00076016], [-0.00084497]],
        "W2": [[-0.00358725, -0.00911995, -0.00831979, 0.01615845]],
        "b2": [[-0.13451354]],
        "scientific": set(),
    },
}


@pytest.mark.parametrize(("learning_rate", "num_iterations"), list(TWO_LAYER_EXPECTED), ids=["case1", "case2"])
def test_two_layer_model_public_test(learning_rate, num_iterations):
    X, Y = w4_two_layer_model_case()  # a real-valued Y, as the public test passes
    parameters, costs = two_layer_model(X, Y, (10, 4, 1), learning_rate, num_iterations)
    expected = TWO_LAYER_EXPECTED[(learning_rate, num_iterations)]
    for name in ("W1", "b1", "W2", "b2"):
        assert_printed(parameters[name], expected[name], scientific=name in expected["scientific"])
    assert type(costs) is list and len(costs) == 1  # the cost of iteration 0 only
    assert type(costs[0]) is np.ndarray and costs[0].shape == ()
    assert_printed(costs[0], 0.69315968)


L_LAYER_EXPECTED = {
    # L_layer_model_test, case 1: layers (10, 5, 6, 1), lr 0.0075, 2 iterations.
    (0.0075, 2): {
        "W1": [[0.51384638, -0.19333098, -0.16705238, -0.33923196, 0.273477, -0.72775498, 0.55170785, -0.24077478,
                0.10082452, -0.07882423],
               [0.46227786, -0.65153639, -0.10192959, -0.12150984, 0.35855025, -0.34787253, -0.05455001, -0.27767163,
                0.01337835, 0.1843845],
               [-0.34790478, 0.36200264, 0.28511245, 0.15868454, 0.284931, -0.21645471, -0.03877896, -0.29584578,
                -0.08480802, 0.16760667],
               [-0.21835973, -0.12531366, -0.21720823, -0.26764975, -0.21214946, -0.00438229, -0.35316347,
                0.07432144, 0.52474685, 0.23453653],
               [-0.06060968, -0.28061463, -0.23624839, 0.53526844, 0.01597194, -0.20136496, 0.06021639, 0.66414167,
                0.03804666, 0.19528599]],
        "b1": [[-2.16491028e-04], [1.50999130e-04], [8.71516045e-06], [5.57557615e-05], [-2.90746349e-05]],
        "W2": [[0.13428358, -0.15747685, -0.51095667, -0.15624083, -0.09342034],
               [0.26226685, 0.3751336, 0.41644174, 0.12779375, 0.39573817],
               [-0.33726917, 0.56041154, 0.22939257, -0.1333337, 0.21851314],
               [-0.03377599, 0.50617255, 0.67960046, 0.97726521, -0.62458844],
               [-0.64581803, -0.22559264, 0.0715349, 0.39173682, 0.14112904],
               [-0.9043503, -0.13693179, 0.37026002, 0.10284282, 0.34076545]],
        "b2": [[1.80215514e-07], [-1.07935097e-04], [1.63081605e-04], [-3.51202008e-05], [-7.40012619e-05],
               [-4.43814901e-05]],
        "W3": [[-0.09079199, -0.08117381, 0.07667568, 0.16665535, 0.08029575, 0.04805811]],
        "b3": [[0.0013201]],
    },
    # case 2: lr 0.02, 3 iterations.
    (0.02, 3): {
        "W1": [[0.51439065, -0.19296367, -0.16714033, -0.33902173, 0.27291558, -0.72759069, 0.55155832, -0.24095201,
                0.10063293, -0.07872596],
               [0.46203186, -0.65172685, -0.10184775, -0.12169458, 0.35861847, -0.34804029, -0.05461748, -0.27787524,
                0.01346693, 0.18463095],
               [-0.34748255, 0.36202977, 0.28512463, 0.1580327, 0.28509518, -0.21717447, -0.03853304, -0.29563725,
                -0.08509025, 0.16728901],
               [-0.21727997, -0.12486465, -0.21692552, -0.26875722, -0.21180188, -0.00550575, -0.35268367,
                0.07489501, 0.52436384, 0.23418418],
               [-0.06045008, -0.28038304, -0.23617868, 0.53546925, 0.01569291, -0.20115358, 0.05975429, 0.66409149,
                0.03819309, 0.1956102]],
        "b1": [[-8.61228305e-04], [6.08187689e-04], [3.53075377e-05], [2.21291877e-04], [-1.13591429e-04]],
        "W2": [[0.13441428, -0.15731437, -0.51097778, -0.15627102, -0.09342034],
               [0.2620349, 0.37492336, 0.4165605, 0.12801536, 0.39541677],
               [-0.33694339, 0.56075022, 0.22940292, -0.1334017, 0.21863717],
               [-0.03371679, 0.50644769, 0.67935577, 0.97680859, -0.62475679],
               [-0.64579072, -0.22555897, 0.07142896, 0.3914475, 0.14104814],
               [-0.90433399, -0.13691167, 0.37019673, 0.10266999, 0.34071712]],
        "b2": [[1.18811550e-06], [-4.25510194e-04], [6.56178455e-04], [-1.42335482e-04], [-2.93618626e-04],
               [-1.75573157e-04]],
        "W3": [[-0.09087434, -0.07882982, 0.07821609, 0.16442826, 0.0783229, 0.04648216]],
        "b3": [[0.00525865]],
    },
}


@pytest.mark.parametrize(("learning_rate", "num_iterations"), list(L_LAYER_EXPECTED), ids=["case1", "case2"])
def test_L_layer_model_public_test(learning_rate, num_iterations):
    X, Y = w4_L_layer_model_case()
    parameters, costs = L_layer_model(X, Y, (10, 5, 6, 1), learning_rate, num_iterations)
    expected = L_LAYER_EXPECTED[(learning_rate, num_iterations)]
    assert list(parameters) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for name in ("W1", "W2", "W3", "b3"):
        assert_printed(parameters[name], expected[name])
    for name in ("b1", "b2"):
        assert_printed(parameters[name], expected[name], scientific=True)
    assert len(costs) == 1 and type(costs[0]) is np.ndarray and costs[0].shape == ()
    assert_printed(costs[0], 0.70723944)


def test_models_print_every_100_and_the_last_iteration(capsys):
    X, Y = w4_two_layer_model_case()
    _, costs = two_layer_model(X, Y, (10, 4, 1), num_iterations=201, print_cost=True)
    printed = printed_lines(capsys.readouterr().out)
    assert list(printed) == [0, 100, 200]
    assert len(costs) == 3
    assert printed[0] == costs[0].item()  # the full repr, as the notebook prints np.squeeze(cost)
    X, Y = w4_L_layer_model_case()
    _, costs = L_layer_model(X, Y, (10, 5, 6, 1), 0.02, num_iterations=3, print_cost=True)
    printed = printed_lines(capsys.readouterr().out)
    assert list(printed) == [0, 2]
    assert printed[2] == pytest.approx(0.7063462654190897, rel=1e-12)  # computed with the course's code
    _, costs = L_layer_model(X, Y, (10, 5, 6, 1), 0.02, num_iterations=3)
    assert capsys.readouterr().out == ""  # costs are kept even when nothing is printed
    assert len(costs) == 1


def test_models_seed_one_first():
    X, Y = w4_L_layer_model_case()
    np.random.seed(5)
    first, _ = L_layer_model(X, Y, (10, 5, 6, 1), num_iterations=2)
    np.random.seed(7)
    second, _ = L_layer_model(X, Y, (10, 5, 6, 1), num_iterations=2)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])


def test_predict_prints_the_courses_accuracy(capsys):
    # A 1-1-1 net with W = 1, b = 0: AL = σ(relu(x)) > 0.5 exactly where x > 0. On 209 examples labelled
    # x > 0 every prediction is right, and the course's sum of 209 copies of 1/209 prints as the W4A2
    # notebook's training accuracy: 0.9999999999999998.
    np.random.seed(0)
    X = np.random.randn(1, 209)
    y = (X > 0).astype(int)
    parameters = {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1)), "W2": np.ones((1, 1)), "b2": np.zeros((1, 1))}
    p = predict(X, y, parameters)
    assert capsys.readouterr().out == "Accuracy: 0.9999999999999998\n"
    assert p.dtype == np.float64 and p.shape == (1, 209)
    np.testing.assert_array_equal(p, y)
