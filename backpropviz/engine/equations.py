"""The lecture's equations as text, for the views: per micro-step, per quantity, with shapes.

Symbolic texts come from the network's shape and activations alone. ``entry_equation`` is the one
exception: it writes out the equation behind a single matrix entry with the live numbers plugged in,
read from the stepper's arrays (it computes only the intermediate sums it prints).
"""

from __future__ import annotations

import math

import numpy as np

from .activations import LEAKY_SLOPE
from .losses import display_epsilon
from .network import Network
from .stepper import Stepper
from .steps import (
    UPDATE,
    MicroStep,
    cost_equation,
    equation,
    meaning,
    producing_step,
    shape,
    step_writes,
)


def shape_text(rows: int, columns: int) -> str:
    """(n×m) as the lecture writes shapes."""
    return f"({rows}×{columns})"


def activation_of(net: Network, l: int) -> str:
    """The name of layer l's activation g (none for layer 0, the input)."""
    return net.activation_names[l - 1] if l >= 1 else ""


def quantity_shape(net: Network, quantity: str, l: int) -> tuple[int, int]:
    """The shape of ``quantity`` of layer l: W, dW (n_l, n_{l−1}); b, db (n_l, 1); Z, A, dZ, dA (n_l, m)."""
    return shape(quantity, l, net.layer_dims, net.m)


def quantity_equation(net: Network, quantity: str, l: int) -> str:
    """The equation that produces ``quantity`` of layer l, e.g. ``dW2 = 1/m dZ2 A1ᵀ``."""
    return equation(quantity, l, net.L, activation_of(net, l))


def step_equations(net: Network, step: MicroStep, learning_rate: float) -> list[str]:
    """The equations one micro-step evaluates (the table's rows it writes), each matrix followed by its
    shape; the Update, which writes every W[l] and b[l], as one line for all layers."""
    L = net.L
    if step.kind == UPDATE:
        return [f"W[l] := W[l] − α dW[l],  b[l] := b[l] − α db[l]   for l = 1…{L}", f"α = {learning_rate:g}"]
    texts = []
    for quantity, l in step_writes(step, L):
        text = quantity_equation(net, quantity, l)
        texts.append(text if quantity == "J" else f"{text}  {shape_text(*quantity_shape(net, quantity, l))}")
    return texts


# ----------------------------------------------------------------------------- names and titles
# Sums over at most this many terms are written out term by term; longer ones show the sum's value.
MAX_WRITTEN_TERMS = 4


def quantity_title(net: Network, quantity: str, l: int) -> str:
    """A heading for the inspector, e.g. ``dW2 — gradient of the cost w.r.t. W2``."""
    L = net.L
    name = {("J", l): "J", ("A", 0): "A0 = X", ("A", L): f"A{L} = ŷ"}.get((quantity, l), f"{quantity}{l}")
    return f"{name} — {meaning(quantity, l, L)}"


def producer_label(quantity: str, l: int, L: int) -> str:
    """The label of the micro-step that computes ``quantity`` of layer l, e.g. B2 (X: the data)."""
    step = producing_step(quantity, l, L)
    return "the data" if step is None else step.label


def entry_name(quantity: str, l: int, i: int, j: int) -> str:
    """One entry as the equations name it: ``W2[0,1]``, ``b2[0]`` (biases have one column), ``J``."""
    if quantity == "J":
        return "J"
    if quantity in ("b", "db"):
        return f"{quantity}{l}[{i}]"
    return f"{quantity}{l}[{i},{j}]"


# ----------------------------------------------------------------------------- numbers
def format_value(value: float, digits: int = 4) -> str:
    """A number as the equations print it: ``digits`` significant digits, whole numbers bare (``0``,
    ``1``), scientific notation below 1e−4 and from 1e6 on, the minus sign typeset, NaN and ±inf
    spelled out (never printed as if they were numbers).

    Significant digits rather than fixed decimals: weights start near 0.01, and a student checking
    (−0.003512)(1.621) by hand needs more than (−0.0035)(1.6207).
    """
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+inf" if value > 0 else "−inf"
    if value == 0:
        return "0"
    size = abs(value)
    if value.is_integer() and size < 1e6:
        text = str(int(value))
    elif size < 1e-4 or size >= 1e6:
        text = f"{value:.{digits - 1}e}"
    else:
        decimals = max(0, digits - 1 - math.floor(math.log10(size)))
        text = f"{value:.{decimals}f}"
    return text.replace("-", "−")


def _factor(value: float) -> str:
    """A factor of a product, always in parentheses: (0.0162), (−1)."""
    return f"({format_value(value)})"


def _plus(value: float) -> str:
    """`` + v`` or `` − |v|``: a number added at the end of a sum."""
    if np.isfinite(value) and value < 0:
        return f" − {format_value(-value)}"
    return f" + {format_value(value)}"


