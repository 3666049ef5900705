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
    """J of the logits Z (1, m) against fixed labels Y (1, m), given the sigmoid's denominator D = 1 + e^−Z."""

    def __init__(self, Z: np.ndarray, D: np.ndarray, Y: np.ndarray) -> None:
        self.m = Y.shape[1]
        self.Z = Z.reshape(-1)
        self.D = D
        self.Y = Y
        self.not_Y = np.subtract(1, Y, dtype=Z.dtype).reshape(-1)
        self.log_D = np.empty_like(D)

    def cost(self) -> np.floating:
        """J as a NumPy scalar of Z's dtype (the gradient check keeps extended precision)."""
        log_sum = np.log(self.D, self.log_D).sum()
        if log_sum >= EXP_LIMIT - 1 and self.log_D.max() >= EXP_LIMIT - 1:
            # The sigmoid clamps e^−Z at e^709, so log D stops at 709 where −Z goes on (each log D ≥ 0:
            # only a sum that large can hold such an entry): then J is taken the long way, exact for any Z.
            loss = np.logaddexp(0.0, self.Z)
            loss -= self.Y.reshape(-1) * self.Z
            return loss.sum() / self.m
        return (log_sum + np.dot(self.not_Y, self.Z)) / self.m


def cost_from_logits(Z: np.ndarray, Y: np.ndarray) -> float:
    """J of the logits Z against Y (1, m), a Python float, on fresh arrays."""
    return cost_in_dtype(Z, Y).item()


def cost_in_dtype(Z: np.ndarray, Y: np.ndarray) -> np.floating:
    """The same J as a NumPy scalar of Z's dtype (the gradient check keeps extended precision)."""
    D = np.empty_like(Z)
    run(sigmoid_ops(Z, np.empty_like(Z), D))
    return CrossEntropy(Z, D, Y).cost()


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


def output_activation_gradient(A: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dA_L = −(Y/A − (1−Y)/(1−A)) for display, with A clipped into [ε, 1−ε].

    Returns (dA_L, clipped) where ``clipped`` marks the entries whose A had to be clipped.
    """
    # in float32, 1 − 1e-15 rounds to 1: the clip must stay representable in A's own precision
    low = max(DISPLAY_EPSILON, float(np.finfo(A.dtype).eps)) if A.dtype.kind == "f" else DISPLAY_EPSILON
    A_safe = np.clip(A, low, 1.0 - low)
    clipped = A_safe != A
    dA = -(np.divide(Y, A_safe) - np.divide(1 - Y, 1 - A_safe))
    return dA, clipped
