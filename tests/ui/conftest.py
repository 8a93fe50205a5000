from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from commander.settings import Settings
from ui.main_window import MainWindow


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
    """The real main window on a real SQLite file, store opened like at start-up."""
    main = MainWindow(Settings(author="ana"), str(db_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.store_opened, timeout=15_000):
        main.open_store()
    qtbot.waitUntil(lambda: not main.worker.busy())
    yield main
    main.worker.wait()
