"""Chat capture: what responders pin or mark in an incident's channel lands on its timeline.

Which channels: every open incident (or the one asked for) on every ``slack``,
``matrix`` and ``mattermost`` target; the target's source (capture/sources.py)
decides whether the incident has a channel there (``locate_channel``, given what
the outbox remembers for the pair in ``connector_states``).

One pass over a channel asks the source for its snapshot, the whole set of
messages captured now, outside any transaction. Then ONE write transaction, with
the incident locked, reconciles it with what was captured before
(``chat_messages``, unique on provider + channel + message id):

- a message not captured yet becomes a ``chat`` entry (its author's display name,
  the time it was posted, its text as written, a ``ChatCaptured`` fact);
- a message whose text, author or files changed revises its entry (the earlier
  words stay as a revision);
- a captured message the snapshot no longer holds (deleted, un-pinned and
  un-reacted) soft-deletes its entry; one that comes back restores it. An entry a
  person deleted stays deleted.

The source's cursor and when the snapshot was asked for are stored in the same
transaction (``chat_cursors``). Two seats capturing one channel take turns on the
incident's lock: the second finds what the first wrote, and a snapshot asked for
before the one already reconciled is dropped, so nothing is missed, doubled or
undone. A pass that fails (``CaptureError``, the network, a missing secret) writes
its error on the cursor row and nothing else; the next pass catches up, since a
snapshot is always the whole set.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commander import secrets
from commander.capture.source import (
    CaptureError,
    CaptureSnapshot,
    ChannelRef,
    ChatMessage,
    ChatSource,
)
from commander.capture.sources import CHAT_KINDS, source_for
from commander.connectors.base import Target
from commander.domain.entry_facts import ChatCaptured, ChatFileLink
from commander.domain.limits import without_nul
from commander.domain.when import utc_now
from commander.errors import CommanderError, InvalidInputError, NotFoundError
from commander.interrupts import caused_by_interrupt
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.store_identity import store_id
from commander.services.target_secrets import capture_key_of, identity_made_at, key_of
from commander.services.timeline import add_entry, restore, rewrite, soft_delete
from commander.store.engine import Store
from commander.store.orm import Incident, TimelineEntry
from commander.store.orm_chat import CaptureCursor, CapturedMessage
from commander.store.orm_comms import CommsTarget, ConnectorState

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 15.0  # seconds, per request
# Who revises, deletes and restores captured entries (their revisions say so); an
# entry deleted by anyone else was deleted by a person, and capture leaves it be.
CAPTURE_AUTHOR = "chat capture"
UNKNOWN_AUTHOR = "(unknown)"


@dataclass(frozen=True, slots=True)
class CapturePair:
    """One incident on one chat target: everything a pass needs but the channel."""

    incident_id: int
    ref: str
    title: str
    since: datetime  # the incident's earliest known time: older messages are not its
    target: Target
    target_id: int
    secret_key: secrets.SecretKey
    remembered: Mapping[str, str]  # the outbox's connector state for the pair

    @property
    def key(self) -> tuple[int, int]:
        return (self.incident_id, self.target_id)


@dataclass(frozen=True, slots=True)
class PassCounts:
    added: int = 0
    revised: int = 0
    removed: int = 0
    restored: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.revised or self.removed or self.restored)


@dataclass(frozen=True, slots=True)
class PassResult:
    """What one pass over one (incident, target) did."""

    incident_id: int
    ref: str
    target_name: str
    provider: str
    channel: ChannelRef | None  # None: no channel for the incident on this target
    counts: PassCounts = PassCounts()
    error: str | None = None  # one line, never the secret
    retry_after: float | None = None
    stale: bool = False  # another seat reconciled a newer snapshot meanwhile
    at: datetime | None = None

    @property
    def where(self) -> str:
        if self.channel is None:
            return f"{self.provider} ({self.target_name})"
        name = self.channel.name or self.channel.channel_id
        shown = name if name.startswith(("#", "!", "@")) else f"#{name}"
        return f"{self.provider} {shown}"

    def describe(self) -> str:
        """One line: ``slack #inc-12-payments: added 3, revised 1, removed 0``."""
        if self.error is not None:
            return f"{self.where}: {self.error}"
        if self.channel is None:
            return f"{self.where}: no channel for {self.ref}"
        counts = self.counts
        line = f"{self.where}: added {counts.added}, revised {counts.revised}, "
        line += f"removed {counts.removed}"
        return line + (f", restored {counts.restored}" if counts.restored else "")


