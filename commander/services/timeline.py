"""Writing, editing, reading and searching timeline entries.

The timeline is the audit trail: an edit, pin, delete or restore first copies
the entry's previous state into ``entry_revisions``, and deletes are soft.
Every write gives the entry a new ``version`` (see ``next_version``) so open
windows notice it (services/feed.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Select, column, func, literal_column, select, table
from sqlalchemy.orm import Session

from commander.domain import USER_KINDS, EntryKind
from commander.domain.entry_facts import EntryFact, encode
from commander.domain.kinds import DELETABLE_KINDS
from commander.domain.limits import AUTHOR, refuse_long_entry, refuse_nul
from commander.domain.refs import parse_ref
from commander.domain.when import utc_now
from commander.errors import EditConflictError, InvalidInputError, NotFoundError
from commander.store import raw_sql
from commander.store.engine import Store
from commander.store.orm import (
    ENTRY_VERSION_SEQUENCE,
    SEARCH_TABLE,
    EntryRevision,
    Incident,
    TimelineEntry,
)
from commander.views.incidents import EntryView, RevisionView
from commander.views.timeline import search_words as search_words  # re-exported

# Key of the PostgreSQL advisory lock that orders version numbers (any fixed
# 64-bit number; it only has to be the same in every copy of the app).
_VERSION_LOCK_KEY = 0x1C_0DE_7117E
_USER_KIND_VALUES = frozenset(kind.value for kind in USER_KINDS)
_DELETABLE_KIND_VALUES = frozenset(kind.value for kind in DELETABLE_KINDS)
_SEARCH_INDEX = table(SEARCH_TABLE, column("rowid", Integer))
SEARCH_LIMIT = 200


def next_version(session: Session) -> int:
    """A version above every entry's so far, for an entry written in this transaction.

    SQLite: writers hold the database lock from BEGIN IMMEDIATE to commit, so
    max + 1 cannot race. PostgreSQL: the sequence hands out unique values, and
    the transaction-scoped advisory lock makes them commit in order; without
    it a reader could see version 11 commit before 10 and skip 10 for good.
    """
    # Flush first: max() must see versions given earlier in this transaction,
    # and on PostgreSQL row locks are then always taken before the version
    # lock, one order for every writer, so they cannot deadlock on it.
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_VERSION_LOCK_KEY)))
        value = session.scalar(select(ENTRY_VERSION_SEQUENCE.next_value()))
    else:
        value = (session.scalar(select(func.max(TimelineEntry.version))) or 0) + 1
    assert value is not None
    return int(value)


def add_entry(
    session: Session,
    incident: Incident,
    *,
    text: str,
    author: str,
    occurred_at: datetime,
    recorded_at: datetime,
    fact: EntryFact | None = None,
    kind: EntryKind | None = None,
    pinned: bool = False,
    idempotency_key: str | None = None,
) -> TimelineEntry:
    """Add an entry inside the caller's transaction (state change + entry together).

    An entry the app writes records its ``fact`` (its kind is the fact's unless
    ``kind`` says otherwise); one a person logs has a ``kind`` and no fact.
    """
    kind = kind or (fact.KIND if fact is not None else None)
    if kind is None:
        raise ValueError("an entry needs a kind or a fact")
    refuse_nul(author, AUTHOR)
    refuse_nul(text, "the entry")
    _share_incident(session, incident)
    entry = TimelineEntry(
        incident_id=incident.id,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        author=author,
        kind=kind.value,
        text=text,
        pinned=pinned,
        data=encode(fact) if fact is not None else None,
        version=next_version(session),
        idempotency_key=idempotency_key,
    )
    session.add(entry)
    session.flush()
    return entry


def _share_incident(session: Session, incident: Incident) -> None:
    """PostgreSQL: take the KEY SHARE lock the entry's foreign key takes on its incident
    now, before the version lock. Taken after it, by the INSERT, it waited for a writer
    holding the incident FOR UPDATE (locked_incident) that itself waited for the version
    lock: a deadlock, one of the two writes failed."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Incident.id).where(Incident.id == incident.id).with_for_update(key_share=True)
        )


