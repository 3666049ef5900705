"""Binary cross-entropy, computed so that it never takes log(0).

J = −(1/m) Σ [Y log A + (1−Y) log(1−A)] with A = σ(Z) = 1/D, D = 1 + e^−Z the denominator the output
layer's sigmoid computes anyway. For Y = 1 the loss −log A is log D; for Y = 0, −log(1−A) = Z + log D. So
J = (1/m) [Σ log D + (1−Y)·Z]: one log, one sum and one dot over the logits, never log(0), equal to the
course formula wherever that one is finite. Shapes: Z, A, D, Y (1, m).
"""

from __future__ import annotations

import numpy as np

from .activations import EXP_LIMIT, sigmoid_ops
from .ops import Op, run

# A_L is clipped into [ε, 1−ε] only for displaying dA_L; the training path never divides by A_L.
DISPLAY_EPSILON = 1e-15


class CrossEntropy:
    """J against fixed labels Y (1, m), from the logits Z and the output sigmoid's denominator D = 1 + e^−Z.

    Z lives in this object's ``logits`` buffer (the network computes Z[L] there), right after a row for
    log D, so that Σ log D + (1−Y)·Z is one dot product, [log D, Z] · [1, 1−Y]. ``logit_squares`` keeps the
    Σ Z² the cost needed (the stepper's check of the logits reads it: no second pass over Z).
    """

    def __init__(self, D: np.ndarray, Y: np.ndarray) -> None:
        self.m = Y.shape[1]
        self.D, self.Y = D, Y
        terms = np.empty((2, self.m), D.dtype)
        self._terms, self.log_D, self.logits = terms.reshape(-1), terms[0:1], terms[1:2]
        self._Z = terms[1]
        self._weights = np.concatenate([np.ones(self.m, D.dtype), np.subtract(1, Y, dtype=D.dtype).reshape(-1)])
        self.logit_squares = np.nan
        # Below −limit the denominator is no longer e^−Z: the sigmoid clamps at e^709, and in float32 e^−Z
        # overflows already past 88.7 (D = inf, log D = inf). There J is computed the long way.
        self._limit = min(EXP_LIMIT, float(np.log(np.finfo(D.dtype).max))) if D.dtype.kind == "f" else EXP_LIMIT
        self._zero = D.dtype.type(0)
        # BLAS sums a float32/float64 dot in blocks; NumPy's own loop (long double, the gradient check's
        # extended precision) one term after another, which loses the digits that check needs: there the
        # products are summed pairwise instead.
        self._blas = D.dtype in (np.float32, np.float64)

    def cost(self) -> np.floating:
        """J as a NumPy scalar of Z's dtype (the gradient check keeps extended precision)."""
        Z = self._Z
        np.log(self.D, self.log_D)
        self.logit_squares = np.dot(Z, Z)
        if self.logit_squares > self._limit**2 and Z.min() < -self._limit:
            # log D is not log(1 + e^−Z) there (see _limit): J the long way, exact for any Z.
            loss = np.logaddexp(0.0, Z)
            loss -= self.Y.reshape(-1) * Z
            return loss.sum() / self.m
        if self._blas:
            J = np.dot(self._terms, self._weights) / self.m
        else:
            J = np.add.reduce(self._terms * self._weights) / self.m
        # Where Y = 0 and Z ≪ 0, log D and Z cancel (as log(1 + e^Z) − Z does where Y = 1 and Z ≫ 0): a J of
        # nearly 0 may come out a rounding error below it. NaN passes.
        return self._zero if J < 0 else J


def cost_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """J of the logits Z against Y (1, m), a Python float, on fresh arrays."""
    return cost_in_dtype(Z, Y).item()


def cost_in_dtype(Z: np.ndarray, Y: np.ndarray) -> np.floating:
    """The same J as a NumPy scalar of Z's dtype (the gradient check keeps extended precision)."""
    loss = CrossEntropy(np.empty_like(Z), Y)
    np.copyto(loss.logits, Z)
    run(sigmoid_ops(Z, np.empty_like(Z), loss.D))
    return loss.cost()


def cost_from_probabilities(A: np.ndarray, Y: np.ndarray) -> float:
    """The textbook J = −(1/m) Σ [Y log A + (1−Y) log(1−A)]; infinite or NaN when A hits 0 or 1."""
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(np.log(A), Y) + np.multiply(np.log(1 - A), 1 - Y)
    return (-np.sum(logprobs) / m).item()


def output_gradient_ops(A: np.ndarray, Y: np.ndarray, dZ: np.ndarray) -> list[Op]:
    """The fused dZ_L = A_L − Y of a sigmoid output under cross-entropy, shape (1, m)."""
    return [(np.subtract, (A, Y, dZ))]


def output_gradient(A: np.ndarray, Y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dZ_L = A_L − Y into ``out`` or a fresh array."""
    dZ = np.empty(A.shape, np.result_type(A, Y, 1.0)) if out is None else out
    run(output_gradient_ops(A, Y, dZ))
    return dZ


def display_epsilon(dtype: np.dtype) -> float:
    """ε of the display clip [ε, 1−ε] in ``dtype``: 1e-15, or the dtype's own epsilon where 1 − 1e-15 would
    round to 1 (float32)."""
    dtype = np.dtype(dtype)
    return max(DISPLAY_EPSILON, float(np.finfo(dtype).eps)) if dtype.kind == "f" else DISPLAY_EPSILON


def output_activation_gradient(A: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dA_L = −(Y/A − (1−Y)/(1−A)) for display, with A clipped into [ε, 1−ε] (``display_epsilon``).

    Returns (dA_L, clipped) where ``clipped`` marks the entries whose A had to be clipped.
    """
    low = display_epsilon(A.dtype)
    A_safe = np.clip(A, low, 1.0 - low)
    clipped = A_safe != A
    dA = -(np.divide(Y, A_safe) - np.divide(1 - Y, 1 - A_safe))
    return dA, clipped
