"""Activation functions g(Z) and their backward rules dZ = dA ⊙ g'(Z).

Each is a list of NumPy calls (ops.py) into given buffers (same shape as Z, (n_l, m)), so a training
iteration allocates nothing. The formulas follow the course's ``dnn_utils`` so that the numbers are
bit-identical to the notebooks'; where the course formula would overflow (sigmoid of a very negative
Z) the argument is clamped first, which changes nothing where the course formula is finite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .ops import Op, maximum, minimum, run

Forward = Callable[[np.ndarray, np.ndarray], list[Op]]  # (Z, A) → the ops that write A
Backward = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], list[Op]]  # (dA, Z, A, dZ) → ops writing dZ


# exp(709.78) is the largest finite float64 exponential; clamping -Z there keeps 1/(1+exp(-Z))
# warning-free while every finite course value is reproduced exactly.
EXP_LIMIT = 709.0
# tanh(20) is 1 to double precision; e^40 is far from overflowing
TANH_EXP_LIMIT = 40.0
LEAKY_SLOPE = 0.01


def sigmoid_ops(Z: np.ndarray, A: np.ndarray, D: np.ndarray | None = None) -> list[Op]:
    """A = 1 / (1 + exp(−Z)), shapes (n_l, m). ``D`` keeps the denominator 1 + exp(−Z) (the output layer's
    cost reads it: −log A = log D); without it the denominator is built in A."""
    D = A if D is None else D
    return [
        (np.negative, (Z, D)),
        minimum(D, EXP_LIMIT, D),
        (np.exp, (D, D)),
        (np.add, (D, 1.0, D)),
        (np.divide, (1.0, D, A)),
    ]


def sigmoid_backward_ops(dA: np.ndarray, Z: np.ndarray, A: np.ndarray, dZ: np.ndarray) -> list[Op]:
    """dZ = dA · s · (1 − s) with s = A = σ(Z), multiplied in the course's order (1 − s in a buffer of
    its own, made once with the list)."""
    one_minus_A = np.empty_like(A)
    return [(np.multiply, (dA, A, dZ)), (np.subtract, (1.0, A, one_minus_A)), (np.multiply, (dZ, one_minus_A, dZ))]


def tanh_ops(Z: np.ndarray, A: np.ndarray) -> list[Op]:
    """A = tanh(Z), by NumPy's tanh: the course's function."""
    return [(np.tanh, (Z, A))]


def tanh_from_exp_ops(Z: np.ndarray, A: np.ndarray) -> list[Op]:
    """A = tanh(Z) = 1 − 2 / (e^{2Z} + 1), within 1.5 units in the last place of 1 (3.3e-16) of NumPy's tanh
    (so relatively coarser only for |Z| ≪ 1, where A is tiny). 2Z is clamped at 40, where tanh is 1 to
    double precision, so that e^{2Z} never overflows; −inf gives −1, NaN stays NaN."""
    return [
        (np.multiply, (Z, 2.0, A)),
        minimum(A, TANH_EXP_LIMIT, A),
        (np.exp, (A, A)),
        (np.add, (A, 1.0, A)),
        (np.divide, (-2.0, A, A)),
        (np.add, (A, 1.0, A)),
    ]


def tanh_is_vectorized() -> bool:
    """Whether NumPy's float64 tanh has a SIMD loop on this CPU (its AVX-512 one; NumPy ≥ 2 can tell).
    Elsewhere, e.g. on AVX2-only CPUs, it is a scalar loop several times slower than exp's."""
    try:
        from numpy.lib.introspect import opt_func_info
    except ImportError:  # NumPy 1.x
        return False
    loops = opt_func_info(func_name="^tanh$").get("tanh", {})
    current = loops.get("dd", {}).get("current", "")
    return current.startswith("AVX512") or current == "X86_V4"


# The engine's tanh, chosen once per process by what this CPU runs fastest, so that every path of a run
# (and Play's worker, a child on the same machine) computes the same bits. The course adapters keep
# NumPy's own (``tanh``), for the notebooks' digits.
ENGINE_TANH_OPS: Forward = tanh_ops if tanh_is_vectorized() else tanh_from_exp_ops


def tanh_backward_ops(dA: np.ndarray, Z: np.ndarray, A: np.ndarray, dZ: np.ndarray) -> list[Op]:
    """dZ = dA · (1 − A²), as the week-3 notebook writes it: W.T dZ * (1 − A**2)."""
    return [(np.multiply, (A, A, dZ)), (np.subtract, (1.0, dZ, dZ)), (np.multiply, (dA, dZ, dZ))]


