"""Showing a widget that may sit on a hidden tab, whatever holds it."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget


def bring_forward(widget: QWidget) -> None:
    """Make every stacked widget (tab bodies included) above ``widget`` show its branch."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget):
            parent.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()
