"""Presence: each seat (a window, a ``tail --follow``) says which incidents it is on.

A seat writes one small row per incident it shows (an upsert of ``last_seen``)
at most every ``HEARTBEAT_SECONDS``, and deletes its rows when it closes
cleanly. ``seats_on`` lists the seats seen within the last 30 seconds, each with
the roles its person holds. These writes are no part of an incident's record:
no timeline entry, no version, so the change feed (``services.feed``) and the
change announcement never see them and no panel reloads for them. Reading
commands (``show``, ``list``, ``who``) are no seat and write nothing.

For a terminal command that follows an incident::

    with terminal_seat(store, ref, author_of(args)) as seat:
        for entry in follow(...):   # beats on a thread of its own meanwhile
            ...
    # left: its row is gone

``terminal_seat(..., background=False)`` starts no thread; the caller then calls
``seat.beat()`` in its loop (cheap: it writes only once the interval has passed).
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from commander.clock import now as clock_now
from commander.domain.limits import refuse_nul
from commander.domain.presence import (
    FORGET_AFTER,
    HEARTBEAT_SECONDS,
    NAME_MAX,
    PRESENT_WITHIN,
    SeatKind,
)
from commander.domain.roles import Role
from commander.errors import CommanderError, InvalidInputError
from commander.services.incidents import load_incident
from commander.services.roles import person_key
from commander.store.engine import Store
from commander.store.orm_presence import SeatRow
from commander.store.orm_response import RoleAssignment
from commander.views.presence import SeatView

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Seat:
    """Who this window or terminal session is: a random id, the name it logs under."""

    seat_id: str
    name: str
    kind: SeatKind


def new_seat(name: str, kind: SeatKind) -> Seat:
    return Seat(uuid.uuid4().hex, seat_name(name), kind)


def seat_name(name: str) -> str:
    """The author name as a seat shows it: spaces folded, refused when the store
    could not keep it."""
    cleaned = unicodedata.normalize("NFC", " ".join(refuse_nul(name, "the name").split()))
    if not cleaned:
        raise InvalidInputError("a seat needs the name of the person on it")
    if len(cleaned) > NAME_MAX:
        raise InvalidInputError(f"a name is at most {NAME_MAX} characters")
    return cleaned


def incident_id_of(store: Store, ref: str) -> int:
    with store.read() as session:
        return load_incident(session, ref).id


def mark_present(
    store: Store,
    seat: Seat,
    incident_ids: Collection[int],
    *,
    gone: Collection[int] = (),
    prune: bool = False,
    now: datetime | None = None,
) -> None:
    """One transaction: the seat is on ``incident_ids`` as of now, no longer on ``gone``;
    with ``prune`` (a seat's first beat) rows nobody refreshed for a day go too."""
    seen = now or clock_now()
    with store.write() as session:
        if gone:
            session.execute(
                delete(SeatRow).where(
                    SeatRow.seat_id == seat.seat_id, SeatRow.incident_id.in_(list(gone))
                )
            )
        if prune:
            session.execute(delete(SeatRow).where(SeatRow.last_seen < seen - FORGET_AFTER))
        if incident_ids:
            _upsert(session, store, seat, incident_ids, seen)


def _upsert(
    session: Session, store: Store, seat: Seat, incident_ids: Collection[int], seen: datetime
) -> None:
    # An upsert, not a read then a write: one statement per beat on either backend.
    if store.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    rows = [
        {
            "seat_id": seat.seat_id,
            "incident_id": incident_id,
            "name": seat.name,
            "kind": seat.kind.value,
            "last_seen": seen,
        }
        for incident_id in sorted(incident_ids)
    ]
    statement = insert(SeatRow).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SeatRow.seat_id, SeatRow.incident_id],
            set_={"name": statement.excluded.name, "last_seen": statement.excluded.last_seen},
        )
    )


def leave(store: Store, seat_id: str) -> None:
    """The seat closes: it is on no incident any more."""
    with store.write() as session:
        session.execute(delete(SeatRow).where(SeatRow.seat_id == seat_id))


def seats_on(
    store: Store,
    ref: str,
    within: timedelta = PRESENT_WITHIN,
    now: datetime | None = None,
) -> list[SeatView]:
    """The seats on the incident seen within ``within`` of now, by name, windows first."""
    moment = now or clock_now()
    with store.read() as session:
        incident = load_incident(session, ref)
        rows = session.scalars(
            select(SeatRow).where(
                SeatRow.incident_id == incident.id, SeatRow.last_seen >= moment - within
            )
        ).all()
        held = session.execute(
            select(RoleAssignment.person, RoleAssignment.role).where(
                RoleAssignment.incident_id == incident.id, RoleAssignment.ended_at.is_(None)
            )
        ).all()
    roles_of: dict[str, set[Role]] = {}
    for person, role in held:
        roles_of.setdefault(person_key(person), set()).add(Role(role))
    order = list(Role)
    seats = [
        SeatView(
            seat_id=row.seat_id,
            name=row.name,
            kind=SeatKind(row.kind),
            roles=tuple(sorted(roles_of.get(person_key(row.name), ()), key=order.index)),
            last_seen=row.last_seen,
        )
        for row in rows
    ]
    kinds = list(SeatKind)
    return sorted(seats, key=lambda s: (person_key(s.name), kinds.index(s.kind), s.seat_id))


