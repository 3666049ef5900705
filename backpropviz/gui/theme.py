"""Colours, fonts and the diverging colour map every view shares; the presenter scale lives here too."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    """One colour scheme. Forward is dark ink, backward red, the current micro-step amber."""

    name: str
    background: str
    panel: str
    text: str
    muted: str  # quantities not computed yet in this iteration
    muted_presenter: str  # the same on a projector: ≥ 3:1 against the panels, still lighter than computed ink
    forward: str
    backward: str
    highlight: str
    box_fill: str
    box_border: str
    grid: str
    class0: str
    class1: str

    def for_projector(self) -> Theme:
        """This theme with the darker (light theme) or brighter (dark theme) muted ink of presenter mode:
        a projector washes the faint grey of what is not computed yet out."""
        return replace(self, muted=self.muted_presenter)


LIGHT = Theme(
    name="light", background="#fbfbfd", panel="#ffffff", text="#1d2330", muted="#b7bcc8", muted_presenter="#868d9c",
    forward="#1d2330", backward="#d1342f", highlight="#f0a202", box_fill="#f2f5fa", box_border="#5a6478",
    grid="#e3e6ee", class0="#2f6fdb", class1="#e0582a",
)
DARK = Theme(
    name="dark", background="#1b1e24", panel="#23272f", text="#e7eaf0", muted="#5a6170", muted_presenter="#737b8c",
    forward="#e7eaf0", backward="#ff6b63", highlight="#ffc233", box_fill="#2a2f39", box_border="#8a93a6",
    grid="#323845", class0="#5b9bff", class1="#ff8a4c",
)
THEMES = {"light": LIGHT, "dark": DARK}
# 100 × 1.4 / 1.1: undoes Fusion's darker(140).lighter(110) of a check box's outline
INDICATOR_LIGHTER = 127

# Diverging map for signed matrices (W, dW, Z, …): blue for negative, white at 0, red for positive.
_ANCHORS = np.array([[33, 102, 172], [103, 169, 207], [209, 229, 240], [247, 247, 247],
                     [253, 219, 199], [239, 138, 98], [178, 24, 43]], dtype=float)


def diverging_lut(size: int = 256) -> np.ndarray:
    """A (size, 3) uint8 look-up table, symmetric about its middle entry (value 0)."""
    positions = np.linspace(0, 1, len(_ANCHORS))
    x = np.linspace(0, 1, size)
    return np.stack([np.interp(x, positions, _ANCHORS[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


DIVERGING_LUT = diverging_lut()


# Images are float32 for pyqtgraph; finite values beyond this (a diverging run, a typed 1e300) are clipped to
# it, which draws them in the scale's extreme colour instead of overflowing the cast.
FLOAT32_SAFE = 1e38
# ...and a colour scale narrower than this would overflow float32 in pyqtgraph's 1 / (2 · level).
FLOAT32_TINY_LEVEL = 1e-30


def symmetric_level(values: np.ndarray) -> float:
    """The colour scale's half-width: max |value| over the finite entries (at most FLOAT32_SAFE), never 0
    (so zeros draw white)."""
    top = max(float(values.max()), -float(values.min())) if values.size else 0.0
    if not math.isfinite(top):  # only then pick out the finite entries (a copy: 15× slower on W1 of 784 inputs)
        finite = np.abs(values[np.isfinite(values)])
        top = float(finite.max()) if finite.size else 0.0
    top = min(top, FLOAT32_SAFE)
    return max(top, FLOAT32_TINY_LEVEL) if top > 0 else 1.0


def image_values(values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``values`` as a C-contiguous float32 image (into ``out`` if given), clipped into float32's range."""
    if out is None:
        out = np.empty(values.shape, dtype=np.float32)
    # straight into the float32 image, no float64 temporary; NaN stays NaN
    np.clip(values, -FLOAT32_SAFE, FLOAT32_SAFE, out=out, casting="same_kind")
    return out


def lut_position(value: float, level: float) -> int:
    """The index into DIVERGING_LUT of ``value`` on the scale [−level, level]; −1 when it is not finite.
    Plain floats: a table refresh asks for one per cell, and NumPy's scalar calls cost ~20× more."""
    if not math.isfinite(value):
        return -1
    t = value / level
    t = -1.0 if t < -1.0 else 1.0 if t > 1.0 else t
    return round((t + 1.0) / 2.0 * (len(DIVERGING_LUT) - 1))


def apply_palette(app: QApplication, theme: Theme) -> None:
    """Qt's palette from the theme, so standard widgets follow light/dark."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.background, QPalette.ColorRole.Base: theme.panel,
        QPalette.ColorRole.AlternateBase: theme.box_fill, QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.WindowText: theme.text, QPalette.ColorRole.Button: theme.panel,
        QPalette.ColorRole.ButtonText: theme.text, QPalette.ColorRole.ToolTipBase: theme.panel,
        QPalette.ColorRole.ToolTipText: theme.text, QPalette.ColorRole.PlaceholderText: theme.muted,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(theme.highlight))
    # white (Qt's default) on amber is unreadable in both themes: a progress bar's text, selected text
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(LIGHT.text))
    app.setPalette(palette)
    # Fusion outlines a check box or radio button in its Window colour darkened by 40 % (then lightened
    # by 10 %): on a dark window that outline is darker than the window and the empty box vanishes.
    # Their own Window colour (they paint no background) makes the outline the theme's box border.
    indicators = QPalette(palette)
    indicators.setColor(QPalette.ColorRole.Window, QColor(theme.box_border).lighter(INDICATOR_LIGHTER))
    for class_name in ("QCheckBox", "QRadioButton"):
        app.setPalette(indicators, class_name)


def apply_dialog_scale(app: QApplication, scale: float) -> None:
    """Message boxes (questions, help, errors) in the presenter's font size; their children inherit it."""
    app.setFont(scaled_font(app.font(), scale), "QMessageBox")


def scaled_font(base: QFont, scale: float, bold: bool = False) -> QFont:
    """``base`` at ``scale`` × its point size (presenter mode scales every view by one factor)."""
    font = QFont(base)
    font.setPointSizeF(max(base.pointSizeF(), 9.0) * scale)
    font.setBold(bold)
    return font


def format_number(value: float, digits: int = 4) -> str:
    """A matrix entry as a lecture shows it; NaN and inf spelled out, never shown as a number."""
    if not np.isfinite(value):
        return "NaN" if np.isnan(value) else ("+inf" if value > 0 else "−inf")
    if value != 0 and (abs(value) < 10 ** (-digits) or abs(value) >= 10 ** (digits + 2)):
        return f"{value:.{digits - 1}e}".replace("-", "−")
    return f"{value:.{digits}f}".replace("-", "−")
