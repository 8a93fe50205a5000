"""Two windows on one PostgreSQL store: each sees the other's changes, pushed by NOTIFY.

The bound is the issue's promise, one second, from the moment the write is
acknowledged in the other window; the windows stop polling while they listen, so
only the push can meet it. When the listening connection is cut, the window
polls, catches up, and the listener comes back by itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from commander.domain import Severity
from commander.services.timeline import log_entry
from commander.settings import Settings
from commander.store.listen import conninfo
from tests.support.cockpit import window_header, window_timeline
from ui.main_window import MainWindow
from ui.response.checklist_panel import ChecklistPanel
from ui.response.feature import ResponseFeature

pytestmark = pytest.mark.postgres

PUSHED_WITHIN_MS = 1_000


def _open_window(qtbot, url: str, author: str) -> MainWindow:  # noqa: ANN001
    window = MainWindow(Settings(author=author), url)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.store_opened, timeout=15_000):
        window.open_store()
    qtbot.waitUntil(lambda: window.live.pushed, timeout=10_000)
    return window


@pytest.fixture
def two_windows(qtbot, postgres_url: str) -> Iterator[tuple[MainWindow, MainWindow]]:  # noqa: ANN001
    first = _open_window(qtbot, postgres_url, "ana")
    second = _open_window(qtbot, postgres_url, "bo")
    yield first, second
    for window in (first, second):
        window.close()


def _shows(window: MainWindow, text: str) -> bool:
    model = window_timeline(window).timeline_model
    return any(model.entry_at(row).text == text for row in range(model.rowCount()))


def _checklist(window: MainWindow) -> ChecklistPanel:
    panel = window.findChild(ChecklistPanel)
    assert panel is not None
    return panel


def _open_in_both(qtbot, first: MainWindow, second: MainWindow) -> None:  # noqa: ANN001
    with qtbot.waitSignal(first.incident_shown, timeout=10_000):
        first.submit_declaration("Shared", Severity.P2, "")
    qtbot.waitUntil(lambda: second.incident_model.rowCount() == 1, timeout=PUSHED_WITHIN_MS)
    with qtbot.waitSignal(second.incident_shown, timeout=10_000):
        second.context.open_incident("INC-1")
    for window in (first, second):
        qtbot.waitUntil(lambda w=window: not w.context.writer.busy(), timeout=10_000)


def test_entries_severity_and_checklist_reach_the_other_window_within_a_second(
    qtbot,  # noqa: ANN001
    two_windows: tuple[MainWindow, MainWindow],
) -> None:
    first, second = two_windows
    _open_in_both(qtbot, first, second)
    assert not first.live.polling and not second.live.polling

    first.context.write(lambda store: log_entry(store, "INC-1", "from ana", author="ana"))
    qtbot.waitUntil(lambda: _shows(second, "from ana"), timeout=PUSHED_WITHIN_MS)
    second.context.write(lambda store: log_entry(store, "INC-1", "from bo", author="bo"))
    qtbot.waitUntil(lambda: _shows(first, "from bo"), timeout=PUSHED_WITHIN_MS)

    response = first.findChild(ResponseFeature)
    assert response is not None
    response.change_severity(Severity.P0, "data loss")
    qtbot.waitUntil(
        lambda: window_header(second).severity_badge.text() == "P0 Critical",
        timeout=PUSHED_WITHIN_MS,
    )

    item = _checklist(first).model.item_at(0)
    assert not item.checked
    response.toggle_item(item, True)
    qtbot.waitUntil(lambda: _checklist(second).model.item_at(0).checked, timeout=PUSHED_WITHIN_MS)


def test_a_cut_listening_connection_falls_back_to_polling_and_comes_back(
    qtbot,  # noqa: ANN001
    two_windows: tuple[MainWindow, MainWindow],
    postgres_url: str,
) -> None:
    first, second = two_windows
    _open_in_both(qtbot, first, second)
    listener = second.live.listener
    assert listener is not None and listener.backend_pid is not None
    cut_pid = listener.backend_pid
    with (
        qtbot.waitSignal(
            second.live.listening_changed, check_params_cb=lambda listening: not listening
        ),
        psycopg.connect(conninfo(make_url(postgres_url)), autocommit=True) as admin,
    ):
        cut = admin.execute("SELECT pg_terminate_backend(%s)", (cut_pid,)).fetchone()
        assert cut == (True,)
    assert second.live.polling  # until the listener is back
    # Written while it reconnects: the poll or the catch-up after reconnecting brings it.
    first.context.write(lambda store: log_entry(store, "INC-1", "while cut", author="ana"))
    qtbot.waitUntil(lambda: _shows(second, "while cut"), timeout=5_000)
    qtbot.waitUntil(lambda: second.live.pushed, timeout=10_000)
    assert not second.live.polling and listener.backend_pid != cut_pid
    started = time.monotonic()
    first.context.write(lambda store: log_entry(store, "INC-1", "after", author="ana"))
    qtbot.waitUntil(lambda: _shows(second, "after"), timeout=PUSHED_WITHIN_MS)
    assert time.monotonic() - started < 2
    model = window_timeline(second).timeline_model
    texts = [model.entry_at(row).text for row in range(model.rowCount())]
    assert texts.count("while cut") == 1 and texts.count("after") == 1  # nothing twice
