"""The items of one architecture's diagram: built once from the layout, refreshed from the stepper.

``DiagramItems`` creates every scene item where the ``Layout`` puts it, keeps them by key (see
``NetworkView.item_for``), and on each refresh sets heatmaps, greying, glows, the header and the caption.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from ...engine.equations import quantity_equation, quantity_shape, shape_text
from ...engine.stepper import MicroStep, Stepper
from ...engine.steps import QUANTITIES
from ..theme import Theme, format_number
from .caption import Caption
from .computed import Reader, not_computed, step_targets, thumbnail_source
from .geometry import MARGIN, Fonts
from .header import Header
from .heatmaps import colour
from .items import Arrow, Box, ColumnBox, PanelBox, Thumbnail, Units, key_of
from .layout import Layout
from .plan import Key
from .styling import Styler


class DiagramItems:
    """Every item of ``stepper``'s diagram in ``scene``, where ``layout`` puts them, styled by ``styler``."""

    def __init__(self, scene: QGraphicsScene, layout: Layout, stepper: Stepper, fonts: Fonts,
                 styler: Styler) -> None:
        self.stepper = stepper  # the stepper the items were built for
        self._scene, self._fonts, self._styler = scene, fonts, styler
        net = stepper.net
        self.L, self._dims, self._m = net.L, list(net.layer_dims), net.m
        self.scene_w = layout.scene_w
        # the header, the diagram and the caption are centred on the diagram: see flow_header
        self.content_left, self.content_w = MARGIN, layout.scene_w
        self.glowing: list[QGraphicsItem] = []  # what the micro-step just done filled (main items first)
        self.dashed: list[QGraphicsItem] = []  # what the next micro-step fills
        self._glow_main: set[QGraphicsItem] = set()
        self._build(layout)
        self._cache_static_items()
        self._tooltips()

    def _build(self, layout: Layout) -> None:
        """The scene's items, where ``layout`` puts them."""
        L, fonts = self.L, self._fonts
        columns = [ColumnBox(place, layout.radius, fonts) for place in layout.columns]
        panels = [PanelBox(place, layout.radius, fonts) for place in layout.panels]
        for box in columns + panels:
            self._scene.addItem(box)
        self.items: dict[Key, QGraphicsItem] = {("box", i): box for i, box in enumerate(columns)}
        self.items.update({place.name: box for place, box in zip(layout.panels, panels, strict=True)})
        self.thumbs: list[tuple[Thumbnail, Reader, Reader | None, float | None]] = []
        for box in columns + panels:
            for thumb in box.thumbnails:
                self.items[thumb.key] = thumb
                self.thumbs.append((thumb, *thumbnail_source(thumb.key, self._dims, self._m)))
        self.units: list[tuple[Units, int]] = [(box.units, i) for i, box in enumerate(columns) if box.units]
        self.items[("J", 0)] = panels[-1].value
        for l, (forward_place, backward_place) in enumerate(layout.arrows):
            forward, backward = Arrow(forward_place, fonts), Arrow(backward_place, fonts)
            self._scene.addItem(forward)
            self._scene.addItem(backward)
            self.items[("forward", l)], self.items[("dA", l)] = forward, backward
            if 0 < l < L:
                self.items[("A", l)] = forward
        self.items[("down", 0)] = down = Arrow(layout.down, fonts)
        self._scene.addItem(down)
        # X and Output are the boxes of A0 and A[L]; their arrows stay reachable as ("forward", l)
        self.items[("A", 0)], self.items[("A", L)] = columns[0], columns[-1]
        self.header = Header(self._scene, self.stepper, fonts, layout.header_bottom)
        self.items.update({("step", i): chip for i, chip in enumerate(self.header.chips)})
        self.flow_header(None)
        self.caption = Caption(self._scene, fonts, QPointF(self.content_left, layout.caption_y), self.content_w)
        # the selection and hover outlines float above everything
        self.selection, self.hover = QGraphicsPathItem(), QGraphicsPathItem()
        for z, outline in ((10, self.selection), (9, self.hover)):
            outline.setZValue(z)
            outline.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            outline.setVisible(False)
            self._scene.addItem(outline)
        # whatever selects something on a click (labels and titles too) shows a pointing hand
        for item in self._scene.items():
            if key_of(item) is not None:
                item.setCursor(Qt.CursorShape.PointingHandCursor)

    def _cache_static_items(self) -> None:
        """Panels, arrows, texts, halos and unit circles repaint from a pixmap until they change: during
        Play only the heatmaps and unit colours change, a micro-step recolours one layer's units at most,
        and antialiased paths, circles and text cost most of a repaint."""
        for item in self._scene.items():
            if not isinstance(item, QGraphicsPixmapItem):
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # The caption's few texts change at every step anyway, and a cached picture could be stale when the
        # view draws the caption pinned over a scrolled diagram (QGraphicsScene.render, not through a view).
        for item in self.caption.items():
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)

    def _tooltips(self) -> None:
        """Each quantity's equation and shape from the step table (set once; tooltips need no updates). A's
        items are boxes and arrows: the arrow carrying A[l] ("forward") says how it is computed."""
        net = self.stepper.net
        for (quantity, l), item in self.items.items():
            if quantity == "forward":
                item.setToolTip(quantity_equation(net, "A", l))
            elif quantity in QUANTITIES and quantity != "A":
                shape = shape_text(*quantity_shape(net, quantity, l))
                item.setToolTip(f"{quantity_equation(net, quantity, l)}   {shape}")
        self.items[("J", 0)].setToolTip(quantity_equation(net, "J", 0))

    def flow_header(self, width: float | None) -> bool:
        """The header on one line if it fits in ``width`` (None: any), else flowed into lines of ``width``;
        ``content_left`` and ``content_w`` then span the diagram and the header, centred on the diagram.
        The one line spans the diagram, or ``width`` when the diagram is wider (α stays in view with the
        header pinned). True when the header moved."""
        header = self.header
        one_line = width is None or header.one_line_width <= width
        header_w = header.one_line_width if one_line else header.width_in(width)
        self.content_w = max(self.scene_w, header_w)
        self.content_left = MARGIN + (self.scene_w - self.content_w) / 2
        span = width if width is not None and (not one_line or width < self.content_w) else self.content_w
        return header.flow(self.content_left, span)

    def apply_theme(self, theme: Theme) -> None:
        """Colours that do not change with the stepper (the rest follow at the next refresh)."""
        self.selection.setPen(self._styler.pen(theme.class0, 2.2))
        self.hover.setPen(self._styler.pen(theme.class0, 1.2, alpha=140))
        self.header.apply_theme(theme)
        self.caption.apply_theme(theme)

    def refresh(self, ghost: bool) -> tuple[bool, bool]:
        """Bring every item up to date with the stepper (``ghost``: greyed heatmaps show the iteration just
        finished, faintly); whether (the header, the caption or banner) changed."""
        stepper = self.stepper
        # Known before the items are styled, so that each gets its final pen at once: an item whose pen
        # changes and changes back within one refresh is repainted (and its cached picture redrawn).
        last = stepper.last_step
        self._glow_main = set(self.step_targets(last)[0]) if last is not None else set()
        missing = not_computed(stepper)
        self._refresh_thumbnails(ghost)
        self._refresh_units(ghost)
        self._refresh_arrows(missing)
        self._refresh_boxes(missing)
        header = self.header.refresh(stepper, self._styler)
        self._refresh_highlights()
        return header, self.refresh_caption()

    def refresh_caption(self) -> bool:
        """The caption and the banner; True when either changed size."""
        resized = self.caption.refresh(self.stepper, self._styler.theme)
        report = self.stepper.report
        return self.caption.show_banner(report.message if report is not None else None) or resized

    def texts_by_role(self) -> dict[str, list[QGraphicsSimpleTextItem]]:
        """The texts the classroom rules measure: box titles, the equations under the diagram (with their
        shapes and the 'Next' line), and the shape labels of thumbnails and arrows."""
        L, items = self.L, self.items
        titles = [items[("box", i)].title for i in range(L + 2)] + [items[("cost", 0)].title]
        caption = [self.caption.head, *(text for part in self.caption.parts for text in part), self.caption.next]
        arrows = [items[(kind, l)] for l in range(L + 1) for kind in ("forward", "dA")]
        shapes = [label for thumb, *_ in self.thumbs for label in thumb.labels[1:]]
        shapes += [label for arrow in arrows for label in arrow.labels[1:]]
        return {"title": titles, "caption": caption, "shape": shapes}

    def step_targets(self, step: MicroStep) -> tuple[list[QGraphicsItem], list[QGraphicsItem]]:
        """(main items, arrows) that ``step`` fills (see ``computed.step_targets``)."""
        main, arrows = step_targets(step, self.L)
        return [self.items[key] for key in main], [self.items[key] for key in arrows]

    def _refresh_thumbnails(self, ghost: bool) -> None:
        stepper = self.stepper
        for thumb, read, ghost_read, centre in self.thumbs:
            values = read(stepper)
            ghosted = values is None and ghost and ghost_read is not None
            if ghosted:
                values = ghost_read(stepper)
            thumb.show_values(values, 0.5 if centre is not None else None, centre or 0.0, ghosted)
            self._styler.thumb(thumb, thumb in self._glow_main)

    def _refresh_units(self, ghost: bool) -> None:
        stepper = self.stepper
        for units, i in self.units:
            A = stepper.value("A", i)
            ghosted = A is None and ghost
            self._styler.units(units, stepper.net.A[i] if ghosted else A, ghosted)

    def _refresh_arrows(self, missing: dict[Key, bool]) -> None:
        t = self._styler.theme
        for l in range(self.L + 1):
            self._styler.arrow(self.items[("forward", l)], missing[("forward", l)], t.forward)
            self._styler.arrow(self.items[("dA", l)], missing[("dA", l)], t.backward)
        self._styler.arrow(self.items[("down", 0)], missing[("down", 0)], t.forward)

    def _refresh_boxes(self, missing: dict[Key, bool]) -> None:
        """Greying of the boxes and panels, the accuracy under ŷ and the cost J."""
        styler, L = self._styler, self.L
        t = styler.theme
        for i in range(L + 2):
            box = self.items[("box", i)]
            box.greyed = greyed = missing[("box", i)]
            styler.box(box, t.box_border, greyed=False, glowing=box in self._glow_main)
            box.title.setBrush(QColor(t.text))
            ink = t.muted if greyed else t.forward
            if box.pill is not None:
                box.pill.setBrush(colour(ink, 28))
                box.pill.setPen(styler.pen(ink, 0.8))
            box.footer.setBrush(QColor(t.muted if greyed else t.text))
            if box.units_label is not None:
                box.units_label.setBrush(QColor(t.muted if greyed else t.text))
        self._refresh_accuracy()
        for key in [("grads", l) for l in range(1, L + 1)] + [("dA0box", 0), ("cost", 0)]:
            panel = self.items[key]
            panel.greyed = missing[key]
            styler.box(panel, t.backward, greyed=panel.greyed, glowing=panel in self._glow_main, lower=True)
        self._refresh_cost()

    def _refresh_accuracy(self) -> None:
        """The accuracy under ŷ: this iteration's A[L], or the last iteration's record, labelled with it (as
        the status line shows it: both read ``Stepper.latest``)."""
        latest = self.stepper.latest("train_accuracy")
        box = self.items[("box", self.L + 1)]
        footer = box.footer
        if latest is None:
            footer.setText("accuracy —")
        else:
            accuracy, t = latest
            earlier = "" if t == self.stepper.iteration else f" (it. {t})"
            footer.setText(f"accuracy {100 * accuracy:.1f}%{earlier}")
        footer.setX(box.rect.center().x() - footer.boundingRect().width() / 2)

    def _refresh_cost(self) -> None:
        """The cost J in its box: this iteration's, or (greyed) the last iteration's with its number."""
        t = self._styler.theme
        cost_box, cost = self.items[("cost", 0)], self.items[("J", 0)]
        latest = self.stepper.latest("cost")
        current = latest is not None and latest[1] == self.stepper.iteration
        cost.greyed = not current
        cost_box.title.setBrush(QColor(t.text if current else t.muted))
        cost.setText("—" if latest is None else format_number(latest[0]))
        cost.setBrush(QColor(t.text if current else t.muted))
        cost_box.note.setText("cross-entropy" if latest is None or current else f"iteration {latest[1]}")
        cost_box.note.setBrush(QColor(t.box_border if current else t.muted))

    def _refresh_highlights(self) -> None:
        """Halos: a glow around what the last micro-step filled, a dashed outline around the next one's.
        Only halos that change are touched (during Play the same ones glow frame after frame)."""
        stepper, pen = self.stepper, self._styler.pen
        t = self._styler.theme
        halos: dict[QGraphicsItem, QPen] = {}
        last = stepper.last_step
        glowing: list[QGraphicsItem] = []
        if last is not None:
            main, arrows = self.step_targets(last)
            for item in main:
                halos[item] = pen(t.highlight, 7.0 if isinstance(item, Box) else 5.0, alpha=150)
            for arrow in arrows:
                halos[arrow] = pen(t.highlight, 9.0, alpha=120)
            glowing = main + arrows
        # the next step: a dashed amber outline, or solid red when it is the step that diverged
        upcoming, _ = self.step_targets(stepper.next_step)
        if stepper.report is not None:
            next_pen = pen(t.backward, 4.0, alpha=200)
        else:
            next_pen = pen(t.highlight, 1.6, Qt.PenStyle.DashLine)
        dashed = [item for item in upcoming if item not in halos]
        for item in self.glowing:
            if item not in halos:
                item.halo.light(False)
        for item in self.dashed:
            if item not in dashed:
                item.next_halo.light(False)
        for item, halo_pen in halos.items():
            item.halo.setPen(halo_pen)
            item.halo.light(True)
        for item in dashed:
            item.next_halo.setPen(next_pen)
            item.next_halo.light(True)
        self.glowing, self.dashed = glowing, dashed
