"""CSV import: happy paths, the malformed corpus (one precise message per file), limits, shipped examples."""

from __future__ import annotations

import importlib.util
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from backpropviz.engine import csv_import
from backpropviz.engine.csv_import import load_csv, to_csv
from backpropviz.engine.datasets import DatasetError, flower, make_dataset, moons

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data"
EXAMPLES = REPO / "resources" / "data"


def test_cli_spec_is_a_toy_set_or_a_csv_path():
    flower = csv_import.load_for_cli("flower")
    assert flower.m == 400 and flower.m_test == 0  # the course's flower: no test set unless asked
    iris = csv_import.load_for_cli(str(EXAMPLES / "iris_versicolor_virginica.csv"))
    assert iris.m + iris.m_test == 100 and iris.m_test == 20  # anything else: a fifth held out
    moons = csv_import.load_for_cli("moons", samples=30, test_share=0.0, standardize=True)
    assert moons.m == 30 and moons.standardized
    with pytest.raises(ValueError, match=r"unknown data set 'flowers'.*flower, moons"):
        csv_import.load_for_cli("flowers")
    with pytest.raises(ValueError, match="file not found"):
        csv_import.load_for_cli("no_such_file.csv")
    with pytest.raises(ValueError, match="apply to toy sets, not to a CSV file"):
        csv_import.load_for_cli(str(EXAMPLES / "flower.csv"), samples=10)


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


def mangled_files(seed, count, alphabet=b'0123456789.,;\t\n\r"-eE+ abcNnaif\xef\xbb\xbf\xff\x00'):
    """``count`` random small edits (bytes of ``alphabet`` put in or swapped) of the corpus and the examples."""
    rng = np.random.RandomState(seed)
    seeds = [path.read_bytes()[:400] for path in sorted([*CORPUS.iterdir(), *EXAMPLES.glob("*.csv")])]
    for _ in range(count):
        data = bytearray(seeds[rng.randint(len(seeds))])
        for _ in range(rng.randint(1, 6)):
            at = rng.randint(len(data) + 1)
            data[at:at + rng.randint(2)] = alphabet[rng.randint(len(alphabet))].to_bytes(1, "big")
        yield bytes(data)


def test_mangled_files_fail_only_with_dataset_errors():
    """Random small edits of the corpus and the examples: a Dataset that makes sense, or a DatasetError."""
    for data in mangled_files(0, 1000):
        try:
            loaded = load_csv(data)
        except DatasetError as exc:
            if exc.line is not None:
                assert f"line {exc.line}" in str(exc)
            if exc.column is not None:
                assert f"column {exc.column}" in str(exc)
        else:
            assert np.all(np.isfinite(loaded.X)) and set(np.unique(loaded.Y).tolist()) == {0.0, 1.0}


# ------------------------------------------------------------ CSV: the fast reader and the row-by-row one
def outcome(source):
    """What load_csv makes of ``source``: its numbers and names, or its message and place."""
    try:
        data = load_csv(source)
    except DatasetError as exc:
        return "refused", str(exc), exc.line, exc.column
    return "read", data.X.tobytes(), data.X.shape, data.Y.tobytes(), data.feature_names, data.label_names


@pytest.fixture
def row_by_row(monkeypatch):
    """Calls ``outcome`` with every row read by the csv module and float(), none by NumPy's reader."""
    def run(source):
        with monkeypatch.context() as patch:
            patch.setattr(csv_import._Table, "_split", lambda self, text: None)
            return outcome(source)
    return run


def test_mangled_files_come_out_the_same_read_either_way(row_by_row):
    """The fast reader vouches for nothing the row-by-row reader would not say: same numbers, same message."""
    for data in mangled_files(1, 600, alphabet=b'0123456789.,;\t\n\r"-eE+ abcNnaif_\xef\xbb\xbf\xff\x00'):
        assert outcome(data) == row_by_row(data), data


