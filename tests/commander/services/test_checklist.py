"""Per-incident checklists: filled from the template, checked, added to, set aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import Phase, Severity
from commander.errors import InvalidInputError, NotFoundError
from commander.services.checklist import (
    add_item,
    check_item,
    checklist,
    mark_applicable,
    mark_not_applicable,
    phase_warnings,
    uncheck_item,
)
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.timeline import read_timeline

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # in the past: entries logged "now" sort after it


def declare(store, severity: Severity = Severity.P2) -> str:
    return declare_incident(store, "Checkout down", severity, author="ana", now=T0).ref


def test_first_look_fills_every_phase_from_the_template(store) -> None:
    ref = declare(store)
    view = checklist(store, ref)
    assert view.phase is Phase.DETECT
    assert {item.phase for item in view.items} == set(Phase)
    assert [i.text for i in view.of_phase(Phase.TRIAGE)][1] == "Page the on-call engineer"
    assert all(item.open and item.origin == "template" for item in view.items)
    assert checklist(store, ref).items == view.items  # filling again adds nothing


def test_raising_severity_to_p0_adds_its_extra_items_once(store) -> None:
    ref = declare(store)
    before = len(checklist(store, ref).of_phase(Phase.TRIAGE))
    change_severity(store, ref, Severity.P0, author="ana")
    after = checklist(store, ref).of_phase(Phase.TRIAGE)
    assert len(after) > before
    assert any("bridge call" in item.text for item in after)
    assert len(checklist(store, ref).of_phase(Phase.TRIAGE)) == len(after)


def test_the_checklist_does_not_depend_on_whether_someone_looked_at_it_in_time(store) -> None:
    # Items were filled on first look at the severity of that moment: a P0 lowered
    # to P3 kept its P0 items if a seat happened to show the checklist in between,
    # and never had them otherwise. Every level the incident reached now counts.
    looked, unseen = declare(store, Severity.P0), declare(store, Severity.P0)
    checklist(store, looked)
    for ref in (looked, unseen):
        change_severity(store, ref, Severity.P3, author="ana")
    texts = [[item.text for item in checklist(store, ref).items] for ref in (looked, unseen)]
    assert texts[0] == texts[1]
    assert any("bridge call" in text for text in texts[1])


def test_an_incident_that_passed_through_p0_keeps_the_p0_extras(store) -> None:
    # P2 -> P0 -> P3 with nobody looking in between: neither the declaration's
    # severity nor the current one is P0, only the severity log says it was.
    ref = declare(store, Severity.P2)
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + timedelta(minutes=5))
    change_severity(store, ref, Severity.P3, author="ana", now=T0 + timedelta(minutes=9))
    assert any("bridge call" in item.text for item in checklist(store, ref).items)


def test_check_records_who_and_when_and_logs_it(store) -> None:
    ref = declare(store)
    item = check_item(store, ref, "user reports", author="bo", now=T0 + timedelta(minutes=3))
    assert (item.checked_by, item.checked_at) == ("bo", T0 + timedelta(minutes=3))
    entry = read_timeline(store, ref)[-1]
    assert (entry.kind, entry.author) == ("checklist", "bo")
    assert entry.text == "Checked “User reports collected” (Detect)"
    assert (
        entry.data is not None and entry.data["action"] == "check" and entry.data["item"] == item.id
    )


def test_uncheck_clears_the_check_and_logs_it(store) -> None:
    ref = declare(store)
    item = check_item(store, ref, "user reports", author="bo")
    item = uncheck_item(store, ref, item.id, author="cy")
    assert item.checked_at is None and item.checked_by is None
    assert read_timeline(store, ref)[-1].text.startswith("Unchecked")


def test_checking_twice_is_refused_and_writes_nothing(store) -> None:
    ref = declare(store)
    check_item(store, ref, "user reports", author="bo")
    count = len(read_timeline(store, ref))
    with pytest.raises(InvalidInputError, match="already checked"):
        check_item(store, ref, "user reports", author="bo")
    assert len(read_timeline(store, ref)) == count


def test_added_item_belongs_to_this_incident_only(store) -> None:
    ref, other = declare(store), declare(store)
    item = add_item(store, ref, "  Ask the  CDN vendor ", author="ana", phase=Phase.MITIGATE)
    assert (item.text, item.phase, item.origin) == ("Ask the CDN vendor", Phase.MITIGATE, "added")
    assert checklist(store, ref).of_phase(Phase.MITIGATE)[-1].id == item.id
    assert "Ask the CDN vendor" not in [i.text for i in checklist(store, other).items]
    assert (
        read_timeline(store, ref)[-1].text == "Added checklist item “Ask the CDN vendor” (Mitigate)"
    )


def test_added_item_defaults_to_the_current_phase(store) -> None:
    ref = declare(store)
    change_phase(store, ref, Phase.TRIAGE, author="ana")
    assert add_item(store, ref, "Call legal", author="ana").phase is Phase.TRIAGE


def test_not_applicable_needs_a_reason_and_can_be_undone(store) -> None:
    ref = declare(store)
    with pytest.raises(InvalidInputError, match="say why"):
        mark_not_applicable(store, ref, "automated", " ", author="ana")
    item = mark_not_applicable(store, ref, "automated", "no checks for this service", author="ana")
    assert item.not_applicable and not item.open
    assert item.not_applicable_reason == "no checks for this service"
    assert read_timeline(store, ref)[-1].data["reason"] == "no checks for this service"
    with pytest.raises(InvalidInputError, match="not applicable"):
        check_item(store, ref, item.id, author="ana")
    assert mark_applicable(store, ref, item.id, author="ana").open


def test_item_names_must_be_unambiguous_and_belong_to_the_incident(store) -> None:
    ref, other = declare(store), declare(store)
    with pytest.raises(InvalidInputError, match="matches 2 items"):
        check_item(store, ref, "monitor", author="ana")  # "Monitoring alerts", "Monitor metrics"
    foreign = checklist(store, other).items[0].id
    with pytest.raises(NotFoundError, match="no checklist item"):
        check_item(store, ref, foreign, author="ana")
    with pytest.raises(NotFoundError):
        check_item(store, ref, "gong", author="ana")


@pytest.mark.parametrize("number", ["99999999999999999999", "2147483648", "0", "²"])
def test_an_item_number_out_of_range_is_not_found_and_changes_nothing(store, number) -> None:
    # Typed at the CLI: SQLite overflowed, PostgreSQL said "integer out of range",
    # and "²" (a digit to str.isdigit, not to int) crashed on both.
    ref = declare(store)
    before = checklist(store, ref)
    with pytest.raises(NotFoundError, match="has no checklist item"):
        check_item(store, ref, number, author="ana")
    assert checklist(store, ref).items == before.items


def test_a_p0_reached_after_the_declaration_keeps_its_extras_when_lowered(store) -> None:
    # Declared P2, raised to P0, lowered to P3 before anyone looked: the P0 extras
    # are there, so every level reached counts, not only the declared one.
    ref = declare(store, Severity.P2)
    change_severity(store, ref, Severity.P0, author="ana")
    change_severity(store, ref, Severity.P3, author="ana")
    never_p0 = declare(store, Severity.P2)
    change_severity(store, never_p0, Severity.P3, author="ana")
    reached = [item.text for item in checklist(store, ref).items]
    assert any("bridge call" in text for text in reached)
    assert not any("bridge call" in item.text for item in checklist(store, never_p0).items)


def test_phase_warnings_list_open_items_but_moving_on_still_works(store) -> None:
    ref = declare(store)
    check_item(store, ref, "user reports", author="ana")
    mark_not_applicable(store, ref, "automated", "none exist", author="ana")
    warnings = phase_warnings(store, ref)
    assert [item.text for item in warnings] == ["Monitoring alerts reviewed"]
    change_phase(store, ref, Phase.TRIAGE, author="ana")  # never blocked
    assert len(phase_warnings(store, ref)) == 3
    assert [i.text for i in phase_warnings(store, ref, Phase.DETECT)] == [
        "Monitoring alerts reviewed"
    ]


def test_open_items_of_earlier_phases_are_carried_over_by_phase(store) -> None:
    ref = declare(store)
    check_item(store, ref, "user reports", author="ana")
    mark_not_applicable(store, ref, "automated", "none exist", author="ana")
    assert checklist(store, ref).carried_over() == {}  # nothing before Detect
    change_phase(store, ref, Phase.TRIAGE, author="ana")
    check_item(store, ref, "assess severity", author="ana")
    check_item(store, ref, "page the on-call", author="ana")
    check_item(store, ref, "incident channel", author="ana")
    change_phase(store, ref, Phase.RESOLVE, author="ana")
    view = checklist(store, ref)
    carried = view.carried_over()
    # Triage was done; Mitigate was skipped with everything open; Resolve's own stay out.
    assert list(carried) == [Phase.DETECT, Phase.MITIGATE]
    assert [i.text for i in carried[Phase.DETECT]] == ["Monitoring alerts reviewed"]
    assert len(carried[Phase.MITIGATE]) == len(view.of_phase(Phase.MITIGATE))
    assert list(view.carried_over(Phase.TRIAGE)) == [Phase.DETECT]


def test_two_seats_filling_one_checklist_at_once_get_one_copy(store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ref = declare(store, Severity.P0)
    with ThreadPoolExecutor(4) as pool:
        views = list(pool.map(lambda _n: checklist(store, ref), range(4)))
    ids = {item.id for item in views[0].items}
    assert all({item.id for item in view.items} == ids for view in views)
    texts = [(item.phase, item.text) for item in views[0].items]
    assert len(texts) == len(set(texts))
