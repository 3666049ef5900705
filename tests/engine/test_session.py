"""Sessions (.bpv): exact round trips, a corpus of bad files each refused with its own message, atomic saves."""

import base64
import io
import json
import os
import stat
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from crafted_files import (
    changed,
    end_record_at,
    npy_claiming,
    pack,
    set_in,
    unpack,
    with_npz_member,
    zip64_locator_at,
)
from stepper_state import assert_same, snapshot

from backpropviz.engine import session as session_module
from backpropviz.engine.csv_import import load_example
from backpropviz.engine.datasets import add_point
from backpropviz.engine.model import HiddenLayer, ModelSettings, build_dataset, build_stepper
from backpropviz.engine.session import (
    MAX_ELEMENTS,
    SCHEMA,
    Session,
    SessionError,
    load_session,
    save_session,
)

# ------------------------------------------------------------------------------------------- helpers


def assert_same_dataset(a, b):
    for name in ("X", "Y", "X_test", "Y_test", "X_all", "Y_all"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
        assert getattr(a, name).shape == getattr(b, name).shape, name
    for name in ("mean", "std"):
        if getattr(a, name) is None:
            assert getattr(b, name) is None
        else:
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
    for name in ("name", "source", "label_names", "feature_names", "test_share", "split_seed", "standardized"):
        assert getattr(a, name) == getattr(b, name), name


def exercised_stepper(settings, dataset):
    """A stepper with a history worth saving: iterations, a hand edit, a changed α, and a half-done iteration."""
    stepper = build_stepper(settings, dataset)
    stepper.run(25)
    stepper.set_parameter("W1", (1, 0), 0.25)
    stepper.run(12)
    stepper.set_learning_rate(settings.learning_rate / 2)
    stepper.run(6)
    for _ in range(stepper.L + 2):  # forward through the cost and into the backward pass
        stepper.step()
    return stepper


def assert_round_trip(tmp_path, settings, dataset, *, generated):
    stepper = exercised_stepper(settings, dataset)
    before = snapshot(stepper, history=True)
    path = tmp_path / "run.bpv"
    saved = save_session(path, settings, dataset, stepper, title="Title", description="About this run")
    assert snapshot(stepper, history=True).keys() == before.keys()
    assert_same(snapshot(stepper, history=True), before)  # saving changes nothing

    loaded = load_session(path)
    assert loaded.dataset_generated is generated and saved.dataset_generated is generated
    assert (loaded.title, loaded.description) == ("Title", "About this run")
    assert loaded.settings == settings
    assert loaded.state == saved.state
    assert (loaded.iteration, loaded.position) == (stepper.iteration, stepper.position)
    with zipfile.ZipFile(path) as archive, np.load(io.BytesIO(archive.read("arrays.npz"))) as npz:
        # generated points are regenerated from the settings; anything else is stored
        assert ("X_all" in npz.files) is not generated

    settings2, dataset2, stepper2 = loaded.build()
    assert settings2 == settings
    assert_same_dataset(dataset2, dataset)
    assert_same(snapshot(stepper2, history=True), before)

    # the same next micro-step
    assert stepper.step() and stepper2.step()
    assert_same(snapshot(stepper2, history=True), snapshot(stepper, history=True))
    # continuing 10 iterations matches the original continued
    stepper.run(10)
    stepper2.run(10)
    assert_same(snapshot(stepper2, history=True), snapshot(stepper, history=True))
    # the replayed past (keyframes, events) matches too
    stepper.goto(26, 3)
    stepper2.goto(26, 3)
    assert_same(snapshot(stepper2, history=True), snapshot(stepper, history=True))
    return loaded


# --------------------------------------------------------------------------------------- round trips


def test_round_trip_of_a_generated_toy_set_is_bit_identical(tmp_path):
    settings = ModelSettings(
        dataset="moons", samples=120, noise=0.3, data_seed=4, test_share=0.25, split_seed=7,
        hidden=(HiddenLayer(5, "relu"), HiddenLayer(3, "tanh")), init="he", seed=11, learning_rate=0.3,
    )
    assert_round_trip(tmp_path, settings, build_dataset(settings), generated=True)


def test_round_trip_of_the_course_flower_in_float32(tmp_path):
    settings = ModelSettings(dtype="float32")
    assert_round_trip(tmp_path, settings, build_dataset(settings), generated=True)


def test_round_trip_of_a_standardized_csv_with_a_test_split(tmp_path):
    dataset = load_example("iris_versicolor_virginica.csv").resplit(test_share=0.25, seed=5, standardize=True)
    assert dataset.standardized and dataset.m_test > 0
    settings = ModelSettings(
        test_share=0.25, split_seed=5, standardize=True, hidden=(HiddenLayer(3, "tanh"),), learning_rate=0.5,
    )
    loaded = assert_round_trip(tmp_path, settings, dataset, generated=False)
    assert loaded.dataset.label_names == dataset.label_names
    assert loaded.dataset.source == "example iris_versicolor_virginica.csv"


def test_round_trip_of_hand_edited_points(tmp_path):
    settings = ModelSettings(dataset="xor", samples=60, test_share=0.2)
    dataset = build_dataset(settings)
    X, Y = add_point(dataset.X_all, dataset.Y_all, 0.5, -0.5, 0)
    X, Y = add_point(X, Y, -0.9, 0.1, 1)
    edited = dataset.with_points(X, Y)
    loaded = assert_round_trip(tmp_path, settings, edited, generated=False)
    assert loaded.dataset.X_all.shape == (2, 62)


def test_round_trip_after_going_back_in_time_keeps_the_redo_future(tmp_path):
    settings = ModelSettings(dataset="gaussians", hidden=(HiddenLayer(2, "sigmoid"),), learning_rate=0.8)
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(30)
    stepper.set_planted_bug(1)
    stepper.run(10)
    stepper.goto(12, 4)
    save_session(tmp_path / "run.bpv", settings, dataset, stepper)
    session = load_session(tmp_path / "run.bpv")
    assert (session.iteration, session.position, session.state["furthest"]) == (12, 4, 40)
    _, _, loaded = session.build()
    assert_same(snapshot(loaded, history=True), snapshot(stepper, history=True))
    for target in ((35, 2), (31, 0), (3, 5)):
        stepper.goto(*target)
        loaded.goto(*target)
        assert_same(snapshot(loaded, history=True), snapshot(stepper, history=True))


def test_a_fresh_run_and_a_run_at_a_micro_step_of_iteration_0(tmp_path):
    settings = ModelSettings(dataset="circles", hidden=(HiddenLayer(3, "leaky_relu"),), init="xavier")
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    save_session(tmp_path / "fresh.bpv", settings, dataset, stepper)
    stepper.step()
    save_session(tmp_path / "step.bpv", settings, dataset, stepper)
    _, _, fresh = load_session(tmp_path / "fresh.bpv").build()
    assert (fresh.iteration, fresh.position, fresh.furthest) == (0, 0, 0)
    _, _, stepped = load_session(tmp_path / "step.bpv").build()
    assert_same(snapshot(stepped, history=True), snapshot(stepper, history=True))


def test_back_over_a_loaded_event(tmp_path):
    """Undoing an event right after loading takes it back (the saved file keeps no older future)."""
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(5)
    stepper.step()
    stepper.set_learning_rate(0.6)
    save_session(tmp_path / "run.bpv", settings, dataset, stepper)
    _, _, loaded = load_session(tmp_path / "run.bpv").build()
    assert loaded.back() and stepper.back()
    assert loaded.learning_rate == 1.2 and loaded.events == []
    assert (loaded.iteration, loaded.position) == (stepper.iteration, stepper.position)
    assert loaded.net.theta.tobytes() == stepper.net.theta.tobytes()


def test_a_preset_can_be_loaded_from_bytes_and_built_twice(tmp_path):
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(3)
    save_session(tmp_path / "preset.bpv", settings, dataset, stepper, title="Week 3", description="Planar data")
    session = load_session((tmp_path / "preset.bpv").read_bytes())
    assert session.title == "Week 3"
    _, _, a = session.build()
    _, _, b = session.build()
    a.run(5)  # two builds are independent runs
    assert b.iteration == 3 and a.iteration == 8
    assert not session.arrays["theta_start"].flags.writeable


def test_save_refuses_parts_that_do_not_belong_together(tmp_path):
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(ModelSettings(hidden=(HiddenLayer(5, "tanh"),)), dataset)
    with pytest.raises(SessionError, match="does not match the settings"):
        save_session(tmp_path / "run.bpv", settings, dataset, stepper)
    other = build_dataset(ModelSettings(dataset="moons"))
    with pytest.raises(SessionError, match="not training on this data set"):
        save_session(tmp_path / "run.bpv", settings, other, build_stepper(settings, dataset))
    assert list(tmp_path.iterdir()) == []


def test_save_refuses_what_load_would_refuse(tmp_path, monkeypatch):
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(50)
    monkeypatch.setattr(session_module, "MAX_ELEMENTS", 100)
    with pytest.raises(SessionError, match="a session may hold at most 100 numbers"):
        save_session(tmp_path / "run.bpv", settings, dataset, stepper)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------ bad files
# Each is made from a good session by a small change, so every other part of it is valid and the
# error seen is the one the case is about.


@pytest.fixture(scope="module")
def good_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sessions")
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = exercised_stepper(settings, dataset)
    save_session(folder / "generated.bpv", settings, dataset, stepper)
    edited = dataset.with_points(*add_point(dataset.X_all, dataset.Y_all, 0.0, 0.0, 1))
    stepper = build_stepper(settings, edited)
    stepper.run(4)
    save_session(folder / "points.bpv", settings, edited, stepper)
    return {"generated": (folder / "generated.bpv").read_bytes(), "points": (folder / "points.bpv").read_bytes()}


def claim_size(data, member, size):
    """The zip with ``member``'s uncompressed size in the central directory replaced by ``size``."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]).decode() == member:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"no member {member}")


def many_members(data, count, zip64=False):
    """The zip with ``count`` empty members added; with ``zip64`` the count goes in a ZIP64 end record."""
    out = io.BytesIO(data)
    limit = zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP_FILECOUNT_LIMIT = 1 if zip64 else limit  # zipfile writes ZIP64 records beyond this count
    try:
        with zipfile.ZipFile(out, "a") as archive:
            for i in range(count):
                archive.writestr(f"padding/{i}", b"")
    finally:
        zipfile.ZIP_FILECOUNT_LIMIT = limit
    data = out.getvalue()
    assert (b"PK\x06\x06" in data[-200:]) is zip64
    return data


def big_network_on_many_points(document):
    """Within every single limit (100,000 points, 6 × 1,024 units), but not in memory together."""
    document["settings"]["samples"] = 100_000
    document["settings"]["hidden"] = [{"units": 1024, "activation": "tanh"}] * 6


def zip64_record_claiming(data, directory_bytes):
    """The zip with a ZIP64 record and locator before its end record; the record claims ``directory_bytes``
    of directory while the locator points elsewhere (at the file's first byte): zipfile reads the record
    just before the locator, and so must the check."""
    at = end_record_at(data)
    record = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, 2, 2, directory_bytes, 0)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 0, 1)
    return data[:at] + record + locator + data[at:]


def drop(name):
    return lambda arrays: arrays.pop(name)


def put(name, value):
    def edit(arrays):
        arrays[name] = value(arrays[name]) if callable(value) else value
    return edit


def nan_at_start(theta):
    theta = theta.copy()
    theta[0] = np.nan
    return theta


def inf_at_first(X):
    X = X.copy()
    X[0, 0] = np.inf
    return X


def bad_crc(data):
    """Flip one byte of session.json's compressed data: zipfile notices on reading."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("session.json")
    data = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0xFF
    return bytes(data)


def npz_of_inner_bomb(data):
    document, arrays = unpack(data)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return pack(document, npz_bytes=claim_size(buffer.getvalue(), "records.npy", 0xFFFF_FFF0))


BAD_FILES = {
    # name: (make(good_files) -> bytes, fragment of the message)
    "not a zip": (lambda g: b"backpropviz is great\n" * 20, "not a zip archive"),
    "empty file": (lambda g: b"", "not a zip archive"),
    "truncated zip": (lambda g: g["generated"][: len(g["generated"]) // 2], "truncated zip archive"),
    "damaged member": (lambda g: bad_crc(g["generated"]), "the session file is damaged"),
    "missing session.json": (lambda g: pack(npz_bytes=b"PK"), "session.json is missing"),
    "missing arrays.npz": (lambda g: pack(unpack(g["generated"])[0]), "arrays.npz is missing"),
    "invalid JSON": (lambda g: pack(json_bytes=b'{"schema": 1,', npz_bytes=b""), "session.json is not valid JSON"),
    "JSON NaN": (
        lambda g: pack(json_bytes=b'{"app": "backpropviz", "schema": NaN}', npz_bytes=b""),
        "NaN is not allowed",
    ),
    "not UTF-8": (lambda g: pack(json_bytes=b'{"app": "\xff"}', npz_bytes=b""), "not UTF-8"),
    "JSON list": (lambda g: pack(json_bytes=b"[1, 2]", npz_bytes=b""), "must hold a JSON object"),
    "another app": (
        lambda g: changed(g["generated"], set_in(["app"], "otherviz")),
        'not a backpropviz session file (session.json says app "otherviz")',
    ),
    "newer schema": (
        lambda g: changed(g["generated"], set_in(["schema"], 2)),
        "this session was saved by a newer backpropviz (schema 2); this version reads schema 1",
    ),
    "schema as text": (lambda g: changed(g["generated"], set_in(["schema"], "1")), "schema must be a whole number"),
    "iteration as text": (
        lambda g: changed(g["generated"], set_in(["stepper", "iteration"], "ten")),
        'stepper.iteration must be a whole number, got "ten"',
    ),
    "iteration as a float": (
        lambda g: changed(g["generated"], set_in(["stepper", "iteration"], 10.5)),
        "stepper.iteration must be a whole number, got 10.5",
    ),
    "iteration beyond the history": (
        lambda g: changed(g["generated"], set_in(["stepper", "iteration"], 10**6)),
        "stepper.iteration must be from 0 to 43",
    ),
    "position beyond the iteration": (
        lambda g: changed(g["generated"], set_in(["stepper", "position"], 6)),
        "stepper.position must be from 0 to 5",
    ),
    "hidden not a list": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden"], 4)),
        "settings.hidden must be a list of layers, got 4",
    ),
    "units as text": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden", 0, "units"], "4")),
        "settings.hidden[0].units must be a whole number",
    ),
    "learning rate as text": (
        lambda g: changed(g["generated"], set_in(["settings", "learning_rate"], "fast")),
        "learning_rate has the wrong type (str)",
    ),
    "unknown setting": (
        lambda g: changed(g["generated"], set_in(["settings", "momentum"], 0.9)),
        "unknown settings: momentum",
    ),
    "settings missing": (lambda g: changed(g["generated"], lambda d: d.pop("settings")), "settings is missing"),
    "title not text": (lambda g: changed(g["generated"], set_in(["title"], 3)), "title must be text"),
    "unknown activation": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden", 0, "activation"], "swish")),
        "'swish' is not an activation (relu, leaky_relu, tanh, sigmoid, linear)",
    ),
    "unknown init": (
        lambda g: changed(g["generated"], set_in(["settings", "init"], "orthogonal")),
        "'orthogonal' is not an initialisation (zeros, scaled_normal, xavier, he)",
    ),
    "unknown toy set": (
        lambda g: changed(g["generated"], set_in(["settings", "dataset"], "swirl")),
        "'swirl' is not a toy data set",
    ),
    "negative seed": (lambda g: changed(g["generated"], set_in(["settings", "seed"], -1)), "settings.seed must be"),
    "unknown event": (
        lambda g: changed(g["generated"], set_in(["stepper", "events", 0, "kind"], "teleport")),
        "stepper.events[0].kind 'teleport' is not an event kind",
    ),
    "edit outside W": (
        lambda g: changed(g["generated"], set_in(["stepper", "events", 0, "data", "index"], [9, 0])),
        "stepper.events[0].data.index must be from 0 to 3, got 9",
    ),
    "events out of order": (
        lambda g: changed(g["generated"], set_in(["stepper", "events", 1, "iteration"], 3)),
        "stepper.events[1] is at iteration 3, before the event ahead of it (25)",
    ),
    "object array": (
        lambda g: changed(g["generated"], edit_arrays=put("theta_start", np.array([1.0, "x", None], dtype=object))),
        "'theta_start' is an array of Python objects",
    ),
    "integer array": (
        lambda g: changed(g["generated"], edit_arrays=put("theta_initial", lambda t: t.astype(np.int64))),
        "'theta_initial' holds int64 values",
    ),
    "missing array": (lambda g: changed(g["generated"], edit_arrays=drop("records")), "has no array 'records'"),
    "missing points": (lambda g: changed(g["points"], edit_arrays=drop("X_all")), "has no array 'X_all'"),
    "theta of the wrong shape": (
        lambda g: changed(g["generated"], edit_arrays=put("theta_start", lambda t: t[:-1])),
        "theta_start has shape (16,), expected (17,): the network 2-4-1 has 17 parameters",
    ),
    "records of the wrong length": (
        lambda g: changed(g["generated"], edit_arrays=put("records", lambda r: r[:-1])),
        "records has shape (42, 6), expected (43, 6): 43 recorded iterations of 6 values",
    ),
    "NaN parameters": (
        lambda g: changed(g["generated"], edit_arrays=put("theta_start", nan_at_start)),
        "theta_start holds 1 NaN or infinite value; parameters must be finite",
    ),
    "10⁹-element shape in an .npy header": (
        lambda g: with_npz_member(g["generated"], "records", npy_claiming((10**9, 5))),
        "'records' claims shape (1000000000, 5), 5,000,000,000 numbers",
    ),
    "damaged .npy header": (
        lambda g: with_npz_member(g["generated"], "records", b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8',"),
        "the header of 'records' is damaged",
    ),
    "cut-off array data": (
        lambda g: with_npz_member(g["generated"], "records", npy_claiming((43, 6))),
        "'records' is damaged",
    ),
    "10⁹ iterations claimed in the JSON": (
        lambda g: changed(g["generated"], set_in(["stepper", "furthest"], 10**9)),
        "claims 1,000,000,000 recorded iterations",
    ),
    "10⁹ hidden units claimed in the JSON": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden", 0, "units"], 10**9)),
        "settings.hidden: hidden layer 1 has 1,000,000,000 units, more than the 1,024 the window can show",
    ),
    "a network too big for memory": (
        lambda g: changed(g["generated"], big_network_on_many_points),
        "would need 2,458,400,000 numbers of working memory, more than the 100,000,000 allowed",
    ),
    "2,000 hidden layers": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden"], [{"units": 1, "activation": "relu"}] * 2000)),
        "settings.hidden: 2,000 hidden layers, more than the 6 the window can show",
    ),
    "7 hidden layers": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden"], [{"units": 1, "activation": "relu"}] * 7)),
        "settings.hidden: 7 hidden layers, more than the 6 the window can show",
    ),
    "1,025 hidden units": (
        lambda g: changed(g["generated"], set_in(["settings", "hidden", 0, "units"], 1025)),
        "settings.hidden: hidden layer 1 has 1,025 units, more than the 1,024",
    ),
    "a learning rate too small to move the weights": (
        lambda g: changed(g["generated"], set_in(["settings", "learning_rate"], 1e-300)),
        "settings.learning_rate 1e-300 is below the smallest allowed, 1e-12",
    ),
    "a first learning rate too small": (
        lambda g: changed(g["generated"], set_in(["stepper", "initial_learning_rate"], 1e-13)),
        "stepper.initial_learning_rate 1e-13 is below the smallest allowed",
    ),
    "a changed learning rate too small": (
        lambda g: changed(g["generated"], set_in(["stepper", "events", 1, "data", "value"], 1e-300)),
        "stepper.events[1].data.value 1e-300 is below the smallest allowed",
    ),
    "a ZIP64 locator pointing near 2**64": (
        lambda g: zip64_locator_at(g["generated"], 2**64 - 10),
        "its ZIP64 locator points to byte 18,446,744,073,709,551,606",
    ),
    "a ZIP64 record before the locator claiming a huge directory": (
        lambda g: zip64_record_claiming(g["generated"], 1 << 40),
        "members in a 1,099,511,627,776-byte directory",
    ),
    "a directory of 1,000 members": (
        lambda g: many_members(g["generated"], 1000),
        "the session file lists 1,002 members",
    ),
    "a ZIP64 directory of 1,000 members": (
        lambda g: many_members(g["generated"], 1000, zip64=True),
        "the session file lists 1,002 members",
    ),
    "zip bomb (session.json)": (
        lambda g: claim_size(g["generated"], "session.json", 0xFFFF_FFF0),
        "session.json would unpack to 4,294,967,280 bytes",
    ),
    "zip bomb (arrays.npz)": (
        lambda g: claim_size(g["generated"], "arrays.npz", 0xFFFF_FFF0),
        "refusing to unpack it",
    ),
    "zip bomb (inside arrays.npz)": (
        lambda g: npz_of_inner_bomb(g["generated"]),
        "records.npy would unpack to 4,294,967,280 bytes",
    ),
    "NaN point": (
        lambda g: changed(g["points"], edit_arrays=put("X_all", inf_at_first)),
        "X_all holds 1 NaN or infinite value; points must have finite coordinates",
    ),
    "label 2": (
        lambda g: changed(g["points"], edit_arrays=put("Y_all", lambda Y: np.where(Y == 1, 2.0, Y))),
        "Y_all must hold only the labels 0 and 1",
    ),
    "points of the wrong shape": (
        lambda g: changed(g["points"], edit_arrays=put("Y_all", lambda Y: Y[:, :-1])),
        "Y_all has shape (1, 400), but X_all has 401 points",
    ),
    "too few feature names": (
        lambda g: changed(g["points"], set_in(["dataset", "feature_names"], ["x1"])),
        "dataset.feature_names has 1 names for 2 features",
    ),
    "split leaving no training set": (
        lambda g: changed(g["points"], set_in(["dataset", "test_share"], 1.0)),
        "dataset.test_share must be a finite number in [0, 1)",
    ),
    "a generator that changed": (
        lambda g: changed(g["generated"], set_in(["dataset", "points_sha256"], "0" * 64)),
        "no longer comes out as it did when this session was saved",
    ),
}


