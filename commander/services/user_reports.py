"""Reports from users and customers, logged on the timeline during Detect (or later).

Logging one writes a ``user-report`` entry (reporter, channel and contact in its
``UserReported`` fact) and checks the Detect item "User reports collected" if it
is still open, in one transaction: a report collected is what the item asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commander.domain import EntryKind
from commander.domain.auto_checks import Happening
from commander.domain.entry_facts import UserReported, user_reported
from commander.domain.user_reports import UserReport, make_report
from commander.domain.when import utc_now
from commander.services.auto_checks import tick
from commander.services.checklist import ChecklistItemView
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry, live_entries_of_kinds
from commander.store.engine import Store
from commander.views.incidents import EntryView


@dataclass(frozen=True, slots=True)
class UserReportLogged:
    entry: EntryView
    # The Detect item this report checked; None when it was already checked, set aside
    # as not applicable, or is not on this incident's checklist.
    checked_item: ChecklistItemView | None


@dataclass(frozen=True, slots=True)
class UserReportRecord:
    """A logged report and who logged it when (``entry_id`` points at its entry)."""

    report: UserReport
    occurred_at: datetime
    logged_by: str
    entry_id: int


def log_user_report(
    store: Store,
    ref: str,
    text: str,
    reporter: str,
    *,
    author: str,
    channel: str | None = None,
    contact: str | None = None,
    occurred_at: datetime | None = None,
    now: datetime | None = None,
) -> UserReportLogged:
    """Log what a user reported (``occurred_at`` backdates it, as for ``log``)."""
    report = make_report(text, reporter, channel, contact)
    return record_user_report(store, ref, report, author, occurred_at, now)


def record_user_report(
    store: Store,
    ref: str,
    report: UserReport,
    author: str,
    occurred_at: datetime | None = None,
    now: datetime | None = None,
) -> UserReportLogged:
    """Log a report already checked by ``make_report`` (the bar's parser made it)."""
    now = now or utc_now()
    with store.write() as session:
        # Locked: two seats logging reports at once must not both check the item.
        incident = locked_incident(session, ref)
        entry = add_entry(
            session,
            incident,
            fact=user_reported(report),
            text=report.describe(),
            author=author,
            occurred_at=occurred_at or now,
            recorded_at=now,
        )
        # Checked when collected (now), whenever the report itself was made.
        item = tick(session, incident, Happening.USER_REPORT_LOGGED, f"entry:{entry.id}", now)
        return UserReportLogged(EntryView.of(entry), item)


def user_reports(store: Store, ref: str) -> list[UserReportRecord]:
    """The incident's reports, contacts included, in the order they were made; deleted
    entries left out. For the commander's own use (calling reporters back), not for
    shared documents."""
    with store.read() as session:
        incident = load_incident(session, ref)
        rows = live_entries_of_kinds(session, incident.id, EntryKind.USER_REPORT)
        records = []
        for row in rows:
            fact = EntryView.of(row).fact
            if isinstance(fact, UserReported):
                records.append(
                    UserReportRecord(fact.report(row.text), row.occurred_at, row.author, row.id)
                )
        return records