@pytest.mark.parametrize("text", [
    "a;b;c\n1,5;-2,25;x\n,5; 3,0e2 ;y\n1.5;2;x\n",  # decimal commas (and points) with ';'
    "a\tb\tc\n1,5\t2\tx\n3\t4,\ty\n",  # "4," is not a number
    "a;b;c\n1,5,3;2;x\n3;4;y\n",  # nor is "1,5,3"
    'x1,x2,label\n1,2,"yes"\n3,4, "no"\n5,6,"a,b"\n',  # quoted labels, a delimiter inside one (a third class)
    'x1,x2,label\n1,2,"yes"\n3,4,"no"\n5,"6",yes\n',  # a quoted feature
    "x1,x2,label\n1_000,2,0\n3,4,1\n",  # float() reads 1_000, NumPy does not
    "x1,x2,label\n١٢,2,0\n3,\u00a04\u00a0,1\n",  # Arabic-Indic digits, no-break spaces
    "x1,x2,label\n1,2,0\n3,4\n5,6,1\n",  # a short row
    "x1,x2,label\n1,2,0\n3,4,1,9\n",  # a long row
    "x1,x2,label\n1,2,0\n\n   \n3,4,1\n",  # blank lines
    "x1,x2,label\n1,2,0\n,\t,1\n",  # blank cells
    "x1,x2,label\n-0.0,1e-320,0\n0,1e308,1\n",  # signed zero, a subnormal, a number beyond the limit
    "x1,label\n1,0\n\n2,1\n",  # one feature
    "x1,label\n1,0\n ,1\n",  # one feature, blank
    "x1,x2,label\n1,2,0\n3,nan,1\n",
])
def test_tricky_rows_come_out_the_same_read_either_way(text, row_by_row):
    assert outcome(text) == row_by_row(text)


def test_a_problem_deep_in_a_batch_is_found_with_its_place():
    rows = [",".join(str(i * 50 + j) for j in range(40)) + f",{i % 2}" for i in range(3000)]
    cells = rows[2499].split(",")
    cells[16] = "abc"
    rows[2499] = ",".join(cells)
    with pytest.raises(DatasetError, match=r"^line 2500, column 17 \(x17\): 'abc' is not a number") as info:
        load_csv("\n".join(rows) + "\n")
    assert (info.value.line, info.value.column) == (2500, 17)


def test_a_bad_cell_before_a_bad_byte_is_reported_first():
    """The rows waiting for NumPy are read before a bad byte on a later line is reported: file order."""
    rows = b"".join(b"%d,%d,%d\n" % (i, i + 1, i % 2) for i in range(100))
    data = b"x1,x2,label\n" + rows + b"1,abc,1\n" + rows + b"1,\x00,1\n"
    with pytest.raises(DatasetError, match=r"^line 102, column 2 \(x2\): 'abc' is not a number"):
        load_csv(data)


def test_a_large_file_reads_the_same_either_way(tmp_path, row_by_row):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3000, 60)) * 10.0 ** rng.integers(-5, 6, (3000, 60))
    text = "".join(",".join([*(repr(v) for v in row), str(i % 2)]) + "\n" for i, row in enumerate(X.tolist()))
    path = tmp_path / "large.csv"
    path.write_text(text)
    assert outcome(path) == row_by_row(path)
    assert load_csv(path).X.tobytes() == np.ascontiguousarray(X.T).tobytes()


