"""Where everything in the diagram goes, as plain data: computed from the net's shape, m and the fonts.

``lay_out`` plans the columns (X, Layer 1 … L, Output), what their upper (forward) and lower (backward)
boxes hold, and places every box, thumbnail, label, arrow, header chip and the caption's origin. It only
measures text (``Fonts``); the view creates the items from the ``Layout`` it returns. Scene units are
pixels at zoom 1; ``Fonts.scale`` is the presenter scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from ...engine.equations import shape_text
from .geometry import (
    ARROW_HEAD,
    ARROW_MARGIN,
    BAND_GAP,
    BOX_RADIUS,
    CAPTION_GAP,
    CHIP_GAP,
    CHIP_PAD_X,
    CHIP_PAD_Y,
    COMPACT_ABOVE,
    HEADER_GAP,
    LABEL_GAP,
    LINE_GAP,
    MARGIN,
    PAD,
    ROW_GAP,
    UNITS_H,
    Fonts,
)
from .plan import Key, Plan, ThumbSpec, label_size, plan_columns, row_layout


@dataclass(frozen=True)
class TextPlace:
    """A text in one of the FONT_PX roles with its top-left corner in the scene."""

    text: str
    role: str
    pos: QPointF


@dataclass
class ThumbPlace:
    spec: ThumbSpec
    rect: QRectF
    name: TextPlace
    shape: TextPlace | None


@dataclass
class ColumnPlace:
    """An upper box (X, Layer l, Output): title, unit circles (or their count as text), rows, footer."""

    index: int  # 0 … L + 1
    key: Key
    rect: QRectF
    title: TextPlace
    units_rect: QRectF | None  # None for Output
    units: int  # how many unit circles (0: none, or too many and ``units_label`` says so)
    units_label: TextPlace | None
    thumbs: list[ThumbPlace]
    footer: TextPlace  # m = 400, the activation, the accuracy
    pill: QRectF | None  # the activation's pill around the footer (layers only)


@dataclass
class PanelPlace:
    """A lower box: dA0 under X ("dA0box", 0), layer l's gradients ("grads", l), or the cost ("cost", 0)."""

    name: Key
    key: Key
    rect: QRectF
    thumbs: list[ThumbPlace]
    title: TextPlace | None = None  # the cost box: "Cost J", its value and "cross-entropy"
    value: TextPlace | None = None
    note: TextPlace | None = None


@dataclass
class ArrowPlace:
    key: Key
    start: QPointF
    end: QPointF
    head: float
    label: TextPlace | None = None
    shape: TextPlace | None = None


@dataclass
class ChipPlace:
    """A micro-step's chip in the header strip."""

    rect: QRectF
    text: TextPlace


@dataclass
class HeaderPlace:
    """Where the header's texts and chips go (see ``place_header``)."""

    iteration: TextPlace
    chips: list[ChipPlace]
    info: QPointF  # the top-left corner of "α = … · m = …", or its top-right one when ``info_right``
    info_right: bool
    rect: QRectF  # what the header covers


@dataclass
class Layout:
    compact: bool
    radius: float  # of the boxes' corners
    columns: list[ColumnPlace]
    panels: list[PanelPlace]
    arrows: list[tuple[ArrowPlace, ArrowPlace]]  # (forward A[l], backward dA[l]) for l = 0 … L
    down: ArrowPlace  # Output → Cost
    header_bottom: float  # the header's last line ends here (it grows upwards when it takes more lines)
    caption_y: float
    scene_w: float  # the diagram's width (at least room for a caption); the header may be wider


def lay_out(dims: list[int], activations: list[str], m: int, step_labels: list[str], fonts: Fonts) -> Layout:
    """The whole diagram of a net with ``dims`` = layer_dims and ``activations`` (one name per layer)."""
    # Deep nets get narrower columns (names above shapes, slimmer Z thumbnails) so that the text
    # stays readable when the diagram is fitted into the window.
    plan = plan_columns(dims, activations, m, fonts, compact=False)
    if plan.diagram_w > COMPACT_ABOVE * fonts.scale:
        plan = plan_columns(dims, activations, m, fonts, compact=True)
    return _Placer(plan, dims, m, step_labels, fonts).layout()


