"""The Network: whole iterations, bit-identity between paths, gradient checks, stability, bad input."""

import ast
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import backpropviz.engine
from backpropviz.engine.gradcheck import gradient_check, relative_difference
from backpropviz.engine.network import Network, check_learning_rate


def _toy(n_x=3, m=20, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    Y = (X[0:1] + 0.5 * rng.randn(1, m) > 0).astype(float)
    return X, Y


def test_shapes_of_every_quantity_after_one_iteration():
    X, Y = _toy(n_x=3, m=7)
    net = Network([3, 5, 2, 1], "relu", init="he", seed=0)
    net.bind(X, Y)
    net.forward()
    net.backward(need_dA0=True)
    for l, (n, n_prev) in enumerate(zip(net.layer_dims[1:], net.layer_dims[:-1], strict=True), start=1):
        assert net.W[l].shape == net.dW[l].shape == (n, n_prev)
        assert net.b[l].shape == net.db[l].shape == (n, 1)
        assert net.Z[l].shape == net.A[l].shape == net.dZ[l].shape == (n, 7)
        assert net.dA[l - 1].shape == (n_prev, 7)
    assert set(net.gradients()) == {"dA0", "dA1", "dA2", "dW1", "dW2", "dW3", "db1", "db2", "db3"}


def test_one_iteration_by_hand_on_a_1_1_net():
    # n_x = 1, one sigmoid unit, m = 2: every number can be followed on paper
    X = np.array([[1.0, -2.0]])
    Y = np.array([[1.0, 0.0]])
    net = Network([1, 1], ["sigmoid"], parameters={"W1": np.array([[0.5]]), "b1": np.array([[0.25]])})
    net.bind(X, Y)
    cost = net.iterate(learning_rate=0.1)
    Z = np.array([0.75, -0.75])
    A = 1 / (1 + np.exp(-Z))
    assert cost == pytest.approx(-(np.log(A[0]) + np.log(1 - A[1])) / 2, rel=1e-14)
    dZ = A - [1.0, 0.0]
    dW = (dZ[0] * 1.0 + dZ[1] * -2.0) / 2
    db = dZ.sum() / 2
    np.testing.assert_allclose(net.dW[1], [[dW]], rtol=1e-14)
    np.testing.assert_allclose(net.db[1], [[db]], rtol=1e-14)
    np.testing.assert_allclose(net.W[1], [[0.5 - 0.1 * dW]], rtol=1e-14)
    np.testing.assert_allclose(net.b[1], [[0.25 - 0.1 * db]], rtol=1e-14)


def _textbook_iteration(params, X, Y, hidden, learning_rate):
    """The plain course loop: allocate everything, textbook formulas (an independent re-implementation)."""
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        Z = np.dot(params[f"W{l}"], A) + params[f"b{l}"]
        caches.append((A, Z))
        if l == L:
            A = 1 / (1 + np.exp(-Z))
        elif hidden == "tanh":
            A = np.tanh(Z)
        else:
            A = np.maximum(0, Z)
    m = Y.shape[1]
    dZ = A - Y
    for l in range(L, 0, -1):
        A_prev, Z = caches[l - 1]
        dW = 1.0 / m * np.dot(dZ, A_prev.T)
        db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        dA_prev = np.dot(params[f"W{l}"].T, dZ)
        params[f"W{l}"] = params[f"W{l}"] - learning_rate * dW
        params[f"b{l}"] = params[f"b{l}"] - learning_rate * db
        if l > 1:
            A_prev_act = A_prev
            dZ = dA_prev * (1 - A_prev_act**2) if hidden == "tanh" else dA_prev * (caches[l - 2][1] > 0)
    return params


@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_train_matches_an_independent_textbook_loop(hidden):
    X, Y = _toy(n_x=2, m=50, seed=1)
    net = Network([2, 4, 3, 1], hidden, init="xavier", seed=5)
    params = net.parameters()
    net.bind(X, Y)
    net.train(200, 0.3)
    for _ in range(200):
        params = _textbook_iteration(params, X, Y, hidden, 0.3)
    for name, value in net.parameters().items():
        np.testing.assert_allclose(value, params[name], rtol=1e-10, atol=1e-13)


def test_train_is_bit_identical_to_manual_forward_backward_update():
    X, Y = _toy(m=40)
    a = Network([3, 6, 4, 1], ["relu", "tanh", "sigmoid"], init="he", seed=7)
    b = Network([3, 6, 4, 1], ["relu", "tanh", "sigmoid"], init="he", seed=7)
    a.bind(X, Y)
    b.bind(X, Y)
    costs = a.train(25, 0.05)
    manual = []
    for _ in range(25):
        for l in range(1, b.L + 1):
            b.forward_layer(l)
        manual.append(b.compute_cost())
        b.compute_output_dA()
        for l in range(b.L, 0, -1):
            b.backward_layer(l)
        b.update(0.05)
    np.testing.assert_array_equal(costs, manual)
    for l in range(1, a.L + 1):
        np.testing.assert_array_equal(a.W[l], b.W[l])
        np.testing.assert_array_equal(a.b[l], b.b[l])


def _random_biases(net, seed=0):
    """Positive biases, as after training: zero ones leave many relu units dead or exactly on the kink,
    where the gradients are so small that the check measures rounding noise."""
    rng = np.random.RandomState(seed)
    params = net.parameters()
    net.set_parameters({k: v if k[0] == "W" else rng.uniform(0.1, 0.6, v.shape) for k, v in params.items()})


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
def test_gradient_check_passes_for_each_activation(activation):
    X, Y = _toy(n_x=3, m=8, seed=2)
    net = Network([3, 5, 4, 1], activation, init="he", seed=2)
    _random_biases(net)
    result = gradient_check(net, X, Y)
    assert result.difference < 1e-7, result.per_layer
    assert all(d < 1e-7 for d in result.per_layer.values())
    assert result.passed and result.failing_layers() == []


def test_gradient_check_passes_on_a_deep_net_and_leaves_the_network_untouched():
    X, Y = _toy(n_x=4, m=10, seed=3)
    activations = ["tanh", "relu", "leaky_relu", "tanh", "linear", "tanh", "sigmoid"]
    net = Network([4, 8, 7, 6, 5, 4, 3, 1], activations, init="xavier", seed=4)
    _random_biases(net)
    before = net.parameters()
    result = gradient_check(net, X, Y)
    assert result.difference < 1e-7
    assert len(result.per_layer) == 7
    for name, value in net.parameters().items():
        np.testing.assert_array_equal(value, before[name])


def test_planted_bug_fails_the_check_on_that_layer_only():
    X, Y = _toy(n_x=3, m=8, seed=2)
    net = Network([3, 5, 4, 1], "tanh", init="xavier", seed=2)
    net.planted_bug_layer = 2
    result = gradient_check(net, X, Y)
    assert result.failing_layers() == [2]
    assert result.per_layer[2] > 0.1


def test_gradient_check_on_a_sample_of_entries():
    X, Y = _toy(n_x=30, m=5)
    net = Network([30, 20, 1], "relu", init="he", seed=0)
    result = gradient_check(net, X, Y, max_entries_per_layer=10)
    assert result.grad.size == 10 + 10 + 10 + 1
    assert result.difference < 1e-7


def test_relative_difference_definition():
    assert relative_difference(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_difference(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_difference(np.array([3.0]), np.array([1.0])) == pytest.approx(0.5)


def test_deep_sigmoid_net_with_large_weights_has_a_finite_cost_where_the_textbook_nans():
    X, Y = _toy(n_x=5, m=30, seed=9)
    net = Network([5, 50, 50, 1], "sigmoid", init="scaled_normal", seed=0)
    net.set_parameters({k: v * 8000 for k, v in net.parameters().items()})
    net.bind(X, Y)
    net.forward()
    cost = net.compute_cost()
    assert np.isfinite(cost) and cost > 10
    AL = net.A[net.L]
    with np.errstate(all="ignore"):
        textbook = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    assert not np.isfinite(textbook)
    net.compute_output_dA()
    assert np.all(np.isfinite(net.dA[net.L])) and net.dAL_clipped.any()
    net.backward()
    assert all(np.all(np.isfinite(dW)) for dW in net.dW[1:])


def test_float32_option_trains_close_to_float64():
    X, Y = _toy(m=60)
    nets = [Network([3, 4, 1], "tanh", seed=1, dtype=dt) for dt in ("float64", "float32")]
    for net in nets:
        net.bind(X, Y)
    c64, c32 = nets[0].train(100, 0.5), nets[1].train(100, 0.5)
    assert nets[1].W[1].dtype == np.float32 and nets[1].A[1].dtype == np.float32
    np.testing.assert_allclose(c32, c64, rtol=1e-4)


def test_predict_and_accuracy_on_a_separable_set():
    X = np.array([[-2.0, -1.0, 1.0, 2.0]])
    Y = np.array([[0.0, 0.0, 1.0, 1.0]])
    net = Network([1, 1], ["sigmoid"], parameters={"W1": np.array([[3.0]]), "b1": np.array([[0.0]])})
    np.testing.assert_array_equal(net.predict(X), Y)
    assert net.accuracy(X, Y) == 1.0
    assert net.accuracy(X, 1 - Y) == 0.0
    assert np.isnan(net.accuracy(np.empty((1, 0)), np.empty((1, 0))))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer_dims": [2, 0, 1]}, "positive whole number"),
        ({"layer_dims": [2, -3, 1]}, "positive whole number"),
        ({"layer_dims": [2]}, "at least"),
        ({"layer_dims": [2, 4, 2]}, "one output unit"),
        ({"layer_dims": [2, 4, 1], "activations": "swish"}, "unknown activation"),
        ({"layer_dims": [2, 4, 1], "activations": ["tanh", "relu"]}, "output layer must be sigmoid"),
        ({"layer_dims": [2, 4, 1], "activations": ["tanh"]}, "1 names given for 2 layers"),
        ({"layer_dims": [2, 4, 1], "init": "ones"}, "unknown init scheme"),
        ({"layer_dims": [2, 4, 1], "dtype": "int32"}, "float64 or float32"),
    ],
)
def test_bad_network_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Network(**kwargs)


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        (np.zeros((2, 5)), np.zeros((1, 4)), "Y must be"),
        (np.zeros((3, 5)), np.zeros((1, 5)), "expects n_x = 2"),
        (np.zeros((2, 5)), np.full((1, 5), 0.5), "only 0 and 1"),
        (np.full((2, 2), np.nan), np.zeros((1, 2)), "NaN"),
        (np.zeros(5), np.zeros(5), "2-D"),
        (np.zeros((2, 0)), np.zeros((1, 0)), "no examples"),
    ],
)
def test_bad_data_is_named(X, Y, message):
    net = Network([2, 1], ["sigmoid"])
    with pytest.raises(ValueError, match=message):
        net.bind(X, Y)


