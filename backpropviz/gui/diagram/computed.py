"""What the diagram shows as computed: which items a micro-step fills, what is not computed yet, and
how each thumbnail reads its matrix from the stepper.

Which micro-step writes which quantity comes from the engine's step table (engine/steps.py); this is the
one place where the diagram knows which of its items show which quantity. Everything here names items by
key (see ``NetworkView.item_for``), so the view only maps keys to items.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...engine.stepper import Stepper
from ...engine.steps import MicroStep, step_writes
from .geometry import MAX_CELLS
from .heatmaps import stride
from .plan import Key

Reader = Callable[[Stepper], "np.ndarray | None"]  # reads one thumbnail's matrix from the stepper


def drawn_at(quantity: str, l: int) -> tuple[list[Key], list[Key]]:
    """The items that show ``quantity`` of layer l: (panels and thumbnails, arrows). Z[l] lives in layer l's
    box, A[l] rides the arrow out of it, the gradients dZ, dW, db of a layer share its gradient panel,
    dA[l] rides the red arrow (dA0 also has the panel under X), J is the cost box under the Output."""
    if quantity in ("W", "b"):
        return [(quantity, l)], []
    if quantity == "Z":
        return [("box", l)], []
    if quantity == "A":
        return [], [("forward", l)]
    if quantity == "J":
        return [("cost", 0)], [("down", 0)]
    if quantity in ("dZ", "dW", "db"):
        return [("grads", l)], []
    return ([("dA0box", 0)] if l == 0 else []), [("dA", l)]


def step_targets(step: MicroStep, L: int) -> tuple[list[Key], list[Key]]:
    """(main items, arrows) that show what a micro-step writes, by the step table (engine/steps.py):
    F l → box l and A[l]; Cost → cost box, dA[L]; B l → gradient panel l and dA[l−1]; Update → every W, b."""
    main: list[Key] = []
    arrows: list[Key] = []
    for quantity, l in step_writes(step, L):
        items, lines = drawn_at(quantity, l)
        main += [key for key in items if key not in main]
        arrows += [key for key in lines if key not in arrows]
    return main, arrows


def not_computed(stepper: Stepper) -> dict[Key, bool]:
    """Per box, panel and arrow key: whether the current iteration has not computed what it shows yet
    (X's box never greys: it is data)."""
    L = stepper.L
    missing: dict[Key, bool] = {("box", 0): False}
    for l in range(L + 1):
        missing[("forward", l)] = stepper.value("A", l) is None
        missing[("dA", l)] = not stepper.is_filled("dA", l)
    for i in range(1, L + 2):
        missing[("box", i)] = stepper.value("A", min(i, L)) is None
    for l in range(1, L + 1):
        missing[("grads", l)] = stepper.value("dZ", l) is None
    missing[("dA0box", 0)] = not stepper.is_filled("dA", 0)
    missing[("down", 0)] = missing[("cost", 0)] = stepper.current_cost is None
    return missing


def thumbnail_source(key: Key, dims: list[int], m: int) -> tuple[Reader, Reader | None, float | None]:
    """How to read a thumbnail's array (None while not computed), its last iteration's values (the
    ghost), and its colour centre: 0.5 for the probabilities ŷ and the labels Y, else 0."""
    quantity, l = key
    L = len(dims) - 1
    if key == ("Y", 0):
        return (lambda s: s.net.Y), None, 0.5
    if key == ("dA0", 0):
        # whole iterations skip dA0 (nothing learns from it), so its buffer has no last value to show;
        # the thumbnail reads only the entries it shows (B1 leaves dA0 to its first reader)
        rows, columns = stride(dims[0], MAX_CELLS), stride(m, MAX_CELLS)
        return (lambda s: s.value_part("dA", 0, rows, columns)), None, None
    if quantity in ("W", "b") or key == ("dA", L):
        # W and b are always there; whole iterations use the fused dZ[L] = A[L] − Y, so dA[L] has no
        # last value to show
        return (lambda s: s.value(quantity, l)), None, None
    centre = 0.5 if key == ("A", L) else None
    return (lambda s: s.value(quantity, l)), (lambda s: getattr(s.net, quantity)[l]), centre
