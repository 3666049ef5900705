"""Data sets: the toy generators, the course's flower, train/test split, the Dataset, hand-edited points."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backpropviz.engine import datasets
from backpropviz.engine.csv_import import load_csv
from backpropviz.engine.datasets import (
    DEFAULTS,
    GENERATORS,
    Dataset,
    DatasetError,
    add_point,
    make_dataset,
    remove_nearest,
    standardize,
    train_test_split,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def global_rng_restored():
    """The course seeds NumPy's global RNG; put its state back so no other test sees the difference."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


def course_load_planar_dataset() -> tuple[np.ndarray, np.ndarray]:
    """The course's planar_utils.load_planar_dataset, kept as written there (global RNG, uint8 labels)."""
    np.random.seed(1)
    m = 400  # number of examples
    N = int(m / 2)  # number of points per class
    D = 2  # dimensionality
    X = np.zeros((m, D))  # data matrix where each row is a single example
    Y = np.zeros((m, 1), dtype="uint8")  # labels vector (0 for red, 1 for blue)
    a = 4  # maximum ray of the flower
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    X = X.T
    Y = Y.T
    return X, Y


def tiny_net_accuracy(X: np.ndarray, Y: np.ndarray, iterations: int = 1500) -> float:
    """Train a 2-4-1 tanh/sigmoid net by plain gradient descent (lr 1.2) and return its training accuracy.

    Written out here, independent of the engine, so the test is about the data, not about the network.
    """
    rng = np.random.RandomState(0)
    W1, b1 = rng.randn(4, 2) * 0.5, np.zeros((4, 1))
    W2, b2 = rng.randn(1, 4) * 0.5, np.zeros((1, 1))
    m = X.shape[1]
    for _ in range(iterations):
        A1 = np.tanh(W1 @ X + b1)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - Y
        dZ1 = (W2.T @ dZ2) * (1 - A1**2)
        W2 -= 1.2 * dZ2 @ A1.T / m
        b2 -= 1.2 * dZ2.sum(axis=1, keepdims=True) / m
        W1 -= 1.2 * dZ1 @ X.T / m
        b1 -= 1.2 * dZ1.sum(axis=1, keepdims=True) / m
    A2 = 1 / (1 + np.exp(-(W2 @ np.tanh(W1 @ X + b1) + b2)))
    return np.mean((A2 > 0.5) == Y).item()


# ----------------------------------------------------------------------------------------- generators
@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("n", [None, 101, 2])
def test_generator_shapes_labels_and_balance(name, n):
    X, Y = make_dataset(name, n=n)
    m = DEFAULTS[name].n if n is None else n
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y).tolist()) == {0.0, 1.0}
    assert abs(np.count_nonzero(Y) - m / 2) <= 0.5  # as balanced as m allows
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generators_are_deterministic_by_seed(name):
    X1, Y1 = make_dataset(name, seed=5)
    X2, Y2 = make_dataset(name, seed=5)
    X3, _ = make_dataset(name, seed=6)
    assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", list(GENERATORS))
def test_noise_knob_changes_the_points(name):
    X0, _ = make_dataset(name, noise=0.0)
    X1, _ = make_dataset(name, noise=0.3)
    assert not np.array_equal(X0, X1)


@pytest.mark.parametrize("name", list(GENERATORS))
def test_defaults_are_learnable_by_a_2_4_1_tanh_net(name):
    X, Y = make_dataset(name)
    # the flower is the course's: its 4-unit net tops out near 90 %
    assert tiny_net_accuracy(X, Y) >= (0.85 if name == "flower" else 0.95)


def test_flower_defaults_equal_the_course(global_rng_restored):
    X_course, Y_course = course_load_planar_dataset()
    X, Y = datasets.flower()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert np.array_equal(X, X_course)  # bit for bit, not approximately
    assert np.array_equal(Y, Y_course.astype(np.float64))
    assert X.flags.c_contiguous
    # and by name, with the registry's defaults
    X2, Y2 = make_dataset("flower")
    assert np.array_equal(X2, X_course) and np.array_equal(Y2, Y)


def test_flower_does_not_touch_the_global_rng(global_rng_restored):
    np.random.seed(123)
    expected = np.random.RandomState(123).randn(3)
    datasets.flower()
    assert np.array_equal(np.random.randn(3), expected)


def test_flower_knobs():
    X, Y = datasets.flower(n=101, noise=0.0, seed=2)
    assert X.shape == (2, 101) and np.count_nonzero(Y) == 51
    # noise 0: every point lies exactly on its petal curve r = 4 sin 4t, so |r| ≤ 4
    assert np.all(np.hypot(X[0], X[1]) <= 4 + 1e-12)


