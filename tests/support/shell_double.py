"""A stand-in for the window a feature installs into, for testing one feature alone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from ui.common.bring_forward import bring_forward
from ui.shell import CloseGuard


class _WindowDouble(QWidget):
    """Closing it runs the features' closing steps, as the window's close does.

    The close guards are asked only by ``ShellDouble.close_window``: pytest-qt closes
    this widget after every test, and a guard's question there would wait for an answer
    nobody gives.
    """

    def __init__(self, shell: ShellDouble) -> None:
        super().__init__()
        self._shell = shell

    def closeEvent(self, event: QCloseEvent) -> None:
        for step in self._shell.closing_steps:
            step()
        self._shell.closing_steps.clear()  # closed once, as the window is
        super().closeEvent(event)


class ShellDouble:
    """Implements ui.shell.Shell over a bare widget, and remembers what was asked of it."""

    def __init__(self) -> None:
        self.widget: QWidget = _WindowDouble(self)
        self.menu_bar = QMenuBar(self.widget)
        self.menus: dict[str, QMenu] = {}
        self.actions: dict[str, list[QAction]] = {}
        self.side_panels: dict[str, QWidget] = {}
        self.header_widgets: list[QWidget] = []
        self.header_lines: list[QWidget] = []
        self.brought_forward: list[QWidget] = []
        self.status: list[str] = []
        self.errors: list[BaseException] = []
        self.close_guards: list[CloseGuard] = []
        self.closing_steps: list[Callable[[], None]] = []

    def parent_widget(self) -> QWidget:
        return self.widget

    def menu(self, title: str) -> QMenu:
        if title not in self.menus:
            self.menus[title] = self.menu_bar.addMenu(title)
        return self.menus[title]

    def add_action(self, menu_title: str, action: QAction) -> None:
        self.menu(menu_title).addAction(action)
        self.widget.addAction(action)
        self.actions.setdefault(menu_title, []).append(action)

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        panel.setParent(self.widget)
        self.side_panels[title] = panel

    def bring_forward(self, panel: QWidget) -> None:
        self.brought_forward.append(panel)
        bring_forward(panel)  # as the window does: a tab holding it comes to the front

    def add_header_widget(self, widget: QWidget) -> None:
        widget.setParent(self.widget)
        self.header_widgets.append(widget)

    def add_header_line(self, widget: QWidget) -> None:
        widget.setParent(self.widget)
        self.header_lines.append(widget)

    def show_status(self, text: str, msecs: int = 0) -> None:
        self.status.append(text)

    def clear_status(self) -> None:
        self.status.append("")

    def report_error(self, error: BaseException) -> None:
        self.errors.append(error)

    def add_close_guard(self, guard: CloseGuard) -> None:
        self.close_guards.append(guard)

    def when_closing(self, step: Callable[[], None]) -> None:
        self.closing_steps.append(step)

    def close_window(self) -> bool:
        """What the window does when the person closes it: every guard is asked first,
        and one refusing keeps it open; else it closes. True when it closed."""
        if not all(guard() for guard in self.close_guards):
            return False
        return self.widget.close()

    def action(self, text: str) -> QAction:
        """The installed action whose text (without '&') is ``text``."""
        for actions in self.actions.values():
            for action in actions:
                if action.text().replace("&", "") == text:
                    return action
        raise KeyError(text)
