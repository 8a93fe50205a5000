"""Declaring, logging and changing incidents: each change with its timeline entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.limits import ENTRY_TEXT_MAX
from commander.domain.when import iso
from commander.errors import InvalidInputError, NotFoundError
from commander.services.incidents import (
    change_phase,
    change_severity,
    declare_incident,
    get_incident,
    list_incidents,
)
from commander.services.timeline import edit_entry, log_entry

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_declare_writes_the_incident_and_its_first_entry(store) -> None:
    incident = declare_incident(
        store, "Payments API 5xx", Severity.P1, author="ana", summary="14% errors", now=T0
    )
    assert incident.ref.startswith("INC-")
    loaded = get_incident(store, incident.ref)
    assert (loaded.title, loaded.severity, loaded.phase) == (
        "Payments API 5xx",
        Severity.P1,
        Phase.DETECT,
    )
    assert loaded.declared_at == T0 and loaded.detected_at == T0
    assert [e.kind for e in loaded.timeline] == ["declared"]
    assert loaded.timeline[0].author == "ana"


def test_times_round_trip_as_aware_utc(store) -> None:
    incident = declare_incident(store, "DNS", Severity.P2, author="ana", now=T0)
    plus_one = datetime(2026, 11, 27, 11, 2, tzinfo=UTC).astimezone()
    log_entry(
        store,
        incident.ref,
        "resolver flapping",
        author="bo",
        occurred_at=plus_one,
        now=T0 + timedelta(hours=2),
    )
    entry = get_incident(store, incident.ref).timeline[-1]
    assert entry.occurred_at == datetime(2026, 11, 27, 11, 2, tzinfo=UTC)
    assert entry.occurred_at.tzinfo is not None and entry.occurred_at.utcoffset() == timedelta(0)
    assert entry.recorded_at == T0 + timedelta(hours=2)


def test_backdated_entries_are_ordered_by_when_they_happened(store) -> None:
    incident = declare_incident(store, "Queue backlog", Severity.P2, author="ana", now=T0)
    log_entry(
        store,
        incident.ref,
        "second",
        author="bo",
        occurred_at=T0 + timedelta(minutes=10),
        now=T0 + timedelta(minutes=20),
    )
    log_entry(
        store,
        incident.ref,
        "first",
        author="bo",
        occurred_at=T0 + timedelta(minutes=5),
        now=T0 + timedelta(minutes=21),
    )
    texts = [e.text for e in get_incident(store, incident.ref).timeline]
    assert texts[1:] == ["first", "second"]


def test_text_is_stored_verbatim(store) -> None:
    incident = declare_incident(store, "Paste", Severity.P3, author="ana")
    weird = "<script>alert(1)</script> 🔥 مرحبا\n" + "x" * 100_000
    log_entry(store, incident.ref, weird, author="bo", kind=EntryKind.OBSERVATION)
    assert get_incident(store, incident.ref).timeline[-1].text == weird


def test_severity_change_is_logged_with_reason_and_history(store) -> None:
    incident = declare_incident(store, "Checkout", Severity.P2, author="ana", now=T0)
    later = T0 + timedelta(minutes=7)
    changed = change_severity(
        store, incident.ref, Severity.P0, author="ana", reason="data loss", now=later
    )
    assert changed.severity is Severity.P0 and changed.severity_since == later
    entry = get_incident(store, incident.ref).timeline[-1]
    assert entry.kind == "severity"
    assert "P2 → P0" in entry.text and "data loss" in entry.text
    assert entry.data == {"from": "P2", "to": "P0", "reason": "data loss"}


def test_phase_change_stamps_milestones_once(store) -> None:
    incident = declare_incident(store, "Login", Severity.P1, author="ana", now=T0)
    change_phase(store, incident.ref, Phase.MITIGATE, author="ana", now=T0 + timedelta(minutes=3))
    change_phase(store, incident.ref, Phase.TRIAGE, author="ana", now=T0 + timedelta(minutes=4))
    moved = change_phase(
        store, incident.ref, Phase.RESOLVE, author="ana", now=T0 + timedelta(minutes=9)
    )
    assert moved.acknowledged_at == T0 + timedelta(minutes=3)
    assert moved.mitigated_at == T0 + timedelta(minutes=3)
    assert moved.resolved_at == T0 + timedelta(minutes=9)
    texts = [e.text for e in get_incident(store, incident.ref).timeline if e.kind == "phase"]
    assert texts == [
        "Moved on from Detect to Mitigate",
        "Moved back from Mitigate to Triage",
        "Moved on from Triage to Resolve",
    ]


def test_moving_back_before_resolve_reopens_the_incident(store) -> None:
    incident = declare_incident(store, "Login", Severity.P1, author="ana", now=T0)
    at = [T0 + timedelta(minutes=m) for m in (5, 10, 20, 30, 40)]
    change_phase(store, incident.ref, Phase.MITIGATE, author="ana", now=at[0])
    change_phase(store, incident.ref, Phase.POSTMORTEM, author="ana", now=at[1])
    reopened = change_phase(store, incident.ref, Phase.MITIGATE, author="ana", now=at[2])
    assert (reopened.resolved_at, reopened.closed_at) == (None, None)
    assert reopened.mitigated_at == at[0]  # the first mitigation stands
    entry = get_incident(store, incident.ref).timeline[-1]
    assert entry.text == "Moved back from Postmortem to Mitigate (reopened: no longer resolved)"
    assert entry.data is not None and entry.data["cleared"] == {
        "resolved_at": iso(at[1]),
        "closed_at": iso(at[1]),
    }
    resolved = change_phase(store, incident.ref, Phase.RESOLVE, author="ana", now=at[3])
    assert resolved.resolved_at == at[3]  # MTTR counts from the resolution that held
    back = change_phase(store, incident.ref, Phase.POSTMORTEM, author="ana", now=at[4])
    moved = change_phase(store, incident.ref, Phase.RESOLVE, author="ana", now=at[4])
    assert (back.closed_at, moved.closed_at, moved.resolved_at) == (at[4], None, at[3])


def test_nul_is_refused_the_same_on_both_backends(store) -> None:
    # SQLite would store it and PostgreSQL fail with a driver error: both refuse plainly.
    with pytest.raises(InvalidInputError, match="NUL"):
        declare_incident(store, "Login\x00", Severity.P1, author="ana")
    incident = declare_incident(store, "Login", Severity.P1, author="ana")
    with pytest.raises(InvalidInputError, match="NUL"):
        log_entry(store, incident.ref, "paged\x00on-call", author="ana")
    with pytest.raises(InvalidInputError, match="NUL"):
        change_severity(store, incident.ref, Severity.P0, author="ana", reason="a\x00b")
    entry = log_entry(store, incident.ref, "paged on-call", author="ana")
    with pytest.raises(InvalidInputError, match="NUL"):
        edit_entry(store, entry.id, "ana", text="paged\x00")
    assert [e.text for e in get_incident(store, incident.ref).timeline][-1] == "paged on-call"
    assert list_incidents(store)[0].severity == Severity.P1


def test_text_over_the_entry_limit_is_refused_whole_on_both_backends(store) -> None:
    incident = declare_incident(store, "Login", Severity.P1, author="ana")
    too_long = "x" * (ENTRY_TEXT_MAX + 1)
    with pytest.raises(InvalidInputError, match="1,000,001 characters; one entry holds at most"):
        log_entry(store, incident.ref, too_long, author="ana")
    longest = log_entry(store, incident.ref, "y" * ENTRY_TEXT_MAX, author="ana")
    assert len(longest.text) == ENTRY_TEXT_MAX  # stored whole, never cut
    with pytest.raises(InvalidInputError, match="1,000,001 characters"):
        edit_entry(store, longest.id, "ana", text=too_long)
    assert get_incident(store, incident.ref).timeline[-1].text == "y" * ENTRY_TEXT_MAX
    assert len(get_incident(store, incident.ref).timeline) == 2


def test_failed_change_writes_nothing(store) -> None:
    incident = declare_incident(store, "Cache", Severity.P3, author="ana")
    with pytest.raises(InvalidInputError, match="already P3"):
        change_severity(store, incident.ref, Severity.P3, author="ana")
    assert len(get_incident(store, incident.ref).timeline) == 1


def test_unknown_incident_and_bad_input_are_explained(store) -> None:
    with pytest.raises(NotFoundError, match="INC-404"):
        log_entry(store, "inc-404", "hello", author="ana")
    with pytest.raises(InvalidInputError, match="not an incident reference"):
        get_incident(store, "PAY-1")
    with pytest.raises(InvalidInputError, match="title"):
        declare_incident(store, "   ", Severity.P1, author="ana")
    assert list_incidents(store) == []


@pytest.mark.parametrize(
    "ref",
    [
        "INC-2147483648",  # one past PostgreSQL's INTEGER: "integer out of range" there
        "INC-99999999999999999999",  # past SQLite's: an OverflowError binding it
        "inc-" + "9" * 5000,  # past int()'s digit limit
    ],
)
def test_a_number_no_incident_can_have_is_not_found(store, ref: str) -> None:
    declare_incident(store, "Existing", Severity.P3, author="ana")
    expected = f"^no incident {ref.upper()}$"
    with pytest.raises(NotFoundError, match=expected):
        get_incident(store, ref)
    with pytest.raises(NotFoundError, match=expected):
        log_entry(store, ref, "hello", author="ana")
    with pytest.raises(NotFoundError, match=expected):
        change_severity(store, ref, Severity.P1, author="ana")


def test_list_is_newest_first(store) -> None:
    refs = [
        declare_incident(store, f"Incident {n}", Severity.P3, author="ana").ref for n in range(3)
    ]
    assert [i.ref for i in list_incidents(store)] == list(reversed(refs))
