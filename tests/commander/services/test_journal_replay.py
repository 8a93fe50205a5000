"""Writing the journal back: in typing order, each entry once, refusals set aside."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from commander.clock import now
from commander.domain import EntryKind
from commander.services.journal_replay import replay_journal
from commander.services.timeline import log_entry, read_timeline
from commander.store.journal import EntryJournal, journal_key


def _keep(journal: EntryJournal, store: Any, ref: str, text: str, seconds: float) -> str:
    typed = now() + timedelta(seconds=seconds)
    key = str(uuid.uuid4())
    journal.put(
        journal_key(store),
        incident_id=int(ref.split("-")[1]),
        incident_ref=ref,
        text=text,
        kind=EntryKind.NOTE,
        pinned=False,
        author="ana",
        occurred_at=typed,
        typed_at=typed,
        idempotency_key=key,
    )
    return key


def _notes(store: Any, ref: str) -> list[str]:
    return [e.text for e in read_timeline(store, ref) if e.kind == "note"]


def test_replay_writes_each_entry_in_order_and_empties_the_journal(
    store: Any, incident: str, tmp_path: Path
) -> None:
    journal = EntryJournal(tmp_path / "journal.sqlite")
    for n, text in enumerate(("pager fired", "db failover", "traffic back")):
        _keep(journal, store, incident, text, n)
    done = replay_journal(store, journal)
    assert [e.text for e in done.written] == ["pager fired", "db failover", "traffic back"]
    assert not done.interrupted and not done.refused
    assert [e.version for e in done.written] == sorted(e.version for e in done.written)
    assert _notes(store, incident) == ["pager fired", "db failover", "traffic back"]
    assert journal.count(journal_key(store)) == 0
    assert replay_journal(store, journal).written == []


def test_an_entry_whose_commit_answer_was_lost_is_not_written_twice(
    store: Any, incident: str, tmp_path: Path
) -> None:
    journal = EntryJournal(tmp_path / "journal.sqlite")
    key = _keep(journal, store, incident, "db failover", 0)
    # The first attempt committed, but its answer never reached the window.
    log_entry(store, incident, "db failover", "ana", idempotency_key=key)
    done = replay_journal(store, journal)
    assert [e.text for e in done.written] == ["db failover"]
    assert _notes(store, incident) == ["db failover"]
    assert journal.count(journal_key(store)) == 0


def test_an_entry_the_server_refuses_is_set_aside_and_the_rest_go_on(
    store: Any, incident: str, tmp_path: Path
) -> None:
    journal = EntryJournal(tmp_path / "journal.sqlite")
    _keep(journal, store, "INC-99", "for an incident that is not there", 0)
    _keep(journal, store, incident, "db failover", 1)
    done = replay_journal(store, journal)
    [(refused, reason)] = done.refused
    assert refused.incident_ref == "INC-99" and "INC-99" in reason
    assert [e.text for e in done.written] == ["db failover"]
    assert journal.count(journal_key(store)) == 0
