"""Severity history, time per phase, milestone corrections, rollbacks and hotfixes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import Phase, Severity
from commander.domain.deploys import DeployKind, parse_change
from commander.domain.timing import time_per_phase
from commander.domain.when import utc_now
from commander.errors import InvalidInputError
from commander.services.deploys import record_deploy, rollbacks_and_hotfixes
from commander.services.incidents import (
    change_phase,
    change_severity,
    declare_incident,
    get_incident,
)
from commander.services.milestones import edit_milestone, milestone_history
from commander.services.phase_times import phase_times
from commander.services.severity_history import severity_history

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # in the past: entries logged "now" sort after it
M = timedelta(minutes=1)


def declare(store) -> str:
    return declare_incident(store, "Checkout down", Severity.P2, author="ana", now=T0).ref


def test_severity_history_keeps_each_level_with_who_and_why(store) -> None:
    ref = declare(store)
    change_severity(store, ref, Severity.P0, author="bo", reason="data loss", now=T0 + 10 * M)
    change_severity(store, ref, Severity.P1, author="ana", now=T0 + 40 * M)
    history = severity_history(store, ref)
    assert [(p.severity, p.since, p.until, p.by) for p in history] == [
        (Severity.P2, T0, T0 + 10 * M, "ana"),
        (Severity.P0, T0 + 10 * M, T0 + 40 * M, "bo"),
        (Severity.P1, T0 + 40 * M, None, "ana"),
    ]
    assert history[1].reason == "data loss"
    assert history[-1].duration(T0 + 45 * M) == 5 * M


def test_severity_spans_start_from_the_first_change_when_the_declaration_has_no_data() -> None:
    from commander.domain.entry_facts import SeverityChanged
    from commander.domain.timing import peak_severity, severity_spans

    marks = [
        (T0 + 30 * M, "bo", SeverityChanged(Severity.P0, Severity.P3)),
        (T0 + 10 * M, "ana", SeverityChanged(Severity.P2, Severity.P0, "wider")),
        (T0, "ana", None),  # a declaration written before it carried the severity
    ]
    spans = severity_spans(T0, Severity.P3, marks)
    assert [(s.severity, s.since, s.until, s.by, s.reason) for s in spans] == [
        (Severity.P2, T0, T0 + 10 * M, "", ""),
        (Severity.P0, T0 + 10 * M, T0 + 30 * M, "ana", "wider"),
        (Severity.P3, T0 + 30 * M, None, "bo", ""),
    ]
    assert peak_severity(spans, Severity.P3) is Severity.P0
    assert [s.severity for s in severity_spans(T0, Severity.P1, [])] == [Severity.P1]


def test_phase_times_add_up_visits(store) -> None:
    ref = declare(store)
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=T0 + 5 * M)
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=T0 + 15 * M)
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=T0 + 20 * M)
    times = phase_times(store, ref, now=T0 + 22 * M)
    assert times[Phase.DETECT] == 5 * M
    assert times[Phase.TRIAGE] == 12 * M
    assert times[Phase.MITIGATE] == 5 * M
    assert times[Phase.RESOLVE] == timedelta(0)


def test_phase_times_agree_with_the_current_phase_when_the_log_lacks_the_move(store) -> None:
    # A store written before phase entries carried data (or an imported one):
    # the bar highlighted Mitigate while every minute was counted under Detect.
    from sqlalchemy import update

    from commander.store.orm import TimelineEntry

    ref = declare(store)
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=T0 + 10 * M)
    with store.write() as session:
        session.execute(
            update(TimelineEntry).where(TimelineEntry.kind == "phase").values(data=None)
        )
    times = phase_times(store, ref, now=T0 + 30 * M)
    assert times[Phase.DETECT] == 10 * M
    assert times[Phase.MITIGATE] == 20 * M


def test_time_per_phase_ignores_order_of_moves() -> None:
    moves = [(T0 + 9 * M, Phase.MITIGATE), (T0 + 3 * M, Phase.TRIAGE)]
    totals = time_per_phase(T0, moves, T0 + 10 * M)
    assert (totals[Phase.DETECT], totals[Phase.TRIAGE], totals[Phase.MITIGATE]) == (3 * M, 6 * M, M)


def test_editing_the_mitigated_time_keeps_the_old_value_logged(store) -> None:
    ref = declare(store)
    change_phase(store, ref, Phase.MITIGATE, author="ana", now=T0 + 30 * M)
    entry = edit_milestone(
        store, ref, "mitigated", T0 + 25 * M, author="bo", reason="rollback landed earlier"
    )
    assert get_incident(store, ref).mitigated_at == T0 + 25 * M
    assert entry.kind == "milestone"
    assert entry.text == (
        "Mitigated time changed from 2026-11-26 10:30:00Z to 2026-11-26 10:25:00Z: rollback landed earlier"
    )
    edit_milestone(store, ref, "resolved_at", T0 + 50 * M, author="bo")
    history = milestone_history(store, ref)
    assert [e.data["field"] for e in history] == ["mitigated_at", "resolved_at"]
    assert history[1].data["from"] is None


def test_milestone_edits_refuse_nonsense(store) -> None:
    ref = declare(store)
    with pytest.raises(InvalidInputError, match="unknown milestone"):
        edit_milestone(store, ref, "fixed", T0, author="bo")
    with pytest.raises(InvalidInputError, match="future"):
        edit_milestone(store, ref, "resolved", utc_now() + timedelta(hours=1), author="bo")


def test_rollbacks_and_hotfixes_are_listed_with_what_from_to_and_who(store) -> None:
    ref = declare(store)
    record_deploy(
        store,
        ref,
        parse_change(DeployKind.ROLLBACK, "payments v1.4.3 -> v1.4.2 5xx"),
        author="bo",
        now=T0 + 5 * M,
    )
    record_deploy(
        store,
        ref,
        parse_change(DeployKind.HOTFIX, "v1.4.4 null check"),
        author="cy",
        now=T0 + 30 * M,
    )
    records = rollbacks_and_hotfixes(store, ref)
    assert [
        (r.change.kind, r.change.what, r.change.from_version, r.change.to_version, r.by)
        for r in records
    ] == [
        (DeployKind.ROLLBACK, "payments", "v1.4.3", "v1.4.2", "bo"),
        (DeployKind.HOTFIX, "", "", "v1.4.4", "cy"),
    ]
    timeline = [e for e in get_incident(store, ref).timeline if e.kind != "checklist"]
    assert timeline[-2].text == "Rolled back payments from v1.4.3 to v1.4.2: 5xx"
    assert timeline[-1].text == "Hotfix v1.4.4 deployed: null check"


@pytest.mark.parametrize(
    ("text", "what", "from_", "to", "note"),
    [
        ("v1.4.3 -> v1.4.2 reason here", "", "v1.4.3", "v1.4.2", "reason here"),
        ("v1.4.3->v1.4.2", "", "v1.4.3", "v1.4.2", ""),
        ("api gateway v2 → v1", "api gateway", "v2", "v1", ""),
        ("to v1.4.2 error rate doubled", "", "", "v1.4.2", "error rate doubled"),
        ("-> v9", "", "", "v9", ""),
    ],
)
def test_deploy_grammar(text: str, what: str, from_: str, to: str, note: str) -> None:
    change = parse_change(DeployKind.ROLLBACK, text)
    assert (change.what, change.from_version, change.to_version, change.note) == (
        what,
        from_,
        to,
        note,
    )


@pytest.mark.parametrize("text", ["", "to", "v1 ->"])
def test_deploy_grammar_explains_a_missing_version(text: str) -> None:
    with pytest.raises(InvalidInputError, match="version"):
        parse_change(DeployKind.HOTFIX, text)


def test_a_mistaken_rollback_can_be_deleted_and_leaves_the_list(store) -> None:
    from commander.services.timeline import delete_entry, edit_entry

    ref = declare(store)
    entry = record_deploy(store, ref, parse_change(DeployKind.ROLLBACK, "to v1"), author="bo")
    with pytest.raises(InvalidInputError, match="cannot be edited"):
        edit_entry(store, entry.id, "bo", text="Rolled back to v2")
    delete_entry(store, entry.id, "bo")
    assert rollbacks_and_hotfixes(store, ref) == []
