"""Which checklist item an event does by itself: the one table of the app's own ticks.

When something the app records does what an item asks (a rollback recorded does
"Roll back to the last known good version"), the app ticks that item in the
same transaction, as ``APP``, saying why. A person can untick it; the event
that ticked it then never ticks it again, a later one may (services/auto_checks.py).
Items are named by their text in the shipped template (a test holds every rule
to it); a user template that renames an item simply gets no tick for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from commander.domain.phase import Phase
from commander.domain.roles import Role

# The author of what the app does by itself on a checklist: its ticks, and items
# replaced when the severity or the update cadence changes.
APP = "app"


class Happening(StrEnum):
    """Something recorded that does what a checklist item asks."""

    IC_ASSIGNED = "ic_assigned"
    IC_AND_SCRIBE_ASSIGNED = "ic_and_scribe_assigned"
    ROLLBACK_RECORDED = "rollback_recorded"
    HOTFIX_RECORDED = "hotfix_recorded"
    UPDATE_DELIVERED = "update_delivered"
    PUBLIC_UPDATE_DELIVERED = "public_update_delivered"
    PAGE_SENT = "page_sent"
    CHANNEL_CREATED = "channel_created"
    USER_REPORT_LOGGED = "user_report_logged"
    ALERT_RECEIVED = "alert_received"
    HEALTH_CHECK_ADDED = "health_check_added"


@dataclass(frozen=True, slots=True)
class AutoCheck:
    phase: Phase
    item: str  # the item's text (any case)
    reason: str  # shown beside the tick: "✓ (auto: rollback recorded)"
    # Ticks only once the incident has reached this phase: the Resolve item
    # "Update the status page" asks for the resolution notice, which an
    # "investigating" post delivered during Detect is not.
    from_phase: Phase | None = None

    def applies_in(self, phase: Phase) -> bool:
        return self.from_phase is None or phase.order >= self.from_phase.order


RULES: Mapping[Happening, AutoCheck] = {
    Happening.IC_ASSIGNED: AutoCheck(Phase.TRIAGE, "Assign an Incident Commander", "IC assigned"),
    Happening.IC_AND_SCRIBE_ASSIGNED: AutoCheck(
        Phase.TRIAGE, "Assign an Incident Commander and a Scribe", "IC and Scribe assigned"
    ),
    Happening.ROLLBACK_RECORDED: AutoCheck(
        Phase.MITIGATE, "Roll back to the last known good version", "rollback recorded"
    ),
    Happening.HOTFIX_RECORDED: AutoCheck(Phase.MITIGATE, "Apply a hotfix", "hotfix recorded"),
    Happening.UPDATE_DELIVERED: AutoCheck(Phase.MITIGATE, "Communicate status", "update delivered"),
    Happening.PUBLIC_UPDATE_DELIVERED: AutoCheck(
        Phase.RESOLVE, "Update the status page", "public update delivered", Phase.RESOLVE
    ),
    Happening.PAGE_SENT: AutoCheck(
        Phase.TRIAGE, "Page the on-call engineer", "PagerDuty page sent"
    ),
    Happening.CHANNEL_CREATED: AutoCheck(
        Phase.TRIAGE, "Create the incident channel", "channel created"
    ),
    Happening.USER_REPORT_LOGGED: AutoCheck(
        Phase.DETECT, "User reports collected", "user report logged"
    ),
    Happening.ALERT_RECEIVED: AutoCheck(
        Phase.DETECT, "Monitoring alerts reviewed", "alert received"
    ),
    Happening.HEALTH_CHECK_ADDED: AutoCheck(
        Phase.DETECT, "Automated checks run", "health check added"
    ),
}


# The roles whose holders together do an item.
ROLE_RULES: tuple[tuple[Happening, tuple[Role, ...]], ...] = (
    (Happening.IC_ASSIGNED, (Role.COMMANDER,)),
    (Happening.IC_AND_SCRIBE_ASSIGNED, (Role.COMMANDER, Role.SCRIBE)),
)


def auto_mark(reason: str) -> str:
    """What the checklist panel and the CLI show beside an item the app ticked."""
    return f"✓ (auto: {reason})"