@pytest.fixture(scope="module")
def current(good_files):
    """A session loaded and built earlier: the run a failed load must leave alone."""
    session = load_session(good_files["generated"])
    _, _, stepper = session.build()
    return session, stepper


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_session_files_are_refused_with_their_own_message(case, good_files, current, tmp_path):
    make, fragment = BAD_FILES[case]
    path = tmp_path / "bad.bpv"
    path.write_bytes(make(good_files))
    session, stepper = current
    state_before, arrays_before = json.dumps(session.state), {k: a.copy() for k, a in session.arrays.items()}
    stepper_before = snapshot(stepper, history=True)

    with pytest.raises(SessionError) as error:
        load_session(path)

    assert fragment in str(error.value)
    assert "\n" not in str(error.value)  # one line, for a dialog or a terminal
    assert json.dumps(session.state) == state_before
    for name, array in arrays_before.items():
        assert session.arrays[name].tobytes() == array.tobytes()
    assert_same(snapshot(stepper, history=True), stepper_before)


def test_every_bad_file_has_a_message_of_its_own(good_files):
    messages = {}
    for case, (make, _) in BAD_FILES.items():
        with pytest.raises(SessionError) as error:
            load_session(make(good_files))
        messages.setdefault(str(error.value), []).append(case)
    shared = sorted(cases for cases in messages.values() if len(cases) > 1)
    # the same problem twice over: no zip at all, and one count read from either end record
    assert shared == [
        ["a directory of 1,000 members", "a ZIP64 directory of 1,000 members"], ["not a zip", "empty file"]
    ]


