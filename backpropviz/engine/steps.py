"""The lecture's table: the micro-steps of one iteration and the quantities each of them computes.

One iteration is ``F1 … FL, Cost, BL … B1, Update`` (L layers). Each row of ``ROWS`` is one quantity of
the lecture over a range of layers: which micro-step writes it (``step`` and ``offset``: B[l+1] writes
dA[l]), the layers it exists for, its equation, its shape and what it means. Everything that asks "is
it computed yet?", "which step computes it?" or "what does this step write?" reads this table: the
stepper (``is_filled``, ``value``), the network (``step_buffers``, what a step computed ahead must copy),
the equations text, the diagram's highlights and the inspector.

Adding a quantity — say a dropout mask D[l] drawn in F_l, or Adam's moments v and s written by the
Update — is one row here (name, writing step, layers, equation, shape, meaning) plus its computation:
a per-layer buffer list on the Network under the same name (``net.D[l]``) filled by that step's method.
A quantity that nothing learns from and only a view reads may be ``lazy``: its step leaves it to be
computed when first read (dA0 today), so it is not among the buffers a step writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

FORWARD, COST, BACKWARD, UPDATE = "forward", "cost", "backward", "update"
STEP_KINDS = (FORWARD, COST, BACKWARD, UPDATE)
TRANSPOSE = "ᵀ"


@dataclass(frozen=True)
class MicroStep:
    """One micro-step: ``kind`` is forward, cost, backward or update; ``layer`` is 1…L for forward/backward."""

    kind: str
    layer: int = 0

    @property
    def label(self) -> str:
        """F2, B1, Cost, Update: as the header strip and the reports name it."""
        return {FORWARD: f"F{self.layer}", BACKWARD: f"B{self.layer}", COST: "Cost", UPDATE: "Update"}[self.kind]


def micro_steps(L: int) -> list[MicroStep]:
    """[F1, …, FL, Cost, BL, …, B1, Update] for an L-layer network."""
    return (
        [MicroStep(FORWARD, l) for l in range(1, L + 1)]
        + [MicroStep(COST)]
        + [MicroStep(BACKWARD, l) for l in range(L, 0, -1)]
        + [MicroStep(UPDATE)]
    )


def step_index(step: MicroStep, L: int) -> int:
    """Where ``step`` stands in ``micro_steps(L)``: the cursor's position once it is done, minus one."""
    return {FORWARD: step.layer - 1, COST: L, BACKWARD: 2 * L + 1 - step.layer, UPDATE: 2 * L + 1}[step.kind]


# ----------------------------------------------------------------------------------------- the table
Shape = Callable[[Sequence[int], int, int], tuple[int, int]]  # (layer_dims, m, l) → (rows, columns)
Text = Callable[[int, int, str], str]  # (l, L, g = the name of layer l's activation) → text


def _examples(dims: Sequence[int], m: int, l: int) -> tuple[int, int]:
    return dims[l], m


def _weights(dims: Sequence[int], m: int, l: int) -> tuple[int, int]:
    return dims[l], dims[l - 1]


def _biases(dims: Sequence[int], m: int, l: int) -> tuple[int, int]:
    return dims[l], 1


def _scalar(dims: Sequence[int], m: int, l: int) -> tuple[int, int]:
    return 1, 1


def cost_equation(L: int) -> str:
    """The cost's equation, binary cross-entropy, as the lecture writes it."""
    return f"J = −1/m Σ [Y log A{L} + (1−Y) log(1−A{L})]"


@dataclass(frozen=True)
class Row:
    """One quantity over a range of layers.

    ``step`` is the kind of micro-step that writes it and ``offset`` that step's layer minus the
    quantity's (B[l+1] writes dA[l]: offset 1); ``step`` None means it is given (X). What the Update
    writes (W, b) is for the next iteration: this iteration's values are there from its start.
    ``layers(L)`` are the layers it exists for; 0 is the input, L the output.
    """

    quantity: str
    step: str | None
    layers: Callable[[int], range]
    equation: Text
    shape: Shape
    meaning: Text
    offset: int = 0
    lazy: bool = False

    def producer(self, l: int) -> MicroStep | None:
        """The micro-step that writes layer l's value (None: given before the iteration starts)."""
        if self.step is None:
            return None
        return MicroStep(self.step, l + self.offset if self.step in (FORWARD, BACKWARD) else 0)


def _gradient_of(name: str) -> Text:
    return lambda l, L, g: f"gradient of the cost w.r.t. {name}{l}"


