"""The core calls the alert feature makes, each run on a worker (never the UI thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commander.domain import Phase

if TYPE_CHECKING:
    from commander.domain import Severity
    from commander.services.alert_inbox import InboxMark
    from commander.store.engine import Store
    from commander.views.alerts import AlertGroupView
    from commander.views.incidents import IncidentSummary


def inbox_mark(store: Store) -> InboxMark:
    from commander.services.alert_inbox import inbox_mark

    return inbox_mark(store)


def waiting_groups(store: Store) -> tuple[InboxMark, list[AlertGroupView]]:
    """The waiting groups, most recently heard from first, and the mark they were read at
    (read first: a change after it shows at the next poll)."""
    from commander.services.alert_inbox import inbox_mark, list_inbox
    from commander.store.orm_alerts import WAITING

    mark = inbox_mark(store)
    return mark, list_inbox(store, [WAITING])


def open_incidents(store: Store) -> list[IncidentSummary]:
    """Incidents an alert group may join: not resolved yet, newest first."""
    from commander.services.incidents import list_incidents

    return [i for i in list_incidents(store) if i.phase.order < Phase.RESOLVE.order]


def declare(store: Store, group_id: int, severity: Severity, author: str) -> AlertGroupView:
    from commander.services.alert_inbox import declare_group

    return declare_group(store, group_id, author, severity)


def attach(store: Store, group_id: int, ref: str, author: str) -> AlertGroupView:
    from commander.services.alert_inbox import attach_group

    return attach_group(store, group_id, ref, author)


def dismiss(store: Store, group_id: int, author: str) -> AlertGroupView:
    from commander.services.alert_inbox import dismiss_group

    return dismiss_group(store, group_id, author)


def incident_alerts(store: Store, ref: str) -> tuple[list[tuple[str, str]], list[AlertGroupView]]:
    """The labels the incident kept from its alerts, and its alert groups."""
    from commander.services.alert_inbox import list_inbox
    from commander.services.alert_incidents import incident_labels

    return incident_labels(store, ref), list_inbox(store, incident_ref=ref)


def stored_token(store: Store) -> str | None:
    from commander.services.receiver_config import stored_token

    return stored_token(store)


def save_token(store: Store, token: str) -> str:
    from commander.services.receiver_config import save_token

    return save_token(store, token)


def storage_warning() -> str | None:
    from commander.secrets import secret_storage_warning

    return secret_storage_warning()