# --------------------------------------------------------------------------------------------- placing
class _Placer:
    """Places a plan: the forward band on top, the backward band under it, header above, caption below."""

    def __init__(self, plan: Plan, dims: list[int], m: int, step_labels: list[str], fonts: Fonts) -> None:
        self.plan, self.dims, self.m, self.step_labels, self.fonts = plan, dims, m, step_labels, fonts
        self.L = L = len(dims) - 1
        s = fonts.scale
        self.pad, self.row_gap = PAD, ROW_GAP
        self.title_h, small_h = fonts.height("title"), fonts.height("small")
        # layer boxes align their rows across the band; X and Output centre their contents
        self.layer_rows_upper = [max(self.row_h(plan.upper[l][k]) for l in range(1, L + 1)) for k in range(2)]
        self.layer_rows_lower = [max(self.row_h(plan.lower[l][k]) for l in range(1, L + 1)) for k in range(2)]
        pad, row_gap, title_h = self.pad, self.row_gap, self.title_h
        self.footer_h = footer_h = small_h + 6
        self.units_h = UNITS_H
        upper_h = pad + title_h + row_gap + self.units_h + row_gap + sum(self.layer_rows_upper) + row_gap + \
            footer_h + pad
        output_h = pad + title_h + row_gap + sum(self.row_h(r) for r in plan.upper[L + 1]) + row_gap + footer_h + pad
        self.upper_h = max(upper_h, output_h)
        cost_h = pad + title_h + row_gap + fonts.height("cost") + small_h + pad
        self.lower_h = max(pad + sum(self.layer_rows_lower) + row_gap + pad, cost_h,
                           2 * pad + self.row_h(plan.lower[0][0]))
        self.scene_w = max(plan.diagram_w, 420 * s)
        x = MARGIN + (self.scene_w - plan.diagram_w) / 2
        self.header_bottom = MARGIN + place_header(step_labels, fonts, 0.0, 0.0, None).rect.height()
        self.top = self.header_bottom + HEADER_GAP
        self.lefts = []
        for i in range(L + 2):
            self.lefts.append(x)
            x += plan.widths[i] + (plan.gaps[i] if i <= L else 0)
        # the bands' gap holds the Output → Cost arrow, whose head grows with the presenter scale
        self.lower_top = self.top + self.upper_h + max(BAND_GAP, (0.9 * ARROW_HEAD + 2 * ARROW_MARGIN + 4) * s)

    def row_h(self, row: list[ThumbSpec]) -> float:
        return row_layout(row, self.plan.compact, self.fonts)[3]

    def text(self, text: str, role: str, x: float, y: float) -> TextPlace:
        return TextPlace(text, role, QPointF(x, y))

    def layout(self) -> Layout:
        columns = [self.column(i) for i in range(self.L + 2)]
        panels = [self.panel(i) for i in range(self.L + 2)]
        return Layout(
            compact=self.plan.compact, radius=BOX_RADIUS * self.fonts.scale, columns=columns, panels=panels,
            arrows=[self.arrows(l) for l in range(self.L + 1)], down=self.down(columns[-1].rect, panels[-1].rect),
            header_bottom=self.header_bottom, caption_y=self.lower_top + self.lower_h + CAPTION_GAP,
            scene_w=self.scene_w,
        )

    def column(self, i: int) -> ColumnPlace:
        """The upper box of column i: X, Layer i or Output."""
        s, L, pad, row_gap, title_h = self.fonts.scale, self.L, self.pad, self.row_gap, self.title_h
        plan, footer_h = self.plan, self.footer_h
        rect = QRectF(self.lefts[i], self.top, plan.widths[i], self.upper_h)
        title = self.text(plan.titles[i], "title", rect.x() + pad, rect.y() + pad)
        y = rect.y() + pad + title_h + row_gap
        rows = plan.upper[i]
        units_rect, units_label = None, None
        if i == L + 1:
            heights = [self.row_h(r) for r in rows]
            content_h = sum(heights) + row_gap * (len(rows) - 1)
            y += (self.upper_h - pad - title_h - row_gap - footer_h - pad - content_h) / 2
        else:
            units_rect = QRectF(rect.x() + pad, y, rect.width() - 2 * pad, self.units_h)
            if plan.unit_texts[i]:
                w, h = self.fonts.text_size(plan.unit_texts[i], "label")
                units_label = self.text(plan.unit_texts[i], "label", units_rect.center().x() - w / 2,
                                        units_rect.center().y() - h / 2)
            y += self.units_h + row_gap
            heights = self.layer_rows_upper if i >= 1 else [self.row_h(rows[0])]
            if i == 0:  # X: centre its one row in the space the layers give their two
                y += (sum(self.layer_rows_upper) + row_gap - heights[0]) / 2
        thumbs = []
        for row, height in zip(rows, heights, strict=True):
            thumbs += self.row(row, rect, y, height)
            y += height + row_gap
        footer_w, footer_text_h = self.fonts.text_size(plan.footers[i], "small")
        fy = rect.bottom() - pad - footer_h
        footer = self.text(plan.footers[i], "small", rect.center().x() - footer_w / 2,
                           fy + (footer_h - footer_text_h) / 2)
        pill = None
        if 1 <= i <= L:  # the activation as a pill: Z goes in, A = g(Z) comes out
            pw = footer_w + 14 * s
            pill = QRectF(rect.center().x() - pw / 2, fy, pw, footer_h)
        units = self.dims[i] if units_rect is not None and units_label is None else 0
        return ColumnPlace(i, ("A", min(i, L)), rect, title, units_rect, units, units_label, thumbs, footer, pill)

    def panel(self, i: int) -> PanelPlace:
        """The lower box of column i: dA0 under X, layer i's gradients, or the cost under Output."""
        L, pad, row_gap = self.L, self.pad, self.row_gap
        rect = QRectF(self.lefts[i], self.lower_top, self.plan.widths[i], self.lower_h)
        if i == 0:
            row = self.plan.lower[0][0]
            thumbs = self.row(row, rect, rect.center().y() - self.row_h(row) / 2, self.row_h(row))
            return PanelPlace(("dA0box", 0), ("dA0", 0), rect, thumbs)
        if i <= L:
            y, thumbs = rect.y() + pad, []
            for row, height in zip(self.plan.lower[i], self.layer_rows_lower, strict=True):
                thumbs += self.row(row, rect, y, height)
                y += height + row_gap
            return PanelPlace(("grads", i), ("dZ", i), rect, thumbs)
        title = self.text("Cost J", "title", rect.x() + pad, rect.y() + pad)
        value = self.text("—", "cost", rect.x() + pad, rect.y() + pad + self.title_h + row_gap)
        note = self.text("cross-entropy", "small", rect.x() + pad, value.pos.y() + self.fonts.height("cost"))
        return PanelPlace(("cost", 0), ("J", 0), rect, [], title, value, note)

    def row(self, row: list[ThumbSpec], rect: QRectF, y: float, height: float) -> list[ThumbPlace]:
        """Thumbnails side by side, centred in the box and vertically in a row of ``height``; labels below."""
        fonts, compact = self.fonts, self.plan.compact
        s = fonts.scale
        thumb_xs, label_xs, width, _ = row_layout(row, compact, fonts)
        left = rect.center().x() - width / 2
        thumbs_h = max(spec.size[1] for spec in row)
        label_h = max(label_size(spec, compact, fonts)[1] for spec in row)
        thumb_top = y + (height - thumbs_h - LABEL_GAP - label_h) / 2
        label_y = thumb_top + thumbs_h + LABEL_GAP
        places = []
        for spec, thumb_x, label_x in zip(row, thumb_xs, label_xs, strict=True):
            w, h = spec.size
            thumb_rect = QRectF(left + thumb_x, thumb_top + (thumbs_h - h) / 2, w, h)
            name = self.text(spec.name, "label", left + label_x, label_y)
            shape = None
            if spec.shape and compact:
                shape = self.text(spec.shape, "shape", left + label_x, label_y + fonts.height("label"))
            elif spec.shape:
                shape = self.text(spec.shape, "shape", left + label_x + fonts.text_size(spec.name, "label")[0] + 4 * s,
                                  label_y + (fonts.height("label") - fonts.height("shape")) / 2)
            places.append(ThumbPlace(spec, thumb_rect, name, shape))
        return places

    def arrows(self, l: int) -> tuple[ArrowPlace, ArrowPlace]:
        """The forward arrow carrying A[l] between the upper boxes and the backward one carrying dA[l]
        between the lower ones, each with its name above the line and its shape below."""
        s = self.fonts.scale
        head = ARROW_HEAD * s
        y_forward, y_backward = self.top + self.upper_h / 2, self.lower_top + self.lower_h / 2
        x_start = self.lefts[l] + self.plan.widths[l] + ARROW_MARGIN * s
        x_end = self.lefts[l + 1] - ARROW_MARGIN * s
        forward = ArrowPlace(("A", l), QPointF(x_start, y_forward), QPointF(x_end, y_forward), head)
        backward = ArrowPlace(("dA", l), QPointF(x_end, y_backward), QPointF(x_start, y_backward), head)
        shape = shape_text(self.dims[l], self.m)
        for arrow, name, y_line in ((forward, f"A{l}", y_forward), (backward, f"dA{l}", y_backward)):
            w, h = self.fonts.text_size(name, "label")
            arrow.label = self.text(name, "label", (x_start + x_end - w) / 2, y_line - head * 0.55 - 1 * s - h)
            w = self.fonts.text_size(shape, "shape")[0]
            arrow.shape = self.text(shape, "shape", (x_start + x_end - w) / 2, y_line + head * 0.55 + 1 * s)
        return forward, backward

    def down(self, output: QRectF, cost: QRectF) -> ArrowPlace:
        """The Output → Cost arrow of the U-turn."""
        s = self.fonts.scale
        x_turn = output.center().x()
        return ArrowPlace(("J", 0), QPointF(x_turn, output.bottom() + ARROW_MARGIN * s),
                          QPointF(x_turn, cost.top() - ARROW_MARGIN * s), ARROW_HEAD * s * 0.9)


