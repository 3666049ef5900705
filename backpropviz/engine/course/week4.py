"""Week 4, "Building your Deep Neural Network: Step by Step" and the "Application", with the course's names.

An L-layer net: [LINEAR → RELU] × (L−1) → LINEAR → SIGMOID. Shapes: X (n_x, m), Y (1, m), W[l] (n_l, n_{l−1}),
b[l] (n_l, 1), Z[l] and A[l] (n_l, m). Each function is a thin adapter over the engine's equations (``layers``,
``activations``, ``init``): the course's dicts, tuples and return conventions on the outside, the code the
visualiser runs on the inside. Conventions (docs/architecture.md, "Course adapters"):

* parameters are {"W1", "b1", …}; a layer's cache is ((A_prev, W, b), Z); grads are {"dA{l−1}", "dW{l}", "db{l}"}.
* ``initialize_parameters`` seeds the global RNG with 1, ``initialize_parameters_deep`` with 3, both randn × 0.01
  (step-by-step notebook); the application's ``initialize_parameters_deep_app`` seeds 1 and divides by √n_{l−1}.
* ``compute_cost`` and the output gradient dAL keep the course's formulas (log and divisions on A_L, where the
  engine itself works from the logits): they exist to reproduce the notebooks' digits.
* ``compute_cost`` returns ``np.squeeze`` of a (1, 1) array: a 0-d ndarray, not a float.
* ``update_parameters`` returns a new dict and leaves its input untouched (the current notebook copies first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import layers
from ..activations import get_activation
from ..init import initialize
from .common import fresh_like

Parameters = dict[str, np.ndarray]
LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]
Cache = tuple[LinearCache, np.ndarray]



def _as_parameters(drawn: list[tuple[np.ndarray, np.ndarray]]) -> Parameters:
    """[(W1, b1), (W2, b2), …] from the engine as the course's dict {"W1": …, "b1": …, …}."""
    parameters = {}
    for l, (W, b) in enumerate(drawn, start=1):
        parameters["W" + str(l)] = W
        parameters["b" + str(l)] = b
    return parameters


# ------------------------------------------------------------------------------------- initialisation
def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Parameters:
    """A 2-layer net: W1 (n_h, n_x), W2 (n_y, n_h) = randn × 0.01, b1 (n_h, 1), b2 (n_y, 1) zeros.

    Seeds the global RNG with 1 inside, as the notebook and ``dnn_app_utils_v3`` do.
    """
    np.random.seed(1)
    # rng=np.random: the engine draws from the global state just seeded, W1 then W2.
    return _as_parameters(initialize([n_x, n_h, n_y], "scaled_normal", rng=np.random))


def initialize_parameters_deep(layer_dims: Sequence[int]) -> Parameters:
    """W[l] (n_l, n_{l−1}) = randn × 0.01 and b[l] (n_l, 1) zeros for ``layer_dims = [n_x, n_1, …, n_L]``.

    Seeds the global RNG with 3 inside, as the step-by-step notebook does.
    """
    np.random.seed(3)
    return _as_parameters(initialize(list(layer_dims), "scaled_normal", rng=np.random))


def initialize_parameters_deep_app(layer_dims: Sequence[int]) -> Parameters:
    """The application's ``initialize_parameters_deep`` (dnn_app_utils_v3): seed 1, W[l] = randn / √n_{l−1}.

    Without the 1/√n_{l−1} scaling a 4-layer net on 12288 inputs barely learns; this is the version
    ``L_layer_model`` uses.
    """
    np.random.seed(1)
    return _as_parameters(initialize(list(layer_dims), "xavier", rng=np.random))


# ------------------------------------------------------------------------------------- forward
def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """Z = W A + b, shape (n_l, m); the cache is (A, W, b) — the very objects passed in."""
    Z = layers.linear_forward(np.asarray(A), np.asarray(W), np.asarray(b))
    return Z, (A, W, b)


def linear_activation_forward(
    A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str
) -> tuple[np.ndarray, Cache]:
    """A = g(W A_prev + b) with g = "relu" or "sigmoid" (any engine activation name works).

    Returns A (n_l, m) and the cache ((A_prev, W, b), Z).
    """
    g = get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = g.forward(Z, fresh_like(Z))
    return A, (linear_cache, Z)


def L_model_forward(X: np.ndarray, parameters: Mapping[str, np.ndarray]) -> tuple[np.ndarray, list[Cache]]:
    """[LINEAR → RELU] × (L−1) → LINEAR → SIGMOID; returns AL (1, m) and the L caches, layer 1 first."""
    caches = []
    A = X
    L = len(parameters) // 2  # number of layers: each has a W and a b
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


# ------------------------------------------------------------------------------------- cost
def compute_cost(AL: np.ndarray, Y: Any) -> np.ndarray:
    """J = −(1/m) [Y · log(AL)ᵀ + (1−Y) · log(1−AL)ᵀ], as a 0-d ndarray; AL and Y (1, m).

    The course's formula, digit for digit (dot products of logs): it is infinite where AL reaches 0 or 1,
    which is why the engine computes its own cost from the logits instead.
    """
    AL, Y = np.asarray(AL), np.asarray(Y)
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return np.squeeze(cost)  # [[J]] → J, a 0-d array as the course returns it


