"""The shell: the few things a feature may ask of the window it plugs into.

A feature installs itself with ``install(context, shell)``: it adds its menus,
actions, side panels and header widgets through this interface and reads
everything else from the ``AppContext``. The main window implements it; a test
hands a feature a small fake instead of building the whole window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

# Asked before the window closes; False keeps it open (see Shell.add_close_guard).
CloseGuard = Callable[[], bool]


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

    def add_header_line(self, widget: QWidget) -> None:
        """A line under the incident header, the window's whole width (who is here, the
        chat capture's state, a banner): below what is there."""
        ...

    def show_status(self, text: str, msecs: int = 0) -> None:
        """A line in the status bar (0: until replaced)."""
        ...

    def clear_status(self) -> None: ...

    def report_error(self, error: BaseException) -> None:
        """A failure the user must see: a dialog for known errors, the crash report else."""
        ...

    def add_close_guard(self, guard: CloseGuard) -> None:
        """Ask ``guard()`` whenever the window is about to close, before anything closes.

        True lets the window close. False keeps it open with everything running (the
        guard asked the person, who chose Cancel, or it is finishing something and will
        close the window itself once done); the remaining guards are then not asked.
        """
        ...

    def when_closing(self, step: Callable[[], None]) -> None:
        """Run ``step`` once every guard has agreed and the window closes: stop what the
        feature runs (timers, threads) before the store is closed."""
        ...
