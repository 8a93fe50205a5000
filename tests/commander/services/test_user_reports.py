"""Logging user reports: one entry with its fact, the Detect item checked in the same write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Phase
from commander.domain.auto_checks import RULES, Happening
from commander.domain.changes import Aspect
from commander.domain.entry_facts import UserReported
from commander.domain.user_reports import UserReport
from commander.errors import InvalidInputError, NotFoundError
from commander.services.checklist import checklist, mark_not_applicable, uncheck_item
from commander.services.incidents import change_phase, get_incident
from commander.services.timeline import delete_entry, edit_entry, read_timeline, search_entries
from commander.services.timeline_pages import read_timeline_page
from commander.services.user_reports import log_user_report, user_reports
from commander.store.announce import collecting
from commander.views.changes import changes_of_entries
from commander.views.timeline import TimelineFilter

CHECKLIST_ITEM = RULES[Happening.USER_REPORT_LOGGED].item

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def report(store, ref: str, text: str = "checkout fails with 500", **fields: object):
    fields = {"reporter": "Ana Lima", "author": "bo", "now": T0, **fields}
    return log_user_report(store, ref, text, **fields)


def item(store, ref: str):
    [found] = [i for i in checklist(store, ref).of_phase(Phase.DETECT) if i.text == CHECKLIST_ITEM]
    return found


def checklist_entries(store, ref: str) -> list[str]:
    return [e.text for e in read_timeline(store, ref) if e.kind == EntryKind.CHECKLIST]


def test_a_report_is_an_entry_with_its_fact_and_checks_the_detect_item(store, incident) -> None:
    logged = report(store, incident, channel="support ticket", contact="ana@example.com")
    entry = logged.entry
    assert entry.kind is EntryKind.USER_REPORT and entry.author == "bo"
    assert entry.text == "Reported by Ana Lima via support ticket: checkout fails with 500"
    assert entry.fact == UserReported("Ana Lima", "support ticket", "ana@example.com")
    assert "ana@example.com" not in entry.text  # personal data stays in the fact
    assert entry.occurred_at == entry.recorded_at == T0
    assert logged.checked_item is not None and logged.checked_item.checked_by == "app"
    assert item(store, incident).checked_at == T0
    assert checklist_entries(store, incident) == [
        f"Checked “{CHECKLIST_ITEM}” (Detect), auto: user report logged"
    ]


def test_a_second_report_does_not_check_the_item_again(store, incident) -> None:
    report(store, incident)
    second = report(store, incident, "still failing", reporter="Bo", now=T0 + timedelta(minutes=3))
    assert second.checked_item is None
    assert item(store, incident).checked_at == T0  # the first check stands
    assert len(checklist_entries(store, incident)) == 1


def test_an_item_set_aside_or_unchecked_by_hand_is_respected(store, incident) -> None:
    mark_not_applicable(store, incident, CHECKLIST_ITEM, "no customers yet", author="ana")
    assert report(store, incident).checked_item is None
    assert item(store, incident).not_applicable
    assert item(store, incident).checked_at is None


def test_an_unchecked_item_is_checked_by_the_next_report(store, incident) -> None:
    report(store, incident)
    uncheck_item(store, incident, CHECKLIST_ITEM, author="ana")
    again = report(store, incident, "and again", now=T0 + timedelta(minutes=1))
    assert again.checked_item is not None
    assert item(store, incident).checked


def test_a_report_after_detect_still_checks_the_detect_item(store, incident) -> None:
    change_phase(store, incident, Phase.MITIGATE, "ana")
    assert report(store, incident).checked_item is not None


def test_a_backdated_report_keeps_when_it_was_made(store, incident) -> None:
    made = T0 - timedelta(minutes=20)
    logged = report(store, incident, occurred_at=made)
    assert (logged.entry.occurred_at, logged.entry.recorded_at) == (made, T0)
    assert item(store, incident).checked_at == T0  # checked when it was collected


@pytest.mark.parametrize(
    ("fields", "hint"),
    [
        ({"reporter": ""}, "needs its reporter"),
        ({"reporter": "   "}, "needs its reporter"),
        ({"reporter": "x" * 201}, "reporter is longer"),
        ({"contact": "x" * 321}, "contact is longer"),
        ({"channel": "chat\x00"}, "NUL"),
        ({"text": "  "}, "needs its text"),
        ({"text": "down\x00"}, "NUL"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    store, incident, fields: dict[str, str], hint: str
) -> None:
    before = get_incident(store, incident).timeline
    given = dict(fields)  # the parameters are shared by both backends' runs
    text = given.pop("text", "checkout fails")
    with pytest.raises(InvalidInputError, match=hint):
        report(store, incident, text, **given)
    assert get_incident(store, incident).timeline == before
    assert not item(store, incident).checked


def test_an_unknown_incident_is_named(store) -> None:
    with pytest.raises(NotFoundError, match="no incident INC-404"):
        report(store, "INC-404")


def test_reports_are_listed_with_contacts_in_time_order_without_deleted_ones(
    store, incident
) -> None:
    late = report(store, incident, "late", reporter="Cy", now=T0 + timedelta(minutes=5))
    report(store, incident, "two\nlines", channel="chat", contact="+49 30 1234")
    gone = report(store, incident, "mistake", reporter="Zed", now=T0 + timedelta(minutes=6))
    delete_entry(store, gone.entry.id, "bo")
    records = user_reports(store, incident)
    assert [r.report for r in records] == [
        UserReport("Ana Lima", "two\nlines", "chat", "+49 30 1234"),
        UserReport("Cy", "late"),
    ]
    assert records[1].entry_id == late.entry.id and records[1].logged_by == "bo"


def test_a_report_is_a_record_it_can_be_deleted_and_pinned_not_reworded(store, incident) -> None:
    entry = report(store, incident).entry
    with pytest.raises(InvalidInputError, match="cannot be edited"):
        edit_entry(store, entry.id, "bo", text="something else")
    assert edit_entry(store, entry.id, "bo", pinned=True).pinned


def test_reports_are_found_by_search_and_by_the_kind_filter(store, incident) -> None:
    report(store, incident, "checkout fails", channel="phone", contact="ana@example.com")
    found = search_entries(store, incident, "lima checkout")
    assert [e.kind for e in found] == [EntryKind.USER_REPORT]
    assert search_entries(store, incident, "example.com") == []  # the contact is not text
    incident_id = get_incident(store, incident).id
    kinds = TimelineFilter(kinds=frozenset({"user-report"}))
    page = read_timeline_page(store, incident_id, timeline_filter=kinds)
    assert [e.kind for e in page.entries] == [EntryKind.USER_REPORT]


def test_the_write_announces_the_timeline_and_the_checklist_it_ticked(store, incident) -> None:
    with collecting() as written:
        report(store, incident)
    (first,) = changes_of_entries(written)
    assert first.aspects == {Aspect.ENTRIES, Aspect.CHECKLIST}
    assert [e.kind for e in first.entries] == ["user-report", "checklist"]
    with collecting() as written:
        report(store, incident, "again")
    (second,) = changes_of_entries(written)
    assert second.aspects == {Aspect.ENTRIES}  # nothing left to tick


def test_reports_logged_at_once_from_two_seats_check_the_item_once(store, incident) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    item(store, incident)  # the checklist filled from its template beforehand
    start = Barrier(4)

    def seat(number: int):
        start.wait()
        return report(store, incident, f"report {number}", reporter=f"user {number}")

    with ThreadPoolExecutor(4) as pool:
        logged = list(pool.map(seat, range(4)))
    assert sum(done.checked_item is not None for done in logged) == 1
    assert len(checklist_entries(store, incident)) == 1
    assert len(user_reports(store, incident)) == 4
