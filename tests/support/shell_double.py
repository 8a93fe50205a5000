"""A stand-in for the window a feature installs into, for testing one feature alone."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from ui.common.bring_forward import bring_forward


class ShellDouble:
    """Implements ui.shell.Shell over a bare widget, and remembers what was asked of it."""

    def __init__(self) -> None:
        self.widget = QWidget()
        self.menu_bar = QMenuBar(self.widget)
        self.menus: dict[str, QMenu] = {}
        self.actions: dict[str, list[QAction]] = {}
        self.side_panels: dict[str, QWidget] = {}
        self.header_widgets: list[QWidget] = []
        self.brought_forward: list[QWidget] = []
        self.status: list[str] = []
        self.errors: list[BaseException] = []

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

    def show_status(self, text: str, msecs: int = 0) -> None:
        self.status.append(text)

    def clear_status(self) -> None:
        self.status.append("")

    def report_error(self, error: BaseException) -> None:
        self.errors.append(error)

    def action(self, text: str) -> QAction:
        """The installed action whose text (without '&') is ``text``."""
        for actions in self.actions.values():
            for action in actions:
                if action.text().replace("&", "") == text:
                    return action
        raise KeyError(text)