def log_entry(
    store: Store,
    ref: str,
    text: str,
    author: str,
    kind: EntryKind = EntryKind.NOTE,
    occurred_at: datetime | None = None,
    pinned: bool = False,
    now: datetime | None = None,
    idempotency_key: str | None = None,
) -> EntryView:
    """Log what a person saw, did or decided. Returns once it is committed.

    An entry given an ``idempotency_key`` is written once: when an entry holding the
    key is stored already (a retry after a commit whose answer was lost), that one
    is returned and nothing is written.
    """
    from commander.services.incidents import load_incident  # avoids an import cycle

    if not text.strip():
        raise InvalidInputError("an entry needs some text")
    refuse_nul(refuse_long_entry(text), "the entry")
    refuse_nul(author, AUTHOR)  # the SQLite fast path below passes no other check
    now = now or utc_now()
    if store.is_sqlite:  # the hot path: one driver-level INSERT (see store/raw_sql.py)
        written = raw_sql.insert_entry(
            store,
            parse_ref(ref),
            text,
            author,
            kind,
            occurred_at or now,
            now,
            pinned=pinned,
            idempotency_key=idempotency_key,
        )
        if written is None and idempotency_key is not None:
            written = _logged_with_key(store, idempotency_key)
        if written is None:
            raise NotFoundError(f"no incident {ref.strip().upper()}")
        return written
    with store.write() as session:
        incident = load_incident(session, ref)
        if idempotency_key is not None:
            done = session.scalar(
                select(TimelineEntry).where(TimelineEntry.idempotency_key == idempotency_key)
            )
            if done is not None:
                return EntryView.of(done)
        entry = add_entry(
            session,
            incident,
            kind=kind,
            text=text,
            author=author,
            occurred_at=occurred_at or now,
            recorded_at=now,
            pinned=pinned,
            idempotency_key=idempotency_key,
        )
        return EntryView.of(entry)


def _logged_with_key(store: Store, idempotency_key: str) -> EntryView | None:
    with store.read() as session:
        done = session.scalar(
            select(TimelineEntry).where(TimelineEntry.idempotency_key == idempotency_key)
        )
        return EntryView.of(done) if done is not None else None


def timeline_of(
    session: Session, incident_id: int, *, include_deleted: bool = False
) -> tuple[EntryView, ...]:
    """Entries in the order things happened; live ones only unless asked."""
    statement = select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
    if not include_deleted:
        statement = statement.where(TimelineEntry.deleted_at.is_(None))
    rows = session.scalars(statement.order_by(TimelineEntry.occurred_at, TimelineEntry.id))
    return tuple(EntryView.of(row) for row in rows)


def live_entries_of_kinds(
    session: Session, incident_id: int, *kinds: EntryKind
) -> list[TimelineEntry]:
    """The incident's live entries of these kinds, in the order things happened."""
    return list(
        session.scalars(
            select(TimelineEntry)
            .where(
                TimelineEntry.incident_id == incident_id,
                TimelineEntry.kind.in_([kind.value for kind in kinds]),
                TimelineEntry.deleted_at.is_(None),
            )
            .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
        )
    )


def read_timeline(
    store: Store, ref_or_incident_id: str | int, *, include_deleted: bool = False
) -> tuple[EntryView, ...]:
    """One incident's timeline; with ``include_deleted`` the UI can strike deleted rows."""
    with store.read() as session:
        incident_id = _incident_id(session, ref_or_incident_id)
        return timeline_of(session, incident_id, include_deleted=include_deleted)


# -- edits ----------------------------------------------------------------------------