def test_the_good_files_of_the_corpus_load(good_files):
    for data in good_files.values():
        load_session(data).build()


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SessionError, match="file not found"):
        load_session(tmp_path / "nope.bpv")
    with pytest.raises(SessionError, match="is a folder"):
        load_session(tmp_path)


def test_a_file_larger_than_any_session_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.bpv"
    with path.open("wb") as stream:
        stream.truncate(session_module.MAX_FILE_BYTES + 1)  # sparse: no disk space taken
    with pytest.raises(SessionError, match=r"huge\.bpv is [\d,]+ bytes, more than a session can be"):
        load_session(path)


def npz_bytes(arrays, extra=()):
    """arrays.npz as np.savez writes it, with ``extra`` (name, bytes) members added."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    with zipfile.ZipFile(buffer, "a") as npz:
        for name, data in extra:
            npz.writestr(name, data)
    return buffer.getvalue()


def test_an_npz_that_is_an_npy_followed_by_a_zip_is_read_as_the_zip(good_files):
    """np.load would see the .npy at the start and read one array; the loader reads the members checked."""
    document, arrays = unpack(good_files["generated"])
    decoy = io.BytesIO()
    np.save(decoy, np.arange(7.0))
    loaded = load_session(pack(document, npz_bytes=decoy.getvalue() + npz_bytes(arrays)))
    for name, array in loaded.arrays.items():
        assert array.tobytes() == arrays[name].tobytes(), name


def test_only_the_member_checked_is_read_when_two_names_match(good_files):
    """``theta_initial`` beside ``theta_initial.npy``: np.load's lookup would pick the wrong one."""
    document, arrays = unpack(good_files["generated"])
    pickled = io.BytesIO()
    np.save(pickled, np.array([None], dtype=object), allow_pickle=True)
    extra = [("theta_initial", pickled.getvalue()), ("records", npy_claiming((10**12,)))]
    loaded = load_session(pack(document, npz_bytes=npz_bytes(arrays, extra)))
    assert loaded.arrays["theta_initial"].tobytes() == arrays["theta_initial"].tobytes()
    loaded.build()