# ------------------------------------------------------------------------------------- backward
def linear_backward(dZ: np.ndarray, cache: LinearCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dA_prev = Wᵀ dZ (n_{l−1}, m), dW = (1/m) dZ A_prevᵀ (n_l, n_{l−1}), db = (1/m) Σ dZ (n_l, 1)."""
    A_prev, W, _b = cache
    return layers.linear_backward(np.asarray(dZ), np.asarray(A_prev), np.asarray(W))


def linear_activation_backward(
    dA: np.ndarray, cache: Cache, activation: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dZ = dA ⊙ g'(Z), then the linear part; returns (dA_prev, dW, db).

    The cache holds Z only, so g(Z) is recomputed, as the course's ``sigmoid_backward`` recomputes s = σ(Z).
    relu' is 0 where Z ≤ 0.
    """
    linear_cache, Z = cache
    g = get_activation(activation)
    dA, Z = np.asarray(dA), np.asarray(Z)
    A = g.forward(Z, fresh_like(Z))
    dZ = g.backward(dA, Z, A, fresh_like(dA))
    return linear_backward(dZ, linear_cache)


def output_gradient(AL: np.ndarray, Y: Any) -> np.ndarray:
    """dAL = −(Y/AL − (1−Y)/(1−AL)), (1, m): the course's formula, unclipped (the engine clips for display)."""
    AL = np.asarray(AL)
    Y = np.asarray(Y).reshape(AL.shape)  # after this line, Y is the same shape as AL
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def L_model_backward(AL: np.ndarray, Y: Any, caches: Sequence[Cache]) -> dict[str, np.ndarray]:
    """Back through the L layers; grads {"dA{l−1}", "dW{l}", "db{l}"} for l = L … 1 (dA0 is w.r.t. X)."""
    grads = {}
    L = len(caches)  # the number of layers
    dAL = output_gradient(AL, Y)
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):  # layers L−1 … 1, relu
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads


# ------------------------------------------------------------------------------------- update
def update_parameters(
    params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], learning_rate: float
) -> Parameters:
    """W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l] for every layer; a new dict, ``params`` is left unchanged."""
    parameters = dict(params)  # the notebook's params.copy(): other keys carry over, the input dict stays as it was
    L = len(parameters) // 2  # number of layers in the neural network
    for l in range(1, L + 1):
        for name in ("W" + str(l), "b" + str(l)):
            # A fresh copy to step in place: the engine's update writes into its argument.
            param = np.array(parameters[name], dtype=np.result_type(parameters[name], 1.0))
            layers.gradient_step(param, grads["d" + name], learning_rate, np.empty_like(param))
            parameters[name] = param
    return parameters


# ------------------------------------------------------------------------------------- application
def predict(X: np.ndarray, y: Any, parameters: Mapping[str, np.ndarray]) -> np.ndarray:
    """Predictions p (1, m) of 0./1. floats (1 where AL > 0.5), as ``dnn_app_utils_v3.predict``.

    Prints "Accuracy: " + the share of p == y, summed as m copies of 1/m like the course (so a perfect
    score can print 0.9999999999999998).
    """
    X = np.asarray(X)
    m = X.shape[1]
    probas, _caches = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(np.float64)
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p


def two_layer_model(
    X: np.ndarray,
    Y: Any,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[Parameters, list[np.ndarray]]:
    """LINEAR → RELU → LINEAR → SIGMOID trained by gradient descent; ``layers_dims = (n_x, n_h, n_y)``.

    Seeds the global RNG with 1, initialises with ``initialize_parameters`` (× 0.01), and returns
    ``(parameters, costs)`` with the cost (0-d array) of iterations 0, 100, 200, …. With ``print_cost`` it
    prints "Cost after iteration i: J" every 100 iterations and at the last one, as the notebook does.
    """
    np.random.seed(1)
    grads = {}
    costs = []
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = output_gradient(A2, Y)  # the notebook writes dA2 = −(Y/A2 − (1−Y)/(1−A2)) here
        dA1, grads["dW2"], grads["db2"] = linear_activation_backward(dA2, cache2, "sigmoid")
        _dA0, grads["dW1"], grads["db1"] = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, grads, learning_rate)
        W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
        _record(costs, cost, i, num_iterations, print_cost)
    return parameters, costs


def L_layer_model(
    X: np.ndarray,
    Y: Any,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[Parameters, list[np.ndarray]]:
    """[LINEAR → RELU] × (L−1) → LINEAR → SIGMOID trained by gradient descent; ``layers_dims = [n_x, …, n_L]``.

    Seeds the global RNG with 1, initialises with the application's ``initialize_parameters_deep_app``
    (randn / √n_{l−1}), and returns ``(parameters, costs)`` with the cost (0-d array) of iterations 0, 100, ….
    """
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep_app(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        _record(costs, cost, i, num_iterations, print_cost)
    return parameters, costs


def _record(costs: list[np.ndarray], cost: np.ndarray, i: int, num_iterations: int, print_cost: bool) -> None:
    """Keep the cost every 100 iterations (whether printing or not); print those and the last one if asked.

    The notebook's condition ``print_cost and i % 100 == 0 or i == num_iterations - 1`` also prints the last
    iteration when ``print_cost`` is False; here nothing is printed unless asked.
    """
    if print_cost and (i % 100 == 0 or i == num_iterations - 1):
        print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))  # noqa: UP032 - the notebook's format
    if i % 100 == 0:
        costs.append(cost)