def test_make_dataset_defaults_and_overrides():
    assert DEFAULTS["flower"] == datasets.GeneratorDefaults(n=400, noise=0.2, seed=1)
    for name, function in GENERATORS.items():
        X, Y = make_dataset(name)
        Xf, Yf = function()
        assert np.array_equal(X, Xf) and np.array_equal(Y, Yf)
    X, _ = make_dataset("moons", n=50, noise=0.0, seed=3)
    assert np.array_equal(X, datasets.moons(50, 0.0, 3)[0])


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown data set 'petals'") as info:
        make_dataset("petals")
    for name in GENERATORS:
        assert name in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n": 1}, "n must be a whole number from 2"),
        ({"n": 2.5}, "n must be a whole number"),
        ({"n": 10**6}, "100,000"),
        ({"noise": -0.1}, "noise must be a finite number ≥ 0"),
        ({"noise": float("nan")}, "noise must be a finite number"),
        ({"seed": -1}, "seed must be a whole number"),
    ],
)
def test_generator_arguments_are_checked(kwargs, fragment):
    with pytest.raises(DatasetError, match=fragment):
        make_dataset("moons", **kwargs)


# ------------------------------------------------------------------------------ split and standardize
def tagged(m: int, ones: int) -> tuple[np.ndarray, np.ndarray]:
    """X whose first row is the column index, so a split can be traced back to the original columns."""
    X = np.vstack([np.arange(m, dtype=float), np.linspace(-1, 1, m)])
    Y = np.zeros((1, m))
    Y[0, m - ones:] = 1
    return X, Y


@pytest.mark.parametrize("test_share", [0.0, 0.1, 0.2, 0.5, 0.9])
def test_split_is_disjoint_covering_and_ordered(test_share):
    X, Y = tagged(100, 40)
    X_train, Y_train, X_test, Y_test = train_test_split(X, Y, test_share, seed=7)
    train_ids, test_ids = X_train[0].astype(int), X_test[0].astype(int)
    assert set(train_ids).isdisjoint(test_ids)
    assert sorted([*train_ids, *test_ids]) == list(range(100))
    assert np.all(np.diff(train_ids) > 0) and np.all(np.diff(test_ids) > 0)  # original order kept
    assert np.array_equal(Y_train[0], Y[0, train_ids]) and np.array_equal(Y_test[0], Y[0, test_ids])
    # stratified: each class gives its share
    assert np.count_nonzero(Y_test) == round(test_share * 40)
    assert X_test.shape == (2, round(test_share * 40) + round(test_share * 60))


def test_split_is_reproducible_and_seeded():
    X, Y = make_dataset("moons")
    first = train_test_split(X, Y, 0.25, seed=3)
    again = train_test_split(X, Y, 0.25, seed=3)
    other = train_test_split(X, Y, 0.25, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[2], other[2])


def test_split_with_test_share_zero_gives_everything_back():
    X, Y = datasets.flower()
    X_train, Y_train, X_test, Y_test = train_test_split(X, Y, test_share=0)
    assert np.array_equal(X_train, X) and np.array_equal(Y_train, Y)
    assert X_test.shape == (2, 0) and Y_test.shape == (1, 0)


def test_split_keeps_one_point_of_each_class_for_training():
    X, Y = tagged(4, 1)
    _, Y_train, _, _ = train_test_split(X, Y, test_share=0.9)
    assert set(Y_train[0].tolist()) == {0.0, 1.0}


@pytest.mark.parametrize("test_share", [-0.1, 1.0, 1.5])
def test_split_rejects_a_bad_share(test_share):
    X, Y = tagged(10, 5)
    with pytest.raises(DatasetError, match=r"test share must be in \[0, 1\)"):
        train_test_split(X, Y, test_share)


def test_standardize_uses_the_training_statistics():
    X, Y = make_dataset("gaussians")
    X_train, _, X_test, _ = train_test_split(X, Y, 0.3, seed=1)
    X_train_s, X_test_s, mean, std = standardize(X_train, X_test)
    assert mean.shape == (2, 1) and std.shape == (2, 1)
    assert np.allclose(X_train_s.mean(axis=1), 0) and np.allclose(X_train_s.std(axis=1), 1)
    train_mean, train_std = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    assert np.allclose(X_test_s, (X_test - train_mean) / train_std)


def test_standardize_leaves_a_constant_feature_unscaled():
    X = np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    X_s, _, _, std = standardize(X, X[:, :0])
    assert std[1, 0] == 1.0 and np.array_equal(X_s[1], [0.0, 0.0, 0.0])


# ----------------------------------------------------------------------------------------- Dataset
def test_dataset_is_raw_and_unsplit_by_default():
    X, Y = datasets.flower()
    data = Dataset.from_arrays(X, Y, name="flower")
    assert np.array_equal(data.X, X) and np.array_equal(data.Y, Y)  # the course's numbers, untouched
    assert data.X_test.shape == (2, 0) and data.m_test == 0 and not data.standardized
    assert data.n_x == 2 and data.m == 400 and data.feature_names == ("x1", "x2")
    assert data.label_names == ("0", "1")


def test_dataset_arrays_are_read_only_copies():
    X, Y = make_dataset("xor")
    data = Dataset.from_arrays(X, Y, test_share=0.2)
    X[0, 0] = 99.0  # the caller's array stays the caller's
    assert data.X_all[0, 0] != 99.0
    for array in (data.X, data.Y, data.X_test, data.Y_test, data.X_all, data.Y_all):
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] = 1.0