def _dot_text(left: np.ndarray, right: np.ndarray) -> str:
    """Σ left·right, term by term when short, else the sum's value in parentheses."""
    if left.size <= MAX_WRITTEN_TERMS:
        return " + ".join(f"{_factor(a)}{_factor(b)}" for a, b in zip(left, right, strict=True))
    with np.errstate(over="ignore", invalid="ignore"):
        return _factor(np.dot(left, right))


def _sum_text(values: np.ndarray) -> str:
    if values.size <= MAX_WRITTEN_TERMS:
        return "(" + " + ".join(_factor(v) for v in values) + ")"
    with np.errstate(over="ignore", invalid="ignore"):
        return _factor(values.sum())


# ----------------------------------------------------------------------------- one entry, live
def _symbolic(net: Network, quantity: str, l: int, i: int, j: int) -> str:
    """The right-hand side of one computed entry's equation (Z A dZ dW db dA), without numbers."""
    L = net.L
    g = activation_of(net, l)
    if quantity == "Z":
        return f"Σ_k W{l}[{i},k] A{l - 1}[k,{j}] + b{l}[{i}]"
    if quantity == "A":
        return f"X[{i},{j}]" if l == 0 else _activation_symbolic(g, f"Z{l}[{i},{j}]")
    if quantity == "dZ":
        if l == L:
            return f"A{L}[{i},{j}] − Y[0,{j}]"
        return f"dA{l}[{i},{j}] · {_derivative_symbolic(g, l, i, j)}"
    if quantity == "dW":
        return f"1/m · Σ_j dZ{l}[{i},j] · A{l - 1}[{j},j]"  # the entry's column is a unit k of layer l−1
    if quantity == "db":
        return f"1/m · Σ_j dZ{l}[{i},j]"
    if quantity == "dA":
        if l == L:
            return f"−(Y[0,{j}]/A{L}[0,{j}] − (1 − Y[0,{j}])/(1 − A{L}[0,{j}]))"
        return f"Σ_i W{l + 1}[i,{i}] dZ{l + 1}[i,{j}]"
    raise ValueError(f"no entry equation for {quantity!r} here (W, b and J have their own)")


def _activation_symbolic(g: str, z: str) -> str:
    return {
        "tanh": f"tanh({z})",
        "sigmoid": f"σ({z}) = 1 / (1 + e^−{z})",
        "relu": f"relu({z}) = max(0, {z})",
        "leaky_relu": f"leaky_relu({z}) = max({LEAKY_SLOPE:g}·{z}, {z})",
        "linear": z,
    }[g]


def _derivative_symbolic(g: str, l: int, i: int, j: int) -> str:
    a, z = f"A{l}[{i},{j}]", f"Z{l}[{i},{j}]"
    return {
        "tanh": f"(1 − {a}²)",
        "sigmoid": f"{a} (1 − {a})",
        "relu": f"relu′({z})",
        "leaky_relu": f"leaky_relu′({z})",
        "linear": "1",
    }[g]


def _activation_numbers(g: str, z: float) -> str:
    zt = format_value(z)
    return {
        "tanh": f"tanh({zt})",
        "sigmoid": f"σ({zt})",
        "relu": f"max(0, {zt})",
        "leaky_relu": f"max({LEAKY_SLOPE:g}·{_factor(z)}, {zt})",
        "linear": zt,
    }[g]


def _derivative_numbers(g: str, dA: float, z: float, a: float, z_name: str) -> tuple[str, str]:
    """dA · g′ with the numbers in, and a note: relu-like derivatives say which side of 0 Z fell on."""
    if g == "tanh":
        return f"{_factor(dA)}(1 − {_factor(a)}²)", ""
    if g == "sigmoid":
        return f"{_factor(dA)}{_factor(a)}(1 − {format_value(a)})", ""
    if g == "linear":
        return f"{_factor(dA)} · 1", ""
    slope = 1 if z > 0 else (0 if g == "relu" else LEAKY_SLOPE)
    side = f"{z_name} = {format_value(z)} {'>' if z > 0 else '≤'} 0"
    return f"{_factor(dA)} · {slope:g}", f"   ({side})"


def _check_entry(stepper: Stepper, quantity: str, l: int, i: int, j: int) -> None:
    if quantity == "J":
        return
    rows, columns = quantity_shape(stepper.net, quantity, l)
    if not (0 <= i < rows and 0 <= j < columns):
        raise ValueError(f"{quantity}{l}[{i},{j}] is outside its shape {shape_text(rows, columns)}")


