"""The shell: the few things a feature may ask of the window it plugs into.

A feature installs itself with ``install(context, shell)``: it adds its menus,
actions, side panels and header widgets through this interface and reads
everything else from the ``AppContext``. The main window implements it; a test
hands a feature a small fake instead of building the whole window.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget


class Shell(Protocol):
    def parent_widget(self) -> QWidget:
        """The widget dialogs open over."""
        ...

    def menu(self, title: str) -> QMenu:
        """The top-level menu with this title, created at the end of the bar if new."""
        ...

    def add_action(self, menu_title: str, action: QAction) -> None:
        """Put ``action`` in a menu; its shortcut works anywhere in the window."""
        ...

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        """A tab beside the timeline."""
        ...

    def bring_forward(self, panel: QWidget) -> None:
        """Show a side panel added with ``add_side_panel`` (its tab comes to the front)."""
        ...

    def add_header_widget(self, widget: QWidget) -> None:
        """A widget in the incident header, right of what is there."""
        ...

    def show_status(self, text: str, msecs: int = 0) -> None:
        """A line in the status bar (0: until replaced)."""
        ...

    def clear_status(self) -> None: ...

    def report_error(self, error: BaseException) -> None:
        """A failure the user must see: a dialog for known errors, the crash report else."""
        ...
