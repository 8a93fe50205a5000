"""Reading a timeline page by page, filtered, with counts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Severity
from commander.services.incidents import declare_incident
from commander.services.timeline import delete_entry, edit_entry, log_entry
from commander.services.timeline_pages import (
    TimelineFilter,
    matching_entry_ids,
    read_timeline_page,
    timeline_authors,
    timeline_counts,
)

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def paged_incident(store) -> int:
    """Declared at T0 (one 'declared' entry), then 9 entries a minute apart;
    entries 3, 6 and 9 are actions by bo, 5 is pinned, and two share a minute."""
    declared = declare_incident(store, "Paging", Severity.P2, author="ana", now=T0)
    for n in range(1, 10):
        at = T0 + timedelta(minutes=n if n != 8 else 7)  # 7 and 8 happened at once
        kind = EntryKind.ACTION if n % 3 == 0 else EntryKind.NOTE
        author = "bo" if n % 3 == 0 else "ana"
        log_entry(
            store, "INC-1", f"step {n} disk", author, kind=kind, occurred_at=at, pinned=n == 5
        )
    return declared.id


def texts(page) -> list[str]:
    return [entry.text for entry in page.entries]


def test_the_newest_page_comes_oldest_first_with_counts(store, paged_incident: int) -> None:
    page = read_timeline_page(store, paged_incident, limit=3)
    assert texts(page) == ["step 7 disk", "step 8 disk", "step 9 disk"]
    assert page.has_older
    assert (page.counts.total, page.counts.shown) == (10, 10)
    assert page.latest_version == max(entry.version for entry in page.entries)


def test_older_pages_follow_without_gaps_or_repeats(store, paged_incident: int) -> None:
    seen: list[str] = []
    page = read_timeline_page(store, "INC-1", limit=4)
    seen[:0] = texts(page)
    while page.has_older:
        first = page.entries[0]
        page = read_timeline_page(
            store, paged_incident, before=(first.occurred_at, first.id), limit=4
        )
        seen[:0] = texts(page)
    assert seen[1:] == [f"step {n} disk" for n in range(1, 10)]
    assert len(seen) == 10


def test_a_filter_narrows_the_page_and_the_shown_count(store, paged_incident: int) -> None:
    actions = TimelineFilter(kinds=frozenset({"action"}), author="bo")
    page = read_timeline_page(store, paged_incident, timeline_filter=actions)
    assert texts(page) == ["step 3 disk", "step 6 disk", "step 9 disk"]
    assert (page.counts.total, page.counts.shown) == (10, 3)
    pinned = read_timeline_page(
        store, paged_incident, timeline_filter=TimelineFilter(pinned_only=True)
    )
    assert texts(pinned) == ["step 5 disk"] and not pinned.has_older


def test_search_words_filter_the_page_like_search(store, paged_incident: int) -> None:
    page = read_timeline_page(store, paged_incident, timeline_filter=TimelineFilter(query="step 4"))
    assert texts(page) == ["step 4 disk"]
    prefix = read_timeline_page(store, paged_incident, timeline_filter=TimelineFilter(query="DIS"))
    assert prefix.counts.shown == 9
    assert not TimelineFilter(query=" ** ").active


def test_deleted_entries_stay_in_pages_to_be_struck_out(store, paged_incident: int) -> None:
    newest = read_timeline_page(store, paged_incident, limit=1).entries[0]
    delete_entry(store, newest.id, "ana")
    page = read_timeline_page(store, paged_incident, limit=1)
    assert page.entries[0].id == newest.id and page.entries[0].deleted_at is not None
    assert timeline_counts(store, paged_incident).total == 10


def test_live_changes_are_matched_against_the_filter(store, paged_incident: int) -> None:
    page = read_timeline_page(store, paged_incident)
    by_text = {entry.text: entry.id for entry in page.entries}
    edit_entry(store, by_text["step 4 disk"], "ana", text="step 4 database")
    ids = [by_text["step 4 disk"], by_text["step 5 disk"]]
    matching, counts = matching_entry_ids(store, paged_incident, TimelineFilter(query="disk"), ids)
    assert matching == {by_text["step 5 disk"]}
    assert (counts.total, counts.shown) == (10, 8)


def test_authors_of_an_incident(store, paged_incident: int) -> None:
    assert timeline_authors(store, paged_incident) == ("ana", "bo")
