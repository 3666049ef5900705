"""The linear part of a layer, forward and backward, one definition per equation.

Shapes: A_prev (n_{l−1}, m), W (n_l, n_{l−1}), b (n_l, 1), Z and dZ (n_l, m).
Each equation is a list of NumPy calls into given buffers (ops.py): the Network builds them once over its
preallocated buffers so that a training iteration allocates nothing. The functions without ``_ops`` run
the same list, into ``out`` or, as the course adapters call them, into a fresh array.
"""

from __future__ import annotations

import numpy as np

from .ops import Op, run


def linear_forward_ops(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, Z: np.ndarray) -> list[Op]:
    """Z = W A_prev + b, shape (n_l, m)."""
    return [(np.matmul, (W, A_prev, Z)), (np.add, (Z, b, Z))]


def average_ops(total: np.ndarray, m: int) -> list[Op]:
    """total := (1/m) · total, the last step of dW and db. A whole iteration takes it for every layer's dW
    and db at once, on the flat gradient: the same multiplication of each entry, so the same bits."""
    return [(np.multiply, (total, 1.0 / m, total))]


def weight_gradient_ops(dZ: np.ndarray, A_prev: np.ndarray, dW: np.ndarray, average: bool = True) -> list[Op]:
    """dW = (1/m) dZ A_prevᵀ, shape (n_l, n_{l−1}); without ``average`` only dZ A_prevᵀ (see average_ops)."""
    return [(np.matmul, (dZ, A_prev.T, dW))] + (average_ops(dW, A_prev.shape[1]) if average else [])


def bias_gradient_ops(dZ: np.ndarray, db: np.ndarray, average: bool = True) -> list[Op]:
    """db = (1/m) Σ_columns dZ, shape (n_l, 1); without ``average`` only Σ_columns dZ (see average_ops)."""
    # np.add.reduce is np.sum without its Python wrapper: (array, axis, dtype, out, keepdims)
    return [(np.add.reduce, (dZ, 1, None, db, True))] + (average_ops(db, dZ.shape[1]) if average else [])


def input_gradient_ops(dZ: np.ndarray, W: np.ndarray, dA_prev: np.ndarray) -> list[Op]:
    """dA_prev = Wᵀ dZ, shape (n_{l−1}, m)."""
    if W.shape[0] == 1:
        # one unit: Wᵀ dZ is an outer product, which broadcasting does ~6× faster than matmul, same bits
        return [(np.multiply, (W.T, dZ, dA_prev))]
    return [(np.matmul, (W.T, dZ, dA_prev))]


def gradient_step_ops(param: np.ndarray, grad: np.ndarray, learning_rate: float, scratch: np.ndarray) -> list[Op]:
    """param := param − α · grad, in place (α · grad first, as the course computes it)."""
    return [(np.multiply, (grad, learning_rate, scratch)), (np.subtract, (param, scratch, param))]


def _result(out: np.ndarray | None, shape: tuple[int, ...], *operands: np.ndarray) -> np.ndarray:
    """``out``, or a fresh array of ``shape`` in the operands' floating type."""
    return np.empty(shape, np.result_type(*operands, 1.0)) if out is None else out


def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Z = W A_prev + b, shape (n_l, m)."""
    Z = _result(out, (W.shape[0], A_prev.shape[1]), W, A_prev)
    run(linear_forward_ops(A_prev, W, b, Z))
    return Z


def weight_gradient(dZ: np.ndarray, A_prev: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dW = (1/m) dZ A_prevᵀ, shape (n_l, n_{l−1})."""
    dW = _result(out, (dZ.shape[0], A_prev.shape[0]), dZ, A_prev)
    run(weight_gradient_ops(dZ, A_prev, dW))
    return dW


def bias_gradient(dZ: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """db = (1/m) Σ_columns dZ, shape (n_l, 1)."""
    db = _result(out, (dZ.shape[0], 1), dZ)
    run(bias_gradient_ops(dZ, db))
    return db


def input_gradient(dZ: np.ndarray, W: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """dA_prev = Wᵀ dZ, shape (n_{l−1}, m)."""
    dA_prev = _result(out, (W.shape[1], dZ.shape[1]), W, dZ)
    run(input_gradient_ops(dZ, W, dA_prev))
    return dA_prev


def linear_backward(
    dZ: np.ndarray, A_prev: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dA_prev, dW, db) of the linear part, in the course's return order."""
    return input_gradient(dZ, W), weight_gradient(dZ, A_prev), bias_gradient(dZ)


def gradient_step(param: np.ndarray, grad: np.ndarray, learning_rate: float, scratch: np.ndarray) -> None:
    """param := param − α · grad, in place (α · grad first, as the course computes it)."""
    run(gradient_step_ops(param, grad, learning_rate, scratch))
