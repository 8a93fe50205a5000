"""Moving an incident to another phase, warning about the checklist items it leaves open.

Leaving a phase with open items is allowed: the warning is shown, the move is
never blocked. The window's phase bar asks ``leaving_warning`` first (it lets
the person confirm); the quick-entry bar and the CLI move at once with
``move_to_phase`` and show the warning it hands back. Both read the same rule.
The open items are read just before the move, in their own transaction: an item
checked on another seat in between may still be named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commander.domain import Phase
from commander.services.checklist import ChecklistItemView, checklist
from commander.services.incidents import change_phase
from commander.store.engine import Store
from commander.views.incidents import IncidentDetail


@dataclass(frozen=True, slots=True)
class LeavingWithOpenItems:
    """The phase being left and its checklist items neither checked nor set aside."""

    phase: Phase
    items: tuple[ChecklistItemView, ...]

    @property
    def message(self) -> str:
        listed = "; ".join(item.text for item in self.items)
        return f"leaving {self.phase.label} with {len(self.items)} open checklist item(s): {listed}"


@dataclass(frozen=True, slots=True)
class PhaseMove:
    incident: IncidentDetail
    warning: LeavingWithOpenItems | None


def leaving_warning(store: Store, ref: str) -> LeavingWithOpenItems | None:
    """What leaving the incident's current phase would skip, or None if nothing."""
    view = checklist(store, ref)
    items = view.open_items(view.phase)
    return LeavingWithOpenItems(view.phase, tuple(items)) if items else None


def move_to_phase(
    store: Store,
    ref: str,
    phase: Phase,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> PhaseMove:
    """Move to ``phase`` (dated ``occurred_at`` when given) and say which items of the
    phase left behind are still open."""
    warning = leaving_warning(store, ref)
    incident = change_phase(store, ref, phase, author=author, now=now, occurred_at=occurred_at)
    return PhaseMove(incident, warning)
