"""What an entry the app writes records, as typed facts, and their one stored form.

The app logs every change of an incident as a timeline entry whose ``data``
(JSON) says what changed. Each kind of change is one frozen dataclass (in the
module of its feature);
``encode`` gives the dict stored and ``decode`` reads a stored dict back. Only
these two touch the keys, so the readers (severity history, reports,
checklist extras, the export) cannot read one row two ways.

``decode`` reads every shape written so far, including rows of earlier copies
of the app (missing keys take their defaults); a shape it cannot read gives
None, as do the entries people log. ``encode`` keeps the keys earlier copies
wrote, so they and the JSON export read new rows as before.

Adding a kind: one dataclass (``KIND``, ``to_data``, ``from_data``) in the module
of its feature and one line in ``FACT_TYPES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commander.domain.entry_facts.alerts import AlertNote, AlertReceived, AlertResolved
from commander.domain.entry_facts.base import EntryFact
from commander.domain.entry_facts.chat import ChatCaptured, ChatFileLink
from commander.domain.entry_facts.comms import (
    ChannelCreated,
    DeliveryChanged,
    DeliveryState,
    MessageSent,
)
from commander.domain.entry_facts.health import (
    HealthChanged,
    HealthCheckAction,
    HealthCheckChanged,
)
from commander.domain.entry_facts.incident import (
    CadenceSet,
    Declared,
    MilestoneCorrected,
    PhaseChanged,
    SeverityChanged,
)
from commander.domain.entry_facts.postmortem import (
    ActionItemChange,
    ActionItemChanged,
    PostmortemSaved,
)
from commander.domain.entry_facts.response_tools import (
    ChecklistAction,
    ChecklistChanged,
    DeployMarked,
    HotfixDeployed,
    RoleChanged,
    RolledBack,
    RunbookAttached,
    deployed,
)
from commander.domain.entry_facts.user_reports import UserReported, user_reported

__all__ = [
    "ActionItemChange",
    "ActionItemChanged",
    "AlertNote",
    "AlertReceived",
    "AlertResolved",
    "CadenceSet",
    "ChannelCreated",
    "ChatCaptured",
    "ChatFileLink",
    "ChecklistAction",
    "ChecklistChanged",
    "Declared",
    "DeliveryChanged",
    "DeliveryState",
    "DeployMarked",
    "EntryFact",
    "FACT_TYPES",
    "HealthChanged",
    "HealthCheckAction",
    "HealthCheckChanged",
    "HotfixDeployed",
    "MessageSent",
    "MilestoneCorrected",
    "PhaseChanged",
    "PostmortemSaved",
    "RoleChanged",
    "RolledBack",
    "RunbookAttached",
    "SeverityChanged",
    "UserReported",
    "decode",
    "deployed",
    "encode",
    "user_reported",
]

# Under one kind, the first type that reads a row wins.
FACT_TYPES: tuple[type[EntryFact], ...] = (
    Declared,
    SeverityChanged,
    PhaseChanged,
    MilestoneCorrected,
    CadenceSet,
    RoleChanged,
    RolledBack,
    HotfixDeployed,
    ChecklistChanged,
    RunbookAttached,
    MessageSent,
    DeliveryChanged,
    ChannelCreated,
    DeployMarked,
    PostmortemSaved,
    ActionItemChanged,
    UserReported,
    HealthCheckChanged,
    HealthChanged,
    AlertReceived,
    AlertResolved,
    ChatCaptured,
)


def _readers(*, without_data: bool = False) -> dict[str, tuple[type[EntryFact], ...]]:
    found: dict[str, list[type[EntryFact]]] = {}
    for fact_type in FACT_TYPES:
        if without_data and not fact_type.WITHOUT_DATA:
            continue
        for kind in fact_type.READ_UNDER or (fact_type.KIND,):
            found.setdefault(kind.value, []).append(fact_type)
    return {kind: tuple(types) for kind, types in found.items()}


_READERS = _readers()
# Most rows have no data (what people log): they are answered from this short table.
_READERS_WITHOUT_DATA = _readers(without_data=True)
_NO_DATA: Mapping[str, Any] = {}


def encode(fact: EntryFact) -> dict[str, Any]:
    """The dict stored as the entry's ``data``."""
    return fact.to_data()


def decode(kind: str, data: Mapping[str, Any] | None) -> EntryFact | None:
    """The fact a stored entry holds; None for entries people log and shapes not known."""
    if data is None:
        readers, data = _READERS_WITHOUT_DATA.get(kind, ()), _NO_DATA
    elif isinstance(data, Mapping):
        readers = _READERS.get(kind, ())
    else:
        return None
    for fact_type in readers:
        try:
            fact = fact_type.from_data(data)
        except (KeyError, ValueError, TypeError, AttributeError, IndexError):
            continue  # not this fact, or a row damaged by hand
        if fact is not None:
            return fact
    return None
