"""The lecture's equations as text, for the views: per micro-step, per quantity, with shapes.

Pure strings from the network's shape and activations; nothing here computes a number.
"""

from __future__ import annotations

from .network import Network
from .stepper import MicroStep

SUPERSCRIPT_T = "ᵀ"


def shape_text(rows: int, columns: int) -> str:
    """(n×m) as the lecture writes shapes."""
    return f"({rows}×{columns})"


def quantity_shape(net: Network, quantity: str, l: int) -> tuple[int, int]:
    """The shape of ``quantity`` of layer l: W, dW (n_l, n_{l−1}); b, db (n_l, 1); Z, A, dZ, dA (n_l, m)."""
    dims = net.layer_dims
    if quantity in ("W", "dW"):
        return dims[l], dims[l - 1]
    if quantity in ("b", "db"):
        return dims[l], 1
    return dims[l], net.m


def quantity_equation(net: Network, quantity: str, l: int) -> str:
    """The equation that produces ``quantity`` of layer l, e.g. ``dW2 = 1/m dZ2 A1ᵀ``."""
    L, g = net.L, net.activation_names[l - 1] if l >= 1 else ""  # layer 0 only has A0 = X and dA0
    equations = {
        "Z": f"Z{l} = W{l} A{l - 1} + b{l}",
        "A": f"A{l} = {g}(Z{l})" if l >= 1 else "A0 = X",
        "dZ": f"dZ{l} = A{l} − Y" if l == L else f"dZ{l} = dA{l} ∗ {g}′(Z{l})",
        "dW": f"dW{l} = 1/m dZ{l} A{l - 1}{SUPERSCRIPT_T}",
        "db": f"db{l} = 1/m Σ dZ{l}",
        "dA": f"dA{L} = −(Y/A{L} − (1−Y)/(1−A{L}))" if l == L else f"dA{l} = W{l + 1}{SUPERSCRIPT_T} dZ{l + 1}",
        "W": f"W{l} := W{l} − α dW{l}",
        "b": f"b{l} := b{l} − α db{l}",
    }
    if quantity not in equations:
        raise ValueError(f"unknown quantity {quantity!r}")
    return equations[quantity]


def step_equations(net: Network, step: MicroStep, learning_rate: float) -> list[str]:
    """The equations one micro-step evaluates, each followed by its result's shape."""
    l, L = step.layer, net.L

    def with_shape(quantity: str, layer: int) -> str:
        return f"{quantity_equation(net, quantity, layer)}  {shape_text(*quantity_shape(net, quantity, layer))}"

    if step.kind == "forward":
        return [with_shape("Z", l), with_shape("A", l)]
    if step.kind == "cost":
        return [f"J = −1/m Σ [Y log A{L} + (1−Y) log(1−A{L})]", with_shape("dA", L)]
    if step.kind == "backward":
        return [with_shape("dZ", l), with_shape("dW", l), with_shape("db", l), with_shape("dA", l - 1)]
    return [f"W[l] := W[l] − α dW[l],  b[l] := b[l] − α db[l]   for l = 1…{L}", f"α = {learning_rate:g}"]
