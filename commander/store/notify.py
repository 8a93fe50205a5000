"""PostgreSQL: every write transaction that changed the timeline says so with ``NOTIFY``.

Every change holds a timeline entry, and every entry written, edited, deleted or
restored gets a new version, so "the transaction flushed a timeline entry" is
exactly "the change feed moved". Just before such a transaction commits, one
``pg_notify`` in the same transaction carries a compact change announcement: the
highest version it wrote and, per incident, the aspects it touched. PostgreSQL
delivers it only if the transaction commits, in commit order, and only to
listeners on the same database, which is one store, so one fixed channel serves.

A listener (``store/listen.py``) uses the payload only as a wake-up and a hint:
the seat reads the feed from its cursor, so a notification lost while it was not
listening costs nothing but latency. A payload that would not fit PostgreSQL's
8000 bytes carries the version alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from commander.domain.changes import Aspect, aspects_of

CHANNEL = "commander_changes"
# PostgreSQL refuses a payload of 8000 bytes or more; stay clear of the edge.
MAX_PAYLOAD_BYTES = 7900
_PENDING = "commander_notify_entries"


@dataclass(frozen=True, slots=True)
class Notice:
    """What one committed transaction announced: the feed's new version and, when it
    fitted, the aspects it changed per incident (empty: read the feed to know)."""

    version: int
    incidents: dict[int, frozenset[Aspect]]


def send_on_commit(sessions: sessionmaker[Session]) -> None:
    """Make every session of ``sessions`` notify before it commits a timeline change."""
    event.listen(sessions, "before_flush", _remember_entries)
    event.listen(sessions, "before_commit", _notify)
    event.listen(sessions, "after_rollback", _forget)


def _remember_entries(session: Session, _context: Any, _instances: Any) -> None:
    from commander.store.orm import TimelineEntry

    pending: dict[int, TimelineEntry] = session.info.setdefault(_PENDING, {})
    for row in (*session.new, *session.dirty):
        if isinstance(row, TimelineEntry):
            pending[id(row)] = row


def _notify(session: Session) -> None:
    if not session.info.get(_PENDING) and not any(
        _is_entry(row) for row in (*session.new, *session.dirty)
    ):
        return
    # The commit flushes what is left only after this hook: flush now, so an entry
    # added since the last flush is announced too.
    session.flush()
    # A row a savepoint rolled back is no longer persistent: it was not written.
    rows = [row for row in session.info.pop(_PENDING, {}).values() if inspect(row).persistent]
    payload = encode([(row.incident_id, row.version, row.kind, row.data) for row in rows])
    if payload is not None:
        session.execute(select(func.pg_notify(CHANNEL, payload)))


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _is_entry(row: object) -> bool:
    from commander.store.orm import TimelineEntry

    return isinstance(row, TimelineEntry)


def encode(entries: list[tuple[int, int, str, Mapping[str, Any] | None]]) -> str | None:
    """The payload for (incident id, version, kind, stored data) of each entry written;
    None when there is none."""
    if not entries:
        return None
    from commander.domain.entry_facts import decode

    by_incident: dict[int, set[str]] = {}
    for incident_id, _version, kind, data in entries:
        aspects = aspects_of(kind, decode(kind, data))
        by_incident.setdefault(incident_id, set()).update(a.value for a in aspects)
    version = max(entry[1] for entry in entries)
    full = _dumps({"v": version, "c": [[i, sorted(a)] for i, a in by_incident.items()]})
    if len(full.encode()) <= MAX_PAYLOAD_BYTES:
        return full
    return _dumps({"v": version})


def decode_notice(payload: str) -> Notice | None:
    """The notice a payload carries; None for one this build cannot read (a newer
    app's): the listener then just reads the feed."""
    try:
        raw = json.loads(payload)
        version = int(raw["v"])
        incidents = {
            int(incident_id): frozenset(_aspects(names)) for incident_id, names in raw.get("c", [])
        }
    except (ValueError, TypeError, KeyError):
        return None
    return Notice(version, incidents)


def _aspects(names: list[str]) -> list[Aspect]:
    known = {a.value for a in Aspect}
    return [Aspect(name) for name in names if name in known]


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
