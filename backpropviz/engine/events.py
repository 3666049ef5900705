"""Events: the changes made by hand that are part of a run's history, and their one validator.

An event is a hand edit of one weight or bias (``edit``), a new learning rate (``learning_rate``) or the
course's planted bug, dW of one layer doubled (``planted_bug``). It takes effect at the start of its
iteration; undoing it brings back the future it replaced. ``check_event`` is the only place that decides
whether an event's data fits a network: the stepper calls it when the user makes one, when a saved state
is restored (``Stepper.import_state``, also in Play's worker) and the session loader when it reads a file,
so a file can never hold an event that the window would refuse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .network import check_learning_rate

EDIT, LEARNING_RATE, PLANTED_BUG = "edit", "learning_rate", "planted_bug"
EVENT_KINDS = (EDIT, LEARNING_RATE, PLANTED_BUG)


@dataclass
class Event:
    """A change made by hand at the start of ``iteration`` (an edit or planted bug restarts that iteration,
    so nothing computed before it is kept). For undo it keeps where the cursor was and the future it
    replaced: the later events and the records from ``iteration`` on (None for a loaded event)."""

    iteration: int
    kind: str
    data: dict[str, Any]
    position_before: int
    position_after: int
    replaced_events: list[Event] = field(default_factory=list, repr=False)
    replaced_records: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (an index as a list)."""
        return {
            "iteration": self.iteration, "kind": self.kind, "position_before": self.position_before,
            "position_after": self.position_after,
            "data": json_data(self.data),
        }


def json_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """An event's data as plain JSON values (an index as a list)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


class EventError(ValueError):
    """An event that does not fit the network; ``field`` names the part of the event that is wrong
    (``kind``, ``data.index``, …) and ``problem`` says what is wrong with it. The message names it in words
    (``subject``, by default the field: "index must be from 0 to 3, got 9"; "" when the problem names it)."""

    def __init__(self, field: str, problem: str, subject: str | None = None) -> None:
        subject = field.removeprefix("data.") if subject is None else subject
        super().__init__(f"{subject} {problem}".lstrip())
        self.field = field
        self.problem = problem


def _whole(value: Any, field: str, low: int, high: int, why: str = "") -> int:
    """A whole number (not true/false, not 3.0, not "3") from ``low`` to ``high``; ``why`` explains the range."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise EventError(field, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise EventError(field, f"must be from {low:,} to {high:,}, got {value:,}{why}")
    return int(value)


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise EventError(field, f"must be a number, got {value!r}")
    return float(value)


def check_event(kind: Any, data: Mapping[str, Any], layer_dims: Sequence[int], dtype: Any = np.float64) -> dict:
    """The data of an event of ``kind`` for a network of ``layer_dims`` (and parameter ``dtype``), checked
    and in its one form: ``edit`` {name, layer, index (row, column), value}, ``learning_rate`` {value},
    ``planted_bug`` {value: a layer or None}. EventError names the part that does not fit."""
    L = len(layer_dims) - 1
    if kind not in EVENT_KINDS:
        kinds = ", ".join(EVENT_KINDS)
        raise EventError("kind", f"{kind!r} is not an event kind (unknown event; the kinds are {kinds})")
    if "value" not in data:
        raise EventError("data.value", "is missing")
    if kind == LEARNING_RATE:
        value = _number(data["value"], "data.value")
        try:
            check_learning_rate(value)
        except ValueError as exc:  # its message names the learning rate itself
            raise EventError("data.value", str(exc).removeprefix("learning rate "), "learning rate") from None
        return {"value": value}
    if kind == PLANTED_BUG:
        layer = data["value"]
        return {"value": None if layer is None else _whole(layer, "data.value", 1, L)}
    return _edit(data, layer_dims, dtype)


def _edit(data: Mapping[str, Any], layer_dims: Sequence[int], dtype: Any) -> dict:
    L = len(layer_dims) - 1
    name = data.get("name")
    kind, layer_text = (name[:1], name[1:]) if isinstance(name, str) else ("", "")
    if kind not in ("W", "b") or not layer_text.isdigit() or not 1 <= int(layer_text) <= L:
        raise EventError("data.name", f"{name!r} is not a parameter (the network does not have it; it has "
                                      f"W1…W{L}, b1…b{L})", subject="")
    layer = int(layer_text)
    if "layer" in data and _whole(data["layer"], "data.layer", 1, L) != layer:
        raise EventError("data.name", f"{name!r} is not W{data['layer']} or b{data['layer']}")
    shape = (layer_dims[layer], layer_dims[layer - 1]) if kind == "W" else (layer_dims[layer], 1)
    index = data.get("index")
    if not (isinstance(index, (list, tuple)) and len(index) == 2):
        raise EventError("data.index", f"must be a (row, column) pair, got {index!r}")
    outside = f" (outside {name}'s shape {shape[0]}×{shape[1]})"
    index = tuple(_whole(k, "data.index", 0, n - 1, outside) for k, n in zip(index, shape, strict=True))
    value = _number(data["value"], "data.value")
    if not math.isfinite(value):
        raise EventError("data.value", f"must be a finite number, got {value}")
    largest = float(np.finfo(dtype).max)
    if abs(value) > largest:
        raise EventError("data.value", f"{value:g} is beyond {np.dtype(dtype)} precision (±{largest:.1e})")
    return {"name": name, "layer": layer, "index": index, "value": value}


def event_from_dict(d: Mapping[str, Any], layer_dims: Sequence[int], dtype: Any = np.float64) -> Event:
    """An event saved by ``Event.to_dict``, checked by ``check_event``."""
    data = check_event(d["kind"], d["data"], layer_dims, dtype)
    return Event(int(d["iteration"]), d["kind"], data, int(d["position_before"]), int(d["position_after"]))
