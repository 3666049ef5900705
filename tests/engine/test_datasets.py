"""Data sets: the toy generators, the course's flower, train/test split, CSV import, hand-edited points."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backpropviz.engine import datasets
from backpropviz.engine.datasets import (
    DEFAULTS,
    GENERATORS,
    Dataset,
    DatasetError,
    add_point,
    load_csv,
    make_dataset,
    remove_nearest,
    standardize,
    to_csv,
    train_test_split,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data"
EXAMPLES = REPO / "resources" / "data"


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


def test_toy_dataset_and_cli_spec():
    data = datasets.toy_dataset("circles", n=60, test_share=0.25)
    assert data.source == "circles(n=60, noise=0.1, seed=0)" and data.m + data.m_test == 60
    assert data.m_test == 16  # round(0.25 · 30) = 8 from each class (half up)
    flower = datasets.load_for_cli("flower")
    assert flower.m == 400 and flower.m_test == 0
    iris = datasets.load_for_cli(str(EXAMPLES / "iris_versicolor_virginica.csv"))
    assert iris.m == 100
    with pytest.raises(ValueError, match=r"unknown data set 'flowers'.*flower, moons"):
        datasets.load_for_cli("flowers")
    with pytest.raises(ValueError, match="file not found"):
        datasets.load_for_cli("no_such_file.csv")


# ------------------------------------------------------------------------------ CSV: happy paths
def test_csv_with_header_and_comma():
    data = load_csv("x1,x2,label\n0.5,1.5,0\n-1e-3,2,1\n")
    assert np.array_equal(data.X, [[0.5, -0.001], [1.5, 2.0]]) and np.array_equal(data.Y, [[0.0, 1.0]])
    assert data.feature_names == ("x1", "x2") and data.label_names == ("0", "1")
    assert data.m_test == 0 and data.source == "<text>"


def test_csv_without_header():
    data = load_csv("0.5,1.5,1\n2,3,0\n")
    assert np.array_equal(data.X, [[0.5, 2.0], [1.5, 3.0]]) and np.array_equal(data.Y, [[1.0, 0.0]])
    assert data.feature_names == ("x1", "x2")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("header", [True, False])
def test_csv_each_delimiter(delimiter, header):
    rows = [["1.5", "2", "0"], ["3", "-4.25", "1"], ["5", "6", "1"]]
    if header:
        rows.insert(0, ["width", "height", "label"])
    data = load_csv("\n".join(delimiter.join(row) for row in rows) + "\n")
    assert np.array_equal(data.X, [[1.5, 3.0, 5.0], [2.0, -4.25, 6.0]])
    assert np.array_equal(data.Y, [[0, 1, 1]])
    assert data.feature_names == (("width", "height") if header else ("x1", "x2"))


def test_csv_bom_crlf_semicolon_decimal_comma_and_string_labels():
    text = "\ufeffLänge;Breite;Farbe\r\n1,5;-2,25;rot\r\n3;4;\"blau\"\r\n\r\n5;6e-1;rot\r\n"
    data = load_csv(text.encode("utf-8"))
    assert data.feature_names == ("Länge", "Breite")  # no BOM glued to the first name
    assert np.array_equal(data.X, [[1.5, 3.0, 5.0], [-2.25, 4.0, 0.6]])
    # string labels map to 0/1 in sorted order, and keep their names
    assert data.label_names == ("blau", "rot") and np.array_equal(data.Y, [[1.0, 0.0, 1.0]])


def test_csv_labels_other_than_0_and_1():
    data = load_csv("1,2,1\n3,4,-1\n5,6,1.0\n")
    assert data.label_names == ("-1", "1") and np.array_equal(data.Y, [[1.0, 0.0, 1.0]])
    data = load_csv("1,2,1.0\n3,4,0.0\n")
    assert data.label_names == ("0", "1") and np.array_equal(data.Y, [[1.0, 0.0]])


def test_csv_one_feature_and_many_features():
    one = load_csv("x,label\n1,0\n2,1\n3,1\n")
    assert one.X.shape == (1, 3) and one.n_x == 1
    rows = (",".join([*(str(i + j) for j in range(7)), str(i % 2)]) for i in range(10))
    many = load_csv("\n".join(rows) + "\n")
    assert many.X.shape == (7, 10) and many.X[6, 9] == 15.0


def test_csv_excel_sep_line_quotes_spaces_and_blank_lines():
    data = load_csv('sep=;\n\n x1 ; "x2" ;label\n 1 ; 2 ; "yes" \n\n3;4; no\n')
    assert data.feature_names == ("x1", "x2") and data.label_names == ("no", "yes")
    assert np.array_equal(data.X, [[1.0, 3.0], [2.0, 4.0]]) and np.array_equal(data.Y, [[1.0, 0.0]])


def test_csv_source_kinds(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("1,2,0\n3,4,1\n", encoding="utf-8")
    for source in (path, str(path), path.read_bytes(), path.read_text()):
        data = load_csv(source)
        assert np.array_equal(data.X, [[1.0, 3.0], [2.0, 4.0]])
    assert load_csv(path).name == "points" and load_csv(path).source == str(path)
    assert load_csv(path, name="mine").name == "mine"


def test_to_csv_round_trips_exactly():
    X, Y = make_dataset("spiral", n=50)
    data = load_csv(to_csv(X, Y))
    assert np.array_equal(data.X, X) and np.array_equal(data.Y, Y)
    named = load_csv(to_csv(X, Y, feature_names=("a", "b"), label_names=("no", "yes"), delimiter="\t"))
    assert named.feature_names == ("a", "b") and named.label_names == ("no", "yes")
    assert np.array_equal(named.Y, Y)


# --------------------------------------------------------------------------- CSV: the malformed corpus
# file → (a fragment of the message, its line, its column); None where a place does not apply.
CORPUS_EXPECTATIONS: dict[str, tuple[str, int | None, int | None]] = {
    "empty.csv": ("the file is empty", None, None),
    "blank_lines_only.csv": ("the file is empty", None, None),
    "header_only.csv": ("line 1 is a header, but no data rows follow it", 1, None),
    "header_then_blank_lines.csv": ("line 3 is a header, but no data rows follow it", 3, None),
    "non_numeric_cell.csv": ("(x2): 'abc' is not a number", 3, 2),
    "two_decimal_points.csv": ("(x1): '1.2.3' is not a number", 4, 1),
    "unicode_minus.csv": ("'−1.5' is not a number", 3, 1),
    "missing_empty_cell.csv": ("(x2): missing value (empty cell)", 3, 2),
    "missing_na_token.csv": ("missing value ('NA')", 4, 2),
    "missing_label.csv": ("(label): missing label (empty cell)", 3, 3),
    "ragged_short_row.csv": ("(label) is missing: this row has 2 columns but line 1 has 3", 4, 3),
    "ragged_long_row.csv": ("is one too many: this row has 4 columns but line 1 has 3", 3, 4),
    "mixed_delimiters.csv": ("is missing: this row has 1 column but line 1 has 3", 2, 2),
    "one_class.csv": ("only one class: every label is 'setosa' (3 rows)", None, None),
    "three_classes_numeric.csv": ("a third class '2'; labels must be two classes, and '0' and '1'", 5, 3),
    "three_classes_strings.csv": ("(species): a third class 'virginica'", 4, 3),
    "nan_feature.csv": ("(x2): 'NaN' is not a finite number", 2, 2),
    "inf_feature.csv": ("(x1): '-inf' is not a finite number", 3, 1),
    "overflow_feature.csv": ("'1e999' is not a finite number", 3, 2),
    "nan_label.csv": ("label 'nan' is not a finite number", 3, 3),
    "too_many_columns.csv": ("1,001 columns, more than the 1,000 allowed", 1, None),
    "latin1_header.csv": ("byte 0xF6 (character 3) is not UTF-8; save the file as CSV UTF-8", 1, 1),
    "latin1_label.csv": ("byte 0xFC (character 7) is not UTF-8", 5, 3),
    "utf16.csv": ("the file is UTF-16 text", 1, None),
    "nul_byte.csv": ("a NUL byte; this looks like a binary file", 3, 2),
    "no_delimiter.csv": ("no comma, semicolon or tab found", 1, None),
    "space_delimited.csv": ("no comma, semicolon or tab found", 1, None),
    "unclosed_quote.csv": ("a quote opened here is not closed on the same line", 2, 3),
    "not_a_csv.csv": ("(This is a note): 'It has words' is not a number", 2, 1),
    "bad_sep_line.csv": ("delimiter '|' is not a comma, semicolon or tab", 1, None),
    "one_column_after_sep_line.csv": ("only one column; each row needs at least one feature", 2, None),
    "decimal_comma_in_comma_file.csv": ("column 4 is one too many", 2, 4),
    "mac_line_ends.csv": ("a carriage return (\\r) inside the line", 1, 3),
}


def test_the_corpus_has_an_expectation_for_every_file():
    assert sorted(path.name for path in CORPUS.iterdir()) == sorted(CORPUS_EXPECTATIONS)
    assert len(CORPUS_EXPECTATIONS) >= 20


@pytest.mark.parametrize(("filename", "expected"), sorted(CORPUS_EXPECTATIONS.items()))
def test_malformed_csv_gives_a_specific_message(filename, expected):
    fragment, line, column = expected
    with pytest.raises(DatasetError) as info:
        load_csv(CORPUS / filename)
    message = str(info.value)
    assert fragment in message
    assert (info.value.line, info.value.column) == (line, column)
    if line is not None:
        assert message.startswith(f"line {line}") or f"line {line} " in message
    if column is not None:
        assert f"column {column}" in message


def test_mangled_files_fail_only_with_dataset_errors():
    """Random small edits of the corpus and the examples: a Dataset that makes sense, or a DatasetError."""
    rng = np.random.RandomState(0)
    seeds = [path.read_bytes()[:400] for path in sorted([*CORPUS.iterdir(), *EXAMPLES.glob("*.csv")])]
    alphabet = b'0123456789.,;\t\n\r"-eE+ abcNnaif\xef\xbb\xbf\xff\x00'
    for _ in range(1000):
        data = bytearray(seeds[rng.randint(len(seeds))])
        for _ in range(rng.randint(1, 6)):
            at = rng.randint(len(data) + 1)
            data[at:at + rng.randint(2)] = alphabet[rng.randint(len(alphabet))].to_bytes(1, "big")
        try:
            loaded = load_csv(bytes(data))
        except DatasetError as exc:
            if exc.line is not None:
                assert f"line {exc.line}" in str(exc)
            if exc.column is not None:
                assert f"column {exc.column}" in str(exc)
        else:
            assert np.all(np.isfinite(loaded.X)) and set(np.unique(loaded.Y).tolist()) == {0.0, 1.0}


def test_too_many_rows_stops_reading_at_the_limit(tmp_path):
    path = tmp_path / "big.csv"
    rows = "0.5,1.5,0\n0.25,2.5,1\n" * (datasets.MAX_ROWS // 2)
    # one row past the limit, then bytes that would fail if the reader went on
    path.write_bytes(b"x1,x2,label\n" + rows.encode() + b"1,2,1\n\xff\xff,1,1\n")
    with pytest.raises(DatasetError, match="more than 100,000 data rows; stopped reading here") as info:
        load_csv(path)
    assert info.value.line == datasets.MAX_ROWS + 2  # the header is line 1


def test_exactly_the_row_limit_is_fine(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ROWS", 4)
    assert load_csv("1,2,0\n3,4,1\n5,6,0\n7,8,1\n").m == 4
    with pytest.raises(DatasetError, match="line 5: more than 4 data rows"):
        load_csv("1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,9,1\n")


def test_an_overlong_line_stops_reading(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_LINE_BYTES", 64)
    with pytest.raises(DatasetError, match="line 2 is longer than 64 bytes") as info:
        load_csv(b"1,2,0\n" + b"1" * 200 + b",2,1\n")
    assert info.value.line == 2


def test_file_not_found_and_folder(tmp_path):
    with pytest.raises(DatasetError, match=r"file not found: .*missing\.csv"):
        load_csv(tmp_path / "missing.csv")
    with pytest.raises(DatasetError, match="pass a string with a line break"):
        load_csv("1,2,0")  # a one-line string is taken for a path
    with pytest.raises(DatasetError, match="is a folder, not a CSV file"):
        load_csv(tmp_path)


def test_on_any_error_the_previous_dataset_stays_loaded():
    class Caller:
        """What the GUI controller does: replace the data set only once the new one is built."""

        def __init__(self) -> None:
            self.dataset = load_csv(EXAMPLES / "iris_versicolor_virginica.csv")

        def open_csv(self, path: Path) -> str | None:
            try:
                self.dataset = load_csv(path)
            except DatasetError as exc:
                return str(exc)
            return None

    caller = Caller()
    before = caller.dataset
    X_before = before.X.copy()
    for filename in CORPUS_EXPECTATIONS:
        assert caller.open_csv(CORPUS / filename)  # an error message, and…
        assert caller.dataset is before  # …the previous data set still loaded, unchanged
        assert np.array_equal(caller.dataset.X, X_before)


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


# -------------------------------------------------------------------------------- shipped examples
def test_shipped_iris_is_fishers_data():
    data = load_csv(EXAMPLES / "iris_versicolor_virginica.csv")
    assert data.X.shape == (2, 100) and data.label_names == ("versicolor", "virginica")
    assert data.feature_names == ("petal_length_cm", "petal_width_cm")
    # Fisher (1936), table of means: petal length 4.260 / 5.552, petal width 1.326 / 2.026
    versicolor, virginica = data.X[:, data.Y[0] == 0], data.X[:, data.Y[0] == 1]
    assert np.allclose(versicolor.mean(axis=1), [4.260, 1.326])
    assert np.allclose(virginica.mean(axis=1), [5.552, 2.026])


def test_shipped_flower_is_the_generator():
    data = load_csv(EXAMPLES / "flower.csv")
    X, Y = datasets.flower()
    assert np.array_equal(data.X, X) and np.array_equal(data.Y, Y)


def test_shipped_tricky_file():
    raw = (EXAMPLES / "moons_semicolon_bom.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"\r\n" in raw  # really is tricky
    data = load_csv(EXAMPLES / "moons_semicolon_bom.csv")
    assert data.m == 60 and data.feature_names == ("Länge", "Breite") and data.label_names == ("blau", "rot")
    X, Y = datasets.moons(n=60, seed=7)
    assert np.allclose(data.X, X, atol=5e-4) and np.array_equal(data.Y, Y)


def test_every_shipped_csv_is_credited_in_the_readme():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for path in EXAMPLES.glob("*.csv"):
        assert path.name in readme
        load_csv(path)


def test_example_helpers(monkeypatch):
    # the folder the package maps as backpropviz.resources/data; the installed mapping is tested below
    monkeypatch.setattr(datasets, "_examples_folder", lambda: EXAMPLES)
    assert datasets.example_csv_names() == sorted(path.name for path in EXAMPLES.glob("*.csv"))
    flower = datasets.load_example("flower.csv")
    assert flower.name == "flower" and flower.source == "example flower.csv" and flower.m == 400
    with pytest.raises(DatasetError, match=r"no example CSV called 'nope\.csv'; available: flower\.csv"):
        datasets.example_csv_path("nope.csv")


def _resources_installed() -> bool:
    try:
        return importlib.util.find_spec("backpropviz.resources") is not None
    except ImportError:
        return False


@pytest.mark.skipif(not _resources_installed(), reason="backpropviz.resources is not mapped into the package")
def test_examples_load_through_importlib_resources():
    assert {"flower.csv", "iris_versicolor_virginica.csv", "moons_semicolon_bom.csv"} <= set(
        datasets.example_csv_names()
    )
    iris = datasets.load_example("iris_versicolor_virginica.csv")
    assert iris.m == 100 and iris.source == "example iris_versicolor_virginica.csv"
    with pytest.raises(DatasetError, match=r"no example CSV called 'nope\.csv'"):
        datasets.example_csv_path("nope.csv")


def test_the_module_imports_no_qt():
    code = (
        "import sys, backpropviz.engine.datasets; "
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
