"""Sessions: the whole state of a run in one ``.bpv`` file, saved atomically and loaded fully validated.

A session is the ModelSettings, the data set, the stepper's history and cursor (``Stepper.export_state``),
a free-form title and description (presets use them) and the version of backpropviz that wrote it.

File format (schema 1): a zip archive holding

``session.json``
    ``{"schema": 1, "app": "backpropviz", "app_version": "0.1.0", "title": "…", "description": "…",
    "settings": ModelSettings.to_dict(), "dataset": {…}, "stepper": {…}}``.
    ``dataset`` is ``{"generated": true, "points_sha256": "…"}`` when the points are the toy set the
    settings generate (only a fingerprint is kept; loading regenerates them and checks it), else
    ``{"generated": false, "name", "source", "label_names", "feature_names", "test_share", "split_seed",
    "standardized"}`` with the raw points in the arrays below. ``stepper`` is export_state's metadata:
    ``iteration``, ``position``, ``furthest``, ``initial_learning_rate``, ``events``.
``arrays.npz``
    written by ``np.savez``: ``theta_initial``, ``theta_start`` (float, one entry per parameter),
    ``records`` (float, ``(furthest, 4 + L)``), and ``X_all`` (n_x, m), ``Y_all`` (1, m) when the points
    are stored. Only plain float arrays; read back with ``allow_pickle=False``: nothing is ever unpickled.

Loading validates everything — archive, JSON types, array headers and sizes (before any array is read),
values — before anything is built, so an error (a ``SessionError``, which is a ``ValueError``, with a
message meant for the user) leaves the caller's current run untouched. ``Session.build()`` then makes
the network and stepper. Saving writes a temporary file beside the target and renames it over the
target only once it is complete and on disk, so a crash never leaves a half-written session behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import secrets
import stat
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np
from numpy.lib import format as npy_format

from .. import __version__
from .activations import ACTIVATIONS
from .datasets import GENERATORS, Dataset, DatasetError
from .events import EventError, check_event, json_data
from .init import INIT_SCHEMES
from .limits import MAX_FEATURES, MAX_ROWS, check_hidden_count, check_hidden_layers, check_network
from .model import ModelSettings, build_dataset, build_stepper, is_generated
from .network import DTYPES, check_learning_rate
from .reading import open_regular
from .stepper import RECORD_COLUMNS, Stepper
from .steps import micro_steps

SCHEMA = 1
APP = "backpropviz"
SUFFIX = ".bpv"
SESSION_JSON = "session.json"
ARRAYS_NPZ = "arrays.npz"

# Size limits, checked against what the archive *claims* before anything is read or allocated, so a
# hostile or damaged file cannot make the loader allocate gigabytes. Saving enforces the same limits:
# a file this version writes is always a file it reads.
# The network itself obeys the limits every run does (engine/limits.py: what the window can show).
MAX_ELEMENTS = 50_000_000  # numbers in all arrays together (400 MB of float64)
MAX_JSON_BYTES = 16 << 20  # ~100,000 hand-edit events
MAX_NPY_HEADER_BYTES = 10_000  # NumPy's own default limit for an .npy header
MAX_NPZ_BYTES = 8 * MAX_ELEMENTS + 16 * MAX_NPY_HEADER_BYTES
# A session's zips have 2 and at most 5 members; zipfile would build an object per listed member
# whatever the count, so a directory of millions is refused before zipfile reads it.
MAX_MEMBERS = 100
MAX_DIRECTORY_BYTES = 1 << 20
# The whole file: both members (deflate may add a little), their headers, the directory and a zip comment.
MAX_FILE_BYTES = MAX_NPZ_BYTES + MAX_JSON_BYTES + MAX_DIRECTORY_BYTES + (1 << 20)
ZIP64_LOCATOR_BYTES, ZIP64_RECORD_BYTES = 20, 56
READ_CHUNK_BYTES = 1 << 20  # arrays are read in slices this long: no copy of a whole array in between

SEED_LIMIT = 2**32  # RandomState seeds are 0 … 2**32 − 1
THETA_ARRAYS = ("theta_initial", "theta_start")
POINT_ARRAYS = ("X_all", "Y_all")


class SessionError(ValueError):
    """A session could not be saved or loaded; the message says why, in words meant for the user."""


# ------------------------------------------------------------------------------------------- Session
@dataclass(frozen=True, eq=False)
class Session:
    """A validated session, with nothing built yet: ``build()`` makes the network and the stepper.

    ``state`` is the stepper's metadata (cursor, history length, events) as plain JSON values and
    ``arrays`` its arrays (``theta_initial``, ``theta_start``, ``records``), read-only. ``dataset`` is
    the data set itself (a value, never changed in place); ``dataset_generated`` says whether its points
    are the toy set ``settings`` generate (then only the settings are saved, not the points).
    """

    settings: ModelSettings
    dataset: Dataset
    state: dict[str, Any] = field(repr=False)
    arrays: Mapping[str, np.ndarray] = field(repr=False)
    title: str = ""
    description: str = ""
    app_version: str = __version__
    dataset_generated: bool = True

    @property
    def iteration(self) -> int:
        """The iteration the cursor is in."""
        return self.state["iteration"]

    @property
    def position(self) -> int:
        """Micro-steps done in that iteration."""
        return self.state["position"]

    @classmethod
    def capture(
        cls,
        settings: ModelSettings,
        dataset: Dataset,
        stepper: Stepper,
        *,
        title: str = "",
        description: str = "",
    ) -> Session:
        """The session of a running stepper (its state is copied; the stepper is not changed).

        Whether the points are stored or regenerated from the settings is decided by comparing
        ``dataset`` with ``build_dataset(settings)``: a CSV import, a hand-edited set or a set split
        differently from the settings keeps its points, so the decision can never lose data.
        SessionError if the three do not belong together.
        """
        if not isinstance(title, str) or not isinstance(description, str):
            raise SessionError("the title and the description must be text")
        net = stepper.net
        expected = settings.layer_dims(dataset.n_x)
        if net.layer_dims != expected or net.activation_names != settings.activations():
            raise SessionError(
                f"the stepper's network {_dims_text(net.layer_dims)} ({', '.join(net.activation_names)}) does "
                f"not match the settings {_dims_text(expected)} ({', '.join(settings.activations())})"
            )
        if net.dtype != np.dtype(DTYPES.get(settings.dtype, settings.dtype)):
            raise SessionError(f"the stepper computes in {net.dtype}, the settings say {settings.dtype}")
        if net.X is None or not np.array_equal(net.X, dataset.X.astype(net.dtype)):
            raise SessionError("the stepper is not training on this data set's points")
        meta, arrays = stepper.export_state()
        generated = is_generated(settings, dataset)
        return cls(
            settings, dataset, _plain(meta), _frozen_arrays(arrays), title, description, __version__, generated
        )

    def build(self) -> tuple[ModelSettings, Dataset, Stepper]:
        """``(settings, dataset, stepper)``: a new network and stepper in exactly the saved state.

        Nothing shared with any other run is touched; SessionError if the stepper refuses the state.
        """
        try:
            stepper = build_stepper(self.settings, self.dataset)
            # The arrays go in as they are (read-only): import_state copies what it keeps, and a copy here
            # would hold the history a third time while loading.
            stepper.import_state(json.loads(json.dumps(self.state)), dict(self.arrays))
        except (ValueError, KeyError, TypeError) as exc:  # load_session checked all of this: a bug if seen
            raise SessionError(f"the session cannot be rebuilt: {exc}") from None
        return self.settings, self.dataset, stepper

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the session to ``path`` (a ``.bpv`` file) atomically: the old file stays until the new
        one is complete on disk, and no temporary file is left behind on any error.

        SessionError (and nothing written) if the session is beyond the limits load_session enforces.
        """
        document, arrays = self._to_parts()
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, indent=1)
        # Refuse now what load_session would refuse later: the same checks on the same JSON and arrays.
        parsed = _parse_document(json.loads(text))
        plan = _check_plan(parsed, {name: _NpyHeader(a.shape, a.dtype) for name, a in arrays.items()})
        _assemble(parsed, plan, arrays)

        def write(stream: IO[bytes]) -> None:
            npz = io.BytesIO()
            np.savez(npz, **arrays)
            with zipfile.ZipFile(stream, "w") as archive:
                archive.writestr(_member_info(SESSION_JSON, zipfile.ZIP_DEFLATED), text.encode("utf-8"))
                # Stored, not deflated: the loader reads the arrays through a seekable view of this member,
                # and seeking backwards in a deflated member means decompressing it again from the start.
                archive.writestr(_member_info(ARRAYS_NPZ, zipfile.ZIP_STORED), npz.getbuffer())

        write_atomically(Path(path), write)

    def _to_parts(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The session.json document and the arrays of arrays.npz."""
        arrays = {name: np.asarray(a) for name, a in self.arrays.items()}
        d = self.dataset
        if self.dataset_generated:
            dataset: dict[str, Any] = {"generated": True, "points_sha256": _fingerprint(d)}
        else:
            dataset = {
                "generated": False, "name": d.name, "source": d.source, "label_names": list(d.label_names),
                "feature_names": list(d.feature_names), "test_share": d.test_share, "split_seed": d.split_seed,
                "standardized": d.standardized,
            }
            arrays["X_all"], arrays["Y_all"] = np.asarray(d.X_all), np.asarray(d.Y_all)
        document = {
            "schema": SCHEMA, "app": APP, "app_version": __version__, "title": self.title,
            "description": self.description, "settings": self.settings.to_dict(), "dataset": dataset,
            "stepper": self.state,
        }
        return _plain(document), arrays


def save_session(
    path: str | os.PathLike[str],
    settings: ModelSettings,
    dataset: Dataset,
    stepper: Stepper,
    *,
    title: str = "",
    description: str = "",
) -> Session:
    """Save a run to ``path`` atomically (see ``Session.capture`` and ``Session.save``); returns the session.

    SessionError if the run cannot be saved as a session, OSError if the file cannot be written; in both
    cases an existing file at ``path`` is left as it was.
    """
    session = Session.capture(settings, dataset, stepper, title=title, description=description)
    session.save(path)
    return session


def load_session(source: str | os.PathLike[str] | bytes) -> Session:
    """Read and fully validate a ``.bpv`` session (a path, or the file's bytes, e.g. a shipped preset).

    Nothing is built: call ``build()`` on the result. Raises SessionError, with a message for the user,
    for anything wrong with the file; reading never allocates more than the size limits allow.
    """
    with _open(source) as stream:
        try:
            return _load(stream)
        except SessionError:
            raise
        except (
            zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OverflowError
        ) as exc:
            # Damage found while decompressing (bad CRC, cut-off data), an encrypted member, or an offset or
            # size in a damaged directory that zipfile trusts (a seek to 2**64) beyond the ones checked.
            raise SessionError(f"the session file is damaged ({exc})") from None
        except OSError as exc:
            raise SessionError(f"cannot read the session file: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------------------------ loading
def _open(source: str | os.PathLike[str] | bytes) -> IO[bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    path = Path(source)
    stream = open_regular(path, "a session file", SessionError)
    if stream.size > MAX_FILE_BYTES:
        stream.close()
        raise SessionError(
            f"{path} is {stream.size:,} bytes, more than a session can be ({MAX_FILE_BYTES:,}); it is not a "
            "backpropviz session"
        )
    return stream


def _load(stream: IO[bytes]) -> Session:
    _check_directory(stream, "the session file")
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        stream.seek(0)
        if stream.read(4) == b"PK\x03\x04":  # a zip's first entry, but no directory at the end
            raise SessionError("the session file is incomplete or damaged (a truncated zip archive)") from None
        raise SessionError("this is not a backpropviz session file (it is not a zip archive)") from None
    with archive:
        _check_sizes(archive, "the session file", {SESSION_JSON: MAX_JSON_BYTES, ARRAYS_NPZ: MAX_NPZ_BYTES})
        names = set(archive.namelist())
        if SESSION_JSON not in names:
            raise SessionError(f"this is not a backpropviz session file ({SESSION_JSON} is missing)")
        with archive.open(SESSION_JSON) as member:
            raw = member.read(MAX_JSON_BYTES + 1)
        parsed = _parse_document(_decode_json(raw))
        if ARRAYS_NPZ not in names:
            raise SessionError(f"the session is incomplete: {ARRAYS_NPZ} is missing")
        # The member is stored (uncompressed), so this view seeks cheaply; nothing is read into memory whole.
        with archive.open(ARRAYS_NPZ) as npz_stream:
            _check_directory(npz_stream, ARRAYS_NPZ)
            try:
                inner = zipfile.ZipFile(npz_stream)
            except zipfile.BadZipFile:
                raise SessionError(f"{ARRAYS_NPZ} is damaged (it is not a zip archive)") from None
            with inner:
                _check_sizes(inner, ARRAYS_NPZ, {})
                headers = _read_headers(inner, parsed.array_names)
                plan = _check_plan(parsed, headers)
                arrays = _read_arrays(inner, headers)
    return _assemble(parsed, plan, arrays)


_END_RECORD, _ZIP64_LOCATOR, _ZIP64_RECORD = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"


def _check_directory(stream: IO[bytes], what: str) -> None:
    """Refuse a zip whose central directory lists absurdly many members, before zipfile parses it.

    Reads only the end-of-central-directory record, found where zipfile finds it, and the ZIP64 record
    of a ZIP64 locator (both where zipfile reads it, just before the locator, and where the locator points;
    a locator pointing past the end of the file is damage). A stream without an end record is left for
    zipfile to reject.
    """
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    start = max(0, size - (22 + 0xFFFF))  # the record is 22 bytes plus a comment of up to 64 KiB
    stream.seek(start)
    tail = stream.read(size - start)
    at = len(tail) - 22 if tail[-22:-18] == _END_RECORD and tail[-2:] == b"\0\0" else tail.rfind(_END_RECORD)
    if at >= 0 and len(tail) - at >= 22:
        claims = [struct.unpack_from("<HI", tail, at + 10)]
        locator = at - ZIP64_LOCATOR_BYTES
        if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
            pointed = struct.unpack_from("<Q", tail, locator + 8)[0]
            if pointed > size - ZIP64_RECORD_BYTES:
                raise SessionError(
                    f"{what} is damaged: its ZIP64 locator points to byte {pointed:,} of a {size:,}-byte file"
                )
            for offset in {start + locator - ZIP64_RECORD_BYTES, pointed}:
                if offset >= 0:
                    stream.seek(offset)
                    record = stream.read(ZIP64_RECORD_BYTES)
                    if len(record) == ZIP64_RECORD_BYTES and record[:4] == _ZIP64_RECORD:
                        claims.append(struct.unpack_from("<QQ", record, 32))
        for entries, directory in claims:
            if entries > MAX_MEMBERS or directory > MAX_DIRECTORY_BYTES:
                raise SessionError(
                    f"{what} lists {entries:,} members in a {directory:,}-byte directory; a session has a "
                    "handful (a damaged file or a zip bomb)"
                )
    stream.seek(0)


def _check_sizes(archive: zipfile.ZipFile, what: str, limits: Mapping[str, int]) -> None:
    """Refuse a zip bomb: every member's *declared* uncompressed size is checked before reading.

    zipfile never returns more bytes than a member declares, so a declared size within the limits
    bounds what reading can produce.
    """
    total, total_limit = 0, MAX_NPZ_BYTES + MAX_JSON_BYTES
    for info in archive.infolist():
        limit = limits.get(info.filename, MAX_NPZ_BYTES)
        total += info.file_size
        if info.file_size > limit:
            raise SessionError(
                f"{what}: {info.filename} would unpack to {info.file_size:,} bytes, more than the "
                f"{limit:,} allowed; refusing to unpack it (a damaged file or a zip bomb)"
            )
        if total > total_limit:
            raise SessionError(
                f"{what}: its members would unpack to {total:,} bytes in all, more than the {total_limit:,} "
                "allowed; refusing to unpack them (a damaged file or a zip bomb)"
            )


def _decode_json(raw: bytes) -> Any:
    if len(raw) > MAX_JSON_BYTES:  # cannot happen after _check_sizes, but never trust one check
        raise SessionError(f"{SESSION_JSON} is larger than {MAX_JSON_BYTES:,} bytes")

    def no_constant(name: str) -> None:
        raise ValueError(f"{name} is not allowed")

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=no_constant)
    except UnicodeDecodeError as exc:
        raise SessionError(f"{SESSION_JSON} is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise SessionError(
            f"{SESSION_JSON} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:  # NaN/Infinity, a 5,000-digit number, absurd nesting
        raise SessionError(f"{SESSION_JSON} is not valid JSON: {exc}") from None


# ------------------------------------------------------------------------------- session.json checks
@dataclass
class _Parsed:
    """session.json, validated (types and ranges), before any array is looked at."""

    settings: ModelSettings
    title: str
    description: str
    app_version: str
    generated: bool
    dataset: dict[str, Any]  # the stored-points metadata, or {"points_sha256": …}
    state: dict[str, Any]  # the stepper metadata, normalised
    array_names: tuple[str, ...]


def _fail(where: str, problem: str) -> SessionError:
    return SessionError(f"{SESSION_JSON}: {where} {problem}")


def _got(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "…"


def _get(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise SessionError(f"{SESSION_JSON}: {where}{key} is missing")
    return obj[key]


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"must be an object, got {_got(value)}")
    return value


def _int(value: Any, where: str, low: int = 0, high: int | None = None) -> int:
    """A JSON whole number (not true/false, not 3.0, not "3") in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(where, f"must be a whole number, got {_got(value)}")
    if value < low or (high is not None and value > high):
        bounds = f"from {low:,} to {high:,}" if high is not None else f"≥ {low:,}"
        raise _fail(where, f"must be {bounds}, got {value:,}")
    return value


def _float(value: Any, where: str, *, positive: bool = False, low: float | None = None,
           below: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(where, f"must be a number, got {_got(value)}")
    value = float(value)
    if not math.isfinite(value) or (positive and value <= 0) or (low is not None and value < low) or (
        below is not None and value >= below
    ):
        if positive:
            bounds = " > 0"
        elif low is not None:
            bounds = f" in [{low:g}, {below:g})" if below is not None else f" ≥ {low:g}"
        else:
            bounds = ""
        raise _fail(where, f"must be a finite number{bounds}, got {value!r}")
    return value


def _learning_rate(value: Any, where: str) -> float:
    """A JSON number that check_learning_rate accepts."""
    value = _float(value, where, positive=True)
    try:
        check_learning_rate(value)
    except ValueError as exc:  # its message names the learning rate itself, as the events' check words it
        raise _fail(where, str(exc).removeprefix("learning rate ")) from None
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"must be text, got {_got(value)}")
    return value


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"must be true or false, got {_got(value)}")
    return value


def _parse_document(doc: Any) -> _Parsed:
    if not isinstance(doc, dict):
        raise SessionError(f"{SESSION_JSON} must hold a JSON object, not {type(doc).__name__}")
    if "app" not in doc:
        raise SessionError(f'this is not a backpropviz session file ({SESSION_JSON} has no "app")')
    if doc["app"] != APP:
        raise SessionError(f"this is not a backpropviz session file ({SESSION_JSON} says app {_got(doc['app'])})")
    schema = _get(doc, "schema", "")
    # The schema is checked before anything else: a newer file may be laid out differently throughout.
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise _fail("schema", f"must be a whole number ≥ 1, got {_got(schema)}")
    if schema > SCHEMA:
        raise SessionError(
            f"this session was saved by a newer backpropviz (schema {schema}); this version reads schema {SCHEMA}"
        )
    title = _str(doc.get("title", ""), "title")
    description = _str(doc.get("description", ""), "description")
    app_version = _str(doc.get("app_version", ""), "app_version")
    settings = _parse_settings(_object(_get(doc, "settings", ""), "settings"))
    dataset = _object(_get(doc, "dataset", ""), "dataset")
    generated = _bool(_get(dataset, "generated", "dataset."), "dataset.generated")
    if generated:
        digest = _str(_get(dataset, "points_sha256", "dataset."), "dataset.points_sha256")
        spec: dict[str, Any] = {"points_sha256": digest}
        names: tuple[str, ...] = (*THETA_ARRAYS, "records")
    else:
        spec = _parse_stored_dataset(dataset)
        names = (*THETA_ARRAYS, "records", *POINT_ARRAYS)
    state = _parse_state(_object(_get(doc, "stepper", ""), "stepper"), settings)
    return _Parsed(settings, title, description, app_version, generated, spec, state, names)


def _parse_settings(data: dict[str, Any]) -> ModelSettings:
    """ModelSettings.from_dict, plus the checks it leaves to the builders (names, ranges, types)."""
    hidden = data.get("hidden", [])
    if not isinstance(hidden, list):
        raise _fail("settings.hidden", f"must be a list of layers, got {_got(hidden)}")
    try:
        check_hidden_count(len(hidden))  # before the layers are looked at: a list of millions is refused at once
    except ValueError as exc:
        raise SessionError(f"{SESSION_JSON}: settings.hidden: {exc}") from None
    units = []
    for i, layer in enumerate(hidden):
        where = f"settings.hidden[{i}]"
        layer = _object(layer, where)
        units.append(_int(_get(layer, "units", f"{where}."), f"{where}.units", 1))
        activation = _str(_get(layer, "activation", f"{where}."), f"{where}.activation")
        if activation not in ACTIVATIONS:
            raise _fail(f"{where}.activation", f"{activation!r} is not an activation ({', '.join(ACTIVATIONS)})")
    try:
        check_hidden_layers(units)
    except ValueError as exc:
        raise SessionError(f"{SESSION_JSON}: settings.hidden: {exc}") from None
    try:
        settings = ModelSettings.from_dict(data)
    except (ValueError, TypeError) as exc:
        raise SessionError(f"{SESSION_JSON}: {exc}") from None
    if settings.dataset not in GENERATORS:
        raise _fail("settings.dataset", f"{settings.dataset!r} is not a toy data set ({', '.join(GENERATORS)})")
    if settings.init not in INIT_SCHEMES:
        raise _fail("settings.init", f"{settings.init!r} is not an initialisation ({', '.join(INIT_SCHEMES)})")
    if settings.dtype not in DTYPES:
        raise _fail("settings.dtype", f"{settings.dtype!r} is not one of {', '.join(DTYPES)}")
    if settings.samples is not None:
        _int(settings.samples, "settings.samples", 2, MAX_ROWS)
    if settings.noise is not None:
        _float(settings.noise, "settings.noise", low=0.0)
    if settings.data_seed is not None:
        _int(settings.data_seed, "settings.data_seed", 0, SEED_LIMIT - 1)
    _int(settings.seed, "settings.seed", 0, SEED_LIMIT - 1)
    _int(settings.split_seed, "settings.split_seed", 0, SEED_LIMIT - 1)
    _float(settings.test_share, "settings.test_share", low=0.0, below=1.0)
    _learning_rate(settings.learning_rate, "settings.learning_rate")
    return settings


def _parse_stored_dataset(data: dict[str, Any]) -> dict[str, Any]:
    labels = _get(data, "label_names", "dataset.")
    if not (isinstance(labels, list) and len(labels) == 2 and all(isinstance(s, str) for s in labels)):
        raise _fail("dataset.label_names", f"must be a list of two texts, got {_got(labels)}")
    features = _get(data, "feature_names", "dataset.")
    if not (isinstance(features, list) and all(isinstance(s, str) for s in features)):
        raise _fail("dataset.feature_names", f"must be a list of texts, got {_got(features)}")
    return {
        "name": _str(_get(data, "name", "dataset."), "dataset.name"),
        "source": _str(_get(data, "source", "dataset."), "dataset.source"),
        "label_names": tuple(labels),
        "feature_names": tuple(features),
        "test_share": _float(_get(data, "test_share", "dataset."), "dataset.test_share", low=0.0, below=1.0),
        "split_seed": _int(_get(data, "split_seed", "dataset."), "dataset.split_seed", 0, SEED_LIMIT - 1),
        "standardized": _bool(_get(data, "standardized", "dataset."), "dataset.standardized"),
    }


def _parse_state(data: dict[str, Any], settings: ModelSettings) -> dict[str, Any]:
    """The stepper metadata, with every field type-checked; events are checked against shapes later."""
    steps = len(micro_steps(len(settings.hidden) + 1))
    furthest = _int(_get(data, "furthest", "stepper."), "stepper.furthest")
    width = len(RECORD_COLUMNS) + len(settings.hidden) + 1
    if furthest * width > MAX_ELEMENTS:  # a claim checked before the records' header is even looked at
        raise _fail(
            "stepper.furthest",
            f"claims {furthest:,} recorded iterations ({furthest * width:,} numbers); a session may hold at "
            f"most {MAX_ELEMENTS:,} numbers",
        )
    iteration = _int(_get(data, "iteration", "stepper."), "stepper.iteration", 0, furthest)
    position = _int(_get(data, "position", "stepper."), "stepper.position", 0, steps - 1)
    learning_rate = _learning_rate(_get(data, "initial_learning_rate", "stepper."), "stepper.initial_learning_rate")
    events_data = _get(data, "events", "stepper.")
    if not isinstance(events_data, list):
        raise _fail("stepper.events", f"must be a list, got {_got(events_data)}")
    events = []
    previous = 0
    for i, event in enumerate(events_data):
        where = f"stepper.events[{i}]"
        event = _object(event, where)
        t = _int(_get(event, "iteration", f"{where}."), f"{where}.iteration", 0, furthest)
        if t < previous:
            raise _fail(where, f"is at iteration {t:,}, before the event ahead of it ({previous:,})")
        previous = t
        kind = _str(_get(event, "kind", f"{where}."), f"{where}.kind")  # checked with the data (_check_events)
        events.append({
            "iteration": t, "kind": kind,
            "position_before": _int(
                _get(event, "position_before", f"{where}."), f"{where}.position_before", 0, steps - 1
            ),
            "position_after": _int(
                _get(event, "position_after", f"{where}."), f"{where}.position_after", 0, steps - 1
            ),
            "data": _object(_get(event, "data", f"{where}."), f"{where}.data"),
        })
    return {
        "iteration": iteration, "position": position, "furthest": furthest,
        "initial_learning_rate": learning_rate, "events": events,
    }


def _check_events(events: list[dict[str, Any]], dims: list[int], dtype: str) -> None:
    """Each event's data fits the network ``dims`` (``events.check_event``, the stepper's own check)."""
    for i, event in enumerate(events):
        try:
            event["data"] = json_data(check_event(event["kind"], event["data"], dims, DTYPES[dtype]))
        except EventError as exc:
            raise _fail(f"stepper.events[{i}].{exc.field}", exc.problem) from None


# ---------------------------------------------------------------------------------- arrays.npz checks
class _NpyHeader(NamedTuple):
    """What an .npy header says about its array."""

    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool = False


def _read_headers(inner: zipfile.ZipFile, names: tuple[str, ...]) -> dict[str, _NpyHeader]:
    """The header of each wanted array (member ``name.npy``), read from the header only: no data is touched."""
    members = set(inner.namelist())
    headers = {}
    for name in names:
        if f"{name}.npy" not in members:
            raise SessionError(f"{ARRAYS_NPZ} has no array {name!r}; the session is incomplete")
        with inner.open(f"{name}.npy") as member:
            headers[name] = _npy_header(member, name)
    return headers


def _npy_header(member: IO[bytes], name: str) -> _NpyHeader:
    try:
        version = npy_format.read_magic(member)
        if version == (1, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_1_0(
                member, max_header_size=MAX_NPY_HEADER_BYTES
            )
        elif version == (2, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_2_0(
                member, max_header_size=MAX_NPY_HEADER_BYTES
            )
        else:
            raise ValueError(f".npy format version {version[0]}.{version[1]} is not supported")
    except Exception as exc:  # parsing a hostile header can raise almost anything (SyntaxError, …)
        raise SessionError(f"{ARRAYS_NPZ}: the header of {name!r} is damaged ({type(exc).__name__})") from None
    if dtype.hasobject:
        raise SessionError(_object_array_message(name))
    if dtype.kind != "f" or dtype.itemsize not in (4, 8):
        raise SessionError(f"{ARRAYS_NPZ}: {name!r} holds {dtype} values; sessions hold float32 or float64 only")
    if any(n < 0 for n in shape):
        raise SessionError(f"{ARRAYS_NPZ}: {name!r} has an impossible shape {shape}")
    size = math.prod(shape)
    if size > MAX_ELEMENTS:
        raise SessionError(
            f"{ARRAYS_NPZ}: {name!r} claims shape {shape}, {size:,} numbers; a session may hold at most "
            f"{MAX_ELEMENTS:,}"
        )
    return _NpyHeader(shape, dtype, bool(fortran_order))


def _object_array_message(name: str) -> str:
    return (
        f"{ARRAYS_NPZ}: {name!r} is an array of Python objects, which only pickle can load; backpropviz never "
        "loads pickled data (the file was not written by backpropviz, or was tampered with)"
    )


@dataclass
class _Plan:
    """What the arrays must look like, worked out from session.json and the headers alone."""

    dims: list[int]
    shapes: dict[str, tuple[int, ...]]
    dataset: Dataset | None  # the regenerated toy set, when the points are not stored


def _check_plan(parsed: _Parsed, headers: Mapping[str, _NpyHeader]) -> _Plan:
    """Check every array's shape and the sizes the network would allocate, before reading any data."""
    dataset = None
    if parsed.generated:
        try:
            dataset = build_dataset(parsed.settings)
        except DatasetError as exc:
            raise SessionError(f"{SESSION_JSON}: the toy data set cannot be generated: {exc}") from None
        n_x, m = dataset.n_x, dataset.m + dataset.m_test
    else:
        x_shape, y_shape = headers["X_all"].shape, headers["Y_all"].shape
        if len(x_shape) != 2 or not (1 <= x_shape[0] <= MAX_FEATURES and 1 <= x_shape[1] <= MAX_ROWS):
            raise SessionError(
                f"{ARRAYS_NPZ}: X_all has shape {x_shape}; expected (features, points) with 1 to "
                f"{MAX_FEATURES:,} features and 1 to {MAX_ROWS:,} points"
            )
        n_x, m = x_shape
        if y_shape != (1, m):
            raise SessionError(
                f"{ARRAYS_NPZ}: Y_all has shape {y_shape}, but X_all has {m:,} points: expected (1, {m})"
            )
        count = len(parsed.dataset["feature_names"])
        if count != n_x:
            raise _fail("dataset.feature_names", f"has {count} names for {n_x} features")
    dims = parsed.settings.layer_dims(n_x)
    try:
        check_network(dims, m)
    except ValueError as exc:
        raise SessionError(f"{SESSION_JSON}: {exc}") from None
    n_params = sum(n * n_prev + n for n, n_prev in zip(dims[1:], dims[:-1], strict=True))
    _check_events(parsed.state["events"], dims, parsed.settings.dtype)
    width = len(RECORD_COLUMNS) + len(dims) - 1
    shapes = {name: (n_params,) for name in THETA_ARRAYS}
    shapes["records"] = (parsed.state["furthest"], width)
    if not parsed.generated:
        shapes["X_all"], shapes["Y_all"] = (n_x, m), (1, m)
    why = {
        **dict.fromkeys(THETA_ARRAYS, f": the network {_dims_text(dims)} has {n_params:,} parameters"),
        "records": f": {parsed.state['furthest']:,} recorded iterations of {width} values",
    }
    for name, shape in shapes.items():
        found = headers[name].shape
        if found != shape:
            raise SessionError(f"{ARRAYS_NPZ}: {name} has shape {found}, expected {shape}{why.get(name, '')}")
    total = sum(math.prod(s) for s in shapes.values())
    if total > MAX_ELEMENTS:
        raise SessionError(f"the session holds {total:,} numbers; a session may hold at most {MAX_ELEMENTS:,}")
    return _Plan(dims, shapes, dataset)


def _read_arrays(inner: zipfile.ZipFile, headers: Mapping[str, _NpyHeader]) -> dict[str, np.ndarray]:
    """The wanted arrays, read from exactly the members whose headers were checked, each straight into its
    own array (no second parser, no intermediate copy), in native byte order."""
    arrays = {}
    for name, header in headers.items():
        with inner.open(f"{name}.npy") as member:
            if _npy_header(member, name) != header:
                raise SessionError(f"{ARRAYS_NPZ}: the header of {name!r} changed while the file was read")
            arrays[name] = _read_data(member, name, header)
    return arrays


def _read_data(member: IO[bytes], name: str, header: _NpyHeader) -> np.ndarray:
    """The array data after an .npy header: exactly the bytes its shape and dtype need, in chunks."""
    order = "F" if header.fortran_order else "C"
    array = np.empty(header.shape, dtype=header.dtype, order=order)
    view = memoryview(array.reshape(-1, order=order).view(np.uint8))  # the array's bytes in file order
    filled = 0
    while filled < len(view):
        got = member.readinto(view[filled : filled + READ_CHUNK_BYTES])
        if not got:
            raise SessionError(
                f"{ARRAYS_NPZ}: {name!r} is damaged (its data stops after {filled:,} of {len(view):,} bytes)"
            )
        filled += got
    if not array.dtype.isnative:
        array = array.byteswap(inplace=True).view(array.dtype.newbyteorder("="))
    return array


def _assemble(parsed: _Parsed, plan: _Plan, arrays: dict[str, np.ndarray]) -> Session:
    """Check the values, rebuild the data set and make the Session."""
    for name, array in arrays.items():
        if array.shape != plan.shapes[name]:  # the headers said otherwise: the data is inconsistent
            raise SessionError(f"{ARRAYS_NPZ}: {name} has shape {array.shape}, expected {plan.shapes[name]}")
    for name in (*THETA_ARRAYS, *(POINT_ARRAYS[:1] if not parsed.generated else ())):
        bad = int(np.count_nonzero(~np.isfinite(arrays[name])))
        if bad:
            what = "parameters must be finite" if name in THETA_ARRAYS else "points must have finite coordinates"
            raise SessionError(
                f"{ARRAYS_NPZ}: {name} holds {bad:,} NaN or infinite value{'s' if bad != 1 else ''}; {what}"
            )
    if parsed.generated:
        dataset = plan.dataset
        assert dataset is not None
        if _fingerprint(dataset) != parsed.dataset["points_sha256"]:
            raise SessionError(
                f"the toy data set {parsed.settings.dataset!r} no longer comes out as it did when this session "
                "was saved (its points differ), so the saved network would not match it"
            )
    else:
        Y = arrays["Y_all"]
        if not np.all((Y == 0) | (Y == 1)):
            raise SessionError(f"{ARRAYS_NPZ}: Y_all must hold only the labels 0 and 1")
        spec = parsed.dataset
        try:
            dataset = Dataset.from_arrays(
                arrays["X_all"], Y, test_share=spec["test_share"], seed=spec["split_seed"],
                standardize=spec["standardized"], name=spec["name"], source=spec["source"],
                label_names=spec["label_names"], feature_names=spec["feature_names"],
            )
        except DatasetError as exc:
            raise SessionError(f"the saved data set is not usable: {exc}") from None
        if dataset.m == 0:
            raise SessionError("the saved data set has no training points")
    state_arrays = {name: arrays[name] for name in (*THETA_ARRAYS, "records")}
    return Session(
        parsed.settings, dataset, parsed.state, _read_only(state_arrays), parsed.title, parsed.description,
        parsed.app_version, parsed.generated,
    )


# ------------------------------------------------------------------------------------------- saving
def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write through ``write`` into a temporary file beside ``path``, then rename it over ``path``.

    The temporary file is in the same folder so that ``os.replace`` is a rename within one file
    system (atomic on POSIX and Windows): readers see the old file or the new one, never a mixture.
    It is created like mkstemp (O_EXCL, a random name) but with mode 0o666 so the umask applies, as
    it would to a plain open(); an existing file's permissions are kept.
    """
    folder = path.absolute().parent
    temp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())  # the data is on disk before the rename makes it the session
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); best effort, the file is complete either way."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------------------------------ helpers
def _fingerprint(dataset: Dataset) -> str:
    """SHA-256 of the raw points (shapes and float64 bytes, little-endian), to detect a changed generator."""
    digest = hashlib.sha256()
    for array in (dataset.X_all, dataset.Y_all):
        data = np.ascontiguousarray(array, dtype="<f8")
        digest.update(repr(data.shape).encode())
        digest.update(data.tobytes())
    return digest.hexdigest()


def _member_info(name: str, compression: int) -> zipfile.ZipInfo:
    """A zip entry stamped now, readable by all when unzipped by hand (writestr's default is 0o600)."""
    info = zipfile.ZipInfo(name, time.localtime()[:6])
    info.compress_type = compression
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _dims_text(dims: list[int]) -> str:
    return "-".join(str(n) for n in dims)


def _frozen_arrays(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Read-only copies: nobody else can change the session's arrays."""
    return _read_only({name: np.array(array) for name, array in arrays.items()})


def _read_only(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays themselves made read-only (for arrays only the session holds, e.g. just read from a file)."""
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively: the JSON form, so a captured and a loaded session hold the same."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def max_saved_iterations(layers: int) -> int:
    """At most how many recorded iterations a session of a ``layers``-layer network can hold.

    An upper bound (θ and stored points take their share of MAX_ELEMENTS too), for callers that want
    to refuse a run before spending time on it; saving checks the exact total.
    """
    return MAX_ELEMENTS // (len(RECORD_COLUMNS) + layers)
