"""Play's training in a process of its own, so that the window's painting and the engine each get a core.

Python runs one thread at a time per process: a training thread would only take turns with the painting.
A child process does not. The child (``python -m backpropviz.engine.worker``) rebuilds the run as a saved
session would (``Stepper.export_state`` / ``import_state`` on the same settings and data), trains the
iterations it is granted, and reports what ``Stepper.fast_forward`` needs to reach the state that
``Stepper.run`` would have left: θ, the records of the new iterations, and θ at every multiple of the
keyframe spacing. The same code on the same machine computes the same bits. The child's records of
the iterations before the hand-over are left blank: nothing it computes reads them.

The pipe carries messages of a JSON header and raw arrays (dtype and shape named in the header), length-
prefixed; nothing is pickled.

Parent → child: ``data`` (``token``; arrays ``X``, ``Y`` and ``X_test``, ``Y_test`` if there is a test set:
sent once per data set), ``load`` (``gen``, ``data``: the token, ``settings``: ModelSettings.to_dict,
``state``: export_state's metadata, ``spacing``; arrays ``theta_initial``, ``theta_start``), ``grant``
(``gen``, ``until``: train until the start of that iteration), ``stop`` (``gen``). Child → parent:
``ready`` once, then per chunk of work ``trained`` (``gen``, ``iteration``, ``rows_from``, ``frames``,
``diverged``, ``seconds``; arrays ``theta``, ``rows``, ``frames``, ``caches`` for a small net), or
``error`` (``gen``, ``message``) when a load fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np

from . import blas
from .datasets import Dataset
from .model import ModelSettings, stepper_on
from .stepper import Stepper

# One message back per this much training: often enough for 30 frames a second, seldom enough to cost little.
CHUNK_SECONDS = 0.008
# Up to this many entries the buffers of the last iteration go with each chunk (the diagram shows them faintly
# during Play); a wider net's would cost more to send than to show.
CACHES_LIMIT = 250_000
_PREFIX = struct.Struct("<II")  # header bytes, array bytes
_DTYPES = ("float64", "float32")

Message = tuple[dict[str, Any], dict[str, np.ndarray]]


# ================================================================== the pipe's messages
def write_message(stream: IO[bytes], header: Mapping[str, Any], arrays: Mapping[str, np.ndarray] | None = None) -> None:
    """Send one message: ``header`` (JSON values) and ``arrays`` (float64 or float32)."""
    arrays = {name: np.ascontiguousarray(a) for name, a in (arrays or {}).items()}
    specs = [[name, str(a.dtype), list(a.shape)] for name, a in arrays.items()]
    text = json.dumps({**header, "arrays": specs}).encode()
    stream.write(_PREFIX.pack(len(text), sum(a.nbytes for a in arrays.values())) + text)
    for a in arrays.values():
        stream.write(a.reshape(-1).view(np.uint8))  # the array's own bytes: no copy of a 60 MB data set
    stream.flush()


def read_message(stream: IO[bytes]) -> Message | None:
    """The next message, or None at the end of the stream; ValueError for one that is not well formed."""
    prefix = stream.read(_PREFIX.size)
    if len(prefix) < _PREFIX.size:
        return None
    header_size, data_size = _PREFIX.unpack(prefix)
    header = json.loads(_read_exactly(stream, header_size))
    data = _read_exactly(stream, data_size)
    arrays, offset = {}, 0
    for name, dtype, shape in header.pop("arrays"):
        if dtype not in _DTYPES:
            raise ValueError(f"array {name}: dtype {dtype} is not allowed")
        count = int(np.prod(shape, dtype=np.int64))
        size = count * np.dtype(dtype).itemsize
        if offset + size > len(data):
            raise ValueError(f"array {name} runs past the end of the message")
        arrays[name] = np.frombuffer(data, dtype, count, offset).reshape(shape)
        offset += size
    return header, arrays


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise ValueError(f"the message was cut off ({len(data)} of {size} bytes)")
    return data


def fast_forward(stepper: Stepper, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> int:
    """Take a ``trained`` message into ``stepper`` (``Stepper.fast_forward``); the iterations it added."""
    done = header["iteration"] - stepper.iteration
    if done > 0:
        frames = list(zip(header["frames"], arrays.get("frames", ()), strict=True))
        stepper.fast_forward(
            header["iteration"], arrays["theta"], header["rows_from"], arrays["rows"], frames, arrays.get("caches")
        )
    return max(done, 0)


def load_messages(gen: int, token: int, settings: ModelSettings, dataset: Dataset, stepper: Stepper) -> list[Message]:
    """The ``data`` (as ``token``) and ``load`` commands that give the child this run as job ``gen``;
    the stepper's cursor must be at an iteration's start."""
    d = dataset
    data = {"X": d.X, "Y": d.Y, **({"X_test": d.X_test, "Y_test": d.Y_test} if d.m_test else {})}
    meta, arrays = stepper.export_state()
    del arrays["records"]  # the child needs only how many there are (meta's furthest)
    load = {
        "kind": "load", "gen": gen, "data": token, "settings": settings.to_dict(), "state": meta,
        "spacing": stepper.keyframes.spacing,
    }
    return [({"kind": "data", "gen": gen, "token": token}, data), (load, arrays)]


# ================================================================== the child
class Trainer:
    """The child's state: the run it trains, how far it may go, and what the parent's keyframes want."""

    def __init__(self, out: IO[bytes], clock: Any = time.perf_counter) -> None:
        self.out = out
        self.clock = clock
        self.stepper: Stepper | None = None
        self.data: tuple[int, dict[str, np.ndarray]] = (-1, {})  # (token, arrays) of the data set
        self.gen = -1
        self.until = 0
        self.spacing = 1
        self.iteration_seconds = 1e-3

    @property
    def busy(self) -> bool:
        s = self.stepper
        return s is not None and s.report is None and s.iteration < self.until

    def handle(self, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        kind, gen = header["kind"], header["gen"]
        if kind == "data":
            self.data = (header["token"], arrays)
        elif kind == "load":
            self.gen, self.stepper = gen, None
            try:
                self.stepper = self._build(header, arrays)
            except (ValueError, KeyError, TypeError) as exc:
                write_message(self.out, {"kind": "error", "gen": gen, "message": f"{type(exc).__name__}: {exc}"})
                return
            self.until, self.spacing = self.stepper.iteration, int(header["spacing"])
        elif gen == self.gen and kind == "grant":
            self.until = max(self.until, int(header["until"]))
        elif gen == self.gen and kind == "stop":
            self.stepper = None

    def _build(self, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> Stepper:
        token, data = self.data
        if header["data"] != token:
            raise ValueError(f"load asks for data set {header['data']}, the worker holds {token}")
        stepper = stepper_on(
            ModelSettings.from_dict(header["settings"]), data["X"], data["Y"], data.get("X_test"), data.get("Y_test")
        )
        state = header["state"]
        blank_records = np.zeros((int(state["furthest"]), stepper.records.width))
        stepper.import_state(state, {**arrays, "records": blank_records})
        blas.use_threads(stepper.net.layer_dims, stepper.net.m)  # the window's count: the same bits
        return stepper

    def train_chunk(self) -> None:
        """Train towards ``until`` for about CHUNK_SECONDS and report it (stopping at a divergence)."""
        s = self.stepper
        assert s is not None
        start_iteration, rows_from = s.iteration, s.furthest
        frames: dict[int, np.ndarray] = {}
        start = self.clock()
        while self.busy:
            t = s.iteration
            # pieces end on the keyframe spacing's multiples, where the parent may want θ
            affordable = max(1, int(CHUNK_SECONDS / self.iteration_seconds))
            n = min(self.until - t, self.spacing - t % self.spacing, affordable)
            s.run(n)
            if s.iteration % self.spacing == 0 and s.iteration > t:
                frames[s.iteration] = s.net.theta.copy()
            if self.clock() - start >= CHUNK_SECONDS:
                break
        seconds = self.clock() - start
        done = s.iteration - start_iteration
        if done:
            self.iteration_seconds = seconds / done
        header = {
            "kind": "trained", "gen": self.gen, "iteration": s.iteration, "rows_from": rows_from,
            "frames": list(frames), "diverged": s.report is not None, "seconds": seconds,
        }
        arrays = {"theta": s.net.theta, "rows": s.records.values()[rows_from : s.furthest]}
        if frames:
            arrays["frames"] = np.stack(list(frames.values()))
        if s.report is None and s.net.caches_size <= CACHES_LIMIT:
            arrays["caches"] = s.net.export_caches()
        write_message(self.out, header, arrays)
        if s.report is not None:
            self.stepper = None  # the parent repeats the diverging iteration itself, to report it


def main() -> None:
    """The child's loop: commands arrive on stdin (read on a thread, so training can look for them)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr, never into the pipe
    commands: queue.Queue[Message | None] = queue.Queue()

    def read() -> None:
        try:
            while (message := read_message(sys.stdin.buffer)) is not None:
                commands.put(message)
        finally:
            commands.put(None)

    threading.Thread(target=read, daemon=True).start()
    trainer = Trainer(out)
    write_message(out, {"kind": "ready", "gen": -1})
    while True:
        try:
            message = commands.get(block=not trainer.busy)
        except queue.Empty:
            trainer.train_chunk()
            continue
        if message is None:
            return
        trainer.handle(*message)


