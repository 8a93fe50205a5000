"""Object names for the style sheet and tests, set in the expression that makes the widget.

(PySide6 takes ``objectName=`` as a constructor keyword, but its type stubs do not
know that; this keeps the calls typed.)
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


L = TypeVar("L", bound=QLabel)


def wrapping(label: L) -> L:
    """A label that wraps its words (hints and problems run long)."""
    label.setWordWrap(True)
    return label
