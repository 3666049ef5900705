"""Numerical gradient check: does backprop's dW agree with the slope of J?

For each parameter θ_i, gradapprox_i = (J(θ_i + ε) − J(θ_i − ε)) / 2ε with ε = 1e-7, and
difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂), as in the course. The check runs on a
float64 copy of the network, so the caller's caches and parameters are never disturbed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .losses import cost_in_dtype
from .network import Network

EPSILON = 1e-7
THRESHOLD = 1e-7


def relative_difference(grad: np.ndarray, gradapprox: np.ndarray) -> float:
    """‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖); 0 when both are zero."""
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    if denominator == 0:
        return 0.0
    return (np.linalg.norm(grad - gradapprox) / denominator).item()


@dataclass
class GradCheckResult:
    """The overall difference and one per layer (index 1…L), with the vectors compared."""

    difference: float
    per_layer: dict[int, float]
    grad: np.ndarray = field(repr=False)
    gradapprox: np.ndarray = field(repr=False)
    # max(‖grad‖, ‖gradapprox‖) per layer: below ~1e-6 the rounding in J outweighs the gradient itself
    per_layer_norm: dict[int, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.difference < THRESHOLD

    def failing_layers(self) -> list[int]:
        return [l for l, d in self.per_layer.items() if d >= THRESHOLD]


# Below this much work per cost (parameters × examples) J is evaluated in extended precision: with
# ε = 1e-7, float64 rounding in J alone can push a correct backprop past 1e-7 on an untrained net.
EXTENDED_WORK = 10_000_000


def _cost(net: Network, X: np.ndarray, Y: np.ndarray, dtype: type) -> np.floating:
    """J(θ) on fresh arrays in ``dtype`` (float64 or longdouble), kept in that precision."""
    Z_L, _ = net.forward_fresh(X, dtype)
    return cost_in_dtype(Z_L, Y.astype(dtype))


def gradient_check(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    epsilon: float = EPSILON,
    max_entries_per_layer: int | None = None,
    seed: int = 0,
) -> GradCheckResult:
    """Compare backprop's dW, db with centred differences of J, overall and per layer.

    ``max_entries_per_layer`` checks a seeded random sample of each layer's entries (wide nets would
    otherwise need two forward passes per weight); None checks every entry.
    """
    net = Network(network.layer_dims, network.activation_names, dtype="float64", parameters=network.parameters())
    net.planted_bug_layer = network.planted_bug_layer
    net.bind(X, Y)
    net.forward()
    net.backward()
    rng = np.random.RandomState(seed)
    dtype = np.longdouble if net.theta.size * X.shape[1] <= EXTENDED_WORK else np.float64
    grads: list[np.ndarray] = []
    approxes: list[np.ndarray] = []
    per_layer: dict[int, float] = {}
    per_layer_norm: dict[int, float] = {}
    for l in range(1, net.L + 1):
        layer_grad, layer_approx = [], []
        for param, grad in ((net.W[l], net.dW[l]), (net.b[l], net.db[l])):
            flat, flat_grad = param.reshape(-1), grad.reshape(-1)
            indices = np.arange(flat.size)
            if max_entries_per_layer is not None and flat.size > max_entries_per_layer:
                indices = np.sort(rng.choice(flat.size, max_entries_per_layer, replace=False))
            for i in indices:
                original = flat[i]
                flat[i] = original + epsilon
                J_plus = _cost(net, X, Y, dtype)
                flat[i] = original - epsilon
                J_minus = _cost(net, X, Y, dtype)
                flat[i] = original
                layer_approx.append(float((J_plus - J_minus) / (2 * epsilon)))
                layer_grad.append(flat_grad[i])
        grads.append(np.array(layer_grad))
        approxes.append(np.array(layer_approx))
        per_layer[l] = relative_difference(grads[-1], approxes[-1])
        per_layer_norm[l] = max(np.linalg.norm(grads[-1]), np.linalg.norm(approxes[-1])).item()
    grad, gradapprox = np.concatenate(grads), np.concatenate(approxes)
    return GradCheckResult(relative_difference(grad, gradapprox), per_layer, grad, gradapprox, per_layer_norm)
