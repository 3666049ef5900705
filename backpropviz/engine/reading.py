"""Opening a file to read it: only a regular file, and never more of it than the size it had when opened.

A FIFO makes ``open()`` wait for a writer for ever, a device such as /dev/zero never ends, and a file that
grows while it is read would let a reader go on past every size it checked. The loaders (sessions, CSV
import) open what they read here: the kind of file is checked before it is opened and again on the open
descriptor (opened without blocking, in case the path was swapped in between), and the stream returned
ends at the size checked.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def open_regular(
    path: Path, what: str, error: Callable[[str], Exception], not_found_hint: str = ""
) -> BoundedFile:
    """``path`` opened for reading if it is a regular file (or a link to one); reads end at its size then.

    Anything else raises ``error(message)``, the message worded for the user: ``what`` names what the file
    should have been ("a CSV file"), ``not_found_hint`` is added to "file not found: …".
    """
    try:
        _check_kind(path, os.stat(path), what, error)
        # O_NONBLOCK: a FIFO put in the path's place since the stat opens at once instead of waiting (it is
        # refused just below); on a regular file the flag changes nothing.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise error(f"file not found: {path}{not_found_hint}") from None
    except OSError as exc:
        raise error(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        status = os.fstat(fd)
        _check_kind(path, status, what, error)
        raw = io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return BoundedFile(raw, status.st_size)


def _check_kind(path: Path, status: os.stat_result, what: str, error: Callable[[str], Exception]) -> None:
    mode = status.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise error(f"{path} is a folder, not {what}")
    kind = next((text for test, text in _KINDS if test(mode)), "not a regular file")
    where = f"{path} (a link to {os.path.realpath(path)})" if os.path.islink(path) else str(path)
    raise error(f"{where} is {kind}, not a regular file; only regular files can be read")


class BoundedFile(io.RawIOBase):
    """A read-only file that ends at ``size`` bytes whatever the file does meanwhile.

    Seeking anywhere is allowed (a position beyond the end reads nothing) and never reaches the operating
    system with a position it cannot hold: a damaged archive may ask for offsets near 2**64.
    """

    def __init__(self, raw: io.FileIO, size: int) -> None:
        super().__init__()
        self._raw = raw
        self.size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError(errno.EINVAL, "seek before the start of the file")
        self._position = base + offset
        return self._position

    def _left(self, wanted: int | None) -> int:
        left = max(0, self.size - self._position)
        return left if wanted is None or wanted < 0 else min(wanted, left)

    def read(self, size: int | None = -1) -> bytes:
        count = self._left(size)
        if count == 0:
            return b""
        self._raw.seek(self._position)
        data = self._raw.read(count) or b""
        self._position += len(data)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        count = self._left(len(view))
        if count == 0:
            return 0
        self._raw.seek(self._position)
        got = self._raw.readinto(view[:count]) or 0
        self._position += got
        return got

    def close(self) -> None:
        self._raw.close()
        super().close()
