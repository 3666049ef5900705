"""Enter belongs to the field being typed in, the other keys to the stepping shortcuts.

The window's shortcuts (Space, the arrows, Page Up/Down: what presentation clickers send, and Enter:
finish the iteration) are window-wide. Text fields and spin boxes already claim the keys they edit with
(arrows, printable keys), but not Enter, so Enter typed into the learning-rate field finished an
iteration instead of applying α. ``FieldKeys`` watches a window and lets Enter reach the field with the
focus; the field then applies what was typed (its ``editingFinished``, or its panel's Apply).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QLineEdit

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
FIELDS = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox)


def typing_in_field() -> bool:
    """Whether the widget with the keyboard focus is an input: a text field, spin box, list or check box."""
    return isinstance(QApplication.focusWidget(), FIELDS)


class FieldKeys(QObject):
    """An event filter for a window: Enter in a field goes to the field, not to the window's shortcut."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in ENTER_KEYS
            and typing_in_field()
        ):
            event.accept()  # the key press goes to the focused field instead of the shortcut
            return True
        return False
