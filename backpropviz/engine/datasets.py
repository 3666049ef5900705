"""The data the network learns from: toy generators, train/test split, CSV import, hand-edited points.

Shapes follow the lecture: X is (n_x, m), one example per column; Y is (1, m) and holds 0.0 or 1.0.
Every generator returns ``(X, Y)`` as float64 with n_x = 2, so the decision boundary can be drawn.

Everything here is pure: a function either returns new arrays or raises (a ``DatasetError``, which is a
``ValueError``) and changes nothing, so a caller that keeps its previous ``Dataset`` until the new one is
built keeps it loaded on any error.

Randomness uses NumPy's legacy ``RandomState``: its streams are frozen by NumPy's compatibility policy,
so a seed gives the same set on every NumPy version, and ``RandomState(1)`` draws exactly what the
course's ``np.random.seed(1)`` draws.
"""

from __future__ import annotations

import array
import codecs
import csv
import inspect
import io
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

# CSV limits: counted while reading, so a huge or wrong file stops early instead of filling memory.
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000  # all columns, the label included
MAX_LINE_BYTES = 1 << 20  # no sane row of ≤ 1,000 numbers is longer; a longer one is a binary blob
MAX_GENERATED = MAX_ROWS  # hand edits and generators obey the same size as imports

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# Cells that spreadsheets and pandas write for "no value"; reported as missing, not as "not a number".
MISSING_TOKENS = frozenset({"", "na", "n/a", "null", "none", "?", "-", "--"})
# With ';' or tab as the delimiter a comma is free to be a decimal mark, as European spreadsheets write.
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


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
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= MAX_GENERATED:
        raise DatasetError(f"n must be a whole number from 2 to {MAX_GENERATED:,}, got {n!r}")
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
def _check_XY(X: np.ndarray, Y: np.ndarray) -> None:
    if X.ndim != 2 or Y.ndim != 2 or Y.shape[0] != 1 or Y.shape[1] != X.shape[1]:
        raise DatasetError(f"expected X (n_x, m) and Y (1, m), got X {X.shape} and Y {Y.shape}")


