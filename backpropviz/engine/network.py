"""The Network: parameters, per-layer caches on preallocated buffers, forward/cost/backward/update.

Layers are numbered as in the lecture, 1…L; index 0 of ``A`` is X and of ``dA`` the gradient with
respect to X. Shapes for a bound training set X (n_x, m), Y (1, m):
W[l] (n_l, n_{l−1}), b[l] (n_l, 1), Z[l], A[l], dZ[l], dA[l] (n_l, m), dW[l] like W[l], db[l] like b[l].

The per-layer methods (``forward_layer``, ``compute_cost``, ``backward_layer``, ``update``) are the
micro-steps the stepper and the GUI take. Each runs a list of NumPy calls built once at ``bind`` from the
equations (ops.py); ``iterate``, ``train`` and the stepper's whole iterations run the very same lists one
after another, so every path gives bit-identical parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .activations import Activation, get_activation, sigmoid_ops
from .init import initialize
from .layers import (
    average_ops,
    bias_gradient_ops,
    gradient_step_ops,
    input_gradient,
    input_gradient_ops,
    linear_forward,
    linear_forward_ops,
    weight_gradient_ops,
)
from .limits import MIN_LEARNING_RATE
from .losses import CrossEntropy, output_activation_gradient, output_gradient_ops
from .ops import Op, run
from .steps import BACKWARD, FORWARD, micro_steps, step_writes

DTYPES = {"float64": np.float64, "float32": np.float32}


def _as_activations(activations: str | Sequence[str], L: int) -> list[str]:
    """One name per layer; a single name is the hidden activation under a sigmoid output."""
    names = [activations] * (L - 1) + ["sigmoid"] if isinstance(activations, str) else list(activations)
    if len(names) != L:
        raise ValueError(f"activations: {len(names)} names given for {L} layers")
    if names[-1] != "sigmoid":
        raise ValueError(f"activations: the output layer must be sigmoid for cross-entropy, not {names[-1]!r}")
    return names


def validate_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    """[n_x, n_1, …, n_L] as ints ≥ 1 with n_L = 1 (one sigmoid output unit)."""
    dims = [int(n) for n in layer_dims]
    if len(dims) < 2:
        raise ValueError("layer_dims: need at least [n_x, n_L]")
    if any(n < 1 for n in dims) or any(int(n) != n for n in layer_dims):
        raise ValueError(f"layer_dims: every layer size must be a positive whole number, got {list(layer_dims)}")
    if dims[-1] != 1:
        raise ValueError(f"layer_dims: binary cross-entropy needs one output unit, got n_L = {dims[-1]}")
    return dims


def validate_data(X: np.ndarray, Y: np.ndarray, n_x: int | None = None) -> None:
    """X (n_x, m) and Y (1, m) with Y in {0, 1}; a ValueError names what is wrong."""
    if X.ndim != 2 or Y.ndim != 2:
        raise ValueError(f"X and Y must be 2-D, got X {X.shape} and Y {Y.shape}")
    if Y.shape[0] != 1 or Y.shape[1] != X.shape[1]:
        raise ValueError(f"Y must be (1, m) with m = X.shape[1] = {X.shape[1]}, got {Y.shape}")
    if X.shape[1] < 1:
        raise ValueError("X has no examples (m = 0)")
    if n_x is not None and X.shape[0] != n_x:
        raise ValueError(f"X has {X.shape[0]} features but the network expects n_x = {n_x}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError("Y must hold only 0 and 1 for binary cross-entropy")


class Network:
    """An L-layer fully connected binary classifier, as in the course's week 4.

    ``layer_dims = [n_x, n_1, …, n_L]``; ``activations`` is one name per layer (or one hidden-layer name,
    the output being sigmoid); ``init`` one of zeros, scaled_normal, xavier, he.
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        activations: str | Sequence[str] = "relu",
        init: str = "scaled_normal",
        seed: int | None = 1,
        dtype: str | type = "float64",
        parameters: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.layer_dims = validate_layer_dims(layer_dims)
        self.L = len(self.layer_dims) - 1
        self.activation_names = _as_activations(activations, self.L)
        self.g: list[Activation | None] = [None] + [get_activation(n) for n in self.activation_names]
        self.dtype = np.dtype(DTYPES.get(dtype, dtype) if isinstance(dtype, str) else dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype}")
        self.init = init
        self.seed = seed
        # All parameters live in one flat vector θ (and all gradients in one flat vector) with W[l], b[l],
        # dW[l], db[l] as views: the update is then two NumPy calls for the whole net, a snapshot is one
        # copy, and one sum tells whether any parameter went non-finite.
        self.theta, self.W, self.b = self._flat_views()
        self.grad, self.dW, self.db = self._flat_views()
        self._step_scratch = np.empty_like(self.theta)
        for l, (W, b) in enumerate(initialize(self.layer_dims, init, seed), start=1):
            self.W[l][...] = W
            self.b[l][...] = b
        if parameters is not None:
            self.set_parameters(parameters)
        self.initialised_by_scheme = parameters is None  # else θ came from the caller (a course test case)
        # The course's classic demonstration of a backprop bug: dW of this layer is doubled.
        self._planted_bug_layer: int | None = None
        self.X: np.ndarray | None = None
        self.Y: np.ndarray | None = None
        self.m = 0

    # ----------------------------------------------------------------- parameters
    def _flat_views(self, flat: np.ndarray | None = None) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """A flat vector of every W[l], b[l] in order (``flat``, or a new zero one), and the (n_l, n_{l−1}) and
        (n_l, 1) views into it."""
        dims = self.layer_dims
        sizes = [n * n_prev + n for n, n_prev in zip(dims[1:], dims[:-1], strict=True)]
        if flat is None:
            flat = np.zeros(sum(sizes), self.dtype)
        elif flat.shape != (sum(sizes),):
            raise ValueError(f"θ of this network has {sum(sizes)} entries, got shape {flat.shape}")
        W, b = [np.empty((0, 0), self.dtype)], [np.empty((0, 0), self.dtype)]
        offset = 0
        for n, n_prev in zip(dims[1:], dims[:-1], strict=True):
            W.append(flat[offset : offset + n * n_prev].reshape(n, n_prev))
            offset += n * n_prev
            b.append(flat[offset : offset + n].reshape(n, 1))
            offset += n
        return flat, W, b

    @property
    def weight_slices(self) -> list[slice]:
        """Where each W[l] sits in θ (index 0 unused), e.g. for per-layer gradient norms."""
        slices, offset = [slice(0, 0)], 0
        for n, n_prev in zip(self.layer_dims[1:], self.layer_dims[:-1], strict=True):
            slices.append(slice(offset, offset + n * n_prev))
            offset += n * n_prev + n
        return slices

    def parameters(self) -> dict[str, np.ndarray]:
        """A copy of the parameters as the course's dict {"W1": …, "b1": …}."""
        params = {}
        for l in range(1, self.L + 1):
            params[f"W{l}"] = self.W[l].copy()
            params[f"b{l}"] = self.b[l].copy()
        return params

    def set_parameters(self, parameters: Mapping[str, np.ndarray]) -> None:
        """Copy W1, b1, … into the network's arrays (in place, so views stay valid)."""
        for l in range(1, self.L + 1):
            for name, target in ((f"W{l}", self.W[l]), (f"b{l}", self.b[l])):
                value = np.asarray(parameters[name])
                if value.shape != target.shape:
                    raise ValueError(f"{name} must have shape {target.shape}, got {value.shape}")
                np.copyto(target, value)

    def gradients(self) -> dict[str, np.ndarray]:
        """A copy of the last backward pass as the course's dict {"dA0": …, "dW1": …, "db1": …}."""
        grads = {}
        for l in range(self.L, 0, -1):
            grads[f"dA{l - 1}"] = self.dA[l - 1].copy()
            grads[f"dW{l}"] = self.dW[l].copy()
            grads[f"db{l}"] = self.db[l].copy()
        return grads

    # ----------------------------------------------------------------- data and buffers
    def bind(self, X: np.ndarray, Y: np.ndarray) -> None:
        """Take the training set X (n_x, m), Y (1, m) and allocate every buffer once for this m."""
        X = np.ascontiguousarray(X, dtype=self.dtype)
        Y = np.ascontiguousarray(Y, dtype=self.dtype)
        validate_data(X, Y, self.layer_dims[0])
        self.X, self.Y, self.m = X, Y, X.shape[1]
        dims, m, dt = self.layer_dims, self.m, self.dtype
        # the output sigmoid's denominator 1 + e^−Z[L], written by F_L and read by the Cost, which also keeps
        # Z[L] in a buffer of its own (losses.py)
        self._denominator = np.empty((1, m), dt)
        self.cross_entropy = CrossEntropy(self._denominator, Y)
        self.Z = [np.empty((0, 0))] + [np.empty((n, m), dt) for n in dims[1:-1]] + [self.cross_entropy.logits]
        # A[L] (one row, n_L = 1) right before the gradient in one buffer: the stepper records an iteration's
        # predictions and gradient (records.py) with one copy
        self.output_and_gradient = np.concatenate([np.empty(m, dt), self.grad])
        self.grad, self.dW, self.db = self._flat_views(self.output_and_gradient[m:])
        self.A = [X] + [np.empty((n, m), dt) for n in dims[1:-1]] + [self.output_and_gradient[:m].reshape(1, m)]
        self.dZ = [np.empty((0, 0))] + [np.empty((n, m), dt) for n in dims[1:]]
        self.dA = [np.empty((n, m), dt) for n in dims]
        self._step_buffers = {
            (step.kind, step.layer): [getattr(self, q)[l] for q, l in step_writes(step, self.L, lazy=False)]
            for step in micro_steps(self.L)
            if step.kind in (FORWARD, BACKWARD)
        }
        self._step_buffers[(FORWARD, self.L)].append(self._denominator)
        self._forward_ops = [[]] + [self._forward_layer_ops(l, self._step_buffers[(FORWARD, l)]) for l in self._layers]
        self._build_backward_ops()
        self._update: tuple[float, list[Op]] = (0.0, [])
        self.dAL_clipped = np.zeros((1, m), bool)
        self._eval: _Evaluation | None = None

    @property
    def _layers(self) -> range:
        return range(1, self.L + 1)

    @property
    def planted_bug_layer(self) -> int | None:
        """The course's classic demonstration of a backprop bug: dW of this layer is doubled (None: no bug)."""
        return self._planted_bug_layer

    @planted_bug_layer.setter
    def planted_bug_layer(self, layer: int | None) -> None:
        self._planted_bug_layer = layer
        if self.X is not None:
            self._build_backward_ops()

    def _build_backward_ops(self) -> None:
        """Each B_l's calls with and without dA[l−1], and BL … B1 of a whole iteration (B1 without dA0): the
        same calls, except that the 1/m of every dW and db is one multiplication of the flat gradient at the
        end (before the planted bug doubles its dW, as B_l does)."""
        buffers = self._step_buffers
        self._backward_ops = {
            (l, need): self._backward_layer_ops(l, need, buffers[(BACKWARD, l)])
            for l in self._layers
            for need in (False, True)
        }
        sums = [self._backward_layer_ops(l, l > 1, buffers[(BACKWARD, l)], False) for l in reversed(self._layers)]
        self.iteration_backward_ops = [op for ops in sums for op in ops] + average_ops(self.grad, self.m)
        if self.planted_bug_layer is not None:
            self.iteration_backward_ops += self._planted_bug_ops(self.dW[self.planted_bug_layer])
        self.iteration_forward_ops = [op for l in self._layers for op in self._forward_ops[l]]

    @staticmethod
    def _planted_bug_ops(dW: np.ndarray) -> list[Op]:
        """The planted bug: dW := 2 dW."""
        return [(np.multiply, (dW, 2.0, dW))]

    def _require_data(self) -> None:
        if self.X is None:
            raise RuntimeError("no training data: call bind(X, Y) first")

    def _caches(self) -> list[np.ndarray]:
        """Z, A, dZ of layers 1…L, dA of 1…L−1 and the gradients: what a whole iteration fills (its fused
        dZ[L] = A[L] − Y skips dA[L], which only the Cost micro-step computes, for display)."""
        return [*self.Z[1:], *self.A[1:], *self.dZ[1:], *self.dA[1 : self.L], self.grad]

    @property
    def caches_size(self) -> int:
        """Entries in all of ``export_caches``."""
        return sum(buffer.size for buffer in self._caches())

    def export_caches(self) -> np.ndarray:
        """The buffers an iteration fills, as one flat copy (Play's worker sends them to the window)."""
        return np.concatenate([buffer.reshape(-1) for buffer in self._caches()])

    def import_caches(self, flat: np.ndarray) -> None:
        """Fill the buffers from ``export_caches`` of an identical network (ValueError if its size differs)."""
        if flat.shape != (self.caches_size,):
            raise ValueError(f"caches of shape {flat.shape} for a network with {self.caches_size} cache entries")
        offset = 0
        for buffer in self._caches():
            np.copyto(buffer, flat[offset : offset + buffer.size].reshape(buffer.shape))
            offset += buffer.size

    # ----------------------------------------------------------------- the micro-steps
    def step_buffers(self, kind: str, l: int) -> list[np.ndarray]:
        """What micro-step F_l (kind forward) or B_l (kind backward) writes, by the step table (steps.py), in
        the order ``forward_layer`` and ``backward_layer`` take as ``into``: [Z[l], A[l]], or [dZ[l], dW[l],
        db[l]] and dA[l−1] for l > 1 (B1 leaves dA0 to ``compute_dA0``)."""
        return self._step_buffers[(kind, l)]

    def _forward_layer_ops(self, l: int, into: Sequence[np.ndarray], A_prev: np.ndarray | None = None) -> list[Op]:
        """F_l's calls from A_prev (default A[l−1]) into ``into`` = [Z, A] (and the sigmoid's denominator at
        the output)."""
        Z, A, *denominator = into
        ops = linear_forward_ops(self.A[l - 1] if A_prev is None else A_prev, self.W[l], self.b[l], Z)
        return ops + (sigmoid_ops(Z, A, denominator[0]) if l == self.L else self.g[l].forward_ops(Z, A))

    def forward_layer(self, l: int, into: Sequence[np.ndarray] | None = None) -> None:
        """F_l: Z[l] = W[l] A[l−1] + b[l]; A[l] = g(Z[l]) — into other buffers of the same shapes when
        given (a step computed ahead, see prefetch.py)."""
        run(self._forward_ops[l] if into is None else self._forward_layer_ops(l, into))

    def compute_cost(self) -> float:
        """Cost: J from the logits Z[L] and the sigmoid's denominator (never log 0)."""
        return self.cross_entropy.cost().item()

    def compute_output_dA(self) -> np.ndarray:
        """dA[L] = −(Y/A − (1−Y)/(1−A)) for display; ``dAL_clipped`` marks where A was clipped."""
        dA, clipped = output_activation_gradient(self.A[self.L], self.Y)
        np.copyto(self.dA[self.L], dA)
        np.copyto(self.dAL_clipped, clipped)
        return self.dA[self.L]

    def _backward_layer_ops(
        self, l: int, need_dA_prev: bool, into: Sequence[np.ndarray], average: bool = True
    ) -> list[Op]:
        """B_l's calls into ``into`` (``step_buffers`` order); without ``average`` dW and db are left as
        sums, the bug unplanted (the whole iteration finishes them at once)."""
        dZ, dW, db, *dA_prev = into
        if l == self.L:
            ops = output_gradient_ops(self.A[l], self.Y, dZ)
        else:
            ops = self.g[l].backward_ops(self.dA[l], self.Z[l], self.A[l], dZ)
        ops += weight_gradient_ops(dZ, self.A[l - 1], dW, average)
        if l == self.planted_bug_layer and average:
            ops += self._planted_bug_ops(dW)
        ops += bias_gradient_ops(dZ, db, average)
        if need_dA_prev:
            ops += input_gradient_ops(dZ, self.W[l], dA_prev[0] if dA_prev else self.dA[l - 1])
        return ops

    def backward_layer(self, l: int, need_dA_prev: bool = True, into: Sequence[np.ndarray] | None = None) -> None:
        """B_l: dZ[l] (fused A − Y at the output), dW[l], db[l] and, unless skipped, dA[l−1] = W[l]ᵀ dZ[l]
        — into other buffers of the same shapes when given, in ``step_buffers`` order."""
        run(self._backward_ops[(l, need_dA_prev)] if into is None else self._backward_layer_ops(l, need_dA_prev, into))

    def compute_dA0(self) -> None:
        """dA0 = W[1]ᵀ dZ[1], the gradient with respect to X: nothing learns from it, so B1 may leave it
        for whoever shows it (the same call as in backward_layer, so the same bits)."""
        input_gradient(self.dZ[1], self.W[1], out=self.dA[0])

    def update_ops(self, learning_rate: float) -> list[Op]:
        """The Update's calls for this α (kept while α stays the same)."""
        if self._update[0] != learning_rate or not self._update[1]:
            self._update = (learning_rate, gradient_step_ops(self.theta, self.grad, learning_rate, self._step_scratch))
        return self._update[1]

    def update(self, learning_rate: float) -> None:
        """Update: W[l] := W[l] − α dW[l]; b[l] := b[l] − α db[l], all layers at once on θ."""
        run(self.update_ops(learning_rate))

    # ----------------------------------------------------------------- whole iterations
    def forward(self) -> None:
        """F1 … FL on the bound data."""
        run(self.iteration_forward_ops)

    def backward(self, need_dA0: bool = False) -> None:
        """BL … B1; dA0 (the gradient with respect to X) only when asked for."""
        run(self.iteration_backward_ops)
        if need_dA0:
            self.compute_dA0()

    def iterate(self, learning_rate: float) -> float:
        """One gradient-descent iteration; returns the cost J before the update."""
        run(self.iteration_forward_ops)
        cost = self.cross_entropy.cost().item()
        run(self.iteration_backward_ops)
        run(self.update_ops(learning_rate))
        return cost

    def train(self, num_iterations: int, learning_rate: float) -> np.ndarray:
        """``num_iterations`` iterations of full-batch gradient descent; the cost of each, shape (n,)."""
        self._require_data()
        check_learning_rate(learning_rate)
        costs = np.empty(num_iterations)
        # A diverging run overflows on its way to inf/NaN; callers check the costs, not warnings.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for i in range(num_iterations):
                costs[i] = self.iterate(learning_rate)
        return costs

    def evaluate(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, float]:
        """(J, accuracy) on another set, e.g. the test set, on buffers kept for it (nothing allocated
        when the same X comes again, as it does every iteration). The training caches stay untouched."""
        ev = self._eval
        if ev is None or ev.X is not X:
            ev = self._eval = _Evaluation(self, X, Y)
        run(ev.ops)
        return ev.cross_entropy.cost().item(), ev.score.correct(ev.A[self.L]) / X.shape[1]

    # ----------------------------------------------------------------- inference
    def predict_proba(self, X: np.ndarray, theta: np.ndarray | None = None) -> np.ndarray:
        """A[L] for any X (n_x, k), shape (1, k); uses fresh arrays, the training buffers stay as they are.
        ``theta`` as in ``forward_fresh``."""
        return self.forward_fresh(X, theta=theta)[1]

    def forward_fresh(
        self, X: np.ndarray, dtype: type | None = None, theta: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(Z[L], A[L]) for any X (n_x, k) on fresh arrays; the bound caches stay untouched.

        ``dtype`` computes in another precision (e.g. long double). ``theta`` (n_θ,) replaces the network's
        own parameters: a copy of θ taken earlier, which another thread may read while this network trains on."""
        dtype = self.dtype if dtype is None else dtype
        _, W, b = (None, self.W, self.b) if theta is None else self._flat_views(theta)
        A = np.asarray(X, dtype=dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            for l in range(1, self.L + 1):
                Z = linear_forward(A, W[l].astype(dtype, copy=False), b[l].astype(dtype, copy=False))
                A = self.g[l].forward(Z, np.empty_like(Z))
        return Z, A

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions 0/1 of shape (1, k): 1 where A[L] > 0.5, as the course thresholds."""
        return (self.predict_proba(X) > 0.5).astype(np.float64)

    def accuracy(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Share of examples predicted right, in [0, 1]; NaN for an empty set."""
        if Y.size == 0:
            return float("nan")
        return np.mean(self.predict(X) == Y).item()


class Scorer:
    """Counts right predictions against fixed labels Y (1, m) with two NumPy calls and no allocation:
    correct = #(Y = 0) + Σ_j [A_j > 0.5] · (2 Y_j − 1) (whole numbers: exact in any order)."""

    def __init__(self, Y: np.ndarray) -> None:
        self.sign = (2.0 * Y - 1.0).reshape(-1).astype(np.float64)
        self.negatives = int(np.count_nonzero(Y < 0.5))
        self.predicted = np.empty(Y.shape[1])

    def correct(self, A_L: np.ndarray) -> int:
        np.greater(A_L.reshape(-1), 0.5, out=self.predicted)
        return self.negatives + int(np.dot(self.predicted, self.sign))

    def correct_rows(self, predicted: np.ndarray) -> np.ndarray:
        """The counts of k sets of predictions at once: ``predicted`` (k, m) holds [A > 0.5] as 0 and 1."""
        return self.negatives + predicted @ self.sign


class _Evaluation:
    """Forward buffers and calls of one network for one evaluation set X (n_x, k), Y (1, k)."""

    def __init__(self, net: Network, X: np.ndarray, Y: np.ndarray) -> None:
        k, dtype = X.shape[1], net.dtype
        self.X, self.Y = X, np.asarray(Y, dtype)
        denominator = np.empty((1, k), dtype)
        self.cross_entropy = CrossEntropy(denominator, self.Y)
        hidden = [np.empty((n, k), dtype) for n in net.layer_dims[1:-1]]
        self.Z = [np.empty((0, 0)), *hidden, self.cross_entropy.logits]
        self.A = [X] + [np.empty((n, k), dtype) for n in net.layer_dims[1:]]
        L = net.L
        into = [[self.Z[l], self.A[l]] + ([denominator] if l == L else []) for l in range(L + 1)]
        self.ops = [op for l in range(1, L + 1) for op in net._forward_layer_ops(l, into[l], self.A[l - 1])]
        self.score = Scorer(self.Y)


def check_learning_rate(learning_rate: float) -> None:
    """α must be a finite number ≥ MIN_LEARNING_RATE (a smaller one cannot move the weights: see limits).

    The one check of α: the CLI, the window, sessions and the stepper all call it, so the message is the same.
    """
    if not (isinstance(learning_rate, (int, float, np.floating)) and np.isfinite(learning_rate)) or learning_rate <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {learning_rate!r}")
    if learning_rate < MIN_LEARNING_RATE:
        raise ValueError(
            f"learning rate {learning_rate:g} is below the smallest allowed, {MIN_LEARNING_RATE:g}: with it a weight "
            "would move by less than a millionth in a million iterations"
        )
