"""The network diagram: forward boxes on top, the backward (red) pass underneath, the current micro-step aglow.

The scene reads like the lecture's computation graph, a U-turn through the network:

    Iteration 3    F1  F2  Cost  B2  B1  Update                       α = 1.2 · m = 400
    ┌──────┐  A0   ┌─────────┐  A1   ┌─────────┐  A2   ┌────────┐
    │ X    │ ────▶ │ Layer 1 │ ────▶ │ Layer 2 │ ────▶ │ Output │     forward (ink)
    └──────┘       │ W1 b1 Z1│       │ W2 b2 Z2│       │ ŷ  Y   │
                   └─────────┘       └─────────┘       └───┬────┘
    ┌──────┐  dA0  ┌─────────┐  dA1  ┌─────────┐  dA2  ┌───▼────┐
    │ dA0  │ ◀──── │ dZ1     │ ◀──── │ dZ2     │ ◀──── │ Cost J │     backward (red)
    └──────┘       │ dW1 db1 │       │ dW2 db2 │       └────────┘
                   └─────────┘       └─────────┘
    [B2 done]  dZ2 = A2 − Y  (1×400)   dW2 = 1/m dZ2 A1ᵀ  (1×4)   …
    Next (Space) ▸ B1  …

Every matrix is a small live heatmap (diverging colours, levels symmetric about 0, at most 64×64 cells:
big matrices are strided, and so are the examples of Z-like ones). What the current iteration has not
computed yet is greyed; the micro-step just done glows amber and the next one has a dashed amber outline.
Right after whole iterations (Play) the greyed heatmaps show the iteration just finished, faintly ("ghosts"),
so the diagram stays alive while it trains. A divergence shows a red banner and marks the failing step red.

Items are created once per architecture (``controller.rebuilt``) and updated in place on
``controller.changed`` (pixmaps, pens, brushes, texts), so Play at 60 frames a second stays cheap. Clicks
emit ``selected(quantity, layer)`` and nothing else: the view never drives the engine.

Modules, each with one job: ``geometry`` (sizes and fonts), ``heatmaps`` (thumbnail colours), ``plan`` and
``layout`` (what goes where, as plain data), ``items`` (the scene items), ``styling`` (their looks per
theme), ``computed`` (which micro-step fills what: the diagram's one copy of that knowledge), ``header``
and ``caption`` (the texts above and under the diagram), and ``view`` (NetworkView).
"""

from .geometry import MAX_CELLS
from .heatmaps import heatmap_rgb, sample_matrix
from .view import NetworkView

__all__ = ["MAX_CELLS", "NetworkView", "heatmap_rgb", "sample_matrix"]