def test_big_endian_and_fortran_ordered_arrays_read_as_written(good_files):
    document, arrays = unpack(good_files["generated"])
    odd = {name: a.astype(a.dtype.newbyteorder(">")) for name, a in arrays.items()}
    odd["records"] = np.asfortranarray(odd["records"])
    loaded = load_session(pack(document, odd))
    for name, array in loaded.arrays.items():
        assert array.dtype.isnative and not array.flags.writeable
        np.testing.assert_array_equal(array, arrays[name])
    loaded.build()


def test_loading_a_long_history_holds_it_at_most_twice(good_files):
    """A session of 400,000 recorded iterations: reading and building it keep ≤ 2 copies of the records."""
    furthest = 400_000
    document, arrays = unpack(good_files["generated"])
    document["stepper"].update(iteration=0, position=0, furthest=furthest)
    arrays["records"] = np.random.default_rng(0).random((furthest, arrays["records"].shape[1]))
    data = pack(document, arrays)
    size = arrays["records"].nbytes
    tracemalloc.start()
    try:
        session = load_session(data)
        _, _, stepper = session.build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stepper.furthest == furthest
    assert peak <= 2 * size + (4 << 20), f"peak {peak:,} bytes for {size:,} bytes of records"


def test_a_newer_schema_is_named_before_anything_else(good_files):
    """A newer file may differ everywhere; the schema message must win over any type complaint."""
    document, arrays = unpack(good_files["generated"])
    document["schema"] = SCHEMA + 1
    document["stepper"] = "laid out differently"
    with pytest.raises(SessionError, match=r"newer backpropviz \(schema 2\)"):
        load_session(pack(document, arrays))


