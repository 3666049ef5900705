"""The data the network learns from: toy generators, train/test split, the Dataset value, hand-edited points.

Shapes follow the lecture: X is (n_x, m), one example per column; Y is (1, m) and holds 0.0 or 1.0.
Every generator returns ``(X, Y)`` as float64 with n_x = 2, so the decision boundary can be drawn.
CSV files are read by ``csv_import``.

Everything here is pure: a function either returns new arrays or raises (a ``DatasetError``, which is a
``ValueError``) and changes nothing, so a caller that keeps its previous ``Dataset`` until the new one is
built keeps it loaded on any error.

Randomness uses NumPy's legacy ``RandomState``: its streams are frozen by NumPy's compatibility policy,
so a seed gives the same set on every NumPy version, and ``RandomState(1)`` draws exactly what the
course's ``np.random.seed(1)`` draws.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .limits import MAX_ROWS  # generators and hand edits obey the same size as CSV imports


class DatasetError(ValueError):
    """A data set could not be made or read; the message says what, and where (line, column) if it can.

    ``line`` and ``column`` are 1-based (column = field number in the row), or None.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


# ----------------------------------------------------------------------------------------- generators
def _check_generator_args(n: int, noise: float, seed: int) -> tuple[int, float, int]:
    """The three knobs every generator has, validated: n ≥ 2 (one point per class), finite noise ≥ 0."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= MAX_ROWS:
        raise DatasetError(f"n must be a whole number from 2 to {MAX_ROWS:,}, got {n!r}")
    try:
        noise_value = float(noise)
    except (TypeError, ValueError):
        noise_value = math.nan
    if not math.isfinite(noise_value) or noise_value < 0:
        raise DatasetError(f"noise must be a finite number ≥ 0, got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise DatasetError(f"seed must be a whole number from 0 to 2**32 − 1, got {seed!r}")
    return int(n), noise_value, int(seed)


def _class_sizes(n: int) -> tuple[int, int]:
    """Split n points into two classes as evenly as possible (class 1 takes the odd one)."""
    return n // 2, n - n // 2


def _labels(n0: int, n1: int) -> np.ndarray:
    """Y (1, n0 + n1): n0 zeros then n1 ones, float64."""
    return np.concatenate([np.zeros(n0), np.ones(n1)]).reshape(1, -1)


def flower(n: int = 400, noise: float = 0.2, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": two classes wound round the petals of r = 4 sin 4t.

    Defaults reproduce week 3's ``load_planar_dataset()`` bit for bit (seed 1, m = 400, noise 0.2).
    For class j: t = linspace(3.12 j, 3.12 (j+1), N) + noise·randn(N), then r = 4 sin 4t + noise·randn(N)
    (that draw order matters), point (r sin t, r cos t). Returns X (2, n), Y (1, n).
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    a = 4  # the maximum ray of the flower
    sizes = _class_sizes(n)
    X = np.zeros((n, 2))  # built row-wise and transposed at the end, as the course does
    start = 0
    for j, N in enumerate(sizes):
        ix = slice(start, start + N)
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * noise  # theta
        r = a * np.sin(4 * t) + rng.randn(N) * noise  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        start += N
    # The course returns X.T, a transposed view; a contiguous copy has the same numbers and faster matmuls.
    return np.ascontiguousarray(X.T), _labels(*sizes)


def moons(n: int = 200, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles ("two moons"), centred on the origin.

    Class 0 is the upper arc (cos θ, sin θ), class 1 the lower arc (1 − cos θ, 0.5 − sin θ), θ ∈ [0, π],
    shifted by (−0.5, −0.25); then Gaussian jitter of standard deviation ``noise``. X (2, n), Y (1, n).
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    n0, n1 = _class_sizes(n)
    theta0, theta1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X = np.hstack([
        np.vstack([np.cos(theta0), np.sin(theta0)]),
        np.vstack([1 - np.cos(theta1), 0.5 - np.sin(theta1)]),
    ])
    # Centring matters for the course's nets: their biases start at 0, so boundaries start through 0.
    X -= np.array([[0.5], [0.25]])
    X += noise * rng.randn(2, n)
    return X, _labels(n0, n1)


def circles(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A ring around a disc: class 0 on the circle of radius 1, class 1 on the circle of radius 0.5.

    Angles are drawn uniformly; Gaussian jitter of standard deviation ``noise``. X (2, n), Y (1, n).
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    n0, n1 = _class_sizes(n)
    theta = rng.uniform(0, 2 * np.pi, n)
    radius = np.concatenate([np.full(n0, 1.0), np.full(n1, 0.5)])
    X = np.vstack([radius * np.cos(theta), radius * np.sin(theta)])
    X += noise * rng.randn(2, n)
    return X, _labels(n0, n1)


def xor(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """XOR of the signs: four quadrants of the square [−1, 1]², label 1 where x1 and x2 differ in sign.

    Points are uniform in each quadrant, kept 0.1 away from the axes so the classes have a gap, then
    jittered by Gaussian noise of standard deviation ``noise`` (which can push a point across an axis).
    The quadrants take n/4 points each, in the order (+,+) 0, (−,+) 1, (−,−) 0, (+,−) 1. X (2, n), Y (1, n).
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    counts = [n // 4 + (q < n % 4) for q in range(4)]  # (−,+) is second, so n = 2 still has both classes
    signs = np.repeat(np.array([[1, -1, -1, 1], [1, 1, -1, -1]]), counts, axis=1)
    X = signs * rng.uniform(0.1, 1.0, (2, n)) + noise * rng.randn(2, n)
    Y = (signs[0] != signs[1]).astype(np.float64).reshape(1, n)
    return X, Y


def gaussians(n: int = 200, noise: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs: class 0 around (−1, −1), class 1 around (1, 1), standard deviation ``noise``.

    X (2, n), Y (1, n). The best boundary is the line x1 + x2 = 0; larger noise makes the blobs overlap.
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    n0, n1 = _class_sizes(n)
    centres = np.repeat(np.array([[-1.0, 1.0], [-1.0, 1.0]]), [n0, n1], axis=1)
    return centres + noise * rng.randn(2, n), _labels(n0, n1)


def spiral(n: int = 200, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, one turn each, the radius growing from 0.2 to 1.

    Arm j at s ∈ [0, 1]: r = 0.2 + 0.8 s, θ = 2π s + jπ, point r (cos θ, sin θ), plus Gaussian jitter of
    standard deviation ``noise``. One turn on purpose: a 2-4-1 tanh net still learns it (≈ 98 %); the
    longer spirals of other demos need more hidden units. X (2, n), Y (1, n).
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    arms = []
    for j, N in enumerate(_class_sizes(n)):
        s = np.linspace(0, 1, N)
        r, theta = 0.2 + 0.8 * s, 2 * np.pi * s + j * np.pi
        arms.append(np.vstack([r * np.cos(theta), r * np.sin(theta)]))
    X = np.hstack(arms) + noise * rng.randn(2, n)
    return X, _labels(*_class_sizes(n))


def linear(n: int = 200, noise: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Linearly separable: two classes on either side of a line through the origin at 30°.

    Each point is u along the line (u uniform in [−1.5, 1.5]) and v across it (|v| uniform in [0.1, 1],
    class 1 on the positive side), so with the default noise 0 there is a gap of 0.2 between the classes.
    ``noise`` adds Gaussian jitter, which can make the set not separable any more. X (2, n), Y (1, n).
    """
    n, noise, seed = _check_generator_args(n, noise, seed)
    rng = np.random.RandomState(seed)
    n0, n1 = _class_sizes(n)
    u = rng.uniform(-1.5, 1.5, n)
    v = rng.uniform(0.1, 1.0, n) * np.concatenate([-np.ones(n0), np.ones(n1)])
    angle = np.pi / 6
    along = np.array([[np.cos(angle)], [np.sin(angle)]])  # unit vector along the line
    across = np.array([[-np.sin(angle)], [np.cos(angle)]])  # unit normal, pointing to class 1
    X = along * u + across * v + noise * rng.randn(2, n)
    return X, _labels(n0, n1)


Generator = Callable[..., tuple[np.ndarray, np.ndarray]]

GENERATORS: dict[str, Generator] = {
    "flower": flower,
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "gaussians": gaussians,
    "spiral": spiral,
    "linear": linear,
}

TITLES: dict[str, str] = {
    "flower": "Flower (course, planar)",
    "moons": "Two moons",
    "circles": "Circles",
    "xor": "XOR (four quadrants)",
    "gaussians": "Two Gaussians",
    "spiral": "Spiral",
    "linear": "Linearly separable",
}


@dataclass(frozen=True)
class GeneratorDefaults:
    """The default knobs of one generator (read off its signature, so they cannot drift)."""

    n: int
    noise: float
    seed: int


def _defaults_of(function: Generator) -> GeneratorDefaults:
    params = inspect.signature(function).parameters
    return GeneratorDefaults(params["n"].default, params["noise"].default, params["seed"].default)


DEFAULTS: dict[str, GeneratorDefaults] = {name: _defaults_of(fn) for name, fn in GENERATORS.items()}


def _generator(name: str) -> Generator:
    try:
        return GENERATORS[name]
    except (KeyError, TypeError):
        raise DatasetError(
            f"unknown data set {name!r}; valid names: {', '.join(GENERATORS)}"
        ) from None


def make_dataset(
    name: str, n: int | None = None, noise: float | None = None, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(X, Y)`` of the generator called ``name``; a knob left as None takes that set's default.

    X (2, n), Y (1, n). An unknown name raises a DatasetError (a ValueError) listing the valid names.
    """
    function = _generator(name)
    knobs = {key: value for key, value in (("n", n), ("noise", noise), ("seed", seed)) if value is not None}
    return function(**knobs)


# ------------------------------------------------------------------------------ split and standardize
def check_XY(X: np.ndarray, Y: np.ndarray) -> None:
    """DatasetError unless X is (n_x, m) and Y is (1, m)."""
    if X.ndim != 2 or Y.ndim != 2 or Y.shape[0] != 1 or Y.shape[1] != X.shape[1]:
        raise DatasetError(f"expected X (n_x, m) and Y (1, m), got X {X.shape} and Y {Y.shape}")


def train_test_split(
    X: np.ndarray, Y: np.ndarray, test_share: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the columns of X (n_x, m), Y (1, m) into ``(X_train, Y_train, X_test, Y_test)``.

    Stratified: each class gives round(test_share · its count) points to the test set, but always keeps
    at least one for training. The two parts are disjoint, together they are every column, and each keeps
    the original column order (so test_share = 0 gives X back unchanged, and the course's numbers with it).
    Reproducible: the same seed picks the same columns. X_test has 0 columns when test_share is 0, and
    then X_train and Y_train are X and Y themselves, not copies.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    check_XY(X, Y)
    share = float(test_share)
    if not 0.0 <= share < 1.0:
        raise DatasetError(f"test share must be in [0, 1), got {test_share!r}")
    rng = np.random.RandomState(seed)
    is_test = np.zeros(X.shape[1], dtype=bool)
    for label in sorted(set(Y[0].tolist())):  # np.unique would import numpy.ma: 14 ms of the window's start
        members = np.flatnonzero(Y[0] == label)
        k = min(math.floor(share * members.size + 0.5), members.size - 1)  # round half up, keep one
        is_test[rng.permutation(members)[:k]] = True
    if not is_test.any():  # nothing held out: no copy of X (it may be the biggest array around)
        return X, Y, X[:, :0], Y[:, :0]
    return X[:, ~is_test], Y[:, ~is_test], X[:, is_test], Y[:, is_test]


def standardize(
    X_train: np.ndarray, X_test: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train_std, X_test_std, mean, std)``: each feature shifted and scaled by the *training* stats.

    mean and std are (n_x, 1), computed over the training columns only (the test set must not leak into
    them); a constant feature keeps std 1 so it is shifted, not divided by 0. Apply the same (x − mean)/std
    to any point shown to the network later (the decision-boundary grid, a clicked point).
    """
    if X_train.shape[1] == 0:
        raise DatasetError("cannot standardize: the training set is empty")
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std, mean, std


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# ----------------------------------------------------------------------------------------- Dataset
@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded data set, ready to train on: a value, never changed in place (its arrays are read-only).

    X (n_x, m) and Y (1, m) are the training part, X_test (n_x, m_test) and Y_test (1, m_test) the test
    part (m_test may be 0). ``X_all``/``Y_all`` keep all points raw and in their original order, so
    ``resplit`` can split again exactly. If ``mean``/``std`` ((n_x, 1)) are set, X and X_test are
    standardized with them; ``transform`` maps raw points the same way. ``label_names[k]`` is the name of
    label k (a CSV's strings, or "0"/"1"). Build one with ``Dataset.from_arrays``.
    """

    X: np.ndarray
    Y: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    name: str = "data"
    source: str = ""
    label_names: tuple[str, str] = ("0", "1")
    feature_names: tuple[str, ...] = ()
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    test_share: float = 0.0
    split_seed: int = 0
    X_all: np.ndarray = field(default=None, repr=False)  # None → filled in by __post_init__
    Y_all: np.ndarray = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_XY(self.X, self.Y)
        check_XY(self.X_test, self.Y_test)
        if self.X_test.shape[0] != self.X.shape[0]:
            raise DatasetError(f"X_test has {self.X_test.shape[0]} features but X has {self.X.shape[0]}")
        if self.X_all is None or self.Y_all is None:
            if self.mean is not None:
                raise DatasetError("a standardized Dataset needs X_all and Y_all, the raw data")
            object.__setattr__(self, "X_all", np.hstack([self.X, self.X_test]))
            object.__setattr__(self, "Y_all", np.hstack([self.Y, self.Y_test]))
        if not self.feature_names:
            object.__setattr__(self, "feature_names", tuple(f"x{i + 1}" for i in range(self.n_x)))
        if len(self.feature_names) != self.n_x:
            raise DatasetError(f"{len(self.feature_names)} feature names for {self.n_x} features")

    @classmethod
    def from_arrays(
        cls,
        X: np.ndarray,
        Y: np.ndarray,
        *,
        test_share: float = 0.0,
        seed: int = 0,
        standardize: bool = False,
        name: str = "data",
        source: str = "",
        label_names: tuple[str, str] = ("0", "1"),
        feature_names: tuple[str, ...] | None = None,
    ) -> Dataset:
        """A Dataset from all points X (n_x, m), Y (1, m): split with ``train_test_split(test_share, seed)``
        and, only if asked, standardized with the training part's mean and std (off by default: the
        flower must stay raw to give the course's numbers). The arrays are copied, so the caller's stay
        its own.
        """
        X_all = _frozen(np.array(X, dtype=np.float64))
        Y_all = _frozen(np.array(Y, dtype=np.float64))
        check_XY(X_all, Y_all)
        X_train, Y_train, X_test, Y_test = train_test_split(X_all, Y_all, test_share, seed)
        if X_test.shape[1] == 0:
            X_train, Y_train = X_all, Y_all  # the same numbers: share them rather than hold two copies
        mean = std = None
        if standardize:
            X_train, X_test, mean, std = _standardize(X_train, X_test)
        return cls(
            _frozen(X_train), _frozen(Y_train), _frozen(X_test), _frozen(Y_test),
            name=name, source=source, label_names=(str(label_names[0]), str(label_names[1])),
            feature_names=tuple(feature_names or ()), mean=mean if mean is None else _frozen(mean),
            std=std if std is None else _frozen(std), test_share=float(test_share), split_seed=int(seed),
            X_all=X_all, Y_all=Y_all,
        )

    @property
    def n_x(self) -> int:
        """Number of features (rows of X)."""
        return self.X.shape[0]

    @property
    def m(self) -> int:
        """Number of training examples (columns of X)."""
        return self.X.shape[1]

    @property
    def m_test(self) -> int:
        """Number of test examples (columns of X_test), 0 without a test set."""
        return self.X_test.shape[1]

    @property
    def standardized(self) -> bool:
        return self.mean is not None

    def transform(self, points: np.ndarray) -> np.ndarray:
        """Raw points (n_x, k) → what the network sees: (points − mean)/std if standardized, else as is."""
        points = np.asarray(points, dtype=np.float64)
        if self.mean is None or self.std is None:
            return points
        return (points - self.mean) / self.std

    def resplit(
        self, test_share: float | None = None, seed: int | None = None, standardize: bool | None = None
    ) -> Dataset:
        """The same points split (and standardized) anew; a knob left as None keeps its current value."""
        return self.with_points(
            self.X_all, self.Y_all,
            test_share=self.test_share if test_share is None else test_share,
            seed=self.split_seed if seed is None else seed,
            standardize=self.standardized if standardize is None else standardize,
        )

    def with_points(
        self,
        X_all: np.ndarray,
        Y_all: np.ndarray,
        *,
        test_share: float | None = None,
        seed: int | None = None,
        standardize: bool | None = None,
    ) -> Dataset:
        """A new Dataset of other raw points (say after ``add_point``) with this one's names and settings."""
        return Dataset.from_arrays(
            X_all, Y_all,
            test_share=self.test_share if test_share is None else test_share,
            seed=self.split_seed if seed is None else seed,
            standardize=self.standardized if standardize is None else standardize,
            name=self.name, source=self.source, label_names=self.label_names,
            feature_names=self.feature_names,
        )


_standardize = standardize  # Dataset.from_arrays has a parameter called standardize


def toy_dataset(
    name: str,
    n: int | None = None,
    noise: float | None = None,
    seed: int | None = None,
    *,
    test_share: float = 0.0,
    split_seed: int = 0,
    standardize: bool = False,
) -> Dataset:
    """``make_dataset`` wrapped in a Dataset, split by ``test_share`` (none by default)."""
    X, Y = make_dataset(name, n, noise, seed)
    d = DEFAULTS[name]
    knobs = (d.n if n is None else n, d.noise if noise is None else noise, d.seed if seed is None else seed)
    return Dataset.from_arrays(
        X, Y, test_share=test_share, seed=split_seed, standardize=standardize,
        name=name, source="{}(n={}, noise={}, seed={})".format(name, *knobs),
    )


# ---------------------------------------------------------------------------------- hand-edited points
def _check_2d(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        raise DatasetError(f"points can be edited by hand only in 2-feature data, got X {X.shape}")
    check_XY(X, Y)
    return X, Y


def add_point(
    X: np.ndarray, Y: np.ndarray, x: float, y: float, label: int
) -> tuple[np.ndarray, np.ndarray]:
    """New arrays with the point (x, y) of class ``label`` (0 or 1) appended as the last column.

    X (2, m), Y (1, m) → X (2, m + 1), Y (1, m + 1); the inputs are not changed.
    """
    X, Y = _check_2d(X, Y)
    if label not in (0, 1):
        raise DatasetError(f"label must be 0 or 1, got {label!r}")
    if not (math.isfinite(x) and math.isfinite(y)):
        raise DatasetError(f"the point must have finite coordinates, got ({x}, {y})")
    if X.shape[1] >= MAX_ROWS:
        raise DatasetError(f"the data set already has {MAX_ROWS:,} points, the most allowed")
    return np.hstack([X, [[x], [y]]]), np.hstack([Y, [[float(label)]]])


def nearest_index(X: np.ndarray, x: float, y: float) -> int:
    """The column of X (2, m) nearest to (x, y) in Euclidean distance; the first one on a tie."""
    X = np.asarray(X, dtype=np.float64)
    if X.shape[1] == 0:
        raise DatasetError("there are no points")
    return int(np.argmin((X[0] - x) ** 2 + (X[1] - y) ** 2))


def remove_nearest(
    X: np.ndarray, Y: np.ndarray, x: float, y: float, *, max_distance: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """New arrays without the point nearest to (x, y): X (2, m), Y (1, m) → X (2, m − 1), Y (1, m − 1).

    Refuses (DatasetError, inputs unchanged) to remove the last point of a class: a binary classifier
    needs both classes, so an edited set always keeps at least one point of each (hence ≥ 2 points), the
    same rule the CSV import enforces. With ``max_distance``, refuses when no point is that close.
    """
    X, Y = _check_2d(X, Y)
    k = nearest_index(X, x, y)
    if max_distance is not None:
        distance = math.hypot(X[0, k].item() - x, X[1, k].item() - y)
        if distance > max_distance:
            raise DatasetError(f"no point within {max_distance:g} of ({x:g}, {y:g})")
    label = Y[0, k].item()
    if np.count_nonzero(Y[0] == label) == 1:
        raise DatasetError(
            f"cannot remove the last point of class {label:g}: a binary classifier needs both classes"
        )
    return np.delete(X, k, axis=1), np.delete(Y, k, axis=1)
