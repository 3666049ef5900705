"""Parameter initialisation: W[l] of shape (n_l, n_{l−1}), b[l] of shape (n_l, 1) zeros.

Every scheme draws from a legacy ``RandomState`` (or the ``np.random`` module itself, which is the
global one) in the course's order W1, W2, …, so ``init="scaled_normal", seed=3`` gives exactly the
course's ``initialize_parameters_deep`` and ``init="xavier", seed=1`` the application's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class NormalSource(Protocol):
    def randn(self, *shape: int) -> np.ndarray: ...


def zeros_weights(rng: NormalSource, n_l: int, n_prev: int) -> np.ndarray:
    """W = 0: every unit of a layer stays identical (symmetry is never broken)."""
    return np.zeros((n_l, n_prev))


def scaled_normal_weights(rng: NormalSource, n_l: int, n_prev: int) -> np.ndarray:
    """W = randn × 0.01, the course's initialize_parameters / initialize_parameters_deep."""
    return rng.randn(n_l, n_prev) * 0.01


def xavier_weights(rng: NormalSource, n_l: int, n_prev: int) -> np.ndarray:
    """W = randn / √n_{l−1}, as the week-4 application's helpers write it."""
    return rng.randn(n_l, n_prev) / np.sqrt(n_prev)


def he_weights(rng: NormalSource, n_l: int, n_prev: int) -> np.ndarray:
    """W = randn × √(2 / n_{l−1}), as course 2's He initialisation writes it."""
    return rng.randn(n_l, n_prev) * np.sqrt(2.0 / n_prev)


INIT_SCHEMES = {
    "zeros": zeros_weights,
    "scaled_normal": scaled_normal_weights,
    "xavier": xavier_weights,
    "he": he_weights,
}


def initialize(
    layer_dims: Sequence[int], scheme: str = "scaled_normal", seed: int | None = 1, rng: NormalSource | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W1, b1), …, (WL, bL)] for ``layer_dims = [n_x, n_1, …, n_L]``.

    ``rng`` overrides ``seed``; pass the ``np.random`` module to draw from the global state as the
    week-3 notebook does.
    """
    try:
        draw = INIT_SCHEMES[scheme]
    except KeyError:
        valid = ", ".join(INIT_SCHEMES)
        raise ValueError(f"unknown init scheme {scheme!r} (choose from {valid})") from None
    if rng is None:
        rng = np.random.RandomState(seed)
    return [
        (draw(rng, layer_dims[l], layer_dims[l - 1]), np.zeros((layer_dims[l], 1)))
        for l in range(1, len(layer_dims))
    ]
