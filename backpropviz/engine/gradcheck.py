"""Numerical gradient check: does backprop's dW agree with the slope of J?

For each parameter θ_i, gradapprox_i = (J(θ_i + ε) − J(θ_i − ε)) / 2ε with ε = 1e-7, and
difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂), as in the course. The check runs on a
float64 copy of the parameters taken when it starts (``ParameterSnapshot``), so the caller's network may
go on training meanwhile (e.g. while a window runs the check on another thread).

J(θ ± ε) is computed from one forward pass of the unshifted θ: shifting W[l][i, j] or b[l][i] changes only
row i of Z[l] and A[l], so Z[l+1] changes by the outer product W[l+1][:, i] ΔA[l][i] and only the layers
after that are multiplied out again (the output layer's entries cost O(m), not a forward pass). Shared
rounding in the unshifted rows cancels in J(θ + ε) − J(θ − ε).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .layers import linear_forward
from .losses import cost_in_dtype
from .network import Network

EPSILON = 1e-7
THRESHOLD = 1e-7

# J is evaluated in extended precision (long double) when that costs at most this much work, counted in
# multiply-adds (an activation's element counts as ELEMENT_WORK of them). With ε = 1e-7, float64 rounding
# in J alone moves the difference of a correct backprop to 2e-8 … 6e-8 on untrained nets of 6 hidden
# layers (1e-10 in long double), close to the 1e-7 verdict. NumPy has no BLAS for long double: such a
# check does ~1.2e8 of this work a second here against ~50× that in float64, so the budget is about two
# seconds (2-8×5-1 sigmoid: 1.2 s; 6 × 20 tanh, m = 400: 3.3 s, float64 instead).
EXTENDED_WORK = 200_000_000
ELEMENT_WORK = 20  # long double tanh + logaddexp: ~100 ns an element, ~20 multiply-adds' time


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
    # max(‖grad‖, ‖gradapprox‖) per layer: below ~1e-6 the rounding in J outweighs the gradient itself
    per_layer_norm: dict[int, float] = field(default_factory=dict)
    extended: bool = False  # whether J was evaluated in long double

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


def _shift_work(dims: Sequence[int], l: int, m: int) -> int:
    """Multiply-adds (elements × ELEMENT_WORK) of one J with an entry of layer l shifted."""
    L = len(dims) - 1
    work = ELEMENT_WORK * m  # the shifted row of Z[l], A[l]
    if l < L:
        work += (1 + ELEMENT_WORK) * dims[l + 1] * m  # Z[l+1]'s outer-product change and A[l+1]
    for k in range(l + 2, L + 1):
        work += (dims[k - 1] + ELEMENT_WORK) * dims[k] * m
    return work + ELEMENT_WORK * m  # the cost


def extended_work(layer_dims: Sequence[int], entries_per_layer: Sequence[int], m: int) -> int:
    """Multiply-adds of a whole check (two Js per entry, plus the unshifted forward pass)."""
    work = sum(2 * count * _shift_work(layer_dims, l, m) for l, count in enumerate(entries_per_layer, start=1))
    return work + sum((n_prev + ELEMENT_WORK) * n * m for n_prev, n in itertools.pairwise(layer_dims))


class _ShiftedCost:
    """J(θ) with one entry of θ shifted, in ``dtype``, recomputing only what the shift changes.

    Keeps the unshifted pass: Z[l], A[l] (n_l, m) for l = 1…L and A[0] = X, all in ``dtype``.
    """

    def __init__(self, net: Network, X: np.ndarray, Y: np.ndarray, dtype: type) -> None:
        self.L, self.g, self.dtype = net.L, net.g, dtype
        self.W = [np.empty((0, 0), dtype)] + [W.astype(dtype) for W in net.W[1:]]
        self.b = [np.empty((0, 0), dtype)] + [b.astype(dtype) for b in net.b[1:]]
        self.Y = Y.astype(dtype)
        A = np.asarray(X, dtype=dtype)
        self.Z, self.A = [np.empty((0, 0), dtype)], [A]
        with np.errstate(over="ignore", invalid="ignore"):
            for l in range(1, self.L + 1):
                Z = linear_forward(A, self.W[l], self.b[l])
                A = self.g[l].forward(Z, np.empty_like(Z))
                self.Z.append(Z)
                self.A.append(A)

    def __call__(self, entry: _Entry, delta: float) -> np.floating:
        """J with W[l][row, column] (or b[l][row]) larger by ``delta``."""
        l, row = entry.l, entry.row
        shift = self.dtype(delta) if entry.column is None else self.dtype(delta) * self.A[l - 1][entry.column]
        with np.errstate(over="ignore", invalid="ignore"):
            Z = self.Z[l][row : row + 1] + shift
            if l < self.L:
                # only row ``row`` of A[l] moved: Z[l+1] moves by W[l+1][:, row] times that change
                A_row = self.g[l].forward(Z, np.empty_like(Z))
                Z = self.Z[l + 1] + self.W[l + 1][:, row : row + 1] * (A_row - self.A[l][row : row + 1])
                for k in range(l + 1, self.L):
                    A = self.g[k].forward(Z, np.empty_like(Z))
                    Z = linear_forward(A, self.W[k + 1], self.b[k + 1])
            return cost_in_dtype(Z, self.Y)


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
    as in the course; J is in long double when that is cheap (EXTENDED_WORK).
    """
    snapshot = network if isinstance(network, ParameterSnapshot) else ParameterSnapshot.of(network)
    net = snapshot.network()
    net.bind(X, Y)
    net.forward()
    net.backward()
    layers = _sampled_entries(net, max_entries_per_layer, seed)
    total = sum(len(entries) for entries in layers)
    extended = extended_work(net.layer_dims, [len(e) for e in layers], net.m) <= EXTENDED_WORK
    shifted_cost = _ShiftedCost(net, net.X, net.Y, np.longdouble if extended else np.float64)
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
            J_plus = shifted_cost(entry, (original + epsilon) - original)
            J_minus = shifted_cost(entry, (original - epsilon) - original)
            layer_approx[n] = float((J_plus - J_minus) / (2 * epsilon))
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
    return GradCheckResult(relative_difference(grad, gradapprox), per_layer, grad, gradapprox, per_layer_norm,
                           extended)