def train_test_split(
    X: np.ndarray, Y: np.ndarray, test_share: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the columns of X (n_x, m), Y (1, m) into ``(X_train, Y_train, X_test, Y_test)``.

    Stratified: each class gives round(test_share · its count) points to the test set, but always keeps
    at least one for training. The two parts are disjoint, together they are every column, and each keeps
    the original column order (so test_share = 0 gives X back unchanged, and the course's numbers with it).
    Reproducible: the same seed picks the same columns. X_test has 0 columns when test_share is 0.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    _check_XY(X, Y)
    share = float(test_share)
    if not 0.0 <= share < 1.0:
        raise DatasetError(f"test share must be in [0, 1), got {test_share!r}")
    rng = np.random.RandomState(seed)
    is_test = np.zeros(X.shape[1], dtype=bool)
    for label in sorted(set(Y[0].tolist())):  # np.unique would import numpy.ma: 14 ms of the window's start
        members = np.flatnonzero(Y[0] == label)
        k = min(math.floor(share * members.size + 0.5), members.size - 1)  # round half up, keep one
        is_test[rng.permutation(members)[:k]] = True
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
        _check_XY(self.X, self.Y)
        _check_XY(self.X_test, self.Y_test)
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
        _check_XY(X_all, Y_all)
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


# --------------------------------------------------------------------------------------- CSV import
class _Lines:
    """Decoded text lines of a byte stream, one at a time, counted and checked as they come.

    Decoding line by line (not the whole file at once) lets a bad byte be reported with its line, and lets
    the reader stop at the first problem or limit without having read the rest.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.number = 0  # lines read so far = the number of the last line read
        self.delimiter: str | None = None  # known once sniffed; used to name the column of a bad byte

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self.stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise DatasetError(
                f"line {self.number} is longer than {MAX_LINE_BYTES:,} bytes; this does not look like a CSV "
                "table of numbers", line=self.number,
            )
        if self.number == 1:
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]  # Excel's "CSV UTF-8" starts with a byte-order mark
            elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise DatasetError(
                    "line 1: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); "
                    "save it as CSV UTF-8", line=1,
                )
        if b"\x00" in raw:
            column = self._column(raw[: raw.index(b"\x00")])
            raise DatasetError(
                f"line {self.number}, column {column}: a NUL byte; this looks like a binary file, not CSV "
                "text",
                line=self.number, column=column,
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = self._column(raw[: exc.start])
            character = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
            raise DatasetError(
                f"line {self.number}, column {column}: byte 0x{raw[exc.start]:02X} (character {character}) "
                "is not UTF-8; save the file as CSV UTF-8",
                line=self.number, column=column,
            ) from None
        body = text.rstrip("\r\n")
        if "\r" in body:  # lines end in \n or \r\n; a lone \r is a classic-Mac line end or a stray byte
            column = self._column(raw[: raw.index(b"\r")])
            raise DatasetError(
                f"line {self.number}, column {column}: a carriage return (\\r) inside the line; save the "
                "file with Windows or Unix line ends", line=self.number, column=column,
            )
        return text

    def _column(self, prefix: bytes) -> int:
        """The field number a byte offset falls in: delimiters before it, plus one."""
        delimiters = [self.delimiter] if self.delimiter else list(DELIMITERS)
        return 1 + sum(prefix.count(d.encode()) for d in delimiters)


def _is_blank(line: str) -> bool:
    return not line.strip()


def _sniff(sample: list[str], first_line: int) -> str:
    """The delimiter of the first non-blank lines: the one that splits them all into the same number (≥ 2)
    of fields, preferring tab, then semicolon, then comma (a comma may be a decimal mark in the others).
    """
    def widths(delimiter: str) -> set[int]:
        try:
            return {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        except csv.Error:  # the reader below reports it, with its line
            return set()

    candidates = sorted(DELIMITERS, key="\t;,".index)
    for delimiter in candidates:
        found = widths(delimiter)
        if len(found) == 1 and found.pop() >= 2:
            return delimiter
    # None is consistent: take the most frequent one on the first line; the ragged row is reported later.
    best = max(candidates, key=sample[0].count)
    if sample[0].count(best) == 0:
        raise DatasetError(
            f"line {first_line}: no comma, semicolon or tab found; each row needs the features then the "
            "label, separated by one of them (e.g. 0.5,1.2,1)", line=first_line,
        )
    return best


def _number(cell: str, decimal_comma: bool) -> float | None:
    """The cell as a float, or None if it is not a number (NaN and ±inf do parse: the caller rejects them)."""
    text = cell.strip()
    if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _open_source(source: str | os.PathLike[str] | bytes) -> tuple[BinaryIO, str, str]:
    """(byte stream, default name, source description) for a path, CSV text or CSV bytes."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source)), "data", "<bytes>"
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        # Encode once so text and files share one path (surrogatepass lets a bad code point be reported).
        return io.BytesIO(source.encode("utf-8", errors="surrogatepass")), "data", "<text>"
    path = Path(source)
    try:
        return path.open("rb"), path.stem or "data", str(path)
    except FileNotFoundError:
        hint = " (to read CSV text, pass a string with a line break)" if isinstance(source, str) else ""
        raise DatasetError(f"file not found: {path}{hint}") from None
    except IsADirectoryError:
        raise DatasetError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise DatasetError(f"cannot open {path}: {exc.strerror or exc}") from None


def load_csv(source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> Dataset:
    """Read a CSV of features then a label per row into a Dataset (no test split; use ``resplit``).

    ``source`` is a path (a Path, or a str without a line break), CSV text (a str with a line break) or
    the file's bytes. Format: columns x1, x2, …, label; a header row is optional (it is one if a feature
    cell is not a number); comma, semicolon or tab delimited (sniffed; an Excel "sep=;" first line is
    honoured); UTF-8 with or without a byte-order mark; blank lines are skipped. With ';' or tab a decimal
    comma (1,5) is read as 1.5. Labels must be two classes: 0 and 1, or any two distinct values (strings
    or numbers), mapped to 0 and 1 in sorted order and named in ``label_names``.

    Raises DatasetError with the line and column of the problem. Reading stops at the first problem or at
    the first row or column beyond MAX_ROWS / MAX_COLUMNS. X is (n_features, m), Y (1, m).
    """
    stream, default_name, origin = _open_source(source)
    with stream:
        X, Y, label_names, feature_names = _read_csv(_Lines(stream))
    return Dataset.from_arrays(
        X, Y, name=name or default_name, source=origin, label_names=label_names, feature_names=feature_names,
    )


def _missing(text: str, what: str = "value") -> str:
    return f"missing {what} (empty cell)" if not text else f"missing {what} ({text!r})"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _read_csv(lines: _Lines) -> tuple[np.ndarray, np.ndarray, tuple[str, str], tuple[str, ...]]:
    # Sniff on the first few non-blank lines, then read them again through the csv module with the rest.
    head: list[str] = []
    sample: list[str] = []
    sample_start = 0
    delimiter = None
    pending: DatasetError | None = None  # a bad line met while looking ahead, raised in its turn
    while True:
        try:
            line = next(lines)
        except StopIteration:
            break
        except DatasetError as exc:
            if not sample:
                raise
            pending = exc  # the rows before it may hold an earlier problem: report things in file order
            break
        head.append(line)
        if _is_blank(line):
            continue
        if not sample and delimiter is None and re.fullmatch(r"sep=.", line.strip("\r\n"), re.IGNORECASE):
            delimiter = line.strip("\r\n")[4]  # Excel's "sep=;" first line names the delimiter
            if delimiter not in DELIMITERS:
                raise DatasetError(
                    f"line {lines.number}: delimiter {delimiter!r} is not a comma, semicolon or tab",
                    line=lines.number,
                )
            head[-1] = ""  # read past it as a blank line, so the line numbers stay right
            continue
        sample.append(line)
        sample_start = sample_start or lines.number
        if len(sample) == 5:
            break
    if not sample:
        raise DatasetError("the file is empty: no rows of data")
    delimiter = delimiter or _sniff(sample, sample_start)
    lines.delimiter = delimiter
    decimal_comma = delimiter != ","

    def all_lines() -> Iterator[str]:
        yield from head
        if pending is not None:
            raise pending
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter, skipinitialspace=True)
    header: list[str] | None = None
    width = 0  # columns per row, fixed by the first row
    first_line = 0
    values = array.array("d")  # the features row after row, 8 bytes each (a list of floats takes 32)
    labels: list[float | str] = []
    classes: dict[float | str, str] = {}  # label key → its text as first written
    previous_line = 0

    def where(line: int, column: int) -> str:
        """"line 7, column 2 (x2)": the place of a cell, named after its header if there is one."""
        default = f"x{column}" if column < width else "label"
        name = header[column - 1] if header else default
        return f"line {line}, column {column} ({name or default})"

    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field beyond csv.field_size_limit()
            start = previous_line + 1
            raise DatasetError(
                f"line {start}: cannot split this row into columns ({exc}); is a quote left open?", line=start
            ) from None
        start, line = previous_line + 1, reader.line_num
        previous_line = line
        for c, cell in enumerate(row, start=1):
            if "\n" in cell or "\r" in cell:  # the csv module let a quoted cell run on into the next line
                raise DatasetError(
                    f"line {start}, column {c}: a quote opened here is not closed on the same line",
                    line=start, column=c,
                )
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if not width:
            width, first_line = len(row), line
            if width > MAX_COLUMNS:
                raise DatasetError(
                    f"line {line}: {width:,} columns, more than the {MAX_COLUMNS:,} allowed", line=line
                )
            if width < 2:
                raise DatasetError(
                    f"line {line}: only one column; each row needs at least one feature and a label, "
                    f"separated by a {DELIMITERS[delimiter]}", line=line,
                )
            # A header is a first row with a feature cell that is text (not a number, not a missing mark).
            if any(_number(c, decimal_comma) is None and c.strip().lower() not in MISSING_TOKENS
                   for c in row[:-1]):
                header = [c.strip() for c in row]
                continue
        elif len(row) != width:  # a ragged row
            column = min(len(row), width) + 1
            problem = "is missing" if len(row) < width else "is one too many"
            raise DatasetError(
                f"{where(line, column) if len(row) < width else f'line {line}, column {column}'} {problem}: "
                f"this row has {_plural(len(row), 'column')} but line {first_line} has {width}; every row "
                "needs the same columns", line=line, column=column,
            )
        if len(labels) == MAX_ROWS:
            raise DatasetError(
                f"line {line}: more than {MAX_ROWS:,} data rows; stopped reading here (use a smaller sample)",
                line=line,
            )
        for c, cell in enumerate(row[:-1], start=1):
            value = _number(cell, decimal_comma)
            text = cell.strip()
            if value is None:
                if text.lower() in MISSING_TOKENS:
                    raise DatasetError(f"{where(line, c)}: {_missing(text)}", line=line, column=c)
                raise DatasetError(f"{where(line, c)}: {text!r} is not a number", line=line, column=c)
            if not math.isfinite(value):
                raise DatasetError(
                    f"{where(line, c)}: {text!r} is not a finite number (NaN and infinity cannot be learned "
                    "from)", line=line, column=c,
                )
            values.append(value)
        labels.append(_label(row[-1], line, width, classes, where))

    if not labels:
        if header is not None:
            raise DatasetError(f"line {first_line} is a header, but no data rows follow it", line=first_line)
        raise DatasetError("the file is empty: no rows of data")
    if len(classes) < 2:
        (text,) = classes.values()
        raise DatasetError(
            f"only one class: every label is {text!r} ({_plural(len(labels), 'row')}); a binary classifier "
            "needs two classes"
        )
    # Sorted order: numbers numerically (so labels 0 and 1 stay 0 and 1), anything else as text.
    if all(isinstance(key, float) for key in classes):
        keys = sorted(classes, key=float)
    else:
        keys = sorted(classes, key=classes.__getitem__)
    code = {key: float(i) for i, key in enumerate(keys)}
    label_names = ("0", "1") if keys == [0.0, 1.0] else (classes[keys[0]], classes[keys[1]])
    X = np.ascontiguousarray(np.frombuffer(values, dtype=np.float64).reshape(len(labels), width - 1).T)
    Y = np.array([code[key] for key in labels], dtype=np.float64).reshape(1, -1)
    names = header[:-1] if header else [""] * (width - 1)
    feature_names = tuple(name or f"x{i}" for i, name in enumerate(names, start=1))
    return X, Y, label_names, feature_names


def _label(
    cell: str, line: int, width: int, classes: dict[float | str, str], where: Callable[[int, int], str]
) -> float | str:
    """The key of one label cell (its value if numeric, else its text), registering a new class."""
    text = cell.strip()
    if text.lower() in MISSING_TOKENS:
        raise DatasetError(f"{where(line, width)}: {_missing(text, 'label')}", line=line, column=width)
    value = _number(text, decimal_comma=False)
    key: float | str = text
    if value is not None:
        if not math.isfinite(value):
            raise DatasetError(f"{where(line, width)}: label {text!r} is not a finite number",
                               line=line, column=width)
        key = value + 0.0  # -0.0 and 0.0 are one class
    if key not in classes:
        if len(classes) == 2:
            first, second = classes.values()
            raise DatasetError(
                f"{where(line, width)}: a third class {text!r}; labels must be two classes, and "
                f"{first!r} and {second!r} came first", line=line, column=width,
            )
        classes[key] = text
    return key


def to_csv(
    X: np.ndarray,
    Y: np.ndarray,
    *,
    feature_names: tuple[str, ...] | None = None,
    label_names: tuple[str, str] | None = None,
    delimiter: str = ",",
) -> str:
    """X (n_x, m), Y (1, m) as CSV text with a header; floats written with repr, so they read back exactly."""
    _check_XY(X, Y)
    names = list(feature_names or (f"x{i}" for i in range(1, X.shape[0] + 1)))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([*names, "label"])
    for column, y in zip(X.T, Y[0], strict=True):
        label = label_names[int(y)] if label_names else str(int(y))
        writer.writerow([*(repr(v) for v in column.tolist()), label])
    return out.getvalue()


# ------------------------------------------------------------------------------- shipped examples
def _examples_folder() -> Traversable:
    # importlib.resources, never a path relative to the checkout: the files live inside the wheel
    return resources.files("backpropviz.resources") / "data"


def example_csv_path(name: str) -> Traversable:
    """The shipped example CSV ``name`` (e.g. "iris_versicolor_virginica.csv") inside the package."""
    path = _examples_folder() / name
    if not path.is_file():
        available = ", ".join(example_csv_names()) or "none"
        raise DatasetError(f"no example CSV called {name!r}; available: {available}")
    return path


def example_csv_names() -> list[str]:
    """The names of the shipped example CSVs, sorted."""
    return sorted(entry.name for entry in _examples_folder().iterdir() if entry.name.endswith(".csv"))


def load_example(name: str) -> Dataset:
    """A shipped example CSV as a Dataset (read through importlib.resources, so it works from a wheel)."""
    data = example_csv_path(name).read_bytes()
    return replace(load_csv(data, name=Path(name).stem), source=f"example {name}")


def load_for_cli(spec: str) -> Dataset:
    """``--dataset`` of ``backpropviz train``: a toy set name (its defaults), else a CSV path."""
    if spec in GENERATORS:
        return toy_dataset(spec)
    if not Path(spec).exists() and not spec.lower().endswith((".csv", ".tsv", ".txt")):
        raise DatasetError(f"unknown data set {spec!r}; valid names: {', '.join(GENERATORS)}, or a CSV path")
    return load_csv(Path(spec))


# ---------------------------------------------------------------------------------- hand-edited points
def _check_2d(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        raise DatasetError(f"points can be edited by hand only in 2-feature data, got X {X.shape}")
    _check_XY(X, Y)
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
    if X.shape[1] >= MAX_GENERATED:
        raise DatasetError(f"the data set already has {MAX_GENERATED:,} points, the most allowed")
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
