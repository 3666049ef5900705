"""Opening files to read: only regular files (sessions and CSVs alike), and never past the size checked."""

import os

import pytest

from backpropviz.engine.csv_import import load_csv
from backpropviz.engine.datasets import DatasetError
from backpropviz.engine.reading import open_regular
from backpropviz.engine.session import SessionError, load_session

LOADERS = [(load_session, ".bpv", SessionError), (load_csv, ".csv", DatasetError)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize(("load", "suffix", "error"), LOADERS)
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(load, suffix, error, tmp_path):
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait for ever
    with pytest.raises(error, match=rf"pipe\{suffix} is a named pipe \(FIFO\), not a regular file"):
        load(fifo)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize(("load", "suffix", "error"), LOADERS)
def test_a_link_to_an_endless_device_is_refused(load, suffix, error, tmp_path):
    link = tmp_path / f"zero{suffix}"
    link.symlink_to("/dev/zero")
    with pytest.raises(error, match=rf"zero\{suffix} \(a link to /dev/zero\) is a character device"):
        load(link)


def test_a_file_that_grows_while_read_is_read_to_its_size_at_opening(tmp_path):
    path = tmp_path / "growing.bin"
    path.write_bytes(b"x" * 1000)
    stream = open_regular(path, "a file", ValueError)
    with path.open("ab") as more:
        more.write(b"\0" * 10_000)  # appended after the size was taken: never read
    with stream:
        assert stream.read() == b"x" * 1000 and stream.read() == b""
        stream.seek(-10, os.SEEK_END)
        assert stream.read(100) == b"x" * 10
        stream.seek(2**64)  # a hostile offset is just a position past the end
        assert stream.read(10) == b"" and stream.tell() == 2**64
        with pytest.raises(OSError, match="before the start"):
            stream.seek(-1)


def test_what_cannot_be_opened_is_worded_for_the_user(tmp_path):
    with pytest.raises(ValueError, match=r"^file not found: .*nope\.csv \(a hint\)$"):
        open_regular(tmp_path / "nope.csv", "a CSV file", ValueError, " (a hint)")
    with pytest.raises(ValueError, match=r"is a folder, not a CSV file$"):
        open_regular(tmp_path, "a CSV file", ValueError)
