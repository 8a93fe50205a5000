"""The window's entry journal: what was typed while the server was away, kept in order."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commander.domain import EntryKind
from commander.errors import StoreError
from commander.store.journal import EntryJournal

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _put(journal: EntryJournal, text: str, typed: float, store: str = "pg://a/db") -> int:
    at = T0 + timedelta(seconds=typed)
    return journal.put(
        store,
        incident_id=1,
        incident_ref="INC-1",
        text=text,
        kind=EntryKind.ACTION,
        pinned=True,
        author="ana",
        occurred_at=at,
        typed_at=at,
        idempotency_key=f"key-{text}",
    ).id


def test_entries_come_back_in_typing_order_per_store(tmp_path: Path) -> None:
    journal = EntryJournal(tmp_path / "journal.sqlite")
    _put(journal, "second", 1.5)  # a write that failed late is journaled after a later one
    _put(journal, "first", 1)
    _put(journal, "third", 2)
    _put(journal, "elsewhere", 0, store="pg://b/db")
    waiting = journal.waiting("pg://a/db")
    assert [e.text for e in waiting] == ["first", "second", "third"]
    first = waiting[0]
    assert (first.kind, first.pinned, first.author, first.occurred_at) == (
        EntryKind.ACTION,
        True,
        "ana",
        T0 + timedelta(seconds=1),
    )
    assert journal.count("pg://a/db") == 3 and journal.count("pg://b/db") == 1
    assert journal.waiting("pg://a/db", incident_id=2) == []


def test_removed_and_set_aside_entries_wait_no_more_and_survive_reopening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite"
    journal = EntryJournal(path)
    first, second, _ = (_put(journal, t, n) for n, t in enumerate(("a", "b", "c")))
    journal.remove(first)
    journal.set_aside(second, "no incident INC-1")
    journal.close()
    reopened = EntryJournal(path)
    assert [e.text for e in reopened.waiting("pg://a/db")] == ["c"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT failed FROM journaled_entries").fetchall() == [
            ("no incident INC-1",),
            (None,),
        ]


def test_one_key_is_kept_once(tmp_path: Path) -> None:
    journal = EntryJournal(tmp_path / "journal.sqlite")
    _put(journal, "a", 0)
    with pytest.raises(StoreError, match="UNIQUE"):
        _put(journal, "a", 1)


def test_a_journal_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 9")
    with pytest.raises(StoreError, match="newer Incident Commander"):
        EntryJournal(path)
