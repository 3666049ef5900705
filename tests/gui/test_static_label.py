"""StaticLabel's rich line: runs parsed from the markup, drawn in their weight and colour, laid out per run."""

import pytest
from conftest import shown
from PySide6.QtGui import QColor

from backpropviz.gui.static_label import StaticLabel, parse_runs


def test_the_markup_becomes_runs_of_text_weight_and_colour():
    runs = parse_runs("J = <b>0.25</b> · <span style='color:#c62828'><b>diverged</b> — B2</span> &amp; more")
    assert runs == [
        ("J = ", False, None),
        ("0.25", True, None),
        (" · ", False, None),
        ("diverged", True, "#c62828"),
        (" — B2", False, "#c62828"),
        (" & more", False, None),
    ]


def test_markup_the_line_does_not_draw_is_refused_and_the_label_keeps_its_line(qtbot):
    assert parse_runs("J &lt; 0.5") == [("J < 0.5", False, None)]  # an escaped "<" is text
    with pytest.raises(ValueError, match="does not draw"):
        parse_runs("a <i>slanted</i> word")
    with pytest.raises(ValueError, match="one line"):
        StaticLabel(rich=True, wrap=True)  # qtbot: a QApplication exists for the widget made first
    label = StaticLabel()
    qtbot.addWidget(label)
    label.setText("J = <b>0.25</b>")
    with pytest.raises(ValueError):
        label.setText("J = <i>0.24</i>")
    assert label.text() == "J = <b>0.25</b>" and label.plain_text() == "J = 0.25"


def test_a_new_line_lays_out_only_the_runs_that_changed_and_paints_their_colours(qtbot):
    label = shown(qtbot, StaticLabel(), size=(400, 24))
    label.setText("Iteration <b>1</b> · <span style='color:#ff0000'>red</span>")
    before = {text: piece for (text, _), piece in label._pieces.items()}
    label.setText("Iteration <b>2</b> · <span style='color:#ff0000'>red</span>")
    after = {text: piece for (text, _), piece in label._pieces.items()}
    assert set(after) == {"Iteration ", "2", " · ", "red"}
    assert all(after[text] is before[text] for text in ("Iteration ", " · ", "red"))  # kept, not laid out again
    assert label.plain_text() == "Iteration 2 · red"
    image = label.grab().toImage()
    reds = [
        (x, y) for x in range(image.width()) for y in range(image.height())
        if (c := QColor(image.pixel(x, y))).red() > 200 and c.green() < 80 and c.blue() < 80
    ]
    assert reds, "the coloured run is drawn in its colour"
    first_red = min(x for x, _ in reds)
    assert first_red > label.fontMetrics().horizontalAdvance("Iteration 2 · ") * 0.8  # after the text before it
