"""Shared engine fixtures: the course's flower set, built independently of the datasets module."""

import numpy as np
import pytest


def course_flower() -> tuple[np.ndarray, np.ndarray]:
    """planar_utils.load_planar_dataset, written out: seed 1, m = 400, 4 petals."""
    rng = np.random.RandomState(1)
    m, N, a = 400, 200, 4
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


@pytest.fixture(scope="session")
def flower() -> tuple[np.ndarray, np.ndarray]:
    X, Y = course_flower()
    X.flags.writeable = False
    Y.flags.writeable = False
    return X, Y
