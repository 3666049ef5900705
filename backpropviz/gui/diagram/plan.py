"""What each column of the diagram holds (its thumbnails, titles, footers) and how wide it is; text measured
in the diagram's fonts. ``layout`` places a plan."""

from __future__ import annotations

from dataclasses import dataclass

from ...engine.equations import shape_text
from .geometry import (
    BIAS_W,
    GAP_MIN,
    LABEL_GAP,
    MAX_DRAWN_UNITS,
    PAD,
    PAIR_GAP,
    THUMB_W,
    THUMB_W_COMPACT,
    Fonts,
    thumbnail_size,
)

Key = tuple[str, int]  # (quantity, layer): what a click on an item selects


@dataclass(frozen=True)
class ThumbSpec:
    """One thumbnail: the (quantity, layer) it shows (None: not selectable), its label, and its display size."""

    key: Key | None
    name: str
    shape: str
    size: tuple[float, float]
    gradient: bool = False  # its name is in the backward red (dZ, dW, db, dA0)


@dataclass
class Plan:
    """The diagram's columns (X, Layer 1 … L, Output): what their upper and lower boxes hold, and sizes."""

    compact: bool
    upper: list[list[list[ThumbSpec]]]  # per column, rows of thumbnails
    lower: list[list[list[ThumbSpec]]]
    titles: list[str]
    footers: list[str]
    unit_texts: list[str]
    widths: list[float]
    gaps: list[float]  # between column i and i + 1

    @property
    def diagram_w(self) -> float:
        return sum(self.widths) + sum(self.gaps)


# --------------------------------------------------------------------------------------------- measuring
def label_size(spec: ThumbSpec, compact: bool, fonts: Fonts) -> tuple[float, float]:
    """Width and height of a thumbnail's label: name and shape side by side, or stacked when compact."""
    name_w, shape_w = fonts.width(spec.name, "label"), fonts.width(spec.shape, "shape") if spec.shape else 0.0
    if not spec.shape:
        return name_w, fonts.height("label")
    if compact:
        return max(name_w, shape_w), fonts.height("label") + fonts.height("shape")
    return name_w + 4 * fonts.scale + shape_w, fonts.height("label")


def row_layout(row: list[ThumbSpec], compact: bool, fonts: Fonts) -> tuple[list[float], list[float], float, float]:
    """x of each thumbnail and of its label (relative to the row's left), and the row's width and height.

    A label starts under its thumbnail's left edge; the second one (b next to W) ends under its
    thumbnail's right edge unless that would run into the first label's first line (its name when the
    shape is stacked underneath)."""
    s = fonts.scale
    thumb_xs, label_xs = [], []
    x = line_right = right = height = 0.0
    for k, spec in enumerate(row):
        if k:
            x += PAIR_GAP
        label_w, label_h = label_size(spec, compact, fonts)
        label_x = x if k == 0 else max(x + spec.size[0] - label_w, line_right + 6 * s)
        thumb_xs.append(x)
        label_xs.append(label_x)
        first_line = fonts.width(spec.name, "label") if compact and spec.shape else label_w
        line_right = label_x + first_line
        x += spec.size[0]
        right = max(right, x, label_x + label_w)
        height = max(height, spec.size[1] + LABEL_GAP + label_h)
    return thumb_xs, label_xs, right, height


def units_text(dims: list[int], i: int) -> str:
    """'' when column i draws its units as circles (Output draws none); else '784 features' / '128 units'."""
    if i == len(dims) or dims[i] <= MAX_DRAWN_UNITS:
        return ""
    return f"{dims[i]} features" if i == 0 else f"{dims[i]} units"


# --------------------------------------------------------------------------------------------- planning
# The Output box's footer at its widest: the accuracy of an earlier iteration says which (scene_items.py).
ACCURACY_ROOM = "accuracy 100.0% (it. 00000)"


def plan_columns(dims: list[int], activations: list[str], m: int, fonts: Fonts, compact: bool) -> Plan:
    """What every column holds and how big it is."""
    L = len(dims) - 1
    upper, lower = _thumb_specs(dims, m, THUMB_W_COMPACT if compact else THUMB_W)
    titles = ["Input"] + [f"Layer {l}" for l in range(1, L + 1)] + ["Output"]
    footers = [f"m = {m}", *activations, ACCURACY_ROOM]
    unit_texts = [units_text(dims, i) for i in range(L + 2)]
    s = fonts.scale
    widths = []
    for i in range(L + 2):
        pill = 14 * s if 1 <= i <= L else 0.0  # the activation's pill around the footer
        content = [fonts.width(titles[i], "title"), fonts.width(footers[i], "small") + pill]
        if unit_texts[i]:
            content.append(fonts.width(unit_texts[i], "label"))
        content += [row_layout(row, compact, fonts)[2] for row in upper[i] + lower[i]]
        if i == L + 1:
            content.append(fonts.width("0.0000", "cost"))
        widths.append(max(content) + 2 * PAD)
    # a gap between two columns holds its arrows' labels: "A1" above the line, "(4×400)" below
    gaps = [max(GAP_MIN, max(fonts.width(f"dA{l}", "label"), fonts.width(shape_text(dims[l], m), "shape")) + 12)
            for l in range(L + 1)]
    return Plan(compact, upper, lower, titles, footers, unit_texts, widths, gaps)


def _thumb_specs(dims: list[int], m: int,
                 thumb_w: float) -> tuple[list[list[list[ThumbSpec]]], list[list[list[ThumbSpec]]]]:
    """Per column, the rows of thumbnails of its upper and its lower box (the same size in presenter mode,
    which enlarges the text only)."""
    L = len(dims) - 1

    def size(rows: int, cols: int, examples: bool) -> tuple[float, float]:
        return thumbnail_size(rows, cols, examples, thumb_w)

    upper = [[[ThumbSpec(("A", 0), "X", shape_text(dims[0], m), size(dims[0], m, True))]]]
    lower = [[[ThumbSpec(("dA0", 0), "dA0", shape_text(dims[0], m), size(dims[0], m, True), True)]]]
    for l in range(1, L + 1):
        n, n_prev = dims[l], dims[l - 1]
        w_size, z_size = size(n, n_prev, False), size(n, m, True)
        b_size = (BIAS_W, w_size[1])
        upper.append([
            [ThumbSpec(("W", l), f"W{l}", shape_text(n, n_prev), w_size),
             ThumbSpec(("b", l), f"b{l}", "", b_size)],
            [ThumbSpec(("Z", l), f"Z{l}", shape_text(n, m), z_size)],
        ])
        lower.append([
            [ThumbSpec(("dZ", l), f"dZ{l}", shape_text(n, m), z_size, True)],
            [ThumbSpec(("dW", l), f"dW{l}", shape_text(n, n_prev), w_size, True),
             ThumbSpec(("db", l), f"db{l}", "", b_size, True)],
        ])
    upper.append([
        [ThumbSpec(("A", L), f"ŷ = A{L}", shape_text(1, m), size(1, m, True))],
        [ThumbSpec(None, "Y", shape_text(1, m), size(1, m, True))],
    ])
    lower.append([])
    return upper, lower
