"""NumPy calls prepared once and replayed: how the hot loop avoids Python frames and keyword parsing.

An ``Op`` is a NumPy function with its positional arguments, output buffers included. The equations
(layers.py, activations.py, losses.py) are written as lists of ops over given buffers; the Network builds
each micro-step's list once per bound data set, and a micro-step, a whole iteration, the worker and the
course's fresh-array calls all run the very same calls in the same order, hence the same bits. A NumPy
call on a few hundred values costs about as much as its Python call around it, so on the course's small
nets what counts is the number of calls and frames, not the arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import numpy as np

Op = tuple[Callable[..., Any], tuple[Any, ...]]


def minimum(a: Any, b: Any, out: np.ndarray) -> Op:
    """np.minimum into ``out`` (NumPy deprecates a positional out for minimum and maximum)."""
    return partial(np.minimum, out=out), (a, b)


def maximum(a: Any, b: Any, out: np.ndarray) -> Op:
    """np.maximum into ``out``."""
    return partial(np.maximum, out=out), (a, b)


def run(ops: Iterable[Op]) -> None:
    """Call every op in order."""
    for function, args in ops:
        function(*args)
