"""An entry logged with an idempotency key is written once, however often it is retried."""

from __future__ import annotations

from typing import Any

import pytest

from commander.domain.quick_entry import parse_quick_entry
from commander.errors import NotFoundError
from commander.services.quick_entry import carry_out
from commander.services.timeline import log_entry, read_timeline
from commander.store.announce import collecting

KEY = "5f0e4d7a-2b1c-4e8f-9a63-0c2d4b6e8f10"


def _notes(store: Any, ref: str) -> list[str]:
    return [e.text for e in read_timeline(store, ref) if e.kind == "note"]


def test_a_retried_entry_is_stored_once_and_the_first_is_returned(
    store: Any, incident: str
) -> None:
    first = log_entry(store, incident, "cache flushed", "ana", idempotency_key=KEY)
    with collecting() as written:
        again = log_entry(store, incident, "cache flushed", "ana", idempotency_key=KEY)
    assert again == first
    assert written == []  # nothing new to announce
    assert _notes(store, incident) == ["cache flushed"]


def test_entries_without_keys_or_with_other_keys_are_each_stored(store: Any, incident: str) -> None:
    log_entry(store, incident, "one", "ana")
    log_entry(store, incident, "one", "ana")
    log_entry(store, incident, "two", "ana", idempotency_key=KEY)
    log_entry(store, incident, "two", "ana", idempotency_key=KEY.replace("5", "6"))
    assert _notes(store, incident) == ["one", "one", "two", "two"]


def test_the_quick_entry_bar_passes_its_key(store: Any, incident: str) -> None:
    line = parse_quick_entry("rolled back the deploy")
    carry_out(store, incident, line, "ana", idempotency_key=KEY)
    carry_out(store, incident, line, "ana", idempotency_key=KEY)
    assert _notes(store, incident) == ["rolled back the deploy"]


def test_a_key_on_a_missing_incident_is_still_not_found(store: Any) -> None:
    with pytest.raises(NotFoundError):
        log_entry(store, "INC-99", "x", "ana", idempotency_key=KEY)
