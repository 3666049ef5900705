"""The engine against the course's textbook loop, measured in one run on this machine.

Run from the checkout: ``python benchmarks/engine_vs_textbook.py [--quick]``.

What it prints:

0. the course's week-3 net (2-4-1 tanh on the flower): ``backpropviz train``'s path (the Stepper, which
   keeps the history and checks every iteration) and the bare ``Network.train`` against a LEAN textbook loop:
   week 3's equations without dicts or helper functions, with the fused dZ2 = A2 − Y and the cost computed
   every iteration with np.log, as the course's ``nn_model`` does;
1. iterations/s of ``Network.bind`` + ``Network.train(n, lr)`` against a plain textbook loop written the
   way the course writes it (``np.dot``, fresh arrays every iteration, ``A = 1/(1+np.exp(-Z))``, the cost
   with ``np.log`` every iteration, ``dA_L = −(Y/A − (1−Y)/(1−A))`` then ``sigmoid_backward``, parameter
   dicts updated with ``W = W − lr·dW``) on 2-4-1 tanh and 2-20-7-5-1 relu on the flower data and on
   784-128-64-1 relu with m = 10000 random examples;
2. stability rows: a deep sigmoid net with large weights, and a relu net trained long enough to become
   confident, where the textbook cost turns inf/NaN and the engine's stays finite;
3. the float64 matmul peak of this machine and the share of it the engine reaches on the wide net;
4. float32 against float64 on the wide net.

Both sides of every comparison run in the same process, interleaved repeat by repeat (two shared cores
drift), and the best repeat counts: noise only ever makes a run slower, so the minimum time is the
estimate closest to what the code costs (the spread column shows how noisy the run was). At the end comes a
markdown table to paste into README. The default run takes about a minute, ``--quick`` about 10 s.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:
    from backpropviz.engine.network import Network
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`: the package sits next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from backpropviz.engine.network import Network
from backpropviz.engine.stepper import Stepper

Params = dict[str, np.ndarray]
Cache = tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


# ===================================================================== the machine
def _openblas_library() -> ctypes.CDLL | None:
    """The OpenBLAS that NumPy's wheel bundles (already loaded, so dlopen hands back the same copy)."""
    libs_dir = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libs_dir.glob("*openblas*")):
        try:
            return ctypes.CDLL(str(path))
        except OSError:
            continue
    return None


def _openblas_call(lib: ctypes.CDLL, names: Sequence[str], restype: type) -> object | None:
    """Call the first exported function of ``names`` (the symbol suffix depends on the build)."""
    for name in names:
        func = getattr(lib, name, None)
        if func is not None:
            func.restype = restype
            return func()
    return None