# ================================================================== the parent's end
# Room in the pipe from the child for a few frames of chunks. The window's thread holds the GIL while
# it paints, so the thread that empties the pipe waits for it; with the usual 64 KB (two chunks and
# their caches) the child then waited for room: it trained 77–92 % of the time instead of 95 % when the
# parent thread kept busy.
PIPE_BYTES = 1 << 20


def _widen_pipe(stream: IO[bytes]) -> None:
    """Ask for PIPE_BYTES of buffer in ``stream``'s pipe where the system lets a process set it (Linux)."""
    try:
        import fcntl
    except ImportError:  # Windows: the default stays
        return
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):  # over the system's limit (/proc/sys/fs/pipe-max-size): as it was
            fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


class Worker:
    """The child process seen from the window: send commands (written on a thread), collect its messages (read
    on another).

    Writing waits for the child to read: a data set of 10,000 examples of 784 features is 60 MB, which held
    the window's thread for ~0.4 s when Play handed the run over. Commands keep their order. The arrays of a
    command must not change after ``send`` (``load_messages`` sends copies and the data set, a value).

    ``alive`` turns False when the child has gone (it ended, crashed or could not start); the caller then
    trains in its own process.
    """

    def __init__(self) -> None:
        self.ready = False
        self._data: Dataset | None = None  # the data set the child holds
        self._data_token = 0
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])  # importable even from a checkout not installed
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "backpropviz.engine.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        self._alive = True
        _widen_pipe(self._process.stdout)
        self._outbox: queue.Queue[Message | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._writer.start()

    def _read(self) -> None:
        try:
            while (message := read_message(self._process.stdout)) is not None:
                self._inbox.put(message)
        except (OSError, ValueError):
            pass
        finally:
            self._inbox.put(None)

    def _write(self) -> None:
        """Write the queued commands in order; at the end of the queue, close the child's input (it then ends)."""
        stdin = self._process.stdin
        try:
            while (message := self._outbox.get()) is not None:
                write_message(stdin, *message)
            stdin.close()
        except (OSError, ValueError):
            self._alive = False

    @property
    def alive(self) -> bool:
        return self._alive

    def send(self, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray] | None = None) -> bool:
        """Queue a command; False if the child is known to be gone (a failure to write it makes ``alive`` False)."""
        if self._alive:
            self._outbox.put((dict(header), dict(arrays or {})))
        return self._alive

    def load(self, gen: int, settings: ModelSettings, dataset: Dataset, stepper: Stepper) -> bool:
        """Hand the run over as job ``gen``; the data set goes only if the child does not hold it yet (a
        Dataset is a value: the same object, the same points). False if the child is gone."""
        fresh = dataset is not self._data
        if fresh:
            self._data_token += 1
        data, load = load_messages(gen, self._data_token, settings, dataset, stepper)
        if fresh and not self.send(*data):
            return False
        self._data = dataset
        return self.send(*load)

    def messages(self, wait: float = 0.0) -> list[Message]:
        """Every message that has arrived since the last call (``ready`` is taken here); ``wait`` seconds
        at most for the first one when none has."""
        arrived = []
        while True:
            try:
                message = self._inbox.get(timeout=wait) if wait > 0 else self._inbox.get_nowait()
            except queue.Empty:
                return arrived
            wait = 0.0
            if message is None:
                self._alive = False
            elif message[0]["kind"] == "ready":
                self.ready = True
            else:
                arrived.append(message)

    def close(self) -> None:
        """End the child (it leaves at the end of its input) and wait for it; commands not yet written are dropped."""
        self._alive = False
        with contextlib.suppress(queue.Empty):
            while True:
                self._outbox.get_nowait()
        self._outbox.put(None)  # the writer closes the child's input after the command it is writing
        if not self._writer.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._process.kill()  # a child that does not read: the writer's write fails, the writer ends
            self._process.wait()
        self._writer.join(timeout=2)
        self._process.stdout.close()


if __name__ == "__main__":
    main()
