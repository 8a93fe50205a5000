"""What a parsed quick-entry line writes, and the warning a phase move hands back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.quick_entry import parse_quick_entry
from commander.errors import InvalidInputError
from commander.services.checklist import check_item, checklist, mark_not_applicable
from commander.services.incidents import declare_incident, get_incident
from commander.services.phase_moves import leaving_warning, move_to_phase
from commander.services.quick_entry import carry_out
from commander.views.incidents import EntryView, IncidentDetail

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def declare(store) -> str:
    return declare_incident(store, "Checkout down", Severity.P2, author="ana", now=T0).ref


def kinds(store, ref: str) -> list[str]:
    return [entry.kind for entry in get_incident(store, ref).timeline]


def test_a_log_line_becomes_an_entry(store) -> None:
    ref = declare(store)
    done = carry_out(store, ref, parse_quick_entry("/decision /pin roll back"), "bo")
    assert isinstance(done.result, EntryView) and done.warning is None
    assert (done.result.kind, done.result.text, done.result.pinned) == (
        "decision",
        "roll back",
        True,
    )
    assert done.result.author == "bo"


def test_a_backdated_log_line_keeps_its_time(store) -> None:
    ref = declare(store)
    done = carry_out(store, ref, parse_quick_entry("-5m paged on-call"), "bo")
    assert isinstance(done.result, EntryView)
    assert done.result.recorded_at - done.result.occurred_at >= timedelta(minutes=4, seconds=59)


def test_a_deploy_line_becomes_a_record(store) -> None:
    ref = declare(store)
    done = carry_out(store, ref, parse_quick_entry("/rollback api v2 -> v1 5xx"), "bo")
    assert isinstance(done.result, EntryView)
    assert done.result.kind == EntryKind.ROLLBACK
    assert done.result.data is not None and done.result.data["to"] == "v1"


def test_a_report_line_logs_a_user_report_and_checks_the_detect_item(store) -> None:
    ref = declare(store)
    line = "-5m /report Ana channel=chat contact=ana@example.com: checkout fails"
    done = carry_out(store, ref, parse_quick_entry(line), "bo")
    assert isinstance(done.result, EntryView) and done.warning is None
    entry = done.result
    assert (entry.kind, entry.text, entry.author) == (
        EntryKind.USER_REPORT,
        "Reported by Ana via chat: checkout fails",
        "bo",
    )
    assert entry.data == {"reporter": "Ana", "channel": "chat", "contact": "ana@example.com"}
    assert entry.recorded_at - entry.occurred_at >= timedelta(minutes=4, seconds=59)
    [item] = [i for i in checklist(store, ref).items if i.text == "User reports collected"]
    assert (item.checked_by, item.auto_reason) == ("app", "user report logged")


def test_a_severity_line_changes_the_severity(store) -> None:
    ref = declare(store)
    done = carry_out(store, ref, parse_quick_entry("/sev P1 card payments fail"), "bo")
    assert isinstance(done.result, IncidentDetail) and done.warning is None
    assert get_incident(store, ref).severity is Severity.P1


@pytest.mark.parametrize("line", ["-5m /sev P1 why", "10:05 /phase triage", "-1h /severity P0"])
def test_a_time_prefix_cannot_backdate_a_severity_or_phase_change(store, line: str) -> None:
    ref = declare(store)
    parsed = parse_quick_entry(line, now=T0 + timedelta(hours=2), zone=UTC)
    before = kinds(store, ref)
    with pytest.raises(InvalidInputError, match="cannot backdate /sev or /phase"):
        carry_out(store, ref, parsed, "bo")
    incident = get_incident(store, ref)
    assert (incident.severity, incident.phase) == (Severity.P2, Phase.DETECT)
    assert kinds(store, ref) == before  # nothing written


def test_a_phase_line_moves_and_warns_about_the_open_items_it_leaves(store) -> None:
    # Typed in the bar, /phase used to move without the warning the phase bar gives.
    ref = declare(store)
    check_item(store, ref, "user reports", author="ana")
    done = carry_out(store, ref, parse_quick_entry("/phase triage"), "bo")
    assert isinstance(done.result, IncidentDetail) and done.result.phase is Phase.TRIAGE
    assert done.warning is not None and done.warning.phase is Phase.DETECT
    assert [item.text for item in done.warning.items] == [
        "Monitoring alerts reviewed",
        "Automated checks run",
    ]
    assert done.warning.message == (
        "leaving Detect with 2 open checklist item(s): "
        "Monitoring alerts reviewed; Automated checks run"
    )


def test_leaving_a_phase_with_nothing_open_gives_no_warning(store) -> None:
    ref = declare(store)
    for item in checklist(store, ref).open_items(Phase.DETECT):
        mark_not_applicable(store, ref, item.id, "not here", author="ana")
    assert leaving_warning(store, ref) is None
    move = move_to_phase(store, ref, Phase.TRIAGE, author="bo")
    assert move.warning is None and move.incident.phase is Phase.TRIAGE


def test_the_warning_names_the_phase_left_whichever_way_the_move_goes(store) -> None:
    ref = declare(store)
    move_to_phase(store, ref, Phase.MITIGATE, author="bo")
    back = move_to_phase(store, ref, Phase.TRIAGE, author="bo")
    assert back.warning is not None and back.warning.phase is Phase.MITIGATE
    assert back.incident.phase is Phase.TRIAGE
    assert leaving_warning(store, ref) == move_to_phase(store, ref, Phase.RESOLVE, "bo").warning