def machine_header() -> list[str]:
    """Lines describing CPU, NumPy, its BLAS and the BLAS threads, as far as this environment can tell."""
    lines = [f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}"]
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines.append(f"CPU: {cpu}; {os.cpu_count()} logical CPUs, {usable} usable by this process")
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        lines.append(f"BLAS (numpy.show_config): {blas.get('name')} {blas.get('version')}")
        if "openblas configuration" in blas:
            # Compile-time string; with DYNAMIC_ARCH the kernel is picked at run time (reported below).
            lines.append(f"  compile-time config: {blas['openblas configuration']}")
    except Exception as exc:  # show_config's layout is not a stable API; say so instead of failing
        lines.append(f"BLAS: numpy.show_config unavailable ({exc!r})")
    try:
        import threadpoolctl

        for pool in threadpoolctl.threadpool_info():
            lines.append(
                f"threadpoolctl: {pool.get('internal_api')} {pool.get('version')} "
                f"core {pool.get('architecture')}, {pool.get('num_threads')} threads"
            )
    except ImportError:
        # Not a dependency of the project; ask the bundled OpenBLAS directly instead.
        lib = _openblas_library()
        if lib is None:
            lines.append("threadpoolctl not installed; no bundled OpenBLAS found to ask for its threads")
        else:
            core = _openblas_call(
                lib,
                ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"),
                ctypes.c_char_p,
            )
            threads = _openblas_call(
                lib,
                ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"),
                ctypes.c_int,
            )
            core_text = core.decode() if isinstance(core, bytes) else "?"
            lines.append(f"threadpoolctl not installed; OpenBLAS at run time: kernel {core_text}, {threads} threads")
    if hasattr(os, "getloadavg"):
        # Other processes share the two cores; a high load explains a noisy run.
        lines.append("load average (1, 5, 15 min) at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    env = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    lines.append("env: " + ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in env))
    return lines


# ===================================================================== data
def flower_dataset() -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower" set, generated the course's way: X (2, 400), Y (1, 400)."""
    np.random.seed(1)  # the course seeds the global RNG; the draw order below is the course's
    m, N = 400, 200
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = 4 * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T


def random_dataset(n_x: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Standard-normal features and fair-coin labels: the speed of a dense net does not depend on meaning."""
    rng = np.random.RandomState(seed)
    return rng.randn(n_x, m), (rng.rand(1, m) > 0.5).astype(np.float64)


# ===================================================================== the textbook loop
# Written as the course's week-4 helpers (dnn_utils + L_layer_model) write it: dicts of parameters, fresh
# arrays from every expression, the activation cache holding Z. It is the baseline, so it is kept naive on
# purpose; the one liberty is tanh's derivative from the cached A (week 3's 1 − A²), which is cheaper than
# recomputing tanh and so does not flatter the engine.
def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = 1/(1+exp(−Z)); cache Z."""
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = max(0, Z); cache Z."""
    A = np.maximum(0, Z)
    return A, Z


def tanh(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = tanh(Z); cache A (week 3 differentiates through A1)."""
    A = np.tanh(Z)
    return A, A


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA · s · (1 − s), s recomputed from the cached Z as dnn_utils does."""
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA where Z > 0, else 0."""
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def tanh_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA · (1 − A²)."""
    A = cache
    return dA * (1 - np.power(A, 2))


FORWARD = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh}
BACKWARD = {"sigmoid": sigmoid_backward, "relu": relu_backward, "tanh": tanh_backward}


def linear_activation_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str
) -> tuple[np.ndarray, Cache]:
    """Z = np.dot(W, A_prev) + b; A = g(Z)."""
    Z = np.dot(W, A_prev) + b
    A, activation_cache = FORWARD[activation](Z)
    return A, ((A_prev, W, b), activation_cache)


def L_model_forward(X: np.ndarray, parameters: Params, activations: Sequence[str]) -> tuple[np.ndarray, list[Cache]]:
    """Forward through every layer, collecting the caches."""
    caches = []
    A = X
    for l in range(1, len(activations) + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], activations[l - 1])
        caches.append(cache)
    return A, caches


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """J = −(1/m) Σ [Y log A + (1−Y) log(1−A)] with np.log, as week 4 writes it."""
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)


def linear_activation_backward(
    dA: np.ndarray, cache: Cache, activation: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dZ = g'(Z)·dA; dW = (1/m) dZ A_prevᵀ; db = (1/m) Σ dZ; dA_prev = Wᵀ dZ (every layer, even l = 1)."""
    (A_prev, W, _b), activation_cache = cache
    dZ = BACKWARD[activation](dA, activation_cache)
    m = A_prev.shape[1]
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list[Cache], activations: Sequence[str]) -> Params:
    """dA_L = −(Y/A − (1−Y)/(1−A)), then every layer from L down to 1."""
    grads = {}
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in range(L, 0, -1):
        dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_activation_backward(
            dA, caches[l - 1], activations[l - 1]
        )
        grads["dA" + str(l - 1)] = dA
    return grads


def update_parameters(parameters: Params, grads: Params, learning_rate: float) -> Params:
    """W = W − lr·dW, b = b − lr·db, layer by layer."""
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def textbook_train(
    parameters: Params,
    X: np.ndarray,
    Y: np.ndarray,
    activations: Sequence[str],
    num_iterations: int,
    learning_rate: float,
) -> tuple[Params, list[float]]:
    """The L_layer_model loop: forward, cost (every iteration), backward, update."""
    costs = []
    for _ in range(num_iterations):
        AL, caches = L_model_forward(X, parameters, activations)
        costs.append(compute_cost(AL, Y).item())
        grads = L_model_backward(AL, Y, caches, activations)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


def lean_train(parameters: Params, X: np.ndarray, Y: np.ndarray, num_iterations: int, learning_rate: float
               ) -> tuple[Params, list[float]]:
    """Week 3's 2-layer tanh net as tight as plain NumPy writes it: no dicts or helpers inside the loop, the
    fused dZ2 = A2 − Y, and the cost with np.log every iteration, as ``nn_model`` computes it."""
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    m = X.shape[1]
    lr = learning_rate
    costs = []
    for _ in range(num_iterations):
        Z1 = W1 @ X + b1
        A1 = np.tanh(Z1)
        Z2 = W2 @ A1 + b2
        A2 = 1 / (1 + np.exp(-Z2))
        costs.append(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)
        dZ2 = A2 - Y
        dW2 = dZ2 @ A1.T / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (1 - A1**2)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        W1 = W1 - lr * dW1
        b1 = b1 - lr * db1
        W2 = W2 - lr * dW2
        b2 = b2 - lr * db2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, costs


# ===================================================================== timing
class Runner:
    """Something that trains ``k`` more iterations when called; the race times those calls.

    ``reset`` puts the initial parameters back (outside the timing), so every repeat times the same
    iterations: on the flower data the textbook loop turns NaN after enough iterations (see the stability
    rows), and NaN arithmetic must not sneak into a speed measurement.
    """

    def __call__(self, k: int) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def finite(self) -> bool:
        """Whether the last call's costs and the parameters are all finite."""
        return bool(np.all(np.isfinite(self.last_costs))) and all(
            np.all(np.isfinite(v)) for v in self.parameters().values()
        )

    def parameters(self) -> Params:
        raise NotImplementedError


class EngineRunner(Runner):
    """``Network.bind`` once (outside the timing), then ``Network.train(k, lr)`` per call."""

    def __init__(self, net: Network, X: np.ndarray, Y: np.ndarray, learning_rate: float) -> None:
        self.net = net
        self.learning_rate = learning_rate
        self.initial = net.parameters()
        net.bind(X, Y)
        self.last_costs = np.empty(0)

    def __call__(self, k: int) -> None:
        self.last_costs = self.net.train(k, self.learning_rate)

    def reset(self) -> None:
        self.net.set_parameters(self.initial)

    def parameters(self) -> Params:
        return self.net.parameters()


class StepperRunner(Runner):
    """What ``backpropviz train`` runs: a Stepper (history, records, divergence checks) on the net, ``run`` in
    chunks of 1,000 iterations with the cost series read after each, as the CLI prints it."""

    def __init__(self, net: Network, X: np.ndarray, Y: np.ndarray, learning_rate: float) -> None:
        self.net, self.X, self.Y, self.learning_rate = net, X, Y, learning_rate
        self.initial = net.parameters()
        self.reset()

    def __call__(self, k: int) -> None:
        start = self.stepper.iteration
        while self.stepper.iteration < start + k:
            self.stepper.run(min(1000, start + k - self.stepper.iteration))
            self.last_costs = self.stepper.series("cost")[start:]

    def reset(self) -> None:
        # a new history from the initial parameters, as a new CLI run starts
        self.net.set_parameters(self.initial)
        self.stepper = Stepper(self.net, self.X, self.Y, self.learning_rate)
        self.last_costs = np.empty(0)

    def parameters(self) -> Params:
        return self.net.parameters()


class LeanRunner(Runner):
    """``lean_train`` continuing from where the previous call (or ``reset``) left the parameters."""

    def __init__(self, parameters: Params, X: np.ndarray, Y: np.ndarray, learning_rate: float) -> None:
        self.initial = {k: v.copy() for k, v in parameters.items()}
        self.params = dict(self.initial)
        self.X, self.Y, self.learning_rate = X, Y, learning_rate
        self.last_costs: list[float] = []

    def __call__(self, k: int) -> None:
        self.params, self.last_costs = lean_train(self.params, self.X, self.Y, k, self.learning_rate)

    def reset(self) -> None:
        self.params = dict(self.initial)

    def parameters(self) -> Params:
        return self.params


class TextbookRunner(Runner):
    """``textbook_train`` continuing from where the previous call (or ``reset``) left the parameters."""

    def __init__(
        self, parameters: Params, X: np.ndarray, Y: np.ndarray, activations: Sequence[str], learning_rate: float
    ) -> None:
        self.initial = {k: v.copy() for k, v in parameters.items()}
        self.params = dict(self.initial)
        self.X, self.Y, self.activations, self.learning_rate = X, Y, list(activations), learning_rate
        self.last_costs: list[float] = []

    def __call__(self, k: int) -> None:
        self.params, self.last_costs = textbook_train(
            self.params, self.X, self.Y, self.activations, k, self.learning_rate
        )

    def reset(self) -> None:
        # update_parameters rebinds the dict entries to fresh arrays, so the initial ones are never mutated.
        self.params = dict(self.initial)

    def parameters(self) -> Params:
        return self.params


@dataclass
class RaceResult:
    """Per runner: the best and the median seconds of one call; and whether every run stayed finite."""

    best: dict[str, float]
    median: dict[str, float]
    finite: bool

    def spread(self, *names: str) -> float:
        """The largest median/best − 1 among ``names``: 0.05 means a typical repeat ran 5 % slower than the best."""
        return max(self.median[n] / self.best[n] - 1.0 for n in names)


def race(runners: dict[str, Runner], iterations: int, repeats: int) -> RaceResult:
    """Time ``repeats`` calls ``runner(iterations)`` of every runner, each from its initial parameters.

    Repeats alternate the runners (and their order) so that drift on the shared cores hits all of them.
    """
    times: dict[str, list[float]] = {name: [] for name in runners}
    finite = True
    names = list(runners)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            runners[name].reset()
            start = time.perf_counter()
            runners[name](iterations)
            times[name].append(time.perf_counter() - start)
            finite = finite and runners[name].finite()
    best = {name: min(t) for name, t in times.items()}
    median = {name: float(np.median(t)) for name, t in times.items()}
    return RaceResult(best, median, finite)


def max_param_difference(a: Params, b: Params) -> float:
    """max |a − b| over every parameter array (float64), to show both loops compute the same thing."""
    return max(np.max(np.abs(a[k].astype(np.float64) - b[k].astype(np.float64))).item() for k in a)


class PeakRunner(Runner):
    """n×n by n×n ``np.matmul`` into a preallocated output, ``per_call`` times per call (2n³ flops each).

    It runs inside the wide net's race, so the peak is sampled under the same load as the engine.
    """

    def __init__(self, n: int, dtype: type, per_call: int) -> None:
        rng = np.random.RandomState(0)
        self.a = rng.rand(n, n).astype(dtype)
        self.b = rng.rand(n, n).astype(dtype)
        self.c = np.empty_like(self.a)
        self.per_call = per_call
        self.flops_per_call = 2.0 * n**3 * per_call
        self.last_costs = np.zeros(1)

    def __call__(self, k: int) -> None:
        for _ in range(self.per_call):
            np.matmul(self.a, self.b, out=self.c)

    def reset(self) -> None:
        pass

    def parameters(self) -> Params:
        return {}


def matmul_flops_per_iteration(layer_dims: Sequence[int], m: int) -> int:
    """FLOPs of the matmuls of one iteration: forward W A, backward dZ A_prevᵀ, and Wᵀ dZ for l ≥ 2."""
    flops = 0
    for l in range(1, len(layer_dims)):
        mac = layer_dims[l] * layer_dims[l - 1] * m
        flops += 2 * mac + 2 * mac + (2 * mac if l >= 2 else 0)
    return flops


# ===================================================================== the measurements
@dataclass
class SpeedRow:
    """One net: textbook and engine iterations/s and how far apart their parameters ended after warm-up."""

    name: str
    data: str
    textbook: float
    engine: float
    max_diff: float
    finite: bool
    spread: float

    @property
    def ratio(self) -> float:
        return self.engine / self.textbook


@dataclass
class Case:
    """A net to race: architecture, hidden activation, learning rate and its iteration budget."""

    name: str
    layer_dims: list[int]
    hidden: str
    learning_rate: float
    warmup: int
    iterations: int
    repeats: int


def engine_and_textbook(
    case: Case, X: np.ndarray, Y: np.ndarray, data: str, extra: dict[str, Runner] | None = None
) -> tuple[SpeedRow, dict[str, float]]:
    """Race the engine (and ``extra`` runners) against the textbook loop from the same initial parameters.

    Returns the row and the best seconds per call of every runner (a call is ``case.iterations`` iterations).
    """
    net = Network(case.layer_dims, case.hidden, init="xavier", seed=1)
    activations = net.activation_names
    engine = EngineRunner(net, X, Y, case.learning_rate)
    textbook = TextbookRunner(net.parameters(), X, Y, activations, case.learning_rate)
    runners: dict[str, Runner] = {"textbook": textbook, "engine": engine, **(extra or {})}
    # Warm-up from identical parameters: caches, BLAS threads, first-touch page faults. It doubles as a
    # check that the two loops compute the same thing.
    for runner in runners.values():
        runner(case.warmup)
    max_diff = max_param_difference(engine.parameters(), textbook.parameters())
    result = race(runners, case.iterations, case.repeats)
    rate = {name: case.iterations / sec for name, sec in result.best.items()}
    row = SpeedRow(
        case.name, data, rate["textbook"], rate["engine"], max_diff, result.finite, result.spread("textbook", "engine")
    )
    return row, result.best


@dataclass
class LeanRow:
    """The week-3 net: iterations/s of the lean loop, the CLI's stepper and the bare Network.train."""

    lean: float
    stepper: float
    train: float
    max_diff: float
    finite: bool
    spread: float


def stepper_and_lean(X: np.ndarray, Y: np.ndarray, iterations: int, repeats: int) -> LeanRow:
    """Race the CLI's path and Network.train against the lean loop on 2-4-1 tanh (seed 3, α = 1.2, the
    course's settings), all from the same initial parameters."""
    net = Network([2, 4, 1], "tanh", seed=3)
    runners: dict[str, Runner] = {
        "lean": LeanRunner(net.parameters(), X, Y, 1.2),
        "stepper": StepperRunner(net, X, Y, 1.2),
        "train": EngineRunner(Network([2, 4, 1], "tanh", seed=3), X, Y, 1.2),
    }
    for runner in runners.values():
        runner(200)
    max_diff = max_param_difference(runners["stepper"].parameters(), runners["lean"].parameters())
    result = race(runners, iterations, repeats)
    rate = {name: iterations / sec for name, sec in result.best.items()}
    return LeanRow(rate["lean"], rate["stepper"], rate["train"], max_diff, result.finite,
                   result.spread("lean", "stepper", "train"))


@dataclass
class StabilityResult:
    """Costs of one net under the textbook loop and the engine, from the same initial parameters."""

    name: str
    learning_rate: float
    iterations: int
    textbook_first_cost: float
    textbook_last_cost: float
    textbook_first_bad: int | None
    textbook_fp_events: int
    textbook_params_finite: bool
    engine_first_cost: float
    engine_last_cost: float
    engine_all_finite: bool
    engine_fp_events: int

    @property
    def shown(self) -> bool:
        """The row makes its point: the engine stays finite where the textbook does not."""
        return self.engine_all_finite and self.textbook_first_bad is not None


def stability(
    name: str, layer_dims: list[int], hidden: str, weight_scale: float, learning_rate: float, iterations: int
) -> StabilityResult:
    """Train the same net on the flower data with both loops and record where the textbook's cost breaks."""
    X, Y = flower_dataset()
    net = Network(layer_dims, hidden, init="xavier", seed=1)
    net.set_parameters({k: v * weight_scale if k.startswith("W") else v for k, v in net.parameters().items()})
    start = net.parameters()
    events = {"textbook": 0, "engine": 0}

    def counter(key: str) -> Callable[[str, int], None]:
        def record(_kind: str, _flag: int) -> None:
            events[key] += 1

        return record

    # "call" counts the floating-point errors (one per offending NumPy call) instead of printing warnings.
    with np.errstate(all="call", call=counter("textbook")):
        params, tb_costs = textbook_train(start, X, Y, net.activation_names, iterations, learning_rate)
    tb = np.array(tb_costs)
    bad = np.flatnonzero(~np.isfinite(tb))
    with np.errstate(all="call", call=counter("engine")):
        net.bind(X, Y)
        costs = net.train(iterations, learning_rate)
    return StabilityResult(
        name=name,
        learning_rate=learning_rate,
        iterations=iterations,
        textbook_first_cost=tb[0].item(),
        textbook_last_cost=tb[-1].item(),
        textbook_first_bad=int(bad[0]) if bad.size else None,
        textbook_fp_events=events["textbook"],
        textbook_params_finite=all(np.all(np.isfinite(v)) for v in params.values()),
        engine_first_cost=costs[0].item(),
        engine_last_cost=costs[-1].item(),
        engine_all_finite=bool(np.all(np.isfinite(costs)))
        and all(np.all(np.isfinite(v)) for v in net.parameters().values()),
        engine_fp_events=events["engine"],
    )


# ===================================================================== report
def fmt_rate(x: float) -> str:
    """Iterations/s with sensible precision for both 20,000 and 14.2."""
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations and repeats (~10 s instead of ~1 min)")
    args = parser.parse_args(argv)
    quick = args.quick
    t0 = time.perf_counter()

    print("backpropviz benchmark: engine vs textbook loop" + (" (--quick)" if quick else ""))
    for line in machine_header():
        print("  " + line)
    print()

    # Budgets: a repeat should last well above timer and scheduler noise (≥ 0.1 s) on the small nets.
    small_reps, wide_reps = (3, 3) if quick else (11, 9)
    cases_small = [
        Case("2-4-1 tanh", [2, 4, 1], "tanh", 1.2, 200, 1500 if quick else 5000, small_reps),
        Case("2-20-7-5-1 relu", [2, 20, 7, 5, 1], "relu", 0.0075, 200, 700 if quick else 2500, small_reps),
    ]
    wide = Case("784-128-64-1 relu", [784, 128, 64, 1], "relu", 0.01, 2, 3 if quick else 10, wide_reps)
    m_wide = 10000

    X, Y = flower_dataset()
    lean = stepper_and_lean(X, Y, 1500 if quick else 5000, small_reps)
    print(f"  measured 2-4-1 tanh against the lean loop ({time.perf_counter() - t0:.0f} s)", flush=True)
    small_rows: list[SpeedRow] = []
    for case in cases_small:
        row, _ = engine_and_textbook(case, X, Y, "flower, m=400")
        small_rows.append(row)
        print(f"  measured {case.name} ({time.perf_counter() - t0:.0f} s)", flush=True)

    Xw, Yw = random_dataset(784, m_wide, seed=0)
    net32 = Network(wide.layer_dims, wide.hidden, init="xavier", seed=1, dtype="float32")
    engine32 = EngineRunner(net32, Xw, Yw, wide.learning_rate)
    peak_n, per_call = 2048, 1 if quick else 3
    peaks = {"peak64": PeakRunner(peak_n, np.float64, per_call), "peak32": PeakRunner(peak_n, np.float32, per_call)}
    wide_row, seconds = engine_and_textbook(wide, Xw, Yw, f"random, m={m_wide}", {"engine32": engine32, **peaks})
    rows = [*small_rows, wide_row]
    wide_rates = {name: wide.iterations / seconds[name] for name in ("textbook", "engine", "engine32")}
    peak64 = peaks["peak64"].flops_per_call / seconds["peak64"] / 1e9
    peak32 = peaks["peak32"].flops_per_call / seconds["peak32"] / 1e9
    print(f"  measured {wide.name}, float64, float32 and matmul peaks ({time.perf_counter() - t0:.0f} s)", flush=True)
    flops = matmul_flops_per_iteration(wide.layer_dims, m_wide)
    gflops64 = flops * wide_rates["engine"] / 1e9
    gflops32 = flops * wide_rates["engine32"] / 1e9
    gflops_tb = flops * wide_rates["textbook"] / 1e9
    f32_ratio = wide_rates["engine32"] / wide_rates["engine"]

    stab = [
        # The brief's case: saturated sigmoids, A_L rounds to exactly 0 or 1 and np.log/np.divide break.
        stability("2-50-50-50-1 sigmoid, W×20", [2, 50, 50, 50, 1], "sigmoid", 20.0, 0.05, 100 if quick else 300),
        # The everyday case: a relu net that learns well gets so confident that some A_L == 1.0 exactly;
        # at the course's own lr 0.0075 this happens near iteration 13,900 (near 2,100 at lr 0.05).
        stability(
            "2-20-7-5-1 relu, xavier", [2, 20, 7, 5, 1], "relu", 1.0, *((0.05, 2500) if quick else (0.0075, 15000))
        ),
    ]
    print(f"  measured stability ({time.perf_counter() - t0:.0f} s)", flush=True)
    print()

    # ---------------------------------------------------------------- 0. lean
    print("0. The course's week-3 net (2-4-1 tanh, flower, m=400, α 1.2) against a LEAN textbook loop, float64")
    print(f"  lean loop (no dicts or helpers, fused dZ2, np.log cost): {fmt_rate(lean.lean):>8} it/s")
    print(f"  backpropviz train (Stepper: history, records, checks):   {fmt_rate(lean.stepper):>8} it/s"
          f"  = {lean.stepper / lean.lean:.2f}× lean")
    print(f"  Network.train (bare):                                    {fmt_rate(lean.train):>8} it/s"
          f"  = {lean.train / lean.lean:.2f}× lean; the history costs {100 * (lean.train / lean.stepper - 1):.1f} %")
    print(f"  spread {lean.spread:.0%}; max|Δparam| after 200 warm-up iterations {lean.max_diff:.1e}"
          + ("" if lean.finite else "  (inf/NaN in a run!)"))
    print()

    # ---------------------------------------------------------------- 1. speed
    print("1. Iterations/s, best of repeats, engine (Network.train) vs textbook loop, float64")
    head = (
        f"  {'net':<20} {'data':<18} {'textbook it/s':>14} {'engine it/s':>12} {'engine/textbook':>16} "
        f"{'spread':>7} {'max|Δparam| after warm-up':>26}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    for r in rows:
        print(
            f"  {r.name:<20} {r.data:<18} {fmt_rate(r.textbook):>14} {fmt_rate(r.engine):>12} "
            f"{r.ratio:>15.2f}× {r.spread:>7.0%} {r.max_diff:>26.1e}" + ("" if r.finite else "  (inf/NaN in a run!)")
        )
    print("  spread: median/best − 1 of the repeats (noise from the shared cores); max|Δparam|: both loops start from")
    print("  the same parameters and agree after the warm-up iterations, so they compute the same thing.")
    print("  The textbook computes dA0 = W1ᵀ dZ1 as the course does; the engine skips it (training never reads it).")
    print()

    # ---------------------------------------------------------------- 2. stability
    print("2. Stability on the flower data: the textbook cost (np.log of A_L) against the engine's (from Z_L)")
    for s in stab:
        first_bad = "never" if s.textbook_first_bad is None else f"iteration {s.textbook_first_bad}"
        print(f"  {s.name}, lr {s.learning_rate}, {s.iterations} iterations")
        print(
            f"    textbook: cost {s.textbook_first_cost:.6g} → {s.textbook_last_cost:.6g}; first non-finite at "
            f"{first_bad}; parameters finite at the end: {s.textbook_params_finite}; "
            f"floating-point errors: {s.textbook_fp_events}"
        )
        print(
            f"    engine:   cost {s.engine_first_cost:.6g} → {s.engine_last_cost:.6g}; all costs and parameters "
            f"finite: {s.engine_all_finite}; floating-point errors: {s.engine_fp_events}"
        )
    print()

    # ---------------------------------------------------------------- 3. peak
    print("3. Matmul peak and the wide net's share of it")
    print(
        f"  np.matmul {peak_n}×{peak_n} float64: {peak64:.1f} GFLOP/s, float32: {peak32:.1f} GFLOP/s "
        f"(best of {wide.repeats}×{per_call}, interleaved with the wide net's runs)"
    )
    print(
        f"  784-128-64-1, m={m_wide}: {flops / 1e9:.3f} GFLOP of matmul per iteration "
        f"(forward W·A, backward dZ·A_prevᵀ, Wᵀ·dZ for l ≥ 2)"
    )
    print(f"  engine float64: {gflops64:.1f} GFLOP/s = {gflops64 / peak64:.0%} of the float64 peak")
    print(f"  engine float32: {gflops32:.1f} GFLOP/s = {gflops32 / peak32:.0%} of the float32 peak")
    print(f"  textbook float64 (useful FLOPs only): {gflops_tb:.1f} GFLOP/s = {gflops_tb / peak64:.0%}")
    print()

    # ---------------------------------------------------------------- 4. float32
    print("4. float32 vs float64, engine on 784-128-64-1")
    print(
        f"  float64 {fmt_rate(wide_rates['engine'])} it/s, float32 {fmt_rate(wide_rates['engine32'])} it/s: "
        f"float32/float64 = {f32_ratio:.2f}×"
    )
    print()

    # ---------------------------------------------------------------- targets
    small_ok = all(r.ratio >= 1.2 for r in small_rows)
    print("Targets")
    print(f"  backpropviz train ≥ 1.2× the lean loop on 2-4-1 tanh: {verdict(lean.stepper >= 1.2 * lean.lean)} "
          f"({lean.stepper / lean.lean:.2f}×)")
    print(
        f"  ≥ 1.2× textbook on the small nets: {verdict(small_ok)} ({', '.join(f'{r.ratio:.2f}×' for r in small_rows)})"
    )
    print(
        f"  ≥ 70 % of the float64 matmul peak on the wide net: {verdict(gflops64 / peak64 >= 0.70)} "
        f"({gflops64 / peak64:.0%})"
    )
    print(f"  float32 ≈ 2× float64 (≥ 1.8×): {verdict(f32_ratio >= 1.8)} ({f32_ratio:.2f}×)")
    print(f"  engine finite where the textbook is not: {verdict(all(s.shown for s in stab))}")
    if not all(r.finite for r in rows):
        print("  WARNING: a speed run produced inf/NaN; its rate is not comparable")
    print()

    # ---------------------------------------------------------------- README block
    print("Markdown for README:")
    print()
    print("| Measurement | Result |")
    print("|---|---|")
    print(f"| 2-4-1 tanh, flower, m=400: `backpropviz train` vs lean textbook loop | {fmt_rate(lean.stepper)} vs "
          f"{fmt_rate(lean.lean)} it/s (**{lean.stepper / lean.lean:.2f}×**) |")
    print(f"| 2-4-1 tanh, flower, m=400: Network.train vs lean textbook loop | {fmt_rate(lean.train)} vs "
          f"{fmt_rate(lean.lean)} it/s (**{lean.train / lean.lean:.2f}×**) |")
    for r in rows:
        print(
            f"| {r.name}, {r.data}: engine vs textbook loop | {fmt_rate(r.engine)} vs {fmt_rate(r.textbook)} "
            f"it/s (**{r.ratio:.2f}×**) |"
        )
    print(f"| float64 matmul peak (2048², np.matmul) | {peak64:.0f} GFLOP/s |")
    print(f"| 784-128-64-1 relu, engine float64 | {gflops64:.0f} GFLOP/s (**{gflops64 / peak64:.0%}** of peak) |")
    print(
        f"| 784-128-64-1 relu, float32 vs float64 | {fmt_rate(wide_rates['engine32'])} vs "
        f"{fmt_rate(wide_rates['engine'])} it/s (**{f32_ratio:.2f}×**) |"
    )
    for s in stab:
        tb_text = "finite" if s.textbook_first_bad is None else f"NaN/inf from iteration {s.textbook_first_bad:,}"
        en_text = "finite" if s.engine_all_finite else "NOT finite"
        print(
            f"| {s.name}, flower, lr {s.learning_rate}, {s.iterations:,} it: cost | textbook {tb_text}; "
            f"engine {s.engine_first_cost:.3g} → {s.engine_last_cost:.3g}, {en_text} |"
        )
    print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(
        f"({time.perf_counter() - t0:.0f} s in all; {os.cpu_count()} CPUs; load average at the end {load}; "
        f"{'--quick' if quick else 'full'} run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
