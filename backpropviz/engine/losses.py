"""Binary cross-entropy, computed so that it never takes log(0).

J = −(1/m) Σ [Y log A + (1−Y) log(1−A)] with A = σ(Z). From the logits Z this is
J = (1/m) Σ [log(1 + e^Z) − Y Z], which ``np.logaddexp`` evaluates without overflow; it equals the
course formula wherever that one is finite. Shapes: Z, A, Y (1, m).
"""

from __future__ import annotations

import numpy as np

# A_L is clipped into [ε, 1−ε] only for displaying dA_L; the training path never divides by A_L.
DISPLAY_EPSILON = 1e-15


def cost_from_logits(Z: np.ndarray, Y: np.ndarray, scratch: np.ndarray | None = None) -> float:
    """J = (1/m) Σ [logaddexp(0, Z) − Y Z], a Python float."""
    return cost_in_dtype(Z, Y, scratch).item()


def cost_in_dtype(Z: np.ndarray, Y: np.ndarray, scratch: np.ndarray | None = None) -> np.floating:
    """The same J as a NumPy scalar of Z's dtype (long double stays long double)."""
    m = Y.shape[1]
    loss = np.logaddexp(0.0, Z, out=scratch)
    loss -= Y * Z
    return loss.sum() / m


def cost_from_probabilities(A: np.ndarray, Y: np.ndarray) -> float:
    """The textbook J = −(1/m) Σ [Y log A + (1−Y) log(1−A)]; infinite or NaN when A hits 0 or 1."""
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = np.multiply(np.log(A), Y) + np.multiply(np.log(1 - A), 1 - Y)
    return (-np.sum(logprobs) / m).item()


def output_gradient(A: np.ndarray, Y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The fused dZ_L = A_L − Y of a sigmoid output under cross-entropy, shape (1, m)."""
    return np.subtract(A, Y, out=out)


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