# -- which channels ----------------------------------------------------------------------


def capture_pairs(
    store: Store, ref: str | None = None, target_name: str | None = None
) -> list[CapturePair]:
    """The (incident, chat target) pairs to capture: ``ref`` (any state) or every open
    incident, on ``target_name`` or every slack, matrix and mattermost target."""
    identity = store_id(store)
    with store.read() as session:
        if ref is not None:
            incidents = [load_incident(session, ref)]
        else:
            incidents = list(
                session.scalars(
                    select(Incident).where(Incident.resolved_at.is_(None)).order_by(Incident.id)
                )
            )
        targets = _chat_targets(session, target_name)
        if not incidents or not targets:
            return []
        states = {
            (row.incident_id, row.target_id): row.state
            for row in session.scalars(
                select(ConnectorState).where(
                    ConnectorState.incident_id.in_([i.id for i in incidents]),
                    ConnectorState.target_id.in_([t.id for t in targets]),
                )
            )
        }
        located = _located_channels(session, incidents, targets)
        made_at = identity_made_at(session)
        return [
            CapturePair(
                incident_id=incident.id,
                ref=incident.ref,
                title=incident.title,
                since=_since(incident),
                target=Target(
                    target.name, target.kind, target.base_url, dict(target.options or {})
                ),
                target_id=target.id,
                secret_key=capture_key_of(key_of(identity, made_at, target), target.kind),
                remembered=_remembered(
                    states.get((incident.id, target.id)) or {},
                    located.get((incident.id, target.id), {}),
                ),
            )
            for incident in incidents
            for target in targets
        ]


def _remembered(state: dict[str, object], located: dict[str, str]) -> dict[str, str]:
    """What the reader is told it knows: the connector state, with the channel the last
    good pass read unless ``commander channel`` made one (a delivery's state may name the
    target's shared channel, never to be taken for the incident's)."""
    remembered = {str(key): str(value) for key, value in state.items()}
    return remembered if "channel_name" in remembered else {**remembered, **located}


def _located_channels(
    session: Session, incidents: list[Incident], targets: list[CommsTarget]
) -> dict[tuple[int, int], dict[str, str]]:
    """The channel each pair's last good pass read, so the next pass need not look it up
    by name again (a Slack lookup pages through every channel of the workspace). After a
    failed pass the reader looks again: the channel may have been renamed or archived."""
    rows = session.scalars(
        select(CaptureCursor)
        .where(
            CaptureCursor.incident_id.in_([i.id for i in incidents]),
            CaptureCursor.target_id.in_([t.id for t in targets]),
            CaptureCursor.last_error.is_(None),
        )
        .order_by(CaptureCursor.last_pass_at)
    )
    return {  # the newest pass wins
        (row.incident_id, row.target_id): {
            "channel": row.channel_id,
            "channel_name": row.channel_name,
        }
        for row in rows
    }


def _chat_targets(session: Session, target_name: str | None) -> list[CommsTarget]:
    statement = select(CommsTarget).order_by(CommsTarget.name)
    if target_name is None:
        return list(session.scalars(statement.where(CommsTarget.kind.in_(CHAT_KINDS))))
    row = session.scalar(statement.where(CommsTarget.name == target_name.strip()))
    if row is None:
        raise NotFoundError(f"no target {target_name.strip()}")
    if row.kind not in CHAT_KINDS:
        raise InvalidInputError(
            f"target {row.name} is {row.kind}: chat is captured from "
            + ", ".join(CHAT_KINDS)
            + " targets"
        )
    return [row]


def _since(incident: Incident) -> datetime:
    known = (incident.impact_started_at, incident.detected_at, incident.declared_at)
    return min(moment for moment in known if moment is not None)


# -- one pass ----------------------------------------------------------------------------


