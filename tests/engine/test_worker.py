"""Play's worker process: its messages, and that what it trains is, bit for bit, what Stepper.run trains."""

import io
import time
from pathlib import Path

import numpy as np
import pytest
from stepper_state import assert_same, assert_same_run, snapshot

from backpropviz.engine.model import HiddenLayer, ModelSettings, build_dataset, build_stepper
from backpropviz.engine.worker import (
    PIPE_BYTES,
    Trainer,
    Worker,
    fast_forward,
    load_messages,
    read_message,
    write_message,
)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None


# ------------------------------------------------------------------------------------------ messages
def test_a_message_carries_its_header_and_arrays_exactly():
    stream = io.BytesIO()
    theta = np.array([1.5, -0.0, np.nan, np.inf, 5e-324])
    rows = np.arange(12, dtype=np.float32).reshape(3, 4)
    write_message(stream, {"kind": "trained", "gen": 7, "frames": [16, 32]}, {"theta": theta, "rows": rows})
    write_message(stream, {"kind": "stop", "gen": 7})
    stream.seek(0)
    header, arrays = read_message(stream)
    assert header == {"kind": "trained", "gen": 7, "frames": [16, 32]}
    assert arrays["theta"].tobytes() == theta.tobytes() and arrays["rows"].dtype == np.float32
    assert arrays["rows"].tobytes() == rows.tobytes() and arrays["rows"].shape == (3, 4)
    assert read_message(stream) == ({"kind": "stop", "gen": 7}, {})
    assert read_message(stream) is None  # the end of the stream


def test_a_cut_off_message_or_a_foreign_dtype_is_refused():
    stream = io.BytesIO()
    write_message(stream, {"kind": "x", "gen": 0}, {"a": np.zeros(10)})
    with pytest.raises(ValueError, match="cut off"):
        read_message(io.BytesIO(stream.getvalue()[:-8]))
    stream = io.BytesIO()
    write_message(stream, {"kind": "x", "gen": 0}, {"a": np.zeros(3, np.int64)})
    with pytest.raises(ValueError, match="not allowed"):
        read_message(io.BytesIO(stream.getvalue()))


# ------------------------------------------------------------------------------------------ the trainer
class Remote:
    """A Trainer driven by hand in this process: the child's loop without the pipe."""

    def __init__(self, settings, dataset, stepper):
        self.out = io.BytesIO()
        self.trainer = Trainer(self.out)
        self.copy = stepper
        for message in load_messages(1, 1, settings, dataset, stepper):
            self.trainer.handle(*message)

    def train_until(self, until: int) -> list[dict]:
        """Grant up to ``until``, train it chunk by chunk and fast-forward the copy; the headers seen."""
        self.trainer.handle({"kind": "grant", "gen": 1, "until": until}, {})
        while self.trainer.busy:
            self.trainer.train_chunk()
        self.out.seek(0)
        headers = []
        while (message := read_message(self.out)) is not None:
            header, arrays = message
            fast_forward(self.copy, header, arrays)
            headers.append(header)
        self.out.seek(0)
        self.out.truncate()
        return headers


def run_pair(settings):
    dataset = build_dataset(settings)
    return dataset, build_stepper(settings, dataset), build_stepper(settings, dataset)


def test_the_worker_trains_exactly_what_run_trains_records_keyframes_and_caches_included():
    settings = ModelSettings(test_share=0.25)
    dataset, here, there = run_pair(settings)
    here.run(2)
    there.run(2)
    remote = Remote(settings, dataset, there)
    headers = remote.train_until(1_000)
    here.run(998)
    assert there.iteration == 1_000 and len(headers) >= 1
    assert_same_run(here, there)
    assert np.isfinite(there.series("test_cost")).all()


def test_replaying_the_past_keeps_its_records_and_applies_the_events_ahead():
    settings = ModelSettings()
    dataset, here, there = run_pair(settings)
    for s in (here, there):
        s.run(40)
        s.set_learning_rate(0.5)  # at iteration 40
        s.run(60)
        s.goto(5)  # back into the past: 40's event lies ahead
    remote = Remote(settings, dataset, there)
    remote.train_until(150)
    here.run(145)
    assert there.learning_rate == 0.5
    assert_same_run(here, there)


def test_a_divergence_stops_the_worker_where_the_window_repeats_the_iteration_and_reports_it():
    settings = ModelSettings(hidden=(HiddenLayer(4, "relu"),), seed=1, learning_rate=10.0)  # the preset's
    dataset, here, there = run_pair(settings)
    remote = Remote(settings, dataset, there)
    headers = remote.train_until(10_000)
    assert headers[-1]["diverged"] and not remote.trainer.busy
    here.run(10_000)
    bad = here.report.iteration
    assert there.iteration == bad and there.report is None
    there.run(1)  # what the controller does with the diverged chunk
    assert there.report == here.report
    assert_same(snapshot(here, history=True), snapshot(there, history=True))


def test_a_grant_or_stop_of_an_older_job_is_ignored_and_stop_ends_the_job():
    settings = ModelSettings()
    dataset, _, there = run_pair(settings)
    remote = Remote(settings, dataset, there)
    remote.trainer.handle({"kind": "grant", "gen": 0, "until": 50}, {})
    assert not remote.trainer.busy  # gen 0 is not the current job
    remote.trainer.handle({"kind": "grant", "gen": 1, "until": 50}, {})
    assert remote.trainer.busy
    remote.trainer.handle({"kind": "stop", "gen": 1}, {})
    assert not remote.trainer.busy and remote.trainer.stepper is None


def test_fast_forward_refuses_what_cannot_belong_to_the_stepper():
    _, here, _ = run_pair(ModelSettings())
    here.run(3)
    before = snapshot(here, history=True)
    theta = here.net.theta.copy()
    with pytest.raises(ValueError, match="parameters"):
        here.fast_forward(5, theta[:-1], 3, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="history ends at 3"):
        here.fast_forward(5, theta, 4, np.zeros((1, 5)))
    with pytest.raises(ValueError, match="cannot fast-forward"):
        here.fast_forward(2, theta, 3, np.zeros((0, 5)))
    here.step()
    with pytest.raises(ValueError, match="step 1"):
        here.fast_forward(5, theta, 3, np.zeros((2, 5)))
    here.back()
    assert_same(before, snapshot(here, history=True))


# ------------------------------------------------------------------------------------------ the process
def test_the_child_process_starts_trains_and_ends_with_its_input():
    settings = ModelSettings()
    dataset, here, there = run_pair(settings)
    worker = Worker()
    try:
        assert worker.load(3, settings, dataset, there)
        assert worker.send({"kind": "grant", "gen": 3, "until": 300})
        deadline = time.monotonic() + 60
        while there.iteration < 300 and time.monotonic() < deadline:
            for header, arrays in worker.messages(wait=1.0):
                fast_forward(there, header, arrays)
        assert worker.ready and there.iteration == 300
        if hasattr(fcntl, "F_GETPIPE_SZ"):  # room for a few frames of chunks (Linux; elsewhere the default)
            limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
            assert fcntl.fcntl(worker._process.stdout.fileno(), fcntl.F_GETPIPE_SZ) >= min(PIPE_BYTES, limit)
        here.run(300)
        assert_same_run(here, there)
        assert worker.load(4, settings, dataset, there) and worker._data_token == 1  # the points went once
        assert worker.load(5, settings, build_dataset(settings), there) and worker._data_token == 2
    finally:
        worker.close()
    assert not worker.alive and worker._process.returncode == 0  # it left at the end of its input
    assert not worker.send({"kind": "stop", "gen": 3})