@pytest.mark.parametrize("lr", [0, -1.0, float("nan"), float("inf"), "fast"])
def test_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="learning rate"):
        check_learning_rate(lr)


def test_a_learning_rate_below_the_floor_is_refused_with_the_reason():
    check_learning_rate(1e-12)  # the smallest allowed
    for lr in (1e-13, 1e-300, 5e-324):
        with pytest.raises(ValueError, match=r"is below the smallest allowed, 1e-12: with it a weight would move"):
            check_learning_rate(lr)


def test_train_without_data_says_so():
    with pytest.raises(RuntimeError, match="bind"):
        Network([2, 1], ["sigmoid"]).train(1, 0.1)


def test_set_parameters_checks_shapes():
    net = Network([2, 3, 1], "tanh")
    with pytest.raises(ValueError, match=r"W1 must have shape \(3, 2\)"):
        net.set_parameters({**net.parameters(), "W1": np.zeros((2, 2))})


ENGINE_DIR = pathlib.Path(backpropviz.engine.__file__).parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph")


def test_no_engine_module_imports_qt_or_pyqtgraph():
    files = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(files) >= 8
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_every_engine_module_loads_no_qt():
    modules = [
        "backpropviz.engine." + str(p.relative_to(ENGINE_DIR).with_suffix("")).replace("/", ".")
        for p in ENGINE_DIR.rglob("*.py")
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_gradient_check_passes_on_the_untrained_course_net(flower):
    # float64 rounding in J alone gives ~2e-7 here; the check carries J's change without that rounding
    X, Y = flower
    result = gradient_check(Network([2, 4, 1], "tanh", seed=3), X, Y)
    assert result.difference < 1e-9
