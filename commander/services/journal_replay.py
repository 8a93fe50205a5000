"""Writing the window's journal to the server once it is back, in typing order.

Each journaled entry is logged with its idempotency key, then removed from the
journal. A commit whose answer was lost leaves the entry in the journal; the
next replay finds its key taken and only removes it (``timeline.log_entry``),
so every entry reaches the server once. The server going away again stops the
replay where it is; an entry the server refuses for good (its incident is gone)
is set aside in the journal, named in the result, and the rest go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from commander.errors import CommanderError, StoreUnreachableError
from commander.services.timeline import log_entry
from commander.store.engine import Store
from commander.store.journal import EntryJournal, JournaledEntry, journal_key
from commander.views.incidents import EntryView


@dataclass(frozen=True, slots=True)
class Replayed:
    written: list[EntryView] = field(default_factory=list)
    refused: list[tuple[JournaledEntry, str]] = field(default_factory=list)
    # True when the server went away again before every entry was written.
    interrupted: bool = False


def replay_journal(store: Store, journal: EntryJournal) -> Replayed:
    """Write every entry waiting for ``store``, oldest typed first; see the module."""
    done = Replayed()
    for item in journal.waiting(journal_key(store)):
        try:
            entry = log_entry(
                store,
                item.incident_ref,
                item.text,
                item.author,
                kind=item.kind,
                occurred_at=item.occurred_at,
                pinned=item.pinned,
                idempotency_key=item.idempotency_key,
            )
        except StoreUnreachableError:
            return Replayed(done.written, done.refused, interrupted=True)
        except CommanderError as exc:
            journal.set_aside(item.id, str(exc))
            done.refused.append((item, str(exc)))
            continue
        journal.remove(item.id)
        done.written.append(entry)
    return done
