"""Divergence: the checks after each micro-step, and the report of the first one that fails.

After every micro-step the stepper asks whether what the step produced is still finite (and, for the
logits Z[L], within exp's range). The first failure becomes a ``DivergenceReport``: iteration,
micro-step, layer, quantity, how many entries and a likely cause read from the last finite parameters.
Whole iterations (Play's hot loop) first try one cheap combined test (``DivergenceChecks.clean``) and run
the micro-steps' exact checks only when it fails.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .network import Network

# Beyond this |Z[L]| exp(−Z) overflows float64 (exp(709.78) is the largest finite value).
LOGIT_LIMIT = 709.0


@dataclass
class DivergenceReport:
    """Where training first produced a non-finite (or out-of-range) quantity, and a likely cause."""

    iteration: int
    step: str
    layer: int
    quantity: str
    bad_entries: int
    total_entries: int
    problem: str
    cause: str

    @property
    def message(self) -> str:
        where = f"iteration {self.iteration}, step {self.step}" + (f" (layer {self.layer})" if self.layer else "")
        return (
            f"Training diverged at {where}: {self.quantity} has {self.bad_entries} of {self.total_entries} "
            f"entries {self.problem}. Likely cause: {self.cause}. The last finite state is kept."
        )


def _count(array: np.ndarray, problem: str, mask: np.ndarray | None = None) -> tuple[int, int, str]:
    """(bad entries, all entries, what is wrong with them); bad = not finite unless ``mask`` says otherwise."""
    bad = ~np.isfinite(array) if mask is None else mask
    return int(np.count_nonzero(bad)), array.size, problem


class DivergenceChecks:
    """The checks of one network's buffers (bound to its data: the stepper makes them after ``bind``)."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.L = net.L
        self._hidden_Z = net.Z[1 : net.L]
        self._logits = net.Z[net.L].reshape(-1)

    def clean(self, J: float) -> bool:
        """One iteration's cheap test, on what a whole iteration left: J finite, Σ Z[L]² ≤ 709² (finite and in
        exp's range), θ's sum and each hidden Z's sum finite. False means: run ``after_iteration``."""
        logits = self._logits
        return (
            math.isfinite(J)
            and np.dot(logits, logits) <= LOGIT_LIMIT**2
            and math.isfinite(self.net.theta.sum())
            and all(math.isfinite(Z.sum()) for Z in self._hidden_Z)
        )

    def after_iteration(self, J: float, iteration: int) -> DivergenceReport | None:
        """The micro-steps' checks, in their order, on the buffers a whole iteration left behind."""
        for l in range(1, self.L + 1):
            report = self.after_forward(l, iteration)
            if report is not None:
                return report
        return self.after_cost(J, iteration) or self.after_update(iteration)

    def after_forward(self, l: int, iteration: int) -> DivergenceReport | None:
        """F_l: Z[l] finite; at the output also within exp's range."""
        Z = self.net.Z[l]
        if l == self.L:
            return self._check_logits(Z, iteration)
        if not math.isfinite(Z.sum()):
            count = _count(Z, "that are NaN or infinite")
            if count[0] == 0:
                count = (Z.size, Z.size, "whose sum overflows float64")
            return DivergenceReport(iteration, f"F{l}", l, f"Z{l}", *count, "")
        return None

    def _check_logits(self, Z: np.ndarray, iteration: int) -> DivergenceReport | None:
        """Z[L] must be finite and within exp's range; Σ Z² ≤ 709² clears both in one call."""
        flat = Z.reshape(-1)
        if np.dot(flat, flat) <= LOGIT_LIMIT**2:
            return None
        L = self.L
        if not np.all(np.isfinite(Z)):
            return DivergenceReport(iteration, f"F{L}", L, f"Z{L}", *_count(Z, "that are NaN or infinite"), "")
        beyond = np.abs(Z) > LOGIT_LIMIT
        if beyond.any():
            count = _count(Z, "beyond exp's range (|Z| > 709)", beyond)
            return DivergenceReport(iteration, f"F{L}", L, f"Z{L}", *count, "")
        return None

    @staticmethod
    def after_cost(J: float, iteration: int) -> DivergenceReport | None:
        """Cost: J finite."""
        if math.isfinite(J):
            return None
        return DivergenceReport(iteration, "Cost", 0, "J", 1, 1, "that is not finite", "")

    def after_update(self, iteration: int) -> DivergenceReport | None:
        """Update: every W[l], b[l] finite (and θ's sum, which tells it in one call)."""
        net = self.net
        if math.isfinite(net.theta.sum()):
            return None
        for l in range(1, self.L + 1):
            for name, array in ((f"W{l}", net.W[l]), (f"b{l}", net.b[l])):
                count = _count(array, "that are NaN or infinite")
                if count[0]:
                    return DivergenceReport(iteration, "Update", l, name, *count, "")
        size = net.theta.size
        return DivergenceReport(iteration, "Update", 0, "θ", size, size, "whose sum overflows float64", "")


def likely_cause(net: Network, iteration: int, learning_rate: float, edits: Sequence[dict]) -> str:
    """A best guess at why, read from the last finite parameters; ``edits`` are the data of the hand edits
    made up to ``iteration``, oldest first."""
    sizes = [np.abs(net.theta[s]).max(initial=0.0) for s in net.weight_slices[1:]]
    layer = int(np.argmax(sizes)) + 1
    biggest = sizes[layer - 1]
    if edits and biggest > 100 and abs(edits[-1]["value"]) >= biggest:
        e = edits[-1]
        return f"the value typed by hand, {e['name']}{list(e['index'])} = {e['value']:g}"
    if iteration == 0 and biggest > 100:  # no update has happened: α is not to blame
        return f"the initial weights are too large: |W{layer}| is {biggest:.0e} before any update"
    if biggest > 100:
        return f"learning rate {learning_rate:g} too large: |W{layer}| grew to {biggest:.0e}"
    if np.abs(net.X).max() > 1e3:
        return "the input features are very large: standardise them"
    return f"learning rate {learning_rate:g} too large, or weights initialised too large"
