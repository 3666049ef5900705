"""Week 3, "Planar data classification with one hidden layer", with the course's names and conventions.

A 2-layer net: X (n_x, m) → tanh hidden layer of n_h units → one sigmoid unit, A2 (1, m).
Every function here is a thin adapter: it unpacks the course's dicts and calls the engine's equations
(``layers``, ``activations``, ``losses``, ``init``), so a teacher sees the notebook's numbers computed
by the code the visualiser runs. Conventions follow the current notebook (docs/architecture.md, "Course adapters"):

* ``initialize_parameters`` draws from NumPy's *global* RNG without seeding it (W1 first, then W2);
  the caller seeds, e.g. ``np.random.seed(2)`` before it, as the notebook's test cell does.
* ``nn_model`` seeds the global RNG with 3 first, so its initial weights are the first draws after seed 3.
* ``compute_cost`` keeps the course formula (log of A2, no logits) and returns a Python float.
* ``update_parameters`` returns a new dict and leaves its input untouched (the notebook deep-copies).

The old notebook (v6c) seeded 2 *inside* ``initialize_parameters``: ``np.random.seed(2)`` right before
``initialize_parameters`` gives its numbers, and its ``nn_model`` started from those seed-2 weights instead
of the first draws after seed 3 (hence its different costs, e.g. 0.693048 vs 0.693162 on the flower).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import activations, layers, losses
from ..datasets import flower
from ..init import initialize
from .common import fresh_like

Parameters = dict[str, np.ndarray]



def load_planar_dataset() -> tuple[np.ndarray, np.ndarray]:
    """The "flower": X (2, 400) float64, Y (1, 400) uint8 (200 zeros, then 200 ones).

    Same numbers as ``planar_utils.load_planar_dataset``, built by the engine's ``datasets.flower``; Y is
    uint8, as the course returns it. The course seeds NumPy's global RNG with 1 and draws 4 × 200 normals
    from it; the global state is left exactly there too, so a notebook's later unseeded draws match.
    """
    X, Y = flower(n=400, noise=0.2, seed=1)
    # flower() draws from its own RandomState(1); replay the same 800 normal draws on the global one.
    np.random.seed(1)
    np.random.standard_normal(4 * 200)
    return X, Y.astype(np.uint8)


def layer_sizes(X: np.ndarray, Y: np.ndarray) -> tuple[int, int, int]:
    """(n_x, n_h, n_y) for X (n_x, m) and Y (n_y, m); the hidden layer size is fixed at 4, as in the notebook."""
    n_x = np.shape(X)[0]  # size of the input layer
    n_h = 4
    n_y = np.shape(Y)[0]  # size of the output layer
    return (n_x, n_h, n_y)


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> Parameters:
    """W1 (n_h, n_x) and W2 (n_y, n_h) = randn × 0.01 from the global RNG, b1 (n_h, 1) and b2 (n_y, 1) zeros.

    No seed inside: the caller seeds (``np.random.seed(2)`` gives the notebook's expected output).
    """
    # rng=np.random: the engine then draws from the global state, in the course's order W1, W2.
    (W1, b1), (W2, b2) = initialize([n_x, n_h, n_y], "scaled_normal", rng=np.random)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X: np.ndarray, parameters: Parameters) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Z1 = W1 X + b1; A1 = tanh(Z1); Z2 = W2 A1 + b2; A2 = σ(Z2).

    Returns A2 (1, m) and the cache {"Z1", "A1" (n_h, m), "Z2", "A2" (1, m)} that backward_propagation uses.
    """
    X = np.asarray(X)
    Z1 = layers.linear_forward(X, parameters["W1"], parameters["b1"])
    A1 = activations.tanh(Z1, fresh_like(Z1))
    Z2 = layers.linear_forward(A1, parameters["W2"], parameters["b2"])
    A2 = activations.sigmoid(Z2, fresh_like(Z2))
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2: np.ndarray, Y: np.ndarray, parameters: Parameters | None = None) -> float:
    """J = −(1/m) Σ [Y log A2 + (1−Y) log(1−A2)], a Python float; A2 and Y (1, m).

    The course's own formula (log of the probabilities), not the engine's logit form, so the digits match
    the notebook's; it is infinite where A2 reaches 0 or 1. ``parameters`` is accepted and ignored, as in
    the old notebook's ``compute_cost(A2, Y, parameters)``.
    """
    return losses.cost_from_probabilities(np.asarray(A2), np.asarray(Y))


def backward_propagation(
    parameters: Parameters, cache: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray
) -> dict[str, np.ndarray]:
    """The six equations of the lecture, returning {"dW1", "db1", "dW2", "db2"} shaped like W1, b1, W2, b2.

    dZ2 = A2 − Y; dW2 = (1/m) dZ2 A1ᵀ; db2 = (1/m) Σ dZ2;
    dZ1 = W2ᵀ dZ2 ⊙ (1 − A1²); dW1 = (1/m) dZ1 Xᵀ; db1 = (1/m) Σ dZ1.
    """
    X = np.asarray(X)
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = losses.output_gradient(A2, np.asarray(Y))  # sigmoid + cross-entropy fuse to A2 − Y
    dW2 = layers.weight_gradient(dZ2, A1)
    db2 = layers.bias_gradient(dZ2)
    dA1 = layers.input_gradient(dZ2, parameters["W2"])
    # tanh' = 1 − A1², computed from the cached A1 as the notebook does (never from Z1).
    dZ1 = activations.tanh_backward(dA1, cache["Z1"], A1, fresh_like(dA1))
    dW1 = layers.weight_gradient(dZ1, X)
    db1 = layers.bias_gradient(dZ1)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters: Parameters, grads: dict[str, np.ndarray], learning_rate: float = 1.2) -> Parameters:
    """W := W − α dW and b := b − α db for both layers; a new dict, the input is left unchanged."""
    updated = {}
    for name in ("W1", "b1", "W2", "b2"):
        param = np.array(parameters[name], dtype=np.result_type(parameters[name], 1.0))  # a copy, as deepcopy
        layers.gradient_step(param, grads["d" + name], learning_rate, np.empty_like(param))
        updated[name] = param
    return updated


def nn_model(
    X: np.ndarray, Y: np.ndarray, n_h: int, num_iterations: int = 10000, print_cost: bool = False
) -> Parameters:
    """Train the 2-layer net by full-batch gradient descent (α = 1.2) and return the learnt parameters.

    Seeds the global RNG with 3 first, as the notebook's template does. With ``print_cost`` it prints
    "Cost after iteration i: J" every 1000 iterations.
    """
    np.random.seed(3)
    n_x = layer_sizes(X, Y)[0]
    n_y = layer_sizes(X, Y)[2]
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))  # noqa: UP031 - the notebook's exact format
    return parameters


def predict(parameters: Parameters, X: np.ndarray) -> np.ndarray:
    """Predictions (1, m), boolean: True where A2 > 0.5 (strictly), as the notebook thresholds."""
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5


def accuracy(predictions: Any, Y: Any) -> float:
    """The notebook's accuracy line, in percent: (Y·Pᵀ + (1−Y)·(1−P)ᵀ) / m × 100, a Python float.

    The notebook wraps this in ``float(...)`` of a (1, 1) array, which NumPy 2 rejects; ``.item()`` is the
    fix. Both sides are cast to float64 first, so a uint8 Y cannot overflow in the dot products.
    """
    P = np.asarray(predictions, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    correct = np.dot(Y, P.T) + np.dot(1 - Y, 1 - P.T)
    return (correct / float(Y.size) * 100).item()
