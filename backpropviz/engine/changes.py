"""What the stepper tells its listeners: the kinds of change, one name each.

A listener (the controller, and through it every view) is called with one ``Change`` after each
state change. The kind says how much may have changed, so that a view can do only the work needed:
after ``STEP`` one micro-step's quantities are new; after ``RUN`` or ``ITERATION`` whole iterations
were trained (the buffers hold the last one); after ``BACK``, ``GOTO``, ``RESET`` or ``LOADED`` anything
may differ; the three event kinds name the hand-made change (they match ``events.EVENT_KINDS``).
"""

from __future__ import annotations

from enum import Enum


class Change(str, Enum):
    """The kind of a state change (a ``str``: it compares equal to its value, e.g. ``"step"``)."""

    STEP = "step"  # one micro-step forward (B: the forward pass up to the Cost)
    BACK = "back"  # one micro-step or event undone
    GOTO = "goto"  # a jump to another iteration (the timeline)
    RUN = "run"  # whole iterations trained (Play, run(n), the worker's chunks)
    ITERATION = "iteration"  # the current iteration finished
    RESET = "reset"  # back to the initial parameters, history cleared
    LOADED = "loaded"  # a saved state restored
    DIVERGED = "diverged"  # a micro-step produced non-finite values: the report is set
    EDIT = "edit"  # a weight or bias typed by hand
    LEARNING_RATE = "learning_rate"  # α changed from this iteration on
    PLANTED_BUG = "planted_bug"  # the course's bug planted or removed

    def __str__(self) -> str:
        return self.value