def test_dataset_split_standardize_and_resplit():
    X, Y = make_dataset("moons", n=100)
    data = Dataset.from_arrays(X, Y, test_share=0.2, seed=1, standardize=True)
    assert data.m == 80 and data.m_test == 20 and data.standardized
    assert np.allclose(data.X.mean(axis=1), 0)
    # the test set goes through the training mean/std, and so does any raw point shown to the network
    raw_test = train_test_split(X, Y, 0.2, seed=1)[2]
    assert np.allclose(data.transform(raw_test), data.X_test)
    again = data.resplit()
    assert np.array_equal(again.X, data.X) and np.array_equal(again.X_test, data.X_test)
    raw = data.resplit(test_share=0.0, standardize=False)
    assert np.array_equal(raw.X, X) and raw.m_test == 0
    assert np.array_equal(raw.transform(X), X)


def test_dataset_with_points_keeps_names_and_settings():
    data = load_csv("a;b;kind\n1;2;cat\n3;4;dog\n5;6;cat\n7;8;dog\n")
    X, Y = add_point(data.X_all, data.Y_all, 9.0, 9.0, 1)
    edited = data.with_points(X, Y)
    assert edited.m == 5 and edited.label_names == ("cat", "dog") and edited.feature_names == ("a", "b")


def test_toy_dataset():
    data = datasets.toy_dataset("circles", n=60, test_share=0.25)
    assert data.source == "circles(n=60, noise=0.1, seed=0)" and data.m + data.m_test == 60
    assert data.m_test == 16  # round(0.25 · 30) = 8 from each class (half up)


# --------------------------------------------------------------------------------- hand-edited points
def test_add_point_returns_new_arrays():
    X, Y = make_dataset("gaussians", n=10)
    X_copy, Y_copy = X.copy(), Y.copy()
    X2, Y2 = add_point(X, Y, 0.5, -0.25, 1)
    assert X2.shape == (2, 11) and Y2.shape == (1, 11)
    assert np.array_equal(X2[:, -1], [0.5, -0.25]) and Y2[0, -1] == 1.0
    assert np.array_equal(X2[:, :10], X) and np.array_equal(X, X_copy) and np.array_equal(Y, Y_copy)
    # from nothing: a set can be drawn point by point
    X3, Y3 = add_point(np.empty((2, 0)), np.empty((1, 0)), 1.0, 2.0, 0)
    assert X3.shape == (2, 1) and Y3.tolist() == [[0.0]]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [((0.0, 0.0, 2), "label must be 0 or 1"), ((float("nan"), 0.0, 1), "finite coordinates")],
)
def test_add_point_checks_its_input(args, fragment):
    X, Y = make_dataset("xor", n=8)
    with pytest.raises(DatasetError, match=fragment):
        add_point(X, Y, *args)


def test_remove_nearest_removes_the_nearest_point_only():
    X = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0]])
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    X2, Y2 = remove_nearest(X, Y, 2.1, 0.3)
    assert np.array_equal(X2, [[0.0, 1.0, 3.0], [0.0, 0.0, 0.0]]) and np.array_equal(Y2, [[0.0, 1.0, 1.0]])
    assert X.shape == (2, 4)  # the input is untouched
    X3, _ = remove_nearest(X, Y, 0.5, 0.0)  # a tie: the first of the two goes
    assert np.array_equal(X3[0], [1.0, 2.0, 3.0])


def test_remove_nearest_keeps_both_classes():
    X = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]])
    Y = np.array([[0.0, 1.0, 0.0]])
    with pytest.raises(DatasetError, match="cannot remove the last point of class 1"):
        remove_nearest(X, Y, 1.0, 0.0)
    X2, Y2 = remove_nearest(X, Y, 0.0, 0.0)
    with pytest.raises(DatasetError, match="cannot remove the last point of class 0"):
        remove_nearest(X2, Y2, 2.0, 0.0)  # two points left, one per class: the minimum


def test_remove_nearest_max_distance_and_2d_only():
    X, Y = make_dataset("moons", n=20)
    with pytest.raises(DatasetError, match=r"no point within 0\.01"):
        remove_nearest(X, Y, 50.0, 50.0, max_distance=0.01)
    with pytest.raises(DatasetError, match="only in 2-feature data"):
        remove_nearest(np.zeros((3, 4)), np.array([[0.0, 1.0, 0.0, 1.0]]), 0.0, 0.0)


def test_the_module_imports_no_qt():
    code = (
        "import sys, backpropviz.engine.datasets, backpropviz.engine.csv_import; "
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "gaussians"])
def test_the_engine_learns_each_toy_set_to_95_percent(name):
    # the settings the README quotes: 2-4-1 tanh, Xavier init (seed 1), α = 1.2, 5,000 iterations, default data
    from backpropviz.engine.network import Network

    X, Y = make_dataset(name)
    net = Network([2, 4, 1], "tanh", init="xavier", seed=1)
    net.bind(X, Y)
    net.train(5000, 1.2)
    assert net.accuracy(X, Y) >= 0.95