ROWS: tuple[Row, ...] = (
    Row("A", None, lambda L: range(0, 1), lambda l, L, g: "A0 = X", _examples,
        lambda l, L, g: "the input features"),
    # F_l
    Row("Z", FORWARD, lambda L: range(1, L + 1), lambda l, L, g: f"Z{l} = W{l} A{l - 1} + b{l}", _examples,
        lambda l, L, g: f"linear part of layer {l}"),
    Row("A", FORWARD, lambda L: range(1, L + 1), lambda l, L, g: f"A{l} = {g}(Z{l})", _examples,
        lambda l, L, g: "the predictions" if l == L else f"activations of layer {l}"),
    # Cost
    Row("J", COST, lambda L: range(0, 1), lambda l, L, g: cost_equation(L), _scalar,
        lambda l, L, g: "the cost (binary cross-entropy)"),
    Row("dA", COST, lambda L: range(L, L + 1), lambda l, L, g: f"dA{L} = −(Y/A{L} − (1−Y)/(1−A{L}))", _examples,
        _gradient_of("A")),
    # B_l
    # the output's dZ is dA ∗ σ′(Z) with σ′ = A(1 − A): the product simplifies to A − Y, which is what is computed
    Row("dZ", BACKWARD, lambda L: range(L, L + 1),
        lambda l, L, g: f"dZ{L} = A{L} − Y   (dA{L} ∗ σ′(Z{L}), simplified)", _examples, _gradient_of("Z")),
    Row("dZ", BACKWARD, lambda L: range(1, L), lambda l, L, g: f"dZ{l} = dA{l} ∗ {g}′(Z{l})", _examples,
        _gradient_of("Z")),
    Row("dW", BACKWARD, lambda L: range(1, L + 1), lambda l, L, g: f"dW{l} = 1/m dZ{l} A{l - 1}{TRANSPOSE}",
        _weights, _gradient_of("W")),
    Row("db", BACKWARD, lambda L: range(1, L + 1), lambda l, L, g: f"db{l} = 1/m Σ dZ{l}", _biases,
        _gradient_of("b")),
    Row("dA", BACKWARD, lambda L: range(1, L), lambda l, L, g: f"dA{l} = W{l + 1}{TRANSPOSE} dZ{l + 1}", _examples,
        _gradient_of("A"), offset=1),
    # dA0 = W1ᵀ dZ1, the gradient w.r.t. X: as costly as dW1 and nothing learns from it
    Row("dA", BACKWARD, lambda L: range(0, 1), lambda l, L, g: f"dA0 = W1{TRANSPOSE} dZ1", _examples,
        lambda l, L, g: "gradient of the cost w.r.t. X", offset=1, lazy=True),
    # Update: for the next iteration (this one's W and b are there from its start)
    Row("W", UPDATE, lambda L: range(1, L + 1), lambda l, L, g: f"W{l} := W{l} − α dW{l}", _weights,
        lambda l, L, g: f"weights of layer {l}"),
    Row("b", UPDATE, lambda L: range(1, L + 1), lambda l, L, g: f"b{l} := b{l} − α db{l}", _biases,
        lambda l, L, g: f"biases of layer {l}"),
)

# The quantities with one matrix per layer, and every quantity's name (J is one number).
QUANTITIES: tuple[str, ...] = tuple(dict.fromkeys(row.quantity for row in ROWS if row.quantity != "J"))
QUANTITY_NAMES: tuple[str, ...] = (*QUANTITIES, "J")


def row_for(quantity: str, l: int, L: int) -> Row:
    """The row of ``quantity`` of layer l in an L-layer net; ValueError names an unknown quantity or a layer
    it does not exist for (the one check of both)."""
    rows = [row for row in ROWS if row.quantity == quantity]
    if not rows:
        raise ValueError(f"unknown quantity {quantity!r} (choose from {', '.join(QUANTITY_NAMES)})")
    for row in rows:
        if l in row.layers(L) or quantity == "J":  # J is one number of no layer: its layer is ignored
            return row
    raise ValueError(f"{quantity}{l}: layer must be in 1…{L} (0 only for A0 = X and dA0)")


def producing_step(quantity: str, l: int, L: int) -> MicroStep | None:
    """The micro-step that computes ``quantity`` of layer l (None for X: it is given)."""
    return row_for(quantity, l, L).producer(l)


def is_filled(quantity: str, l: int, L: int, position: int) -> bool:
    """Whether ``quantity`` of layer l is computed ``position`` micro-steps into an iteration (what the
    Update writes is there from the start of the iteration it belongs to)."""
    step = producing_step(quantity, l, L)
    return step is None or step.kind == UPDATE or position > step_index(step, L)


def step_writes(step: MicroStep, L: int, lazy: bool = True) -> list[tuple[str, int]]:
    """The (quantity, layer) pairs ``step`` computes, in the table's order (F2: Z2, A2; B2: dZ2, dW2, db2, dA1;
    Cost: J, dA[L]; Update: every W[l], b[l]). ``lazy`` False leaves out what the step leaves to its first
    reader (dA0)."""
    return [
        (row.quantity, l)
        for row in ROWS
        if row.step == step.kind and (lazy or not row.lazy)
        for l in row.layers(L)
        if row.producer(l) == step
    ]


def equation(quantity: str, l: int, L: int, activation: str = "") -> str:
    """The symbolic equation of ``quantity`` of layer l, e.g. ``dW2 = 1/m dZ2 A1ᵀ``; ``activation`` is layer
    l's g."""
    return row_for(quantity, l, L).equation(l, L, activation)


def shape(quantity: str, l: int, layer_dims: Sequence[int], m: int) -> tuple[int, int]:
    """(rows, columns) of ``quantity`` of layer l: W, dW (n_l, n_{l−1}); b, db (n_l, 1); Z, A, dZ, dA (n_l, m)."""
    return row_for(quantity, l, len(layer_dims) - 1).shape(layer_dims, m, l)


def meaning(quantity: str, l: int, L: int) -> str:
    """What ``quantity`` of layer l is, in words: 'weights of layer 2', 'gradient of the cost w.r.t. Z1'."""
    return row_for(quantity, l, L).meaning(l, L, "")