def edit_entry(
    store: Store,
    entry_id: int,
    author: str,
    *,
    text: str | None = None,
    occurred_at: datetime | None = None,
    kind: EntryKind | str | None = None,
    pinned: bool | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> EntryView:
    """Change what an entry says, keeping what it said before as a revision.

    Only the given fields change. Entries the app wrote (declared, severity,
    phase) keep their words, time and kind; they can only be pinned. With
    ``expected_version`` (the entry's version the writer started from) an entry
    someone changed since is left as it is: ``EditConflictError`` holds both texts.
    """
    if text is not None and not text.strip():
        raise InvalidInputError("an entry needs some text")
    if text is not None:
        refuse_nul(refuse_long_entry(text), "the entry")
    if occurred_at is not None:
        occurred_at = _aware(occurred_at)
    now = now or utc_now()
    with store.write() as session:
        entry = _entry_for_update(session, entry_id)
        if expected_version is not None and entry.version != expected_version:
            raise _conflict(entry, expected_version, text)
        if entry.deleted_at is not None:
            raise InvalidInputError(f"entry {entry_id} is deleted; restore it before editing")
        changes = _changes(entry, text=text, occurred_at=occurred_at, kind=kind, pinned=pinned)
        if entry.kind not in _USER_KIND_VALUES and changes.keys() - {"pinned"}:
            raise InvalidInputError("entries the app wrote cannot be edited")
        if not changes:
            raise InvalidInputError(f"entry {entry_id} already says that; nothing to change")
        _record_revision(session, entry, author, now)
        for name, value in changes.items():
            setattr(entry, name, value)
        entry.version = next_version(session)
        return EntryView.of(entry)


def pin_entry(
    store: Store, entry_id: int, author: str, pinned: bool, now: datetime | None = None
) -> EntryView:
    """Pin or unpin any live entry, including ones the app wrote."""
    return edit_entry(store, entry_id, author, pinned=pinned, now=now)


def delete_entry(
    store: Store, entry_id: int, author: str, now: datetime | None = None
) -> EntryView:
    """Hide an entry from the timeline; it stays in the store and can be restored."""
    now = now or utc_now()
    with store.write() as session:
        entry = _entry_for_update(session, entry_id)
        if entry.deleted_at is not None:
            raise InvalidInputError(f"entry {entry_id} is already deleted")
        # Severity and phase entries are the record of the incident's changes.
        if entry.kind not in _DELETABLE_KIND_VALUES:
            raise InvalidInputError("entries the app wrote cannot be deleted")
        soft_delete(session, entry, author, now)
        return EntryView.of(entry)


def restore_entry(
    store: Store, entry_id: int, author: str, now: datetime | None = None
) -> EntryView:
    """Bring a deleted entry back; the revision keeps who deleted it and when."""
    now = now or utc_now()
    with store.write() as session:
        entry = _entry_for_update(session, entry_id)
        if entry.deleted_at is None:
            raise InvalidInputError(f"entry {entry_id} is not deleted")
        restore(session, entry, author, now)
        return EntryView.of(entry)


def soft_delete(session: Session, entry: TimelineEntry, author: str, now: datetime) -> None:
    """Delete a live entry inside the caller's transaction, its state kept as a revision."""
    _record_revision(session, entry, author, now)
    entry.deleted_at = now
    entry.deleted_by = author
    entry.version = next_version(session)


def restore(session: Session, entry: TimelineEntry, author: str, now: datetime) -> None:
    """Bring a deleted entry back inside the caller's transaction (a revision keeps who
    deleted it and when)."""
    _record_revision(session, entry, author, now)
    entry.deleted_at = None
    entry.deleted_by = None
    entry.version = next_version(session)


def rewrite(
    session: Session,
    entry: TimelineEntry,
    author: str,
    now: datetime,
    *,
    text: str,
    entry_author: str,
    fact: EntryFact,
) -> None:
    """Give an entry the app keeps in step with a source (a captured chat message edited
    in the chat) new words, author and fact, inside the caller's transaction; what it
    said before stays as a revision."""
    refuse_nul(entry_author, AUTHOR)
    refuse_nul(text, "the entry")
    _record_revision(session, entry, author, now)
    entry.text = text
    entry.author = entry_author
    entry.data = encode(fact)
    entry.version = next_version(session)


def entry_revisions(store: Store, entry_id: int) -> list[RevisionView]:
    """Earlier states of an entry, oldest first; the entry itself is the latest."""
    with store.read() as session:
        if session.get(TimelineEntry, entry_id) is None:
            raise NotFoundError(f"no entry {entry_id}")
        rows = session.scalars(
            select(EntryRevision)
            .where(EntryRevision.entry_id == entry_id)
            .order_by(EntryRevision.id)
        )
        return [RevisionView.of(row) for row in rows]


def _entry_for_update(session: Session, entry_id: int) -> TimelineEntry:
    # FOR UPDATE on PostgreSQL: two seats editing one entry at once must not
    # both record the same "before". SQLite already serialises writers.
    entry = session.get(TimelineEntry, entry_id, with_for_update=True)
    if entry is None:
        raise NotFoundError(f"no entry {entry_id}")
    return entry


def _conflict(entry: TimelineEntry, expected_version: int, text: str | None) -> EditConflictError:
    """The writer started from an older version: both texts, and the version to save against."""
    what = "deleted" if entry.deleted_at is not None else "changed"
    return EditConflictError(
        f"entry {entry.id} was {what} by someone else since you opened it (version "
        f"{expected_version}, now {entry.version}); nothing was saved",
        theirs=entry.text,
        yours=entry.text if text is None else text,
        version=entry.version,
    )


def _changes(
    entry: TimelineEntry,
    *,
    text: str | None,
    occurred_at: datetime | None,
    kind: EntryKind | str | None,
    pinned: bool | None,
) -> dict[str, Any]:
    """The requested values that differ from what the entry holds now."""
    wanted: dict[str, Any] = {"text": text, "occurred_at": occurred_at, "pinned": pinned}
    # Resubmitting an entry's own kind is no change, even for app-written kinds.
    if kind is not None and kind.strip().lower() != entry.kind:
        wanted["kind"] = EntryKind.parse_user_kind(kind).value
    return {
        name: value
        for name, value in wanted.items()
        if value is not None and getattr(entry, name) != value
    }


def _record_revision(session: Session, entry: TimelineEntry, author: str, now: datetime) -> None:
    session.add(
        EntryRevision(
            entry_id=entry.id,
            revised_at=now,
            revised_by=author,
            occurred_at=entry.occurred_at,
            kind=entry.kind,
            text=entry.text,
            pinned=entry.pinned,
            deleted_at=entry.deleted_at,
            deleted_by=entry.deleted_by,
        )
    )


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError("a time without a time zone cannot be stored")
    return moment.astimezone(UTC)


def _incident_id(session: Session, ref_or_incident_id: str | int) -> int:
    from commander.services.incidents import load_incident  # avoids an import cycle

    if isinstance(ref_or_incident_id, str):
        return load_incident(session, ref_or_incident_id).id
    if session.get(Incident, ref_or_incident_id) is None:
        raise NotFoundError(f"no incident with id {ref_or_incident_id}")
    return ref_or_incident_id


# -- search ---------------------------------------------------------------------------


def search_entries(
    store: Store, ref_or_incident_id: str | int, query: str, limit: int = SEARCH_LIMIT
) -> list[EntryView]:
    """Live entries of one incident containing every word typed, oldest first.

    The last word also matches as a prefix, so results narrow while typing.
    SQLite uses the FTS5 index (case and accents ignored); PostgreSQL
    matches substrings case-insensitively.
    """
    words = search_words(query)
    if not words:
        return []
    with store.read() as session:
        incident_id = _incident_id(session, ref_or_incident_id)
        statement = select(TimelineEntry).where(
            TimelineEntry.incident_id == incident_id, TimelineEntry.deleted_at.is_(None)
        )
        statement = where_words(statement, words, sqlite=store.is_sqlite)
        ordered = statement.order_by(TimelineEntry.occurred_at, TimelineEntry.id).limit(limit)
        return [EntryView.of(row) for row in session.scalars(ordered)]


def where_words(statement: Select[Any], words: list[str], *, sqlite: bool) -> Select[Any]:
    """Keep the entries containing every word (the last one also as a prefix on SQLite)."""
    return _fts_match(statement, words) if sqlite else _like(statement, words)


def fts5_query(words: list[str]) -> str:
    """Each word as an FTS5 string, so nothing typed is read as query syntax
    (``AND``, ``*``, ``NEAR(``, quotes); juxtaposed strings mean AND."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    return " ".join(quoted) + "*"  # the last word is a prefix


def _fts_match(statement: Select[Any], words: list[str]) -> Select[Any]:
    match = literal_column(SEARCH_TABLE).op("MATCH")(fts5_query(words))
    return statement.join(_SEARCH_INDEX, _SEARCH_INDEX.c.rowid == TimelineEntry.id).where(match)


def _like(statement: Select[Any], words: list[str]) -> Select[Any]:
    def pattern(word: str) -> str:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"

    return statement.where(
        *(TimelineEntry.text.ilike(pattern(word), escape="\\") for word in words)
    )