# --------------------------------------------------------------------------------------------- header
def place_header(step_labels: list[str], fonts: Fonts, left: float, bottom: float, width: float | None) -> HeaderPlace:
    """"Iteration N", the strip of micro-step chips and "α = … · m = …", from ``left``, the last line ending
    at ``bottom``.

    On one line when they fit in ``width`` (None: as wide as they need), α then ending at ``left + width``.
    Otherwise in lines of at most ``width``: "Iteration N" and the chips that fit after it, then α under
    "Iteration N", the chips that did not fit continuing beside it under the first chip; the extra lines
    go above (the diagram under the header does not move)."""
    chip_h = fonts.height("chip") + 2 * CHIP_PAD_Y
    chip_ws = [fonts.width(label, "chip") + 2 * CHIP_PAD_X for label in step_labels]
    iteration_w = fonts.width("Iteration 000000", "header")  # room for the iteration to grow, chips stay put
    info_w = fonts.width("α = 0.0000 · m = 00000", "small")
    one_line = iteration_w + 20 + sum(chip_ws) + CHIP_GAP * (len(chip_ws) - 1) + 24 + info_w
    flowing = width is not None and one_line > width
    if not flowing:
        width = max(width or 0.0, one_line)
        indent, rows = iteration_w + 20, [list(range(len(chip_ws)))]
    else:
        indent, rows, x = max(iteration_w, info_w) + 20, [[]], 0.0
        for k, w in enumerate(chip_ws):
            if rows[-1] and indent + x + w > width:
                rows.append([])
                x = 0.0
            rows[-1].append(k)
            x += w + CHIP_GAP
        if len(rows) == 1:
            rows.append([])  # a line of its own for α
    heights = [max(fonts.height("header"), chip_h)]
    heights += [max(chip_h if row else 0.0, fonts.height("small") if k == 1 else 0.0)
                for k, row in enumerate(rows[1:], start=1)]
    top = bottom - sum(heights) - LINE_GAP * (len(heights) - 1)
    chips: list[ChipPlace] = []  # the rows hold the chips in order
    y = top
    for row, height in zip(rows, heights, strict=True):
        x = left + indent
        for k in row:
            rect = QRectF(x, y + (height - chip_h) / 2, chip_ws[k], chip_h)
            text_y = y + (height - fonts.text_size(step_labels[k], "chip")[1]) / 2
            chips.append(ChipPlace(rect, TextPlace(step_labels[k], "chip", QPointF(x + CHIP_PAD_X, text_y))))
            x += chip_ws[k] + CHIP_GAP
        y += height + LINE_GAP
    iteration_h = fonts.text_size("Iteration 0", "header")[1]
    iteration = TextPlace("Iteration 0", "header", QPointF(left, top + (heights[0] - iteration_h) / 2))
    small_h = fonts.height("small")
    if flowing:
        info = QPointF(left, top + heights[0] + LINE_GAP + (heights[1] - small_h) / 2)
        right = max([left + info_w] + [chip.rect.right() for chip in chips])
    else:
        info = QPointF(left + width, top + (heights[0] - small_h) / 2)
        right = left + width
    return HeaderPlace(iteration, chips, info, not flowing, QRectF(left, top, right - left, bottom - top))
