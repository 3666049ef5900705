"""CSV import: a table of features then a label per row, read into a Dataset with precise messages.

Every problem is reported with its line and column (``DatasetError``), and reading stops at the first one
or at the first row or column beyond the limits, so a huge or wrong file stops early instead of filling
memory. Also here: writing a Dataset's points as CSV, the shipped example CSVs, and ``--dataset`` of the
CLI (a toy set's name or a CSV path).
"""

from __future__ import annotations

import array
import codecs
import csv
import io
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from .datasets import GENERATORS, Dataset, DatasetError, check_XY, toy_dataset
from .limits import MAX_COLUMNS, MAX_FEATURE_MAGNITUDE, MAX_ROWS
from .reading import open_regular

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

MAX_LINE_BYTES = 1 << 20  # no sane row of ≤ 1,000 numbers is longer; a longer one is a binary blob
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# Cells that spreadsheets and pandas write for "no value"; reported as missing, not as "not a number".
MISSING_TOKENS = frozenset({"", "na", "n/a", "null", "none", "?", "-", "--"})
# With ';' or tab as the delimiter a comma is free to be a decimal mark, as European spreadsheets write.
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")
# Features parsed by NumPy at a time: big enough that its per-call cost vanishes, small enough that one call
# (which holds the GIL) leaves the window's thread free again within milliseconds when it reads off-thread.
BATCH_CELLS = 1 << 16
READ_BUFFER_BYTES = 1 << 20
PROGRESS_BYTES = 1 << 20  # progress is reported after each this many bytes read
COURSE_DATASET = "flower"  # the CLI holds out no test set of it by default, to keep the course's numbers
DEFAULT_TEST_SHARE = 0.2


class _Lines:
    """Decoded text lines of a byte stream, one at a time, counted and checked as they come.

    Decoding line by line (not the whole file at once) lets a bad byte be reported with its line, and lets
    the reader stop at the first problem or limit without having read the rest.
    """

    def __init__(self, stream: BinaryIO, total: int, progress: Callable[[int, int], None] | None = None) -> None:
        self.stream = stream
        self.number = 0  # lines read so far = the number of the last line read
        self.delimiter: str | None = None  # known once sniffed; used to name the column of a bad byte
        self.total = total  # bytes in the stream
        self.bytes_read = 0
        self._progress = progress
        self._next_report = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self.stream.readline(MAX_LINE_BYTES + 1)
        self.bytes_read += len(raw)
        if self._progress is not None and (self.bytes_read >= self._next_report or not raw):
            self._progress(self.bytes_read, self.total)
            self._next_report = self.bytes_read + PROGRESS_BYTES
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
            if _looks_like_utf16(raw):
                raise DatasetError(
                    f"line {self.number}: the file looks like UTF-16 text without a byte-order mark (every other "
                    "byte is 0); save it as CSV UTF-8", line=self.number,
                )
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
        # Lines end in \n or \r\n; a \r before the line end is a classic-Mac line end or a stray byte. (Found
        # without copying the line: at the limits that is a gigabyte of copies.)
        if "\r" in text and text.find("\r", 0, _body_end(text)) >= 0:
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


def _body_end(text: str) -> int:
    """Where the line end (any run of \r and \n at the end) starts: len(text.rstrip("\r\n"))."""
    end = len(text)
    while end and text[end - 1] in "\r\n":
        end -= 1
    return end