class Heartbeat:
    """Keeps one seat present on the incidents it shows, at most one write per interval.

    ``beat(ids)`` is cheap to call as often as one likes: it writes when the interval
    has passed since its last write, or at once when the incidents shown or the name
    changed. Not thread-safe: call it from one thread at a time.
    """

    def __init__(
        self,
        store: Store,
        seat: Seat,
        every: float = HEARTBEAT_SECONDS,
        ticks: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.seat = seat
        self.every = every
        self.writes = 0  # transactions written, beats and leaving
        self._ticks = ticks
        self._shown: frozenset[int] = frozenset()
        self._last: float | None = None

    @property
    def shown(self) -> frozenset[int]:
        return self._shown

    def beat(self, incident_ids: Iterable[int], name: str | None = None) -> bool:
        """Say the seat is on these incidents; True when it wrote. A failure is raised
        (StoreError) and tried again after the interval, not on the next call."""
        wanted = frozenset(incident_ids)
        renamed = name is not None and seat_name(name) != self.seat.name
        tick = self._ticks()
        due = self._last is None or tick - self._last >= self.every
        if not (due or renamed or wanted != self._shown):
            return False
        if not wanted and not self._shown:
            return False  # on nothing, and nothing to take back
        if renamed and name is not None:
            self.seat = replace(self.seat, name=seat_name(name))
        first = self._last is None
        self._last = tick
        self.writes += 1
        mark_present(self.store, self.seat, wanted, gone=self._shown - wanted, prune=first)
        self._shown = wanted
        return True

    def leave(self) -> None:
        """Take the seat's rows away (the window or the command ends cleanly)."""
        if not self._shown:
            return
        self.writes += 1
        leave(self.store, self.seat.seat_id)
        self._shown = frozenset()


class TerminalSeat:
    """A terminal session on one incident (``tail --follow``). Presence is a courtesy:
    a beat or a leave that fails is logged, never raised into the command."""

    def __init__(self, heartbeat: Heartbeat, incident_id: int) -> None:
        self.heartbeat = heartbeat
        self.incident_id = incident_id
        self._lock = threading.Lock()  # the background thread and the caller may both beat

    @property
    def seat(self) -> Seat:
        return self.heartbeat.seat

    def beat(self) -> bool:
        with self._lock:
            try:
                return self.heartbeat.beat((self.incident_id,))
            except (CommanderError, SQLAlchemyError) as exc:
                log.warning("presence: could not mark %s present: %s", self.seat.name, exc)
                return False

    def leave(self) -> None:
        with self._lock:
            try:
                self.heartbeat.leave()
            except (CommanderError, SQLAlchemyError) as exc:
                log.warning("presence: could not take %s's seat away: %s", self.seat.name, exc)


@contextmanager
def terminal_seat(
    store: Store,
    ref: str,
    name: str,
    *,
    every: float = HEARTBEAT_SECONDS,
    background: bool = True,
) -> Iterator[TerminalSeat]:
    """Count this terminal session as a seat on ``ref`` while the block runs.

    ``name`` is the author the command would log under (``commands.common.author_of``).
    It is present from the start; with ``background`` a daemon thread beats every
    ``every`` seconds, else the caller calls ``seat.beat()`` in its loop. Leaving
    (on any exit, Ctrl-C included) deletes its row. An unknown ref raises NotFoundError
    before anything is written.
    """
    incident_id = incident_id_of(store, ref)
    seat = TerminalSeat(Heartbeat(store, new_seat(name, SeatKind.TERMINAL), every), incident_id)
    seat.beat()
    stop = threading.Event()
    thread: threading.Thread | None = None
    if background:
        thread = threading.Thread(
            target=_keep_beating, args=(seat, stop, every), name="presence", daemon=True
        )
        thread.start()
    try:
        yield seat
    finally:
        stop.set()
        if thread is not None:
            # A beat on its way may wait for SQLite's busy timeout; a daemon thread
            # still writing past this is harmless: the leave below removes its row.
            thread.join(timeout=every + 1)
        seat.leave()


def _keep_beating(seat: TerminalSeat, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        seat.beat()