def entry_equation(stepper: Stepper, quantity: str, layer: int, i: int, j: int) -> str:
    """The equation that produced entry (i, j) of ``quantity`` of ``layer``, with the live numbers.

    For example ``dW2[0,1] = 1/m · Σ_j dZ2[0,j] · A1[1,j] = 1/400 · (−4.9210) = −0.0123``. Sums of at
    most four terms are written out term by term. The final number is read from the stepper's array,
    so it is exactly what the views show. Before the producing micro-step has run in this iteration the
    text says so instead of printing stale numbers. W and b show their value and the Update to come.
    (For b and db, j must be 0.)
    """
    _check_entry(stepper, quantity, layer, i, j)
    net, l, L = stepper.net, layer, stepper.L
    if quantity == "J":
        J = stepper.current_cost
        if J is None:
            return f"{cost_equation(L)} — not computed yet in this iteration (Cost computes it)"
        return f"J = −1/{net.m} Σ_j [Y[0,j] log A{L}[0,j] + (1 − Y[0,j]) log(1 − A{L}[0,j])] = {format_value(J)}"
    if quantity in ("W", "b"):
        return _parameter_equation(stepper, quantity, l, i, j)
    name = entry_name(quantity, l, i, j)
    rhs = _symbolic(net, quantity, l, i, j)
    value = stepper.value(quantity, l)
    if value is None:
        return f"{name} = {rhs} — not computed yet in this iteration ({producer_label(quantity, l, L)} computes it)"
    result = format_value(value[i, j])
    g = activation_of(net, l)
    if quantity == "Z":
        numbers = _dot_text(net.W[l][i], net.A[l - 1][:, j]) + _plus(net.b[l][i, 0])
        return f"{name} = {rhs} = {numbers} = {result}"
    if quantity == "A":
        if l == 0:
            return f"{name} = {rhs} = {result}   (input feature {i} of example {j})"
        if g == "linear":
            return f"{name} = {rhs} = {result}"
        return f"{name} = {rhs} = {_activation_numbers(g, net.Z[l][i, j])} = {result}"
    if quantity == "dZ":
        if l == L:
            numbers = f"{format_value(net.A[L][i, j])} − {format_value(net.Y[0, j])}"
        else:
            numbers, note = _derivative_numbers(g, net.dA[l][i, j], net.Z[l][i, j], net.A[l][i, j], f"Z{l}[{i},{j}]")
            return f"{name} = {rhs} = {numbers} = {result}{note}"
        return f"{name} = {rhs} = {numbers} = {result}"
    if quantity == "dW":
        numbers = f"1/{net.m} · {_dot_text(net.dZ[l][i], net.A[l - 1][j])}"
        if l == stepper.planted_bug_layer:
            return f"{name} = 2 · {rhs} = 2 · {numbers} = {result}   (planted bug: dW{l} doubled)"
        return f"{name} = {rhs} = {numbers} = {result}"
    if quantity == "db":
        return f"{name} = {rhs} = 1/{net.m} · {_sum_text(net.dZ[l][i])} = {result}"
    # dA
    if l == L:
        epsilon = display_epsilon(net.dtype)  # the bound the result itself was computed with
        A = float(np.clip(net.A[L][0, j], epsilon, 1.0 - epsilon))
        y = net.Y[0, j]
        numbers = f"−({format_value(y)}/{format_value(A)} − {format_value(1 - y)}/{format_value(1 - A)})"
        clipped = stepper.dAL_clipped()
        note = ""
        if clipped is not None and clipped[0, j]:
            bounds = f"[{epsilon:.3g}, 1 − {epsilon:.3g}]"
            note = f"   (clipped: A{L}[0,{j}] had reached 0 or 1, so it is clipped into {bounds})"
        return f"{name} = {rhs} = {numbers} = {result}{note}"
    numbers = _dot_text(net.W[l + 1][:, i], net.dZ[l + 1][:, j])
    return f"{name} = {rhs} = {numbers} = {result}"


def _parameter_equation(stepper: Stepper, quantity: str, l: int, i: int, j: int) -> str:
    """W or b: the current value, then the Update rule with α and the gradient if it is computed."""
    net = stepper.net
    name = entry_name(quantity, l, i, j)
    grad_name = "d" + name
    value = getattr(net, quantity)[l][i, j]
    alpha = f"{stepper.learning_rate:g}"
    now = f"{name} = {format_value(value)}"
    rule = f"Update: {name} := {name} − α {grad_name}"
    grad = stepper.value("d" + quantity, l)
    if grad is None:
        step = producer_label("dW", l, stepper.L)
        return f"{now};  {rule}, α = {alpha}  (d{quantity}{l} not computed yet: {step} computes it)"
    g = grad[i, j]
    with np.errstate(over="ignore", invalid="ignore"):
        new = value - stepper.learning_rate * g
    return f"{now};  {rule} = {format_value(value)} − {alpha} · {_factor(g)} = {format_value(new)}"
