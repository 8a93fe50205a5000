"""The window through a server restart: the banner within a second, entries journaled and
shown as waiting, written back once each when the server returns (a private server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from commander.domain import Severity
from commander.domain.quick_entry import parse_quick_entry
from commander.services.timeline import read_timeline
from commander.settings import Settings
from commander.store.engine import open_store
from commander.store.journal import journal_key
from tests.support.cockpit import Cockpit, TimelineShellDouble
from tests.support.private_postgres import PrivateServer
from ui.context import AppContext
from ui.offline.feature import ServerWatch
from ui.timeline.model import waiting
from ui.workers import Worker


@pytest.fixture
def seat(qtbot: Any, restartable: PrivateServer) -> Iterator[tuple[Cockpit, ServerWatch]]:
    """The timeline and the offline feature over a store on the private server."""
    shell = TimelineShellDouble()
    qtbot.addWidget(shell.widget)
    writer = Worker(on_error=shell.report_error, parent=shell.widget)
    reader = Worker(on_error=shell.report_error, parent=shell.widget)
    context = AppContext(Settings(author="ana"), writer, reader, parent=shell.widget)
    store = open_store(restartable.new_database(), create=True)
    watch = ServerWatch(context, shell)
    context.set_store(store)
    cockpit = Cockpit(context, shell)
    yield cockpit, watch
    shell.close_window()
    writer.wait()
    reader.wait()
    store.close()


def _log(qtbot: Any, cockpit: Cockpit, text: str, *, stored: bool) -> None:
    panel = cockpit.panel
    panel.entry_bar.setText(text)
    if stored:
        with qtbot.waitSignal(cockpit.timeline.entry_logged, timeout=10_000):
            cockpit.timeline.log_entry(text, parse_quick_entry(text))
    else:
        cockpit.timeline.log_entry(text, parse_quick_entry(text))
    qtbot.waitUntil(lambda: panel.entry_bar.text() == "", timeout=10_000)  # taken


def _rows(cockpit: Cockpit) -> list[tuple[str, bool]]:
    model = cockpit.panel.timeline_model
    rows = [model.entry_at(r) for r in range(model.rowCount())]
    return [(e.text, waiting(e)) for e in rows if e.kind == "note"]


def test_entries_typed_through_a_restart_are_written_once_each(
    qtbot: Any, seat: tuple[Cockpit, ServerWatch], restartable: PrivateServer
) -> None:
    cockpit, watch = seat
    context = cockpit.context
    store = context.require_store()
    asked_on: set[threading.Thread] = set()
    ask = store.reachable

    def reachable() -> bool:
        asked_on.add(threading.current_thread())
        return ask()

    store.reachable = reachable  # type: ignore[method-assign]
    cockpit.declare(qtbot, "Failover", Severity.P1)
    for n in range(2):
        _log(qtbot, cockpit, f"before {n}", stored=True)

    restartable.stop()
    stopped = time.monotonic()
    qtbot.waitUntil(lambda: not watch.banner.isHidden(), timeout=1_000)  # said within a second
    noticed = time.monotonic() - stopped
    assert context.server_lost and "unreachable" in watch.banner.text()

    for n in range(3):
        _log(qtbot, cockpit, f"during {n}", stored=False)
    journal = context.journal
    assert journal is not None and context.store is not None
    assert journal.count(journal_key(context.store)) == 3
    qtbot.waitUntil(lambda: "3 entries" in watch.banner.text(), timeout=2_000)
    assert _rows(cockpit) == [
        ("before 0", False),
        ("before 1", False),
        ("during 0", True),
        ("during 1", True),
        ("during 2", True),
    ]

    restartable.start()
    qtbot.waitUntil(watch.banner.isHidden, timeout=15_000)
    qtbot.waitUntil(cockpit.idle, timeout=10_000)
    assert journal.count(journal_key(context.store)) == 0  # drained
    _log(qtbot, cockpit, "after", stored=True)
    expected = ["before 0", "before 1", "during 0", "during 1", "during 2", "after"]
    assert _rows(cockpit) == [(text, False) for text in expected]
    stored = [e.text for e in read_timeline(context.store, cockpit.incident.ref)]
    assert [t for t in stored if t in expected] == expected  # each once, in order
    assert cockpit.shell.errors == []
    assert asked_on and threading.main_thread() not in asked_on  # never on the UI thread
    assert noticed < 1.0


def test_a_write_that_finds_the_server_gone_is_journaled_with_its_key(
    qtbot: Any, seat: tuple[Cockpit, ServerWatch], restartable: PrivateServer
) -> None:
    cockpit, watch = seat
    context = cockpit.context
    cockpit.declare(qtbot, "Failover", Severity.P1)
    watch._stop()  # no probe: the write itself is the first to meet the stopped server
    restartable.stop()
    _log(qtbot, cockpit, "typed as it went", stored=False)
    assert context.server_lost and not watch.banner.isHidden()
    assert _rows(cockpit) == [("typed as it went", True)]
    restartable.start()
    watch.probe()
    qtbot.waitUntil(watch.banner.isHidden, timeout=15_000)
    qtbot.waitUntil(cockpit.idle, timeout=10_000)
    assert _rows(cockpit) == [("typed as it went", False)]
    assert context.store is not None
    texts = [e.text for e in read_timeline(context.store, cockpit.incident.ref)]
    assert texts.count("typed as it went") == 1
