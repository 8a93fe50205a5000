"""The core calls the response tools make, each run as a job on a worker thread.

Each imports its service on first use, on the worker: the services pull in
SQLAlchemy, which must stay off the UI thread until the window has painted.
One read per panel: the phase bar's times, the roles line, the checklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from commander.domain import Phase, Severity

if TYPE_CHECKING:
    from commander.domain.roles import Role
    from commander.domain.runbooks import Runbook
    from commander.services.checklist import ChecklistItemView, ChecklistView
    from commander.services.roles import RolesView
    from commander.services.runbooks import RunbookLibrary
    from commander.store.engine import Store
    from commander.views.incidents import EntryView, IncidentDetail


@dataclass(frozen=True, slots=True)
class PhaseTimes:
    ref: str
    times: dict[Phase, timedelta]
    # When the times were measured; the current phase's clock runs on from here...
    measured_at: datetime
    # ...unless the incident is resolved: then the times stand still.
    running: bool = True


# -- reads ------------------------------------------------------------------------------
def read_phase_times(store: Store, ref: str) -> PhaseTimes:
    from commander.domain.when import utc_now
    from commander.services.phase_times import phase_clock

    now = utc_now()
    clock = phase_clock(store, ref, now)
    return PhaseTimes(ref, clock.times, now, clock.running)


def read_roles(store: Store, ref: str) -> tuple[str, RolesView]:
    from commander.services.roles import current_roles

    return ref, current_roles(store, ref)


def read_checklist(store: Store, ref: str) -> ChecklistView:
    from commander.services.checklist import checklist

    return checklist(store, ref)


def open_items_left_behind(store: Store, ref: str) -> list[ChecklistItemView]:
    """The open items of the phase being left: the rule the bar and the CLI move by."""
    from commander.services.phase_moves import leaving_warning

    warning = leaving_warning(store, ref)
    return list(warning.items) if warning is not None else []


def draft_runbook(store: Store, ref: str) -> str:
    from commander.services.runbooks import draft_from_incident

    return str(draft_from_incident(store, ref))


def load_runbooks() -> tuple[RunbookLibrary, str]:
    """The runbook library and the user's folder (made, so it can be watched before a save)."""
    from commander.services.runbooks import load_library, user_folder

    folder = user_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return load_library(), str(folder)


# -- writes -----------------------------------------------------------------------------
def change_severity(
    store: Store, ref: str, severity: Severity, author: str, reason: str
) -> IncidentDetail:
    from commander.services.incidents import change_severity

    return change_severity(store, ref, severity, author=author, reason=reason)


def change_phase(store: Store, ref: str, phase: Phase, author: str) -> IncidentDetail:
    from commander.services.incidents import change_phase

    return change_phase(store, ref, phase, author=author)


def set_checked(
    store: Store, ref: str, item_id: int, checked: bool, author: str
) -> ChecklistItemView:
    from commander.services.checklist import check_item, uncheck_item

    change = check_item if checked else uncheck_item
    return change(store, ref, item_id, author=author)


def add_item(store: Store, ref: str, phase: Phase, text: str, author: str) -> ChecklistItemView:
    from commander.services.checklist import add_item

    return add_item(store, ref, text, author=author, phase=phase)


def mark_not_applicable(
    store: Store, ref: str, item_id: int, reason: str, author: str
) -> ChecklistItemView:
    from commander.services.checklist import mark_not_applicable

    return mark_not_applicable(store, ref, item_id, reason, author=author)


def mark_applicable(store: Store, ref: str, item_id: int, author: str) -> ChecklistItemView:
    from commander.services.checklist import mark_applicable

    return mark_applicable(store, ref, item_id, author=author)


def set_roles(store: Store, ref: str, wanted: dict[Role, list[str]], author: str) -> RolesView:
    from commander.services.roles import set_roles

    return set_roles(store, ref, wanted, author=author)


def edit_milestone(
    store: Store, ref: str, name: str, moment: datetime | None, author: str, reason: str
) -> EntryView:
    from commander.services.milestones import edit_milestone

    return edit_milestone(store, ref, name, moment, author=author, reason=reason)


def attach_runbook(
    store: Store, ref: str, runbook: Runbook, author: str
) -> list[ChecklistItemView]:
    from commander.services.runbooks import attach_runbook

    return attach_runbook(store, ref, runbook, author=author)