def capture_pass(
    store: Store,
    pair: CapturePair,
    *,
    http: requests.Session | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> PassResult:
    """Read the pair's channel (no transaction open) and reconcile what it holds."""
    import requests

    asked_at = utc_now()
    channel: ChannelRef | None = None
    secret: str | None = None
    session = http or requests.Session()
    try:
        source = source_for(pair.target.kind)
        secret = secrets.require_secret(pair.secret_key)
        channel = source.locate_channel(
            pair.target, secret, pair.ref, pair.title, pair.remembered, session, timeout
        )
        if channel is None:
            return _result(pair, None)
        snapshot = source.snapshot(
            pair.target,
            secret,
            channel,
            pair.since,
            _stored_cursor(store, pair, channel),
            session,
            timeout,
        )
    except Exception as exc:
        if caused_by_interrupt(exc):
            raise
        error, retry_after = _failure(pair, exc, secret, timeout)
        record_failure(store, pair, channel, error)
        return _result(pair, channel, error=error, retry_after=retry_after)
    finally:
        if http is None:
            session.close()
    counts, stale = reconcile(store, pair, source, channel, snapshot, asked_at)
    return _result(pair, channel, counts=counts, stale=stale)


def _result(pair: CapturePair, channel: ChannelRef | None, **details: object) -> PassResult:
    return PassResult(
        pair.incident_id,
        pair.ref,
        pair.target.name,
        pair.target.kind,
        channel,
        at=utc_now(),
        **details,  # type: ignore[arg-type]
    )


def _failure(
    pair: CapturePair, exc: Exception, secret: str | None, timeout: float
) -> tuple[str, float | None]:
    """A failed pass in one line, scrubbed of the secret, and the provider's wait."""
    import requests

    retry_after: float | None = None
    if isinstance(exc, CaptureError):
        error, retry_after = str(exc), exc.retry_after
    elif isinstance(exc, requests.RequestException):
        from commander.connectors._http import network_failure

        url = exc.request.url if exc.request is not None else pair.target.base_url
        error = network_failure(exc, url, timeout).error or "network error"
    elif isinstance(exc, ImportError):
        error = f"no {pair.target.kind} capture in this build"
    elif isinstance(exc, CommanderError):
        error = str(exc)
    else:
        # A bug in a source: no traceback in the log, its frames could quote the secret.
        log.error(
            "capture from %s raised %s: %s",
            pair.target.name,
            type(exc).__name__,
            secrets.scrub(str(exc), [secret]),
        )
        error = f"capture error: {type(exc).__name__}"
    return without_nul(secrets.scrub(error, [secret])), retry_after


def _stored_cursor(store: Store, pair: CapturePair, channel: ChannelRef) -> str | None:
    with store.read() as session:
        row = session.get(CaptureCursor, (pair.incident_id, pair.target_id, channel.channel_id))
        return None if row is None else row.cursor


def record_failure(store: Store, pair: CapturePair, channel: ChannelRef | None, error: str) -> None:
    """Keep a failed pass's error on its cursor row (every row of the pair when the
    channel could not even be found); nothing else changes."""
    now = utc_now()
    with store.write() as session:
        if channel is None:
            rows = list(
                session.scalars(
                    select(CaptureCursor)
                    .where(
                        CaptureCursor.incident_id == pair.incident_id,
                        CaptureCursor.target_id == pair.target_id,
                    )
                    .with_for_update()
                )
            )
        else:
            rows = [_cursor_row(session, pair, channel)]
        for row in rows:
            row.last_error, row.last_error_at = error, now


def _cursor_row(session: Session, pair: CapturePair, channel: ChannelRef) -> CaptureCursor:
    key = (pair.incident_id, pair.target_id, channel.channel_id)
    row = session.get(CaptureCursor, key, with_for_update=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = CaptureCursor(
                incident_id=pair.incident_id,
                target_id=pair.target_id,
                channel_id=channel.channel_id,
                channel_name=without_nul(channel.name),
            )
            session.add(row)
        return row
    except IntegrityError:  # another seat made the row just now (a failure, no lock)
        return session.get_one(CaptureCursor, key, with_for_update=True, populate_existing=True)


# -- reconciling -------------------------------------------------------------------------


def reconcile(
    store: Store,
    pair: CapturePair,
    source: ChatSource,
    channel: ChannelRef,
    snapshot: CaptureSnapshot,
    asked_at: datetime,
) -> tuple[PassCounts, bool]:
    """Bring the incident's entries of ``channel`` in line with ``snapshot`` (asked for at
    ``asked_at``), in one transaction. Returns the counts, and whether the snapshot was
    dropped as older than the one already reconciled."""
    provider = source.provider
    now = utc_now()
    with store.write() as session:
        incident = locked_incident(session, pair.ref)
        cursor = _cursor_row(session, pair, channel)
        if cursor.last_pass_at is not None and cursor.last_pass_at > asked_at:
            return PassCounts(), True
        known = {
            row.message_id: row
            for row in session.scalars(
                select(CapturedMessage).where(
                    CapturedMessage.provider == provider,
                    CapturedMessage.channel_id == channel.channel_id,
                )
            )
        }
        ours = {m: row for m, row in known.items() if row.incident_id == incident.id}
        entries = {
            entry.id: entry
            for entry in session.scalars(
                select(TimelineEntry)
                .where(TimelineEntry.id.in_([row.entry_id for row in ours.values()]))
                .with_for_update()
            )
        }
        added = revised = removed = restored = 0
        seen: set[str] = set()
        for message in snapshot.messages:
            if message.message_id in seen:
                continue
            seen.add(message.message_id)
            written = _written_form(provider, channel, message)
            row = known.get(message.message_id)
            if row is None:
                entry = add_entry(
                    session,
                    incident,
                    fact=written.fact,
                    text=written.text,
                    author=written.author,
                    occurred_at=written.posted_at,
                    recorded_at=now,
                )
                session.add(
                    CapturedMessage(
                        provider=provider,
                        channel_id=channel.channel_id,
                        message_id=message.message_id,
                        incident_id=incident.id,
                        entry_id=entry.id,
                        digest=written.digest,
                        captured_at=now,
                        updated_at=now,
                    )
                )
                added += 1
                continue
            if row.incident_id != incident.id:
                continue  # the channel served an earlier incident, which keeps its messages
            entry = entries[row.entry_id]
            if entry.deleted_at is not None:
                if entry.deleted_by != CAPTURE_AUTHOR:
                    continue  # a person took it off the timeline
                restore(session, entry, CAPTURE_AUTHOR, now)
                restored += 1
            if row.digest != written.digest:
                rewrite(
                    session,
                    entry,
                    CAPTURE_AUTHOR,
                    now,
                    text=written.text,
                    entry_author=written.author,
                    fact=written.fact,
                )
                row.digest, row.updated_at = written.digest, now
                revised += 1
        for message_id, row in ours.items():
            entry = entries[row.entry_id]
            if message_id not in seen and entry.deleted_at is None:
                soft_delete(session, entry, CAPTURE_AUTHOR, now)
                removed += 1
        cursor.cursor = snapshot.cursor
        cursor.channel_name = without_nul(channel.name)
        cursor.last_pass_at = asked_at
        cursor.last_error = cursor.last_error_at = None
        return PassCounts(added, revised, removed, restored), False


@dataclass(frozen=True, slots=True)
class _Written:
    """A message as its entry holds it."""

    text: str
    author: str
    posted_at: datetime
    fact: ChatCaptured
    digest: str


def _written_form(provider: str, channel: ChannelRef, message: ChatMessage) -> _Written:
    # A provider's text is kept as written; only a NUL (which no store keeps) is replaced.
    files = tuple(ChatFileLink(without_nul(f.name), without_nul(f.url)) for f in message.files)
    text = without_nul(message.text)
    if not text.strip():  # a file or image posted alone
        text = ", ".join(f.name for f in files) or "(no text)"
    author = without_nul(message.author_name).strip() or UNKNOWN_AUTHOR
    fact = ChatCaptured(
        provider,
        without_nul(channel.channel_id),
        without_nul(channel.name),
        without_nul(message.message_id),
        without_nul(message.permalink),
        None if message.thread_id is None else without_nul(message.thread_id),
        files,
    )
    posted = message.posted_at
    posted = posted.replace(tzinfo=UTC) if posted.tzinfo is None else posted.astimezone(UTC)
    content = [text, author, fact.permalink, fact.thread_id, [[f.name, f.url] for f in files]]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
    return _Written(text, author, posted, fact, digest)


# -- status ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """Where capture of one channel of an incident stands, for the window and the CLI."""

    target_name: str
    provider: str
    channel_name: str
    last_pass_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None


def capture_status(store: Store, incident_id: int) -> list[ChannelStatus]:
    with store.read() as session:
        rows = session.execute(
            select(CaptureCursor, CommsTarget)
            .join(CommsTarget, CommsTarget.id == CaptureCursor.target_id)
            .where(CaptureCursor.incident_id == incident_id)
            .order_by(CommsTarget.name, CaptureCursor.channel_name)
        ).all()
        return [
            ChannelStatus(
                target.name,
                target.kind,
                cursor.channel_name,
                cursor.last_pass_at,
                cursor.last_error,
                cursor.last_error_at,
            )
            for cursor, target in rows
        ]
