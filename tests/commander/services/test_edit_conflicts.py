"""Two writers editing one entry: the second is told, with both texts, and nothing is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from commander.errors import EditConflictError
from commander.services.timeline import (
    delete_entry,
    edit_entry,
    entry_revisions,
    log_entry,
    read_timeline,
)


def _stored(store: Any, incident: str, entry_id: int) -> Any:
    return next(e for e in read_timeline(store, incident) if e.id == entry_id)


def test_an_edit_from_the_version_stored_is_saved(store: Any, incident: str) -> None:
    entry = log_entry(store, incident, "db at 95% CPU", author="ana")
    edited = edit_entry(store, entry.id, "bo", text="db at 99% CPU", expected_version=entry.version)
    assert edited.text == "db at 99% CPU" and edited.version > entry.version


def test_an_edit_from_an_older_version_is_refused_with_both_texts(
    store: Any, incident: str
) -> None:
    entry = log_entry(store, incident, "db at 95% CPU", author="ana")
    theirs = edit_entry(
        store, entry.id, "ana", text="db at 97% CPU", expected_version=entry.version
    )
    with pytest.raises(EditConflictError) as refused:
        edit_entry(store, entry.id, "bo", text="db at 99% CPU", expected_version=entry.version)
    conflict = refused.value
    assert (conflict.theirs, conflict.yours, conflict.version) == (
        "db at 97% CPU",
        "db at 99% CPU",
        theirs.version,
    )
    assert "nothing was saved" in str(conflict)
    stored = _stored(store, incident, entry.id)
    assert (stored.text, stored.version) == ("db at 97% CPU", theirs.version)
    assert len(entry_revisions(store, entry.id)) == 1  # only the first edit's
    # The person chose: saved against the version the conflict named.
    merged = edit_entry(
        store, entry.id, "bo", text="db at 97-99% CPU", expected_version=conflict.version
    )
    assert merged.text == "db at 97-99% CPU"


def test_a_deleted_entry_is_a_conflict_too(store: Any, incident: str) -> None:
    entry = log_entry(store, incident, "db at 95% CPU", author="ana")
    delete_entry(store, entry.id, "ana")
    with pytest.raises(EditConflictError, match="deleted by someone else"):
        edit_entry(store, entry.id, "bo", text="db at 99% CPU", expected_version=entry.version)


def test_without_a_version_the_last_edit_wins_as_before(store: Any, incident: str) -> None:
    entry = log_entry(store, incident, "db at 95% CPU", author="ana")
    edit_entry(store, entry.id, "ana", text="db at 97% CPU")
    assert edit_entry(store, entry.id, "bo", text="db at 99% CPU").text == "db at 99% CPU"


def test_two_seats_racing_one_edit_exactly_one_wins(store: Any, incident: str) -> None:
    entry = log_entry(store, incident, "db at 95% CPU", author="ana")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def seat(name: str) -> None:
        start.wait()
        try:
            outcomes[name] = edit_entry(
                store, entry.id, name, text=f"{name} says 99%", expected_version=entry.version
            )
        except EditConflictError as conflict:
            outcomes[name] = conflict

    threads = [threading.Thread(target=seat, args=(name,)) for name in ("ana", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = [o for o in outcomes.values() if isinstance(o, EditConflictError)]
    saved = [o for o in outcomes.values() if not isinstance(o, EditConflictError)]
    assert len(refused) == 1 and len(saved) == 1
    stored = _stored(store, incident, entry.id)
    assert refused[0].theirs == stored.text and refused[0].version == stored.version
    assert refused[0].yours != stored.text
    assert len(entry_revisions(store, entry.id)) == 1
