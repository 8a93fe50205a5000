from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from commander.settings import Settings
from tests.support.cockpit import Cockpit, TimelineShellDouble
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.workers import Worker


@pytest.fixture(autouse=True)
def qt_pdf() -> Iterator[None]:
    """What ui.launcher does at start: give the core Qt's PDF writer."""
    from commander.exports.pdf_hook import use_pdf_renderer
    from ui.exports.pdf import QtPdfRenderer

    use_pdf_renderer(QtPdfRenderer())
    yield
    use_pdf_renderer(None)


@pytest.fixture
def window(qtbot, db_path: Path) -> Iterator[MainWindow]:
    """The real main window on a real SQLite file, store opened like at start-up.

    The store is made first: the window asks before creating one at a path given to it
    (tests/ui/incidents/test_new_store.py covers that question)."""
    from commander.store.engine import open_store

    open_store(str(db_path), create=True).close()
    main = MainWindow(Settings(author="ana"), str(db_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.store_opened, timeout=15_000):
        main.open_store()
    qtbot.waitUntil(lambda: not main.context.writer.busy())
    yield main
    main.context.writer.wait()
    main.context.reader.wait()


@pytest.fixture
def cockpit(qtbot, db_path: Path) -> Iterator[Cockpit]:
    """The timeline and response features over an AppContext on a real SQLite file."""
    from commander.store.engine import open_store

    shell = TimelineShellDouble()
    qtbot.addWidget(shell.widget)
    writer = Worker(on_error=shell.report_error, parent=shell.widget)
    reader = Worker(on_error=shell.report_error, parent=shell.widget)
    context = AppContext(Settings(author="ana"), writer, reader, parent=shell.widget)
    store = open_store(str(db_path), create=True)
    context.set_store(store)
    built = Cockpit(context, shell)
    yield built
    writer.wait()
    reader.wait()
    if built.live is not None:
        built.live.close()
    store.close()
