"""Carrying out what the quick-entry bar parsed: one rule for the window and the CLI.

A parsed line becomes a timeline entry, a rollback or hotfix record, a user
report (which may check a Detect item), a severity change or a phase change.
Moving phase hands back the open checklist items of the phase left behind, as a
warning to show: it never blocks the move.
"""

from __future__ import annotations

from dataclasses import dataclass

from commander.domain.quick_entry import (
    DeployEntry,
    LogEntry,
    QuickEntry,
    SeverityChange,
    UserReportEntry,
    refuse_backdated_change,
)
from commander.services.deploys import record_deploy
from commander.services.incidents import change_severity
from commander.services.phase_moves import LeavingWithOpenItems, move_to_phase
from commander.services.timeline import log_entry
from commander.services.user_reports import record_user_report
from commander.store.engine import Store
from commander.views.incidents import EntryView, IncidentDetail


@dataclass(frozen=True, slots=True)
class CarriedOut:
    """The entry written (an entry or a record), or the incident after a severity or
    phase change; ``warning`` is set when a phase was left with open items."""

    result: EntryView | IncidentDetail
    warning: LeavingWithOpenItems | None = None


def carry_out(
    store: Store, ref: str, parsed: QuickEntry, author: str, idempotency_key: str | None = None
) -> CarriedOut:
    """Write what one quick-entry line asks for, or raise ``InvalidInputError``.

    ``idempotency_key`` (the window gives each entry one) keeps a plain entry from
    being written twice when a write is retried (``timeline.log_entry``)."""
    refuse_backdated_change(parsed)
    if isinstance(parsed, LogEntry):
        entry = log_entry(
            store,
            ref,
            parsed.text,
            author=author,
            kind=parsed.kind,
            occurred_at=parsed.occurred_at,
            pinned=parsed.pinned,
            idempotency_key=idempotency_key,
        )
        return CarriedOut(entry)
    if isinstance(parsed, DeployEntry):
        return CarriedOut(
            record_deploy(store, ref, parsed.change, author, occurred_at=parsed.occurred_at)
        )
    if isinstance(parsed, UserReportEntry):
        logged = record_user_report(
            store, ref, parsed.report, author, occurred_at=parsed.occurred_at
        )
        return CarriedOut(logged.entry)
    if isinstance(parsed, SeverityChange):
        return CarriedOut(
            change_severity(store, ref, parsed.severity, author=author, reason=parsed.reason)
        )
    move = move_to_phase(store, ref, parsed.phase, author=author)
    return CarriedOut(move.incident, move.warning)
