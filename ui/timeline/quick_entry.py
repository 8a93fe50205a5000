"""The quick-entry rules the bar still carries until they live in the core.

Stream C moves these into the core (issue 10, point 2): what a parsed line
does, that a time prefix cannot backdate /sev or /phase, and the text Up
recalls (the parser's inverse). When its functions land, the integrator
replaces ``carry_out_quick_entry`` and ``recall_text`` by those core calls; no
other UI code holds these rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commander.domain import EntryKind
from commander.domain.quick_entry import DeployEntry, LogEntry, QuickEntry, SeverityChange
from commander.errors import InvalidInputError

if TYPE_CHECKING:
    from commander.services.views import EntryView, IncidentDetail
    from commander.store.engine import Store


def carry_out_quick_entry(
    store: Store, ref: str, parsed: QuickEntry, author: str
) -> EntryView | IncidentDetail:
    """Carry out one line the bar parsed (a job on the writer worker)."""
    if isinstance(parsed, LogEntry):
        from commander.services.timeline import log_entry

        return log_entry(
            store,
            ref,
            parsed.text,
            author=author,
            kind=parsed.kind,
            occurred_at=parsed.occurred_at,
            pinned=parsed.pinned,
        )
    if isinstance(parsed, DeployEntry):
        from commander.services.deploys import record_deploy

        return record_deploy(store, ref, parsed.change, author, occurred_at=parsed.occurred_at)
    if parsed.occurred_at is not None:
        raise InvalidInputError("a time prefix cannot backdate /sev or /phase")
    from commander.services.incidents import change_phase, change_severity

    if isinstance(parsed, SeverityChange):
        return change_severity(store, ref, parsed.severity, author=author, reason=parsed.reason)
    return change_phase(store, ref, parsed.phase, author=author)


def recall_text(entry: EntryView) -> str:
    """What the bar shows to correct an entry: its flags, then its text."""
    flags = "" if entry.kind == EntryKind.NOTE else f"/{entry.kind} "
    flags += "/pin " if entry.pinned else ""
    text = "/" + entry.text if entry.text.startswith("/") else entry.text
    return flags + text