def test_reading_holds_the_features_at_most_three_times(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_import, "BATCH_CELLS", 1 << 12)  # the text on its way to NumPy: small beside the data
    rows = ["".join(f"{(i * 7 + j) % 1000 / 7:.6g}," for j in range(49)) + f"{i % 2}\n" for i in range(200)]
    path = tmp_path / "many.csv"
    path.write_text("".join(rows) * 50)  # 10,000 rows × 49 features: 3.9 MB of float64
    tracemalloc.start()
    try:
        data = load_csv(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = data.X.nbytes
    # beyond the features: a batch of text, the labels and the file's read buffer (1 MB)
    assert peak <= 3 * size + (2 << 20), f"peak {peak:,} bytes for {size:,} bytes of features"


def test_a_file_that_grows_while_read_is_read_to_its_size_at_opening(tmp_path):
    path = tmp_path / "growing.csv"
    path.write_text("x1,x2,label\n" + "1,2,0\n3,4,1\n" * 10)

    def grow(done, total):
        with path.open("a") as more:
            more.write("5,6,2\n")  # a third class: read, it would be refused

    assert load_csv(path, progress=grow).m == 20


def test_progress_is_reported_and_can_stop_the_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_import, "PROGRESS_BYTES", 100)
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n" + "0.5,1.5,0\n0.25,2.5,1\n" * 100)
    size = path.stat().st_size
    seen = []
    load_csv(path, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == (size, size)

    class StopError(Exception):
        pass

    def stop(done, total):
        if done > size // 2:
            raise StopError

    with pytest.raises(StopError):
        load_csv(path, progress=stop)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(encoding, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("x1,x2,label\r\n1,2,0\r\n3,4,1\r\n".encode(encoding))
    with pytest.raises(DatasetError, match=r"^line 1: the file looks like UTF-16 text without a byte-order mark"):
        load_csv(path)


def test_values_that_would_overflow_when_standardised_are_refused():
    with pytest.raises(DatasetError, match=r"^line 3, column 2 \(x2\): '-1e300' is too large") as info:
        load_csv("x1,x2,label\n1,2,0\n3,-1e300,1\n")
    assert (info.value.line, info.value.column) == (3, 2)
    # the largest allowed standardises to finite numbers (warnings are errors in the tests: none is printed)
    data = load_csv("x1,x2,label\n1,1e150,0\n3,-1e150,1\n5,0,1\n").resplit(standardize=True)
    assert np.all(np.isfinite(data.X)) and np.all(np.isfinite(data.std))


def test_too_many_rows_stops_reading_at_the_limit(tmp_path):
    path = tmp_path / "big.csv"
    rows = "0.5,1.5,0\n0.25,2.5,1\n" * (csv_import.MAX_ROWS // 2)
    # one row past the limit, then bytes that would fail if the reader went on
    path.write_bytes(b"x1,x2,label\n" + rows.encode() + b"1,2,1\n\xff\xff,1,1\n")
    with pytest.raises(DatasetError, match="more than 100,000 data rows; stopped reading here") as info:
        load_csv(path)
    assert info.value.line == csv_import.MAX_ROWS + 2  # the header is line 1


def test_exactly_the_row_limit_is_fine(monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 4)
    assert load_csv("1,2,0\n3,4,1\n5,6,0\n7,8,1\n").m == 4
    with pytest.raises(DatasetError, match="line 5: more than 4 data rows"):
        load_csv("1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,9,1\n")


def test_an_overlong_line_stops_reading(monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_LINE_BYTES", 64)
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
    X, Y = flower()
    assert np.array_equal(data.X, X) and np.array_equal(data.Y, Y)


def test_shipped_tricky_file():
    raw = (EXAMPLES / "moons_semicolon_bom.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"\r\n" in raw  # really is tricky
    data = load_csv(EXAMPLES / "moons_semicolon_bom.csv")
    assert data.m == 60 and data.feature_names == ("Länge", "Breite") and data.label_names == ("blau", "rot")
    X, Y = moons(n=60, seed=7)
    assert np.allclose(data.X, X, atol=5e-4) and np.array_equal(data.Y, Y)


def test_every_shipped_csv_is_credited_in_the_readme():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for path in EXAMPLES.glob("*.csv"):
        assert path.name in readme
        load_csv(path)


def test_example_helpers(monkeypatch):
    # the folder the package maps as backpropviz.resources/data; the installed mapping is tested below
    monkeypatch.setattr(csv_import, "_examples_folder", lambda: EXAMPLES)
    assert csv_import.example_csv_names() == sorted(path.name for path in EXAMPLES.glob("*.csv"))
    flower = csv_import.load_example("flower.csv")
    assert flower.name == "flower" and flower.source == "example flower.csv" and flower.m == 400
    with pytest.raises(DatasetError, match=r"no example CSV called 'nope\.csv'; available: flower\.csv"):
        csv_import.example_csv_path("nope.csv")


def _resources_installed() -> bool:
    try:
        return importlib.util.find_spec("backpropviz.resources") is not None
    except ImportError:
        return False


@pytest.mark.skipif(not _resources_installed(), reason="backpropviz.resources is not mapped into the package")
def test_examples_load_through_importlib_resources():
    assert {"flower.csv", "iris_versicolor_virginica.csv", "moons_semicolon_bom.csv"} <= set(
        csv_import.example_csv_names()
    )
    iris = csv_import.load_example("iris_versicolor_virginica.csv")
    assert iris.m == 100 and iris.source == "example iris_versicolor_virginica.csv"
    with pytest.raises(DatasetError, match=r"no example CSV called 'nope\.csv'"):
        csv_import.example_csv_path("nope.csv")