def _looks_like_utf16(raw: bytes) -> bool:
    """Whether a line holding NUL bytes reads as text in UTF-16 (a line may start with the 0 byte that
    ended the line before it in UTF-16LE)."""
    if 4 * raw.count(0) < len(raw):  # ASCII text in UTF-16 is half zeros; one stray NUL is something else
        return False
    for encoding in ("utf-16-le", "utf-16-be"):
        for start in (0, 1):
            part = raw[start:]
            try:
                text = part[: len(part) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                continue
            if text and all(c.isprintable() or c in "\t\r\n" for c in text):
                return True
    return False


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


def _open_source(source: str | os.PathLike[str] | bytes) -> tuple[BinaryIO, str, str, int]:
    """(byte stream, default name, source description, size in bytes) for a path, CSV text or CSV bytes."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source)), "data", "<bytes>", len(source)
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        # Encode once so text and files share one path (surrogatepass lets a bad code point be reported).
        data = source.encode("utf-8", errors="surrogatepass")
        return io.BytesIO(data), "data", "<text>", len(data)
    path = Path(source)
    hint = " (to read CSV text, pass a string with a line break)" if isinstance(source, str) else ""
    raw = open_regular(path, "a CSV file", DatasetError, hint)
    return io.BufferedReader(raw, READ_BUFFER_BYTES), path.stem or "data", str(path), raw.size


def load_csv(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Dataset:
    """Read a CSV of features then a label per row into a Dataset (no test split; use ``resplit``).

    ``source`` is a path (a Path, or a str without a line break), CSV text (a str with a line break) or
    the file's bytes. Format: columns x1, x2, …, label; a header row is optional (it is one if a feature
    cell is not a number); comma, semicolon or tab delimited (sniffed; an Excel "sep=;" first line is
    honoured); UTF-8 with or without a byte-order mark; blank lines are skipped. With ';' or tab a decimal
    comma (1,5) is read as 1.5. Labels must be two classes: 0 and 1, or any two distinct values (strings
    or numbers), mapped to 0 and 1 in sorted order and named in ``label_names``. Features must be finite
    and at most MAX_FEATURE_MAGNITUDE in size (larger ones would overflow when standardised).

    Raises DatasetError with the line and column of the problem. Reading stops at the first problem or at
    the first row or column beyond MAX_ROWS / MAX_COLUMNS; a path that is not a regular file (a FIFO, a
    device) is refused before it is opened. X is (n_features, m), Y (1, m).

    ``progress(bytes_read, total_bytes)`` is called now and then while reading; an exception it raises
    stops the reading and comes out of load_csv (how a caller cancels).
    """
    stream, default_name, origin, total = _open_source(source)
    with stream:
        X, Y, label_names, feature_names = _read_csv(_Lines(stream, total, progress))
    return Dataset.from_arrays(
        X, Y, name=name or default_name, source=origin, label_names=label_names, feature_names=feature_names,
    )


def _missing(text: str, what: str = "value") -> str:
    return f"missing {what} (empty cell)" if not text else f"missing {what} ({text!r})"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _read_csv(lines: _Lines) -> tuple[np.ndarray, np.ndarray, tuple[str, str], tuple[str, ...]]:
    delimiter, head, pending = _read_head(lines)
    lines.delimiter = delimiter
    table = _Table(delimiter)
    for number, text in enumerate(head, start=1):
        table.add(number, text)
    problem = pending
    while problem is None:
        try:
            text = next(lines)
        except StopIteration:
            return table.finish()
        except DatasetError as exc:
            problem = exc
        else:
            table.add(lines.number, text)
    table.flush()  # the rows before the bad line may hold an earlier problem: report things in file order
    raise problem


def _read_head(lines: _Lines) -> tuple[str, list[str], DatasetError | None]:
    """(delimiter, the lines read to sniff it, a problem met in the line after them or None).

    The delimiter is sniffed on the first five non-blank lines (or named by an Excel "sep=;" first line);
    a bad line met while looking ahead is returned, to be raised in its turn.
    """
    head: list[str] = []
    sample: list[str] = []
    sample_start = 0
    delimiter = None
    pending: DatasetError | None = None
    while True:
        try:
            line = next(lines)
        except StopIteration:
            break
        except DatasetError as exc:
            if not sample:
                raise
            pending = exc
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
    return delimiter or _sniff(sample, sample_start), head, pending


class _NotCleanError(Exception):
    """A batch of rows the fast reader does not vouch for: it is read again row by row."""


class _Table:
    """The rows of a CSV once its delimiter is known: header, width, features and labels, checked in order.

    Rows go one of two ways. ``_row`` splits a row with the csv module and reads it cell by cell in
    Python: it finds every problem and words its message (line, column, header name). Rows that need no
    csv quoting rules (no quote before the label, the expected number of delimiters) are collected into
    batches whose features NumPy's C reader parses at once (``_parse``), then checked as a block. A batch
    with any problem at all, or one the C reader reads differently from Python (it refuses what float()
    accepts, like 1_000 or non-ASCII digits), is read again by ``_row``, so the messages and the first
    problem in file order are exactly those of the row-by-row reader, and the numbers bit for bit the
    same (both use the correctly rounded conversion of Python's float()).
    """

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        self.decimal_comma = delimiter != ","
        d = re.escape(delimiter)
        # A cell that is exactly a decimal-comma number (what _number reads as one), to be given a point.
        self._comma_cell = re.compile(rf"(?:(?<={d})|^)(\s*[+-]?\d*),(\d+(?:[eE][+-]?\d+)?\s*)(?={d}|$)")
        self._field_limit = csv.field_size_limit()  # a longer line may hold a field the csv module refuses
        self.header: list[str] | None = None
        self.width = 0  # columns per row, fixed by the first row
        self.first_line = 0
        self.count = 0  # data rows so far
        self.classes: dict[float | str, str] = {}  # label key → its text as first written
        self.labels: list[float | str] = []
        self.blocks: list[np.ndarray] = []  # the features, (rows, n_x) each, in file order
        self.values = array.array("d")  # features of rows read one by one since the last block
        self.batch: list[tuple[int, str, str, str]] = []  # (line number, line, features, label cell)

    def where(self, line: int, column: int) -> str:
        """"line 7, column 2 (x2)": the place of a cell, named after its header if there is one."""
        default = f"x{column}" if column < self.width else "label"
        name = self.header[column - 1] if self.header else default
        return f"line {line}, column {column} ({name or default})"

    def add(self, number: int, text: str) -> None:
        """Take line ``number`` (with its line end)."""
        if self.delimiter not in text and '"' not in text and not text.strip():
            return  # a blank line, as the csv module would split it
        split = self._split(text) if self.width else None
        if split is None:
            self.flush()
            self._row(number, text)
            return
        self.batch.append((number, text, *split))
        if len(self.batch) * self.width >= BATCH_CELLS:
            self.flush()

    def _split(self, text: str) -> tuple[str, str] | None:
        """(features, label cell) of a row the csv module would split at every delimiter, else None.

        A row of the wrong width may come back split: the batch it joins then fails its checks."""
        d = self.delimiter
        end = _body_end(text)
        if end > self._field_limit:
            return None
        quote = text.find('"', 0, end)
        if quote < 0:
            # A row of another width is not counted out here: NumPy refuses the batch (rows of different
            # widths, or a block of the wrong shape), and the row-by-row reader words the problem.
            cut = text.rfind(d, 0, end)
            return (text[:cut], text[cut + 1 : end]) if cut >= 0 else None
        # A quoted label ("yes", as R writes strings) is fine; a quote in a feature is for the csv module.
        cut = text.rfind(d, 0, quote)
        if cut < 0 or text.count(d, 0, cut + 1) != self.width - 1:
            return None
        try:
            fields = next(csv.reader([text[cut + 1 :]], delimiter=d, skipinitialspace=True))
        except csv.Error:
            return None
        if len(fields) != 1 or "\n" in fields[0] or "\r" in fields[0]:
            return None
        return text[:cut], fields[0]

    def flush(self) -> None:
        """Read the batch collected so far: at once if it is clean, else row by row (which raises)."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            block, keys, classes = self._parse(batch)
        except _NotCleanError:
            for number, text, _, _ in batch:
                self._row(number, text)
            return
        self._seal()
        self.blocks.append(block)
        self.labels.extend(keys)
        self.classes = classes
        self.count += len(batch)

    def _parse(
        self, batch: list[tuple[int, str, str, str]]
    ) -> tuple[np.ndarray, list[float | str], dict[float | str, str]]:
        """(features (rows, n_x), label keys, classes after them) of a clean batch; _NotCleanError otherwise."""
        if self.count + len(batch) > MAX_ROWS:
            raise _NotCleanError
        features = [cells for _, _, cells, _ in batch]
        if self.decimal_comma:
            features = [self._comma_cell.sub(r"\1.\2", cells) if "," in cells else cells for cells in features]
        try:
            block = np.loadtxt(features, delimiter=self.delimiter, comments=None, dtype=np.float64, ndmin=2)
        except ValueError:
            raise _NotCleanError from None
        # NaN fails the comparison too; a blank feature line (n_x = 1) is skipped by loadtxt: a short block
        if block.shape != (len(batch), self.width - 1) or not np.all(np.abs(block) <= MAX_FEATURE_MAGNITUDE):
            raise _NotCleanError
        classes = dict(self.classes)
        try:
            keys = [_label(cell, number, self.width, classes, self.where) for number, _, _, cell in batch]
        except DatasetError:
            raise _NotCleanError from None
        return block, keys, classes

    def _seal(self) -> None:
        """The features of rows read one by one so far, as a block (they come before the next block)."""
        if self.values:
            self.blocks.append(np.frombuffer(self.values, dtype=np.float64).reshape(-1, self.width - 1))
            self.values = array.array("d")

    def _row(self, line: int, text: str) -> None:
        """Read one row cell by cell, with the csv module's quoting rules; DatasetError at its first problem."""
        try:
            row = next(csv.reader([text], delimiter=self.delimiter, skipinitialspace=True), [])
        except csv.Error as exc:  # e.g. a field beyond csv.field_size_limit()
            raise DatasetError(
                f"line {line}: cannot split this row into columns ({exc}); is a quote left open?", line=line
            ) from None
        for c, cell in enumerate(row, start=1):
            if "\n" in cell or "\r" in cell:  # the quote runs on to the end of the line
                raise DatasetError(
                    f"line {line}, column {c}: a quote opened here is not closed on the same line",
                    line=line, column=c,
                )
        if not row or (len(row) == 1 and not row[0].strip()):
            return  # a blank line
        width = self.width
        if not width:
            width = self.width = len(row)
            self.first_line = line
            if width > MAX_COLUMNS:
                raise DatasetError(
                    f"line {line}: {width:,} columns, more than the {MAX_COLUMNS:,} allowed", line=line
                )
            if width < 2:
                raise DatasetError(
                    f"line {line}: only one column; each row needs at least one feature and a label, "
                    f"separated by a {DELIMITERS[self.delimiter]}", line=line,
                )
            # A header is a first row with a feature cell that is text (not a number, not a missing mark).
            if any(_number(c, self.decimal_comma) is None and c.strip().lower() not in MISSING_TOKENS
                   for c in row[:-1]):
                self.header = [c.strip() for c in row]
                return
        elif len(row) != width:  # a ragged row
            column = min(len(row), width) + 1
            problem = "is missing" if len(row) < width else "is one too many"
            place = self.where(line, column) if len(row) < width else f"line {line}, column {column}"
            raise DatasetError(
                f"{place} {problem}: this row has {_plural(len(row), 'column')} but line {self.first_line} has "
                f"{width}; every row needs the same columns", line=line, column=column,
            )
        if self.count == MAX_ROWS:
            raise DatasetError(
                f"line {line}: more than {MAX_ROWS:,} data rows; stopped reading here (use a smaller sample)",
                line=line,
            )
        for c, cell in enumerate(row[:-1], start=1):
            self.values.append(self._feature(cell, line, c))
        self.labels.append(_label(row[-1], line, width, self.classes, self.where))
        self.count += 1

    def _feature(self, cell: str, line: int, column: int) -> float:
        value = _number(cell, self.decimal_comma)
        text = cell.strip()
        where = self.where(line, column)
        if value is None:
            if text.lower() in MISSING_TOKENS:
                raise DatasetError(f"{where}: {_missing(text)}", line=line, column=column)
            raise DatasetError(f"{where}: {text!r} is not a number", line=line, column=column)
        if not math.isfinite(value):
            raise DatasetError(
                f"{where}: {text!r} is not a finite number (NaN and infinity cannot be learned from)",
                line=line, column=column,
            )
        if abs(value) > MAX_FEATURE_MAGNITUDE:
            raise DatasetError(
                f"{where}: {text!r} is too large: features beyond ±{MAX_FEATURE_MAGNITUDE:g} would overflow when "
                "standardised (their squares pass float64's range); rescale this column", line=line, column=column,
            )
        return value

    def finish(self) -> tuple[np.ndarray, np.ndarray, tuple[str, str], tuple[str, ...]]:
        """(X (n_x, m), Y (1, m), label names, feature names) of all rows read."""
        self.flush()
        self._seal()
        if not self.labels:
            if self.header is not None:
                raise DatasetError(
                    f"line {self.first_line} is a header, but no data rows follow it", line=self.first_line
                )
            raise DatasetError("the file is empty: no rows of data")
        if len(self.classes) < 2:
            (text,) = self.classes.values()
            raise DatasetError(
                f"only one class: every label is {text!r} ({_plural(len(self.labels), 'row')}); a binary "
                "classifier needs two classes"
            )
        # Sorted order: numbers numerically (so labels 0 and 1 stay 0 and 1), anything else as text.
        classes = self.classes
        keys = sorted(classes, key=float) if all(isinstance(k, float) for k in classes) else sorted(
            classes, key=classes.__getitem__
        )
        code = {key: float(i) for i, key in enumerate(keys)}
        label_names = ("0", "1") if keys == [0.0, 1.0] else (classes[keys[0]], classes[keys[1]])
        Y = np.array([code[key] for key in self.labels], dtype=np.float64).reshape(1, -1)
        names = self.header[:-1] if self.header else [""] * (self.width - 1)
        feature_names = tuple(name or f"x{i}" for i, name in enumerate(names, start=1))
        return self._features(), Y, label_names, feature_names

    def _features(self) -> np.ndarray:
        """X (n_x, m) from the blocks, each freed once copied (so the features are held twice at most)."""
        X = np.empty((self.width - 1, self.count))
        at = 0
        self.blocks.reverse()
        while self.blocks:
            block = self.blocks.pop()
            X[:, at : at + len(block)] = block.T
            at += len(block)
        return X


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
    check_XY(X, Y)
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


def load_for_cli(
    spec: str,
    *,
    samples: int | None = None,
    noise: float | None = None,
    data_seed: int | None = None,
    test_share: float | None = None,
    standardize: bool = False,
) -> Dataset:
    """``--dataset`` of ``backpropviz train`` and its options, as a split Dataset.

    ``spec`` is a toy set's name (``samples``, ``noise`` and ``data_seed`` override its defaults) or a CSV
    path. ``test_share`` None holds out nothing of the course's flower (to keep the course's numbers) and
    DEFAULT_TEST_SHARE of anything else. A DatasetError says what is wrong.
    """
    if test_share is None:
        test_share = 0.0 if spec == COURSE_DATASET else DEFAULT_TEST_SHARE
    if spec in GENERATORS:
        return toy_dataset(spec, samples, noise, data_seed, test_share=test_share, standardize=standardize)
    if samples is not None or noise is not None or data_seed is not None:
        raise DatasetError("--samples, --noise and --data-seed apply to toy sets, not to a CSV file")
    if not Path(spec).exists() and not spec.lower().endswith((".csv", ".tsv", ".txt")):
        raise DatasetError(f"unknown data set {spec!r}; valid names: {', '.join(GENERATORS)}, or a CSV path")
    return load_csv(Path(spec)).resplit(test_share=test_share, standardize=standardize)
