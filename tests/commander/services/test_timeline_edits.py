"""Editing, pinning, deleting and restoring entries: the timeline keeps its history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Severity
from commander.errors import InvalidInputError, NotFoundError
from commander.services.incidents import change_severity, declare_incident, get_incident
from commander.services.timeline import (
    delete_entry,
    edit_entry,
    entry_revisions,
    log_entry,
    pin_entry,
    read_timeline,
    restore_entry,
    timeline_of,
)

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def logged(store, text: str = "db primary at 95% CPU"):
    incident = declare_incident(store, "Checkout slow", Severity.P2, author="ana", now=T0)
    entry = log_entry(store, incident.ref, text, author="ana", now=minutes(1))
    return incident, entry


def test_edit_keeps_who_when_and_the_old_values(store) -> None:
    incident, entry = logged(store)
    edited = edit_entry(
        store,
        entry.id,
        "bo",
        text="db primary at 99% CPU",
        kind=EntryKind.OBSERVATION,
        occurred_at=minutes(-2),
        now=minutes(5),
    )
    assert (edited.text, edited.kind, edited.occurred_at) == (
        "db primary at 99% CPU",
        "observation",
        minutes(-2),
    )
    assert edited.author == "ana" and edited.recorded_at == minutes(1)
    [before] = entry_revisions(store, entry.id)
    assert (before.revised_by, before.revised_at) == ("bo", minutes(5))
    assert (before.text, before.kind, before.occurred_at, before.pinned) == (
        "db primary at 95% CPU",
        "note",
        minutes(1),
        False,
    )
    assert get_incident(store, incident.ref).timeline[0].text == "db primary at 99% CPU"


def test_history_is_oldest_first_and_only_given_fields_change(store) -> None:
    _incident, entry = logged(store, "one")
    edit_entry(store, entry.id, "bo", text="two", now=minutes(2))
    edit_entry(store, entry.id, "cy", text="three", now=minutes(3))
    final = edit_entry(store, entry.id, "di", pinned=True, now=minutes(4))
    assert (final.text, final.pinned, final.kind) == ("three", True, "note")
    history = entry_revisions(store, entry.id)
    assert [(r.revised_by, r.text, r.pinned) for r in history] == [
        ("bo", "one", False),
        ("cy", "two", False),
        ("di", "three", False),
    ]


def test_kind_may_be_given_as_text(store) -> None:
    _incident, entry = logged(store)
    assert edit_entry(store, entry.id, "bo", kind=" Decision ").kind == "decision"


def test_an_edit_that_changes_nothing_is_refused(store) -> None:
    _incident, entry = logged(store, "same")
    with pytest.raises(InvalidInputError, match="nothing to change"):
        edit_entry(store, entry.id, "bo", text="same", kind="note", pinned=False)
    with pytest.raises(InvalidInputError, match="nothing to change"):
        edit_entry(store, entry.id, "bo")
    assert entry_revisions(store, entry.id) == []


def test_bad_edits_are_explained_and_change_nothing(store) -> None:
    _incident, entry = logged(store)
    with pytest.raises(InvalidInputError, match="needs some text"):
        edit_entry(store, entry.id, "bo", text="   ")
    with pytest.raises(InvalidInputError, match="unknown entry kind"):
        edit_entry(store, entry.id, "bo", kind="severity")
    with pytest.raises(InvalidInputError, match="time zone"):
        edit_entry(store, entry.id, "bo", occurred_at=datetime(2026, 11, 27, 9, 0))
    with pytest.raises(NotFoundError, match="no entry 999"):
        edit_entry(store, 999, "bo", text="x")
    assert entry_revisions(store, entry.id) == []
    assert read_timeline(store, entry.incident_id)[-1] == entry


def test_app_written_entries_cannot_be_edited_but_can_be_pinned(store) -> None:
    incident = declare_incident(store, "Payments", Severity.P2, author="ana", now=T0)
    change_severity(store, incident.ref, Severity.P1, author="ana", now=minutes(1))
    declared, severity = get_incident(store, incident.ref).timeline
    with pytest.raises(InvalidInputError, match="entries the app wrote cannot be edited"):
        edit_entry(store, severity.id, "bo", text="it was fine really")
    with pytest.raises(InvalidInputError, match="entries the app wrote cannot be edited"):
        edit_entry(store, declared.id, "bo", occurred_at=minutes(-5), pinned=True)
    # A form resubmitting the entry's own values plus a pin is just a pin.
    pinned = edit_entry(store, severity.id, "bo", text=severity.text, kind="severity", pinned=True)
    assert pinned.pinned and pinned.text == severity.text
    assert pin_entry(store, declared.id, "bo", True).pinned
    assert [r.revised_by for r in entry_revisions(store, severity.id)] == ["bo"]
    with pytest.raises(InvalidInputError, match="cannot be deleted"):
        delete_entry(store, severity.id, "bo")


def test_pin_and_unpin(store) -> None:
    _incident, entry = logged(store)
    assert pin_entry(store, entry.id, "bo", True, now=minutes(2)).pinned
    with pytest.raises(InvalidInputError, match="nothing to change"):
        pin_entry(store, entry.id, "bo", True)
    assert not pin_entry(store, entry.id, "cy", False, now=minutes(3)).pinned
    assert [r.pinned for r in entry_revisions(store, entry.id)] == [False, True]


def test_delete_is_soft_and_restore_brings_it_back(store) -> None:
    incident, entry = logged(store)
    deleted = delete_entry(store, entry.id, "bo", now=minutes(5))
    assert (deleted.deleted_at, deleted.deleted_by) == (minutes(5), "bo")
    assert [e.kind for e in get_incident(store, incident.ref).timeline] == ["declared"]
    with_deleted = read_timeline(store, incident.ref, include_deleted=True)
    assert [(e.id, e.deleted_by) for e in with_deleted][-1] == (entry.id, "bo")

    restored = restore_entry(store, entry.id, "cy", now=minutes(6))
    assert restored.deleted_at is None and restored.deleted_by is None
    assert get_incident(store, incident.ref).timeline[-1].text == entry.text
    # The history says who deleted it and when, and who restored it.
    before_delete, before_restore = entry_revisions(store, entry.id)
    assert (before_delete.revised_by, before_delete.deleted_at) == ("bo", None)
    assert (before_restore.revised_by, before_restore.revised_at) == ("cy", minutes(6))
    assert (before_restore.deleted_by, before_restore.deleted_at) == ("bo", minutes(5))


def test_deleted_entries_refuse_edits_and_double_deletes(store) -> None:
    _incident, entry = logged(store)
    with pytest.raises(InvalidInputError, match="is not deleted"):
        restore_entry(store, entry.id, "bo")
    delete_entry(store, entry.id, "bo")
    with pytest.raises(InvalidInputError, match="restore it before editing"):
        edit_entry(store, entry.id, "bo", text="sneaky")
    with pytest.raises(InvalidInputError, match="restore it before editing"):
        pin_entry(store, entry.id, "bo", True)
    with pytest.raises(InvalidInputError, match="already deleted"):
        delete_entry(store, entry.id, "bo")
    assert len(entry_revisions(store, entry.id)) == 1
    with pytest.raises(NotFoundError):
        entry_revisions(store, 999)


def test_timeline_of_takes_include_deleted(store) -> None:
    incident, entry = logged(store)
    delete_entry(store, entry.id, "bo")
    with store.read() as session:
        assert len(timeline_of(session, incident.id)) == 1
        assert len(timeline_of(session, incident.id, include_deleted=True)) == 2
