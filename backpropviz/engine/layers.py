"""The linear part of a layer, forward and backward, one function per equation.

Shapes: A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1), Z and dZ (n_l, m).
Each function takes an optional ``out`` buffer; the Network passes preallocated ones so that a
training iteration allocates nothing, the course adapters pass none and get fresh arrays.
"""

from __future__ import annotations

import numpy as np


def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Z = W A_prev + b, shape (n_l, m)."""
    Z = np.matmul(W, A_prev, out=out)
    return np.add(Z, b, out=Z)


def weight_gradient(dZ: np.ndarray, A_prev: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dW = (1/m) dZ A_prevᵀ, shape (n_l, n_{l−1})."""
    m = A_prev.shape[1]
    dW = np.matmul(dZ, A_prev.T, out=out)
    return np.multiply(dW, 1.0 / m, out=dW)


def bias_gradient(dZ: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """db = (1/m) Σ_columns dZ, shape (n_l, 1)."""
    m = dZ.shape[1]
    db = np.add.reduce(dZ, axis=1, keepdims=True, out=out)  # np.sum without its Python wrapper
    return np.multiply(db, 1.0 / m, out=db)


def input_gradient(dZ: np.ndarray, W: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dA_prev = Wᵀ dZ, shape (n_{l−1}, m)."""
    if W.shape[0] == 1:
        # one unit: Wᵀ dZ is an outer product, which broadcasting does ~6× faster than matmul, same bits
        return np.multiply(W.T, dZ, out=out)
    return np.matmul(W.T, dZ, out=out)


def linear_backward(
    dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dA_prev, dW, db) of the linear part, in the course's return order."""
    return input_gradient(dZ, W), weight_gradient(dZ, A_prev), bias_gradient(dZ)


def gradient_step(param: np.ndarray, grad: np.ndarray, learning_rate: float, scratch: np.ndarray) -> None:
    """param := param − α · grad, in place (α · grad first, as the course computes it)."""
    np.multiply(grad, learning_rate, out=scratch)
    np.subtract(param, scratch, out=param)
