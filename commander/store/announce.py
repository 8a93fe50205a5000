"""Collecting the timeline entries a unit of work wrote, for its change announcement.

The window runs each write inside ``collecting()``; every write transaction that
commits meanwhile hands over the entries it inserted or changed, as frozen views.
Outside ``collecting()`` (the CLI, benches) nothing is tracked and nothing costs.
The collector is per thread of execution (a context variable), so a write on the
window's worker never sees another thread's entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from commander.views.incidents import EntryView

_collector: ContextVar[list[EntryView] | None] = ContextVar("written_entries", default=None)


@contextmanager
def collecting() -> Iterator[list[EntryView]]:
    """Gather the entries committed inside the block (in commit order)."""
    written: list[EntryView] = []
    token = _collector.set(written)
    try:
        yield written
    finally:
        _collector.reset(token)


def is_collecting() -> bool:
    return _collector.get() is not None


def announce(entries: Iterable[EntryView]) -> None:
    """Hand over entries a write committed (paths that write without the ORM)."""
    written = _collector.get()
    if written is not None:
        written.extend(entries)


@contextmanager
def tracking(session: Session) -> Iterator[None]:
    """Announce the timeline entries ``session`` flushes, once its transaction commits.

    Wraps the whole ``with session.begin()`` block: nothing is announced when the
    transaction rolls back.
    """
    if not is_collecting():
        yield
        return
    from sqlalchemy import event

    from commander.store.orm import TimelineEntry
    from commander.views.incidents import EntryView

    flushed: dict[int, TimelineEntry] = {}

    def remember(flushing: Session, _context: object, _instances: object) -> None:
        for row in (*flushing.new, *flushing.dirty):
            if isinstance(row, TimelineEntry):
                flushed[id(row)] = row

    event.listen(session, "before_flush", remember)
    try:
        yield
    finally:
        event.remove(session, "before_flush", remember)
    announce(EntryView.of(row) for row in flushed.values() if row.id is not None)
