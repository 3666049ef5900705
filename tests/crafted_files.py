"""Files crafted to be refused: hostile or damaged sessions and CSVs, and paths that are not regular files.

Shared by the engine's tests and the window's random walk (which opens them as a user would).
"""

import io
import json
import os
import struct
import zipfile

import numpy as np

from backpropviz.engine.model import ModelSettings, build_dataset, build_stepper
from backpropviz.engine.session import save_session


def unpack(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("session.json"))
        with np.load(io.BytesIO(archive.read("arrays.npz"))) as npz:
            arrays = {name: npz[name] for name in npz.files}
    return document, arrays


def pack(document=None, arrays=None, *, json_bytes=None, npz_bytes=None):
    """A hand-made .bpv; arrays may hold object arrays (np.save pickles them), members may be left out."""
    if npz_bytes is None and arrays is not None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as npz:
            for name, array in arrays.items():
                member = io.BytesIO()
                np.save(member, array, allow_pickle=True)
                npz.writestr(f"{name}.npy", member.getvalue())
        npz_bytes = buffer.getvalue()
    if json_bytes is None and document is not None:
        json_bytes = json.dumps(document).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if json_bytes is not None:
            archive.writestr("session.json", json_bytes)
        if npz_bytes is not None:
            archive.writestr("arrays.npz", npz_bytes)
    return out.getvalue()


def changed(data, edit_document=None, edit_arrays=None):
    document, arrays = unpack(data)
    if edit_document:
        edit_document(document)
    if edit_arrays:
        edit_arrays(arrays)
    return pack(document, arrays)


def npy_claiming(shape):
    """An .npy header claiming ``shape`` float64, followed by only a few bytes of data."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue() + b"\0" * 64


def with_npz_member(data, name, member_bytes):
    document, arrays = unpack(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as npz:
        for key, array in arrays.items():
            member = io.BytesIO()
            np.save(member, array)
            npz.writestr(f"{key}.npy", member_bytes if key == name else member.getvalue())
    return pack(document, npz_bytes=buffer.getvalue())


def end_record_at(data):
    at = data.rfind(b"PK\x05\x06")
    assert at == len(data) - 22
    return at


def zip64_locator_at(data, offset):
    """The zip with a ZIP64 locator (pointing at ``offset``) slipped in before its end record, which says
    (by 0xFFFF members) that the ZIP64 record holds the counts."""
    at = end_record_at(data)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, offset, 1)
    end = bytearray(data[at:])
    struct.pack_into("<HH", end, 8, 0xFFFF, 0xFFFF)
    return data[:at] + locator + bytes(end)


def set_in(path, value):
    """An edit_document function setting document[path…] = value."""
    def edit(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def good_session(folder):
    """A small valid session (a few iterations, a hand edit, a change of α): the bytes to craft from."""
    settings = ModelSettings()
    dataset = build_dataset(settings)
    stepper = build_stepper(settings, dataset)
    stepper.run(5)
    stepper.set_parameter("W1", (1, 0), 0.25)
    stepper.set_learning_rate(0.6)
    stepper.run(3)
    path = folder / "good.bpv"
    save_session(path, settings, dataset, stepper)
    return path.read_bytes()


def special_paths(folder, suffix):
    """Paths that are not regular files: a named pipe nobody writes to, a link to /dev/zero, a folder."""
    paths = {"a folder": folder / f"folder{suffix}"}
    paths["a folder"].mkdir()
    if hasattr(os, "mkfifo"):
        paths["a named pipe"] = folder / f"pipe{suffix}"
        os.mkfifo(paths["a named pipe"])
    if os.path.exists("/dev/zero"):
        paths["a link to /dev/zero"] = folder / f"zero{suffix}"
        paths["a link to /dev/zero"].symlink_to("/dev/zero")
    return paths


def crafted_sessions(folder):
    """name → path of sessions that must be refused with a message, the current run left alone."""
    good = good_session(folder)
    contents = {
        "a truncated zip": good[: len(good) // 2],
        "a ZIP64 locator pointing near 2**64": zip64_locator_at(good, 2**64 - 10),
        "7 hidden layers": changed(good, set_in(["settings", "hidden"], [{"units": 2, "activation": "relu"}] * 7)),
        "1,000 hidden layers": changed(
            good, set_in(["settings", "hidden"], [{"units": 1, "activation": "relu"}] * 1000)
        ),
        "3,000 units": changed(good, set_in(["settings", "hidden", 0, "units"], 3000)),
        "α of 1e-300": changed(good, set_in(["settings", "learning_rate"], 1e-300)),
        "an array header claiming 10⁹ numbers": with_npz_member(good, "records", npy_claiming((10**9, 5))),
    }
    paths = special_paths(folder, ".bpv")
    for i, (name, data) in enumerate(contents.items()):
        paths[name] = folder / f"crafted{i}.bpv"
        paths[name].write_bytes(data)
    return paths


def crafted_csvs(folder):
    """name → path of CSVs that must be refused with a message, the data set left as it was."""
    contents = {
        "UTF-16 without a byte-order mark": "x1,x2,label\n1,2,0\n3,4,1\n".encode("utf-16-le"),
        "values near 1e300": b"x1,x2,label\n1,2,0\n3,1e300,1\n",
        "a NUL byte": b"x1,x2,label\n1,2,0\n3,\x004,1\n",
        "1,001 columns": (",".join(["1"] * 1001) + "\n").encode(),
        "a ragged row": b"x1,x2,label\n1,2,0\n3,4\n",
    }
    paths = special_paths(folder, ".csv")
    for i, (name, data) in enumerate(contents.items()):
        paths[name] = folder / f"crafted{i}.csv"
        paths[name].write_bytes(data)
    return paths
