"""Everything the window's response tools show for one incident, in one trip to the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from commander.domain import Phase
from commander.domain.when import utc_now
from commander.services.checklist import ChecklistView, checklist
from commander.services.phase_times import phase_times
from commander.services.roles import RolesView, current_roles
from commander.store.engine import Store


@dataclass(frozen=True, slots=True)
class ResponseState:
    ref: str
    checklist: ChecklistView
    roles: RolesView
    phase_times: dict[Phase, timedelta]
    # When phase_times were measured; the current phase's clock runs on from here.
    measured_at: datetime


def response_state(store: Store, ref: str, now: datetime | None = None) -> ResponseState:
    now = now or utc_now()
    view = checklist(store, ref)
    return ResponseState(
        ref=view.ref,
        checklist=view,
        roles=current_roles(store, ref),
        phase_times=phase_times(store, ref, now),
        measured_at=now,
    )
