"""The change announcement: a write's Changes equal what the feed reads for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from commander.domain import Phase, Severity
from commander.domain.changes import Aspect
from commander.errors import NotFoundError
from commander.services.feed import latest_version, read_changes
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.timeline import edit_entry, log_entry
from commander.store.announce import collecting
from commander.store.engine import open_store
from commander.views.changes import changes_of_entries


def test_a_logged_entry_announces_only_the_timeline(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.sqlite"), create=True)
    incident = declare_incident(store, "API down", Severity.P2, author="ana")
    with collecting() as written:
        entry = log_entry(store, incident.ref, "paged on-call", author="ana")
    (changes,) = changes_of_entries(written)
    assert changes.incident_id == incident.id
    assert changes.aspects == {Aspect.ENTRIES}
    assert [e.id for e in changes.entries] == [entry.id]
    store.close()


def test_severity_and_phase_announce_header_list_and_checklist(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.sqlite"), create=True)
    incident = declare_incident(store, "API down", Severity.P2, author="ana")
    with collecting() as written:
        change_severity(store, incident.ref, Severity.P0, author="ana")
        change_phase(store, incident.ref, Phase.MITIGATE, author="ana")
    (changes,) = changes_of_entries(written)
    assert {Aspect.HEADER, Aspect.INCIDENTS, Aspect.CHECKLIST, Aspect.ENTRIES} <= changes.aspects
    assert [e.kind for e in changes.entries] == ["severity", "phase"]
    store.close()


def test_the_feed_yields_the_value_the_write_announced(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.sqlite"), create=True)
    incident = declare_incident(store, "API down", Severity.P2, author="ana")
    cursor = latest_version(store)
    with collecting() as written:
        entry = log_entry(store, incident.ref, "paged", author="ana")
        edit_entry(store, entry.id, "bo", text="paged on-call")
    announced = changes_of_entries(written)
    read, new_cursor = read_changes(store, cursor)
    assert read == announced
    assert new_cursor == read[0].entries[-1].version
    assert read_changes(store, new_cursor) == ([], new_cursor)
    store.close()


def test_a_failed_write_announces_nothing(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.sqlite"), create=True)
    incident = declare_incident(store, "API down", Severity.P2, author="ana")
    with collecting() as written:
        with pytest.raises(NotFoundError):
            edit_entry(store, 10_000, "bo", text="no such entry")
        log_entry(store, incident.ref, "kept", author="ana")
    assert [e.text for c in changes_of_entries(written) for e in c.entries] == ["kept"]
    store.close()


def test_outside_collecting_nothing_is_tracked(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.sqlite"), create=True)
    incident = declare_incident(store, "API down", Severity.P2, author="ana")
    with collecting() as written:
        pass
    log_entry(store, incident.ref, "from the CLI", author="ana")
    assert written == []
    store.close()


def test_a_cadence_change_announces_the_checklist_too(tmp_path: Path) -> None:
    # The status-update item says the cadence in force: the checklist panel re-reads.
    from commander.services.cadence import set_cadence

    store = open_store(str(tmp_path / "s.sqlite"), create=True)
    incident = declare_incident(store, "API down", Severity.P1, author="ana")
    with collecting() as written:
        set_cadence(store, incident.ref, 10, author="ana")
    (changes,) = changes_of_entries(written)
    assert {Aspect.COMMS, Aspect.CHECKLIST} <= changes.aspects
    store.close()
