"""One feature on its own: an AppContext over a real SQLite store and a ShellDouble.

Test modules import the ``rig`` fixture from here (``from tests.support.feature_rig
import rig  # noqa: F401``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from commander.settings import Settings
from commander.store.engine import open_store
from commander.views.incidents import IncidentDetail
from tests.support.shell_double import ShellDouble
from ui.context import AppContext
from ui.shell import Shell
from ui.workers import Worker

Install = Callable[[AppContext, Shell], None]


class Rig:
    """What the window hands a feature: the context and the shell, and the store behind."""

    def __init__(self, db_path: Path) -> None:
        self.shell = ShellDouble()
        self.writer = Worker(on_error=self.shell.report_error)
        self.reader = Worker(on_error=self.shell.report_error)
        self.context = AppContext(Settings(author="ana"), self.writer, self.reader)
        self.store = open_store(str(db_path), create=True)
        self.opened: list[str] = []  # refs the features asked the window to open
        self.context.incident_requested.connect(self.opened.append)

    def install(self, install: Install) -> None:
        """Install a feature, then open the store as the window does at start-up."""
        install(self.context, self.shell)
        self.context.set_store(self.store)

    def open_incident(self, ref: str) -> IncidentDetail:
        """Show ``ref`` as the window does once it has read it."""
        from commander.services.incidents import get_incident

        incident = get_incident(self.store, ref, with_timeline=False)
        self.context.set_incident(incident)
        return incident

    def idle(self) -> bool:
        return not self.writer.busy() and not self.reader.busy()

    def close(self) -> None:
        self.shell.widget.close()  # what the window does at exit: the outbox runner stops
        self.writer.wait()
        self.reader.wait()
        self.store.close()


@pytest.fixture
def rig(qtbot: Any, db_path: Path) -> Iterator[Rig]:
    made = Rig(db_path)
    qtbot.addWidget(made.shell.widget)
    yield made
    made.close()
