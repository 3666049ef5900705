"""Numerical gradient check: does backprop's dW agree with the slope of J?

For each parameter θ_i, gradapprox_i = (J(θ_i + ε) − J(θ_i − ε)) / 2ε with ε = 1e-7, and
difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂), as in the course. The check runs on a
float64 copy of the parameters taken when it starts (``ParameterSnapshot``), so the caller's network may
go on training meanwhile (e.g. while a window runs the check on another thread).

J(θ ± ε) − J(θ) is computed from the one forward pass of the unshifted θ. Shifting W[l][i, j] or b[l][i]
changes only row i of Z[l] and A[l], so Z[l+1] changes by the outer product W[l+1][:, i] ΔA[l][i], and
only the layers after that are multiplied out again (an output-layer entry costs O(m), not a forward
pass). The change is carried as a change, ΔA[k] = g(Z[k] + ΔZ[k]) − g(Z[k]) by formulas without
cancellation (INCREMENTS), and ΔJ from the logits. Subtracting two whole costs that agree to 7 of
float64's 16 digits, as the course does, leaves rounding of ~1e-9 in each gradapprox: enough to fail a
correct backprop on deep nets (6 × 40 relu: four layers at 1e-7 … 3e-5). Long double avoids that at
20-50× the time; the increments in float64 give the same differences as long double to three digits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .activations import ACTIVATIONS, LEAKY_SLOPE, sigmoid
from .network import Network

EPSILON = 1e-7
THRESHOLD = 1e-7


class GradCheckCancelledError(Exception):
    """The caller's ``cancelled()`` said stop; the check has no result."""


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
    # max(‖grad‖, ‖gradapprox‖) per layer: the scale that the relative difference is taken against
    per_layer_norm: dict[int, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.difference < THRESHOLD

    def failing_layers(self) -> list[int]:
        return [l for l, d in self.per_layer.items() if d >= THRESHOLD]


@dataclass(frozen=True)
class ParameterSnapshot:
    """What the check needs of a network, copied: θ as float64 (n_θ,), the architecture and the planted bug."""

    layer_dims: tuple[int, ...]
    activation_names: tuple[str, ...]
    theta: np.ndarray = field(repr=False)
    planted_bug_layer: int | None = None

    @classmethod
    def of(cls, network: Network) -> ParameterSnapshot:
        """A copy of ``network``'s parameters now (one memcpy of θ: cheap on any thread)."""
        return cls(tuple(network.layer_dims), tuple(network.activation_names),
                   network.theta.astype(np.float64), network.planted_bug_layer)

    def network(self) -> Network:
        """A float64 Network with these parameters (its own θ: the snapshot stays as it is)."""
        net = Network(self.layer_dims, list(self.activation_names), init="zeros", dtype="float64")
        net.theta[...] = self.theta
        net.planted_bug_layer = self.planted_bug_layer
        return net


@dataclass(frozen=True)
class _Entry:
    """One checked parameter: W[l][row, column], or b[l][row] when ``column`` is None."""

    l: int
    row: int
    column: int | None


def _sampled_entries(net: Network, max_entries_per_layer: int | None, seed: int) -> list[list[_Entry]]:
    """Per layer 1…L the entries to check: all, or a seeded sample of each W[l] and b[l]."""
    rng = np.random.RandomState(seed)
    layers: list[list[_Entry]] = []
    for l in range(1, net.L + 1):
        entries: list[_Entry] = []
        for param, is_bias in ((net.W[l], False), (net.b[l], True)):
            indices = np.arange(param.size)
            if max_entries_per_layer is not None and param.size > max_entries_per_layer:
                indices = np.sort(rng.choice(param.size, max_entries_per_layer, replace=False))
            rows, columns = np.unravel_index(indices, param.shape)
            entries += [_Entry(l, int(r), None if is_bias else int(c)) for r, c in zip(rows, columns, strict=True)]
        layers.append(entries)
    return layers


def _sech(x: np.ndarray) -> np.ndarray:
    """1 / cosh(x) without overflow."""
    e = np.exp(-np.abs(x))
    return 2 * e / (1 + e * e)


@dataclass(frozen=True)
class _Increment:
    """ΔA = g(Z + ΔZ) − g(Z) by a formula without the cancellation of subtracting two nearly equal values
    (with ΔZ ≈ 1e-7 · Z that subtraction would keep 9 of float64's 16 digits). ``factor(Z, A)`` is computed
    once per layer from the unshifted pass; ``apply(Z, A, factor, ΔZ)`` takes rows of them, or all."""

    factor: Callable[[np.ndarray, np.ndarray], np.ndarray | None]
    apply: Callable[[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray], np.ndarray]


def _smooth(step: Callable[[np.ndarray], np.ndarray], slope: Callable[[np.ndarray, np.ndarray], np.ndarray]
            ) -> _Increment:
    """tanh and sigmoid: ΔA = g'(Z) · u / (1 + A · u) with u = step(ΔZ), exactly (from the addition
    theorem of tanh; for σ with u = e^ΔZ − 1), and g'(Z) = slope(Z, A) computed without 1 − A²."""
    def apply(Z: np.ndarray, A: np.ndarray, g_prime: np.ndarray | None, dZ: np.ndarray) -> np.ndarray:
        u = step(dZ)
        return g_prime * u / (1 + A * u)

    return _Increment(slope, apply)


def _kinked(name: str, slope: float) -> _Increment:
    """relu and leaky relu: ΔA = g'(Z) ΔZ wherever Z and Z + ΔZ are on one side of the kink, else the
    difference itself (rare, and then no cancellation: one side is linear through 0)."""
    g = ACTIVATIONS[name].forward

    def apply(Z: np.ndarray, A: np.ndarray, g_prime: np.ndarray | None, dZ: np.ndarray) -> np.ndarray:
        dA = g_prime * dZ
        crossed = np.nonzero((Z + dZ > 0) != (g_prime == 1.0))
        if crossed[0].size:
            z, dz = Z[crossed], np.broadcast_to(dZ, Z.shape)[crossed]
            dA[crossed] = g(z + dz, np.empty_like(z)) - g(z, np.empty_like(z))
        return dA

    return _Increment(lambda Z, A: np.where(Z > 0, 1.0, slope), apply)


INCREMENTS = {
    "tanh": _smooth(np.tanh, lambda Z, A: _sech(Z) ** 2),
    "sigmoid": _smooth(np.expm1, lambda Z, A: A * sigmoid(-Z, np.empty_like(Z))),
    "relu": _kinked("relu", 0.0),
    "leaky_relu": _kinked("leaky_relu", LEAKY_SLOPE),
    "linear": _Increment(lambda Z, A: None, lambda Z, A, g_prime, dZ: dZ),
}


class _CostChange:
    """J(θ with one entry shifted) − J(θ), recomputing only what the shift changes, without cancellation:
    the change is carried from layer to layer (ΔZ[k+1] = W[k+1] ΔA[k], ΔA by INCREMENTS) and J's from the
    logits: softplus(z + Δz) − softplus(z) = log1p(σ(z) · expm1(Δz)).

    Reads the bound network's unshifted pass (Z[l], A[l] (n_l, m) after ``forward``) and keeps each
    layer's increment factor.
    """

    def __init__(self, net: Network) -> None:
        self.net = net
        self.increments = [None] + [INCREMENTS[name] for name in net.activation_names]
        with np.errstate(over="ignore", invalid="ignore"):
            self.factor = [None] + [self.increments[l].factor(net.Z[l], net.A[l]) for l in range(1, net.L + 1)]

    def __call__(self, entry: _Entry, delta: float) -> float:
        """J − J(θ) with W[l][row, column] (or b[l][row]) larger by ``delta``."""
        net, l, row = self.net, entry.l, entry.row
        shift = delta if entry.column is None else delta * net.A[l - 1][entry.column]
        dZ = np.broadcast_to(shift, (1, net.m))
        with np.errstate(over="ignore", invalid="ignore"):
            if l < net.L:
                # only row ``row`` of A[l] moves: Z[l+1] moves by W[l+1][:, row] times that change
                rows = slice(row, row + 1)
                factor = self.factor[l]
                dA = self.increments[l].apply(net.Z[l][rows], net.A[l][rows],
                                              None if factor is None else factor[rows], dZ)
                dZ = net.W[l + 1][:, rows] * dA
                for k in range(l + 1, net.L):
                    dA = self.increments[k].apply(net.Z[k], net.A[k], self.factor[k], dZ)
                    dZ = net.W[k + 1] @ dA
            loss = np.log1p(net.A[net.L] * np.expm1(dZ)) - net.Y * dZ
            return loss.sum().item() / net.m


def gradient_check(
    network: Network | ParameterSnapshot,
    X: np.ndarray,
    Y: np.ndarray,
    epsilon: float = EPSILON,
    max_entries_per_layer: int | None = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> GradCheckResult:
    """Compare backprop's dW, db with centred differences of J, overall and per layer.

    ``max_entries_per_layer`` checks a seeded random sample of each layer's W and b entries (wide nets
    would otherwise need two costs per weight); None checks every entry. ``progress(done, total)`` is
    called after each checked entry; when ``cancelled()`` turns true the check stops with
    GradCheckCancelledError (within one entry: at most two costs of the net). θ ± ε is rounded to float64
    as in the course.
    """
    snapshot = network if isinstance(network, ParameterSnapshot) else ParameterSnapshot.of(network)
    net = snapshot.network()
    net.bind(X, Y)
    net.forward()
    net.backward()
    layers = _sampled_entries(net, max_entries_per_layer, seed)
    total = sum(len(entries) for entries in layers)
    cost_change = _CostChange(net)
    done = 0
    grads: list[np.ndarray] = []
    approxes: list[np.ndarray] = []
    per_layer: dict[int, float] = {}
    per_layer_norm: dict[int, float] = {}
    for entries in layers:
        layer_grad, layer_approx = np.empty(len(entries)), np.empty(len(entries))
        for n, entry in enumerate(entries):
            if cancelled is not None and cancelled():
                raise GradCheckCancelledError
            param, grad = (net.W, net.dW) if entry.column is not None else (net.b, net.db)
            index = (entry.row, entry.column or 0)
            original = param[entry.l][index]
            # the course shifts the float64 θ: the steps are fl(θ ± ε) − θ
            J_plus = cost_change(entry, (original + epsilon) - original)  # J(θ + ε) − J(θ)
            J_minus = cost_change(entry, (original - epsilon) - original)  # J(θ − ε) − J(θ)
            layer_approx[n] = (J_plus - J_minus) / (2 * epsilon)
            layer_grad[n] = grad[entry.l][index]
            done += 1
            if progress is not None:
                progress(done, total)
        l = entries[0].l if entries else len(grads) + 1
        grads.append(layer_grad)
        approxes.append(layer_approx)
        per_layer[l] = relative_difference(layer_grad, layer_approx)
        per_layer_norm[l] = max(np.linalg.norm(layer_grad), np.linalg.norm(layer_approx)).item()
    grad, gradapprox = np.concatenate(grads), np.concatenate(approxes)
    return GradCheckResult(relative_difference(grad, gradapprox), per_layer, grad, gradapprox, per_layer_norm)
