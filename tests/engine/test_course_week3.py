"""Week 3 adapters against the notebook's published expected outputs.

The current notebook (assert-style public tests) is the reference: its ``initialize_parameters`` does not
seed, ``nn_model`` seeds 3. The old notebook (v6c) differs only in seeding 2 inside
``initialize_parameters``; the ``old_notebook_seeding`` fixture reproduces that with the same adapters.
Inputs are rebuilt in ``course_cases``; the expected values below are the printed ones.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from course_cases import (
    assert_printed,
    assert_unchanged,
    snapshot,
    w3_backward_propagation_case,
    w3_backward_propagation_newest_case,
    w3_compute_cost_case,
    w3_compute_cost_newest_case,
    w3_forward_propagation_case,
    w3_layer_sizes_cases,
    w3_nn_model_case,
    w3_trained_parameters,
    w3_update_parameters_case,
)

from backpropviz.engine.course import week3
from backpropviz.engine.course.week3 import (
    accuracy,
    backward_propagation,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    layer_sizes,
    load_planar_dataset,
    nn_model,
    predict,
    update_parameters,
)

# The seed-2 initialisation (2, 4, 1), printed by every generation of the notebook.
SEED2_W1 = [
    [-0.00416758, -0.00056267],
    [-0.02136196, 0.01640271],
    [-0.01793436, -0.00841747],
    [0.00502881, -0.01245288],
]
SEED2_W2 = [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]


@pytest.fixture
def old_notebook_seeding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old notebook: ``np.random.seed(2)`` inside initialize_parameters, everything else the same."""
    unseeded = week3.initialize_parameters

    def initialize_parameters_v6c(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
        np.random.seed(2)
        return unseeded(n_x, n_h, n_y)

    monkeypatch.setattr(week3, "initialize_parameters", initialize_parameters_v6c)


def printed_costs(text: str) -> dict[int, str]:
    """{iteration: printed cost} from the "Cost after iteration %i: %f" lines."""
    lines = text.splitlines()
    costs = dict(re.fullmatch(r"Cost after iteration (\d+): (\d+\.\d{6})", line).groups() for line in lines)
    return {int(i): cost for i, cost in costs.items()}


# ----------------------------------------------------------------------------------------- the data
def test_load_planar_dataset_is_the_course_flower(flower):
    X, Y = load_planar_dataset()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert X.dtype == np.float64 and Y.dtype == np.uint8  # the course's dtypes
    np.testing.assert_array_equal(X, flower[0])  # bit for bit, against an independent rewrite
    np.testing.assert_array_equal(Y, flower[1])
    np.testing.assert_array_equal(Y[0], [0] * 200 + [1] * 200)
    np.testing.assert_array_equal(
        X[:, :3],
        [[1.204442292254319, 0.15870990398255372, 0.09524719604502052],
         [3.5761141481288448, -1.4821709003683443, -1.2799553276531797]],
    )


def test_load_planar_dataset_leaves_the_global_rng_where_the_course_does():
    np.random.seed(123)
    load_planar_dataset()
    after = np.random.randn(5)
    course = np.random.RandomState(1)  # the course: seed(1), then 4 draws of randn(200)
    for _ in range(4):
        course.randn(200)
    np.testing.assert_array_equal(after, course.randn(5))


# ----------------------------------------------------------------------------------------- one function each
def test_layer_sizes():
    (X, Y), (X2, Y2) = w3_layer_sizes_cases()
    assert layer_sizes(X, Y) == (5, 4, 2)
    assert type(layer_sizes(X, Y)) is tuple
    assert layer_sizes(X2, Y2) == (7, 4, 5)


def test_initialize_parameters_draws_from_the_callers_seed():
    np.random.seed(2)  # the notebook's test cell seeds, the function does not
    parameters = initialize_parameters(2, 4, 1)
    assert_printed(parameters["W1"], SEED2_W1)
    assert_printed(parameters["W2"], SEED2_W2)
    np.testing.assert_array_equal(parameters["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(parameters["b2"], np.zeros((1, 1)))
    assert list(parameters) == ["W1", "b1", "W2", "b2"]


def test_initialize_parameters_newest_public_test():
    np.random.seed(2)
    parameters = initialize_parameters(3, 5, 2)
    assert_printed(
        parameters["W1"],
        [[-0.00416758, -0.00056267, -0.02136196],
         [0.01640271, -0.01793436, -0.00841747],
         [0.00502881, -0.01245288, -0.01057952],
         [-0.00909008, 0.00551454, 0.02292208],
         [0.00041539, -0.01117925, 0.00539058]],
    )
    assert_printed(
        parameters["W2"],
        [[-5.96159700e-03, -1.91304965e-04, 1.17500122e-02, -7.47870949e-03, 9.02525097e-05],
         [-8.78107893e-03, -1.56434170e-03, 2.56570452e-03, -9.88779049e-03, -3.38821966e-03]],
        scientific=True,
    )
    assert parameters["b1"].shape == (5, 1) and parameters["b2"].shape == (2, 1)


def test_initialize_parameters_does_not_reseed():
    np.random.seed(2)
    first = initialize_parameters(2, 4, 1)
    second = initialize_parameters(2, 4, 1)  # continues the stream: other numbers
    assert not np.array_equal(first["W1"], second["W1"])
    stream = np.random.RandomState(2)
    stream.randn(4, 2), stream.randn(1, 4)
    np.testing.assert_array_equal(second["W1"], stream.randn(4, 2) * 0.01)


def test_forward_propagation_current_notebook():
    X, parameters = w3_forward_propagation_case()
    A2, cache = forward_propagation(X, parameters)
    assert_printed(A2, [[0.21292656, 0.21274673, 0.21295976]])
    assert cache["A2"] is A2
    assert_printed(
        cache["Z1"],
        [[1.7386459, 1.74687437, 1.74830797],
         [-0.81350569, -0.73394355, -0.78767559],
         [0.29893918, 0.32272601, 0.34788465],
         [-0.2278403, -0.2632236, -0.22336567]],
    )
    assert_printed(
        cache["A1"],
        [[0.9400694, 0.94101876, 0.94118266],
         [-0.67151964, -0.62547205, -0.65709025],
         [0.29034152, 0.31196971, 0.33449821],
         [-0.22397799, -0.25730819, -0.2197236]],
    )
    assert_printed(cache["Z2"], [[-1.30737426, -1.30844761, -1.30717618]])


def test_forward_propagation_old_notebook_means():
    # The old notebook printed the four means with Python 2's str(): 12 significant digits.
    X, parameters = w3_forward_propagation_case()
    _, cache = forward_propagation(X, parameters)
    means = [f"{np.mean(cache[name]):.12g}" for name in ("Z1", "A1", "Z2", "A2")]
    assert means == ["0.262818640198", "0.091999045227", "-1.30766601287", "0.212877681719"]


def test_compute_cost_is_a_float_with_the_published_digits():
    A2, Y = w3_compute_cost_case()
    cost = compute_cost(A2, Y)
    assert type(cost) is float
    assert cost == pytest.approx(0.6930587610394646, rel=1e-15, abs=0)


def test_compute_cost_accepts_the_old_third_parameter():
    A2, Y = w3_compute_cost_case()
    np.random.seed(2)
    assert compute_cost(A2, Y, initialize_parameters(2, 4, 1)) == compute_cost(A2, Y)


def test_compute_cost_newest_public_test():
    A2, Y = w3_compute_cost_newest_case()
    cost = compute_cost(A2, Y)
    assert type(cost) is float
    assert cost == pytest.approx(0.5447066599017815, rel=1e-15, abs=0)


def test_compute_cost_accepts_lists_and_keeps_the_course_formula():
    assert compute_cost([[0.8, 0.9, 0.4]], [[1, 1, 0]]) == pytest.approx(-np.log([0.8, 0.9, 0.6]).mean(), rel=1e-15)
    # log of a probability: infinite where A2 reaches the wrong end (the engine's logit form is not).
    assert compute_cost(np.array([[1.0, 0.5]]), np.array([[0, 1]])) == np.inf


def test_backward_propagation_published():
    parameters, cache, X, Y = w3_backward_propagation_case()
    assert cache["Z1"][0, 0] == -0.00616586 and cache["A2"][0, 0] == 0.5002307  # the test case's literals
    grads = backward_propagation(parameters, cache, X, Y)
    assert_printed(
        grads["dW1"],
        [[0.00301023, -0.00747267], [0.00257968, -0.00641288], [-0.00156892, 0.003893], [-0.00652037, 0.01618243]],
    )
    assert_printed(grads["db1"], [[0.00176201], [0.00150995], [-0.00091736], [-0.00381422]])
    assert_printed(grads["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]])
    assert_printed(grads["db2"], [[-0.16655712]])


def test_backward_propagation_newest_public_test():
    parameters, cache, X, Y = w3_backward_propagation_newest_case()
    grads = backward_propagation(parameters, cache, X, Y)
    assert_printed(
        grads["dW1"],
        [[-0.24468458, -0.24371232, 0.15959609],
         [0.7370069, -0.64785999, 0.23669823],
         [0.47936123, -0.01516428, 0.01566728],
         [0.03361075, -0.0930929, 0.05581073],
         [0.52445178, -0.03895358, 0.09180612],
         [-0.17043596, 0.13406378, -0.20952062],
         [0.76144791, -0.41766018, 0.02544078],
         [0.22164791, -0.33081645, 0.19526915],
         [0.25619969, -0.09561825, 0.05679075]],
    )
    assert_printed(
        grads["db1"],
        [[0.1463639], [-0.33647992], [-0.51738006], [-0.07780329], [-0.57889514],
         [0.28357278], [-0.39756864], [-0.10510329], [-0.13443244]],
    )
    assert_printed(
        grads["dW2"],
        [[-0.35768529, 0.22046323, -0.29551566, -0.12202786, 0.18809552, 0.13700323, 0.35892872, -0.02220353,
          -0.03976687]],
    )
    assert_printed(grads["db2"], [[-0.78032466]])


def test_update_parameters_default_learning_rate():
    parameters, grads = w3_update_parameters_case()
    updated = update_parameters(parameters, grads)  # learning_rate = 1.2 by default
    assert_printed(
        updated["W1"],
        [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052], [-0.01653973, -0.02096177], [0.01046864, -0.05990141]],
    )
    assert_printed(
        updated["b1"], [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07], [-3.20136836e-06]], scientific=True
    )
    assert_printed(updated["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]])
    assert_printed(updated["b2"], [[0.00010457]])


def test_predict_thresholds_strictly_above_one_half():
    X, _ = w3_nn_model_case()
    predictions = predict(w3_trained_parameters(), X)
    assert predictions.dtype == bool
    np.testing.assert_array_equal(predictions, [[True, False, True]])  # "Predictions: [[ True False  True]]"
    assert str(np.mean(predictions)) == "0.6666666666666666"  # the old notebook's "predictions mean"
    parameters = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1)), "W2": np.zeros((1, 1)), "b2": np.zeros((1, 1))}
    np.testing.assert_array_equal(predict(parameters, X), [[False, False, False]])  # A2 = 0.5 exactly


def test_accuracy_is_the_notebooks_percentage():
    Y = np.array([[1, 0, 1, 0]], dtype=np.uint8)
    assert accuracy(np.array([[True, False, False, False]]), Y) == 75.0
    assert type(accuracy(Y, Y)) is float


def test_adapters_leave_their_inputs_unchanged():
    parameters, cache, X, Y = w3_backward_propagation_case()
    before = snapshot((parameters, cache, X, Y))
    forward_propagation(X, parameters)
    compute_cost(cache["A2"], Y)
    grads = backward_propagation(parameters, cache, X, Y)
    grads_before = snapshot(grads)
    update_parameters(parameters, grads, 1.2)
    predict(parameters, X)
    nn_model(X, Y, 4, num_iterations=3)
    assert_unchanged((parameters, cache, X, Y), before)
    assert_unchanged(grads, grads_before, "grads")


# ----------------------------------------------------------------------------------------- nn_model
NN_TEST_CASE_CURRENT = {
    "costs": ["0.693198", "0.000219", "0.000108", "0.000071", "0.000053",
              "0.000043", "0.000035", "0.000030", "0.000027", "0.000024"],
    "W1": [[0.56305445, -1.03925886], [0.7345426, -1.36286875], [-0.72533346, 1.33753027], [0.74757629, -1.38274074]],
    "b1": [[-0.22240654], [-0.34662093], [0.33663708], [-0.35296113]],
    "W2": [[1.82196893, 3.09657075, -2.98193564, 3.19946508]],
    "b2": [[0.21344644]],
}
NN_TEST_CASE_OLD = {
    "costs": ["0.692739", "0.000218", "0.000107", "0.000071", "0.000053",
              "0.000042", "0.000035", "0.000030", "0.000026", "0.000023"],
    "W1": [[-0.65848169, 1.21866811], [-0.76204273, 1.39377573], [0.5792005, -1.10397703], [0.76773391, -1.41477129]],
    "b1": [[0.287592], [0.3511264], [-0.2431246], [-0.35772805]],
    "W2": [[-2.45566237, -3.27042274, 2.00784958, 3.36773273]],
    "b2": [[0.20459656]],
}


def check_nn_model_test_case(expected: dict, capsys: pytest.CaptureFixture[str]) -> None:
    X, Y = w3_nn_model_case()
    parameters = nn_model(X, Y, 4, num_iterations=10000, print_cost=True)
    assert printed_costs(capsys.readouterr().out) == dict(zip(range(0, 10000, 1000), expected["costs"], strict=True))
    for name in ("W1", "b1", "W2", "b2"):
        assert_printed(parameters[name], expected[name])


def test_nn_model_test_case_current_notebook(capsys):
    # The cost curve of 3 points converges smoothly: every printed digit is stable.
    check_nn_model_test_case(NN_TEST_CASE_CURRENT, capsys)


def test_nn_model_test_case_old_notebook(old_notebook_seeding, capsys):
    check_nn_model_test_case(NN_TEST_CASE_OLD, capsys)


def test_nn_model_seeds_three_first():
    X, Y = w3_nn_model_case()
    np.random.seed(99)  # whatever the caller did before, nn_model starts from seed 3
    trained = nn_model(X, Y, 4, num_iterations=1)
    np.random.seed(3)
    parameters = initialize_parameters(2, 4, 1)
    _, cache = forward_propagation(X, parameters)
    expected = update_parameters(parameters, backward_propagation(parameters, cache, X, Y))
    for name in expected:
        np.testing.assert_array_equal(trained[name], expected[name])


# The flower, nn_model(X, Y, n_h=4, num_iterations=10000, print_cost=True). After about 7000 iterations the
# trajectory is sensitive to 1-ulp differences in exp/tanh/BLAS (published copies disagree in the 4th-5th
# decimal), so the late costs are compared to 1e-4; the earlier ones to every printed digit.
FLOWER_CURRENT = ["0.693162", "0.258625", "0.239334", "0.230802", "0.225528", "0.221845", "0.219094",
                  "0.220661", "0.219409", "0.218485"]
FLOWER_OLD = ["0.693048", "0.288083", "0.254385", "0.233864", "0.226792", "0.222644", "0.219731",
              "0.217504", "0.219471", "0.218612"]


@pytest.mark.parametrize(
    ("generation", "published", "first_sensitive"),
    [("current", FLOWER_CURRENT, 7000), ("old", FLOWER_OLD, 8000)],
    ids=["current", "old"],
)
def test_nn_model_on_the_flower(generation, published, first_sensitive, capsys, request):
    if generation == "old":
        request.getfixturevalue("old_notebook_seeding")
    X, Y = load_planar_dataset()
    parameters = nn_model(X, Y, n_h=4, num_iterations=10000, print_cost=True)
    printed = printed_costs(capsys.readouterr().out)
    assert list(printed) == list(range(0, 10000, 1000))
    for i, expected in zip(printed, published, strict=True):
        if i < first_sensitive:
            assert printed[i] == expected, f"iteration {i}"
        else:
            assert float(printed[i]) == pytest.approx(float(expected), abs=1e-4), f"iteration {i}"
    predictions = predict(parameters, X)
    # The notebook prints 'Accuracy: %d' % accuracy + '%': %d truncates, as int() does.
    assert f"Accuracy: {int(accuracy(predictions, Y))}%" == "Accuracy: 90%"


# The notebook's sweep: nn_model(X, Y, n_h, num_iterations=5000) for each size, training-set accuracy in %.
# 1–5 units are stable everywhere. 20 and 50 units depend on the machine like the late flower costs (measured
# here: old seeding gives 20: 90.5, 50: 90.25 with NumPy's default SIMD, 20: 90.0, 50: 90.75 with baseline
# SIMD; the course published 90.0 and 90.25), so they may be off by up to 0.5 % (2 of 400 points).
# The current notebook never published 20 and 50 (None): they are only checked to lie in 90–91.25 %.
SWEEP = {
    "current": {1: 67.5, 2: 67.25, 3: 90.75, 4: 90.5, 5: 91.25, 20: None, 50: None},
    "old": {1: 67.5, 2: 67.25, 3: 90.75, 4: 90.5, 5: 91.25, 20: 90.0, 50: 90.25},
}
MACHINE_DEPENDENT = {20, 50}


@pytest.mark.parametrize("generation", ["current", "old"])
def test_hidden_layer_size_sweep(generation, request):
    if generation == "old":
        request.getfixturevalue("old_notebook_seeding")
    X, Y = load_planar_dataset()
    for n_h, published in SWEEP[generation].items():
        result = accuracy(predict(nn_model(X, Y, n_h, num_iterations=5000), X), Y)
        if published is None:
            assert 90.0 <= result <= 91.25, f"{n_h} hidden units: {result} %"
        elif n_h in MACHINE_DEPENDENT:
            assert abs(result - published) <= 0.5, f"{n_h} hidden units: {result} %"
        else:
            assert result == published, f"{n_h} hidden units"
