"""CSV import at the limits: 100,000 rows × 1,000 columns (999 features and a label), one run.

Writes such a file into a temporary folder, then reads it with ``load_csv`` and prints the time (wall and
CPU), the peak memory of the reading (tracemalloc: NumPy reports its arrays to it) against the size of
the data (8 bytes a feature), and the speed against the row-by-row reader every row went through before
(timed on the first rows only: on the whole file it takes minutes). Targets: ≤ 10 s, ≤ 3× the data.

Features are written with 6 significant digits ("%.6g", as spreadsheets and most exports hold them);
``--format repr`` writes all 17 (what ``to_csv`` writes), whose conversion alone costs about 3× more.
The machine's load average is printed too: on a busy machine the wall time says little.

    python benchmarks/csv_load.py [--rows N] [--columns C] [--format %.6g|repr] [--slow-rows N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from backpropviz.engine import csv_import
from backpropviz.engine.datasets import Dataset
from backpropviz.engine.limits import MAX_COLUMNS, MAX_ROWS

DISTINCT_ROWS = 1_000  # rows formatted once and written again and again: the file is quick to make


def write_file(path: Path, rows: int, columns: int, fmt: str) -> None:
    """A header and ``rows`` rows of ``columns − 1`` standard normal features and a 0/1 label."""
    block = np.random.default_rng(0).standard_normal((DISTINCT_ROWS, columns - 1))
    text = [",".join(repr(v) if fmt == "repr" else fmt % v for v in row) for row in block.tolist()]
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(f"x{i}" for i in range(1, columns)) + ",label\n")
        for i in range(rows):
            out.write(f"{text[i % DISTINCT_ROWS]},{i % 2}\n")


def timed_load(path: Path) -> tuple[float, float, Dataset]:
    """(wall seconds, CPU seconds, the data set) of one load_csv."""
    wall, cpu = time.perf_counter(), time.process_time()
    data = csv_import.load_csv(path)
    return time.perf_counter() - wall, time.process_time() - cpu, data


def row_by_row_seconds(path: Path, rows: int) -> float:
    """Wall seconds of the row-by-row reader (the csv module and float() for every cell) on ``rows`` rows."""
    head = path.with_name("head.csv")
    with path.open("rb") as source, head.open("wb") as out:
        for _ in range(rows + 1):
            out.write(source.readline())
    split = csv_import._Table._split
    csv_import._Table._split = lambda self, text: None  # no row may take the fast way
    try:
        return timed_load(head)[0]
    finally:
        csv_import._Table._split = split
        head.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    parser.add_argument("--columns", type=int, default=MAX_COLUMNS, help="the label included")
    parser.add_argument("--format", default="%.6g", help='"%%.6g" (default), "%%.3f", … or "repr"')
    parser.add_argument("--slow-rows", type=int, default=2_000, help="rows the row-by-row reader is timed on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "limits.csv"
        start = time.perf_counter()
        write_file(path, args.rows, args.columns, args.format)
        size = path.stat().st_size
        print(f"{args.rows:,} rows × {args.columns:,} columns ({args.format}): {size / 1e6:,.0f} MB of text, "
              f"written in {time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.1f}")

        wall, cpu, data = timed_load(path)
        data_bytes = 8 * data.n_x * data.m
        print(f"load_csv: {wall:.2f} s wall, {cpu:.2f} s CPU ({data.n_x:,} features × {data.m:,} points, "
              f"{data_bytes / 1e6:,.0f} MB of data)")
        del data

        tracemalloc.start()
        data = csv_import.load_csv(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del data
        print(f"peak memory while reading: {peak / 1e6:,.0f} MB = {peak / data_bytes:.2f}× the data (target ≤ 3×)")

        sample = min(args.slow_rows, args.rows)
        slow = row_by_row_seconds(path, sample) * args.rows / sample
        print(f"row-by-row reader, extrapolated from {sample:,} rows: {slow:.0f} s; speed-up {slow / wall:.1f}×")
        print(f"target ≤ 10 s: {'met' if wall <= 10 else 'missed'} by the wall time, "
              f"{'met' if cpu <= 10 else 'missed'} by the CPU time")


if __name__ == "__main__":
    main()
