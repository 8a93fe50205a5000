"""Following an incident: the timeline first, then each new entry once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commander.domain import Severity
from commander.services.incident_tail import IncidentTail
from commander.services.incidents import declare_incident
from commander.services.timeline import delete_entry, edit_entry, log_entry
from commander.store.engine import Store

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_the_timeline_first_then_each_new_entry_once(store: Store) -> None:
    incident = declare_incident(store, "Checkout slow", Severity.P2, author="ana")
    other = declare_incident(store, "Elsewhere", Severity.P3, author="ana")
    first = log_entry(store, incident.ref, "first", author="bo")
    gone = log_entry(store, incident.ref, "deleted before the tail", author="bo")
    delete_entry(store, gone.id, "bo")
    tail = IncidentTail(store, incident.ref)
    assert [e.kind for e in tail.timeline()] == ["declared", "note"]
    assert tail.new_entries() == []  # nothing committed since

    log_entry(store, other.ref, "not this incident", author="cy")
    edit_entry(store, first.id, "cy", text="first, corrected")  # an edit is not new
    second = log_entry(store, incident.ref, "second", author="cy")
    third = log_entry(store, incident.ref, "third", author="cy")
    assert [e.id for e in tail.new_entries()] == [second.id, third.id]
    assert tail.new_entries() == []


def test_a_backdated_entry_takes_its_place_in_time(store: Store) -> None:
    incident = declare_incident(store, "Checkout slow", Severity.P2, author="ana", now=T0)
    log_entry(store, incident.ref, "at 10:05", author="bo", occurred_at=T0 + timedelta(minutes=5))
    log_entry(store, incident.ref, "at 10:01", author="bo", occurred_at=T0 + timedelta(minutes=1))
    texts = [e.text for e in IncidentTail(store, incident.ref).timeline()]
    assert texts[1:] == ["at 10:01", "at 10:05"]