def test_headers_are_checked_before_any_array_is_read(good_files, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("no array data may be read")

    data = with_npz_member(good_files["generated"], "records", npy_claiming((MAX_ELEMENTS + 1,)))
    monkeypatch.setattr(session_module, "_read_data", no_reading)
    with pytest.raises(SessionError, match="claims shape"):
        load_session(data)


# ------------------------------------------------------------------------------------- atomic saves


@pytest.fixture
def saved_run(tmp_path):
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(5)
    path = tmp_path / "run.bpv"
    save_session(path, settings, dataset, stepper)
    stepper.run(5)
    return path, path.read_bytes(), (settings, dataset, stepper)


@pytest.mark.parametrize("where", ["os.replace", "np.savez", "os.fsync"])
def test_a_crash_mid_save_leaves_the_old_file_and_no_temporary_file(saved_run, monkeypatch, where):
    path, old_bytes, run = saved_run

    def crash(*args, **kwargs):
        if where == "np.savez":  # after writing part of the arrays
            args[0].write(b"\0" * 1000)
        if where == "os.replace":  # the complete new session was there, only the rename failed
            assert zipfile.is_zipfile(args[0]) and load_session(args[0]).iteration == 10
        raise OSError(28, "No space left on device")

    if where == "np.savez":
        monkeypatch.setattr(session_module.np, "savez", crash)
    else:
        monkeypatch.setattr(session_module.os, where.split(".")[1], crash)
    with pytest.raises(OSError, match="No space left"):
        save_session(path, *run)
    monkeypatch.undo()

    assert path.read_bytes() == old_bytes
    assert os.listdir(path.parent) == ["run.bpv"]
    assert load_session(path).iteration == 5


def test_an_interrupted_first_save_leaves_nothing(tmp_path, monkeypatch):
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(session_module.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_session(tmp_path / "new.bpv", settings, dataset, stepper)
    assert os.listdir(tmp_path) == []


def test_saving_over_a_session_replaces_it_and_keeps_its_permissions(saved_run):
    path, _, run = saved_run
    if os.name == "posix":
        path.chmod(0o640)
    save_session(path, *run)
    assert load_session(path).iteration == 10
    assert os.listdir(path.parent) == ["run.bpv"]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_session_capture_and_save_separately(tmp_path):
    settings = ModelSettings(dataset="spiral")
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(2)
    session = Session.capture(settings, dataset, stepper, title="Spiral")
    stepper.run(3)  # the captured session is a copy: later training does not change it
    session.save(tmp_path / "spiral.bpv")
    assert load_session(tmp_path / "spiral.bpv").iteration == 2


# ------------------------------------------------------------------------------- a schema-1 file
# GOLDEN is a session this version wrote (run this file as a script to print it again). Later versions
# must still read it and rebuild exactly this run: a change that breaks it needs a new schema number and
# a migration, not a new GOLDEN. (It lives here, not in tests/data/sessions/, because the CSV corpus tests
# list every entry of tests/data.)


def golden_run():
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(12)
    stepper.set_parameter("W2", (0, 3), -0.5)
    stepper.run(3)
    stepper.set_learning_rate(0.9)
    stepper.step()
    stepper.step()
    return settings, dataset, stepper


def golden_bytes(path):
    save_session(path, *golden_run(), title="Golden flower", description="schema 1 compatibility check")
    return path.read_bytes()


GOLDEN = """
UEsDBBQAAAAIAKV7eF1vc/Ba4gEAADAEAAAMAAAAc2Vzc2lvbi5qc29urVLLjtswDLznKwyfU0N+
Jdn+QD+hh2JhMBK9ESLLgsSkzS7y76VkuZtdYG/NIQmH5JAz1NumKIM84QTl96LecgTO8d/yCPLs
/Oyu+rXM8HBFH/RsY1pUdSVSgjQZjNCP2Si0xWjm3+hTSmGQXjvKPcucoi7kPDkgfdRG061gVJ5T
fUAibV8CF79tCu4HAsZi7zsrl8HkDMYqezEmQXbWAR+B2DoERPUIEgYawgl8LBWVWNgcb7GWZojA
KvBKv8bCEUzAhJ+0YoUM/eIorcjgxWqKu3TbJQZJ+gqrZmY6lTFx56/nxKK5YbEDDKrBzn4Ck5Ut
W7QpMAjesh2DB4p71FWzSKObw+wJ0K5j+nty+59bybwXtBg7IyH5y6LAzdpSiB40/S5y9DuF7YgH
CSCVEIeuHXetFPtxf+iEakH0sm6e2lp1+0Z1KORRyVrWqukU7LFu1+GB0Dk+UB6uKc5ePKj7PDro
jCw6xounE1/kvSQ6o8EMXynHK9rk9aP/H0Y1+QhnbaPuEhV7nbF1geGI47w8gc8ZGClpWBPR0iwp
hhamZPzPJnPykeCWOpoV4MH4Z12RP5mqKNrl93ktvIK5RLZvouoTdE/PZPuVtP6TtI8m/TeN61qi
enrYKj5evvTm/hdQSwMEFAAAAAAApXt4XXpW/RLsBgAA7AYAAAoAAABhcnJheXMubnB6UEsDBC0A
AAAAAAAAIQCl14tQ//////////8RABQAdGhldGFfaW5pdGlhbC5ucHkBABAACAEAAAAAAAAIAQAA
AAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdz
aGFwZSc6ICgxNywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg
ICAgICAgICAgICAgICAgICAKm1DsP8hQkj93RSw1I+FxP40H+1jLnk8/5v+wyAgVk79jMJeSQLlm
v+2KdMTVD22/F2fyyNscS79HmT4glK55vwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
qAf4Bni3PL9iV1pl/otzvwXJw2tv6Iq/pwN8D/gdgj8AAAAAAAAAAFBLAwQtAAAAAAAAACEAYjAs
SP//////////DwAUAHRoZXRhX3N0YXJ0Lm5weQEAEAAIAQAAAAAAAAgBAAAAAAAAk05VTVBZAQB2
AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDE3LCks
IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg
ICAgIAqWrmLqY3KOP15ICCIkP6A/zwVWXqmskT9EiVkBZdzAv7jBcAUHoJC/05QiWNyPuT+Ntj42
6RSev4geGUQbicU/mV7MyPf2Db/bbIW3V24lvwDhqhtv1ai+ykWO7+QRNj9Df/HeaaKev6lMHAqt
+cE/ju0W7HbQur9URsO74OTfvxNjfOO02GI/UEsDBC0AAAAAAAAAIQBfvjYC//////////8LABQA
cmVjb3Jkcy5ucHkBABAAUAMAAAAAAABQAwAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmOCcs
ICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxNSwgNiksIH0gICAgICAgICAgICAg
ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAK6bRMbGIu5j8pXI/C
9SjgPwAAAAAAAPh/AAAAAAAA+H/7bNKrON1qP2TNrr1IOHA/ZN6hrSEu5j8pXI/C9SjgPwAAAAAA
APh/AAAAAAAA+H9JFAuiLDBqPxv/QsDClm8/LtD7sOAt5j+amZmZmZndPwAAAAAAAPh/AAAAAAAA
+H+2g/2aNvtsP3k5B/NL2HA/+/9BK5Et5j9xPQrXo3DdPwAAAAAAAPh/AAAAAAAA+H9d4sQ2kkVx
P2rsw3VfMXM/lgZMWCMt5j9xPQrXo3DdPwAAAAAAAPh/AAAAAAAA+H9pG8czTS91P2+G5mFWt3Y/
EWx/6IIs5j9xPQrXo3DdPwAAAAAAAPh/AAAAAAAA+H/eKBxsHCl6P/u1A+u5ZXs/cbvZm5Mr5j+a
mZmZmZndPwAAAAAAAPh/AAAAAAAA+H9g4sE0QiCAP6r1Y0F1p4A/zgj4Qy0q5j+amZmZmZndPwAA
AAAAAPh/AAAAAAAA+H9W8JiuVceDP7zMI/XnSIQ/V0O9TRco5j+amZmZmZndPwAAAAAAAPh/AAAA
AAAA+H9yY+oZ/xKIP9rwn2eMpog/7z+E0AQl5j+amZmZmZndPwAAAAAAAPh/AAAAAAAA+H+RQIoC
Df6MP/qTMUYIx40/W1fO0JMg5j/D9Shcj8LdPwAAAAAAAPh/AAAAAAAA+H9viyqe4DKRP3Cuftjj
zZE/fwAKA1Ua5j8UrkfhehTePwAAAAAAAPh/AAAAAAAA+H/Blb0FcfuTP/yexCfu95Q/PalpT0Bm
5j+kcD0K16PgPwAAAAAAAPh/AAAAAAAA+H/kit1ul2e6PzOCumcIO58/ZOy7Ahb/5T+F61G4HoXf
PwAAAAAAAPh/AAAAAAAA+H9qI3beInC0PwGw4X+fsZU/5tTmIvPK5T/hehSuR+HePwAAAAAAAPh/
AAAAAAAA+H+AMam2L9qkP5vNCAD8b5U/UEsBAi0DLQAAAAAAAAAhAKXXi1AIAQAACAEAABEAAAAA
AAAAAAAAAIABAAAAAHRoZXRhX2luaXRpYWwubnB5UEsBAi0DLQAAAAAAAAAhAGIwLEgIAQAACAEA
AA8AAAAAAAAAAAAAAIABSwEAAHRoZXRhX3N0YXJ0Lm5weVBLAQItAy0AAAAAAAAAIQBfvjYCUAMA
AFADAAALAAAAAAAAAAAAAACAAZQCAAByZWNvcmRzLm5weVBLBQYAAAAAAwADALUAAAAhBgAAAABQ
SwECFAMUAAAACACle3hdb3PwWuIBAAAwBAAADAAAAAAAAAAAAAAApIEAAAAAc2Vzc2lvbi5qc29u
UEsBAhQDFAAAAAAApXt4XXpW/RLsBgAA7AYAAAoAAAAAAAAAAAAAAKSBDAIAAGFycmF5cy5ucHpQ
SwUGAAAAAAIAAgByAAAAIAkAAAAA
"""


def test_a_schema_1_file_still_loads_and_rebuilds_the_same_run():
    session = load_session(base64.b64decode(GOLDEN))
    assert (session.title, session.app_version) == ("Golden flower", "0.1.0")
    _, _, stepper = session.build()
    loaded, fresh = snapshot(stepper, history=True), snapshot(golden_run()[2], history=True)
    # What the file stores comes back bit for bit, whatever machine wrote it.
    assert stepper.net.theta.tobytes() == session.arrays["theta_start"].tobytes()
    assert stepper.records.values().tobytes() == session.arrays["records"].tobytes()
    assert loaded["theta_initial"].tobytes() == session.arrays["theta_initial"].tobytes()
    # The same run computed here: the same history, equal numbers. Only equal to rounding, not bit for bit:
    # the file was written on another CPU, whose BLAS kernels may sum in another order (seen: 4e-17).
    assert loaded.keys() == fresh.keys()
    for key, value in loaded.items():
        if isinstance(value, np.ndarray):
            assert value.shape == fresh[key].shape, key
            np.testing.assert_allclose(value, fresh[key], rtol=1e-12, atol=1e-15, equal_nan=True, err_msg=key)
        elif key == "J" and value is not None:
            assert value == pytest.approx(fresh[key], rel=1e-12), key
        else:
            assert value == fresh[key], key


if __name__ == "__main__":
    import pathlib
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        print(base64.encodebytes(golden_bytes(pathlib.Path(folder) / "golden.bpv")).decode(), end="")
