"""Two writers of one incident, one holding it locked (checklist, roles, deploys), one
not (a note): both commit, neither fails as a deadlock."""

from __future__ import annotations

import threading
import time
from typing import Any

from commander.domain import EntryKind, Severity
from commander.domain.when import utc_now
from commander.services.incidents import declare_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry, log_entry, read_timeline


def test_a_note_beside_a_writer_holding_the_incident_does_not_deadlock(store: Any) -> None:
    ref = declare_incident(store, "Checkout down", Severity.P2, author="ana").ref
    locked = threading.Event()
    errors: list[BaseException] = []

    def holding_the_incident() -> None:
        try:
            with store.write() as session:
                incident = locked_incident(session, ref)
                locked.set()
                time.sleep(0.3)  # the note's write reaches its wait meanwhile
                now = utc_now()
                add_entry(
                    session,
                    incident,
                    text="Rolled back",
                    author="bo",
                    occurred_at=now,
                    recorded_at=now,
                    kind=EntryKind.ACTION,
                )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    def note() -> None:
        locked.wait(5)
        try:
            log_entry(store, ref, "p99 back to normal", "cy")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=holding_the_incident), threading.Thread(target=note)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    texts = {entry.text for entry in read_timeline(store, ref)}
    assert {"Rolled back", "p99 back to normal"} <= texts