def relu_ops(Z: np.ndarray, A: np.ndarray) -> list[Op]:
    """A = max(0, Z)."""
    return [maximum(0.0, Z, A)]


def relu_backward_ops(dA: np.ndarray, Z: np.ndarray, A: np.ndarray, dZ: np.ndarray) -> list[Op]:
    """dZ = dA where Z > 0, else 0 (Z = 0 counts as 0, as in the course's relu_backward)."""
    # a multiply by the 0/1 mask is ~5× faster than a masked write on wide layers; the final + 0.0 turns
    # −0.0 (from 0 · negative dA) into +0.0, as the course's zeros
    return [(np.greater, (Z, 0.0, dZ)), (np.multiply, (dZ, dA, dZ)), (np.add, (dZ, 0.0, dZ))]


def leaky_relu_ops(Z: np.ndarray, A: np.ndarray) -> list[Op]:
    """A = max(0.01 Z, Z)."""
    return [(np.multiply, (Z, LEAKY_SLOPE, A)), maximum(Z, A, A)]


def leaky_relu_backward_ops(dA: np.ndarray, Z: np.ndarray, A: np.ndarray, dZ: np.ndarray) -> list[Op]:
    """dZ = dA where Z > 0, else 0.01 dA (the slope, 1 or 0.01, is built in dZ first)."""
    return [
        (np.greater, (Z, 0.0, dZ)),
        (np.multiply, (dZ, 1.0 - LEAKY_SLOPE, dZ)),
        (np.add, (dZ, LEAKY_SLOPE, dZ)),
        (np.multiply, (dA, dZ, dZ)),
    ]


# The activation called "linear" (A = Z) is the identity; its functions say so, because layers.py's
# linear_forward / linear_backward are the course's linear part of a layer (Z = W A_prev + b).
def identity_ops(Z: np.ndarray, A: np.ndarray) -> list[Op]:
    """A = Z."""
    return [(np.copyto, (A, Z))]


def identity_backward_ops(dA: np.ndarray, Z: np.ndarray, A: np.ndarray, dZ: np.ndarray) -> list[Op]:
    """dZ = dA."""
    return [(np.copyto, (dZ, dA))]


def sigmoid(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(Z) into ``out``."""
    run(sigmoid_ops(Z, out))
    return out


def tanh(Z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """tanh(Z) into ``out``, NumPy's: what the course's adapters call."""
    run(tanh_ops(Z, out))
    return out


def tanh_backward(dA: np.ndarray, Z: np.ndarray, A: np.ndarray, out: np.ndarray) -> np.ndarray:
    """dA · (1 − A²) into ``out``."""
    run(tanh_backward_ops(dA, Z, A, out))
    return out


@dataclass(frozen=True)
class Activation:
    """A named pair: g(Z) and the rule that turns dA into dZ, as op lists (ops.py), plus the text the views
    print."""

    name: str
    forward_ops: Forward
    backward_ops: Backward
    formula: str
    derivative: str

    def forward(self, Z: np.ndarray, out: np.ndarray) -> np.ndarray:
        """A = g(Z) into ``out``."""
        run(self.forward_ops(Z, out))
        return out

    def backward(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray, out: np.ndarray) -> np.ndarray:
        """dZ = dA ⊙ g′(Z) into ``out``."""
        run(self.backward_ops(dA, Z, A, out))
        return out


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", relu_ops, relu_backward_ops, "max(0, Z)", "1 if Z > 0 else 0"),
    "leaky_relu": Activation(
        "leaky_relu", leaky_relu_ops, leaky_relu_backward_ops, "max(0.01 Z, Z)", "1 if Z > 0 else 0.01"
    ),
    "tanh": Activation("tanh", ENGINE_TANH_OPS, tanh_backward_ops, "tanh(Z)", "1 − A²"),
    "sigmoid": Activation("sigmoid", sigmoid_ops, sigmoid_backward_ops, "1 / (1 + e^−Z)", "A (1 − A)"),
    "linear": Activation("linear", identity_ops, identity_backward_ops, "Z", "1"),
}


def get_activation(name: str) -> Activation:
    """Look an activation up by name; a ValueError lists the valid names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        valid = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (choose from {valid})") from None
