"""What an entry the app writes records, as typed facts, and their one stored form.

The app logs every change of an incident as a timeline entry whose ``data``
(JSON) says what changed. Each kind of change is one frozen dataclass here;
``encode`` gives the dict stored and ``decode`` reads a stored dict back. Only
these two touch the keys, so the readers (severity history, reports,
checklist extras, the export) cannot read one row two ways.

``decode`` reads every shape written so far, including rows of earlier copies
of the app (missing keys take their defaults); a shape it cannot read gives
None, as do the entries people log. ``encode`` keeps the keys earlier copies
wrote, so they and the JSON export read new rows as before.

Adding a kind: one dataclass (``KIND``, ``to_data``, ``from_data``) and one line
in ``FACT_TYPES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Self

from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.kinds import USER_KINDS, EntryKind
from commander.domain.phase import Phase
from commander.domain.roles import Role
from commander.domain.severity import Severity
from commander.domain.when import iso


class EntryFact:
    """One kind of recorded change. Subclasses are frozen dataclasses."""

    __slots__ = ()
    # The kind of entry the app writes this fact under.
    KIND: ClassVar[EntryKind]
    # The kinds whose stored rows may hold this fact (default: KIND alone).
    READ_UNDER: ClassVar[tuple[EntryKind, ...]] = ()

    def to_data(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        """The fact a stored dict holds; None (or KeyError/ValueError) if it is not this one."""
        raise NotImplementedError


# -- the incident itself ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Declared(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.DECLARED
    severity: Severity

    def to_data(self) -> dict[str, Any]:
        return {"severity": self.severity.value}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(Severity(data["severity"]))


@dataclass(frozen=True, slots=True)
class SeverityChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.SEVERITY
    from_severity: Severity
    to_severity: Severity
    reason: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "from": self.from_severity.value,
            "to": self.to_severity.value,
            "reason": self.reason,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(Severity(data["from"]), Severity(data["to"]), _text(data, "reason"))


@dataclass(frozen=True, slots=True)
class PhaseChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.PHASE
    from_phase: Phase
    to_phase: Phase
    # Milestones a move back took away (a reopen), with the times they held.
    cleared: tuple[tuple[str, datetime], ...] = ()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"from": self.from_phase.value, "to": self.to_phase.value}
        if self.cleared:
            data["cleared"] = {name: iso(moment) for name, moment in self.cleared}
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        cleared = data.get("cleared") or {}
        return cls(
            Phase(data["from"]),
            Phase(data["to"]),
            tuple((str(name), datetime.fromisoformat(at)) for name, at in cleared.items() if at),
        )


@dataclass(frozen=True, slots=True)
class MilestoneCorrected(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.MILESTONE
    field: str  # the incident's column, e.g. "mitigated_at"
    from_time: datetime | None
    to_time: datetime | None
    reason: str = ""

    def to_data(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "from": iso(self.from_time),
            "to": iso(self.to_time),
            "reason": self.reason,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        before, after = _time(data.get("from")), _time(data.get("to"))
        return cls(str(data["field"]), before, after, _text(data, "reason"))


@dataclass(frozen=True, slots=True)
class CadenceSet(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.CADENCE
    minutes: int | None  # None: back to the severity's default; 0: no scheduled updates

    def to_data(self) -> dict[str, Any]:
        return {"minutes": self.minutes}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        minutes = data["minutes"]
        return cls(None if minutes is None else int(minutes))


# -- the response tools -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleChanged(EntryFact):
    """Someone took a role (``from_person`` None), handed it over, or left it (``to_person``
    None)."""

    KIND: ClassVar[EntryKind] = EntryKind.ROLE
    role: Role
    from_person: str | None
    to_person: str | None

    @property
    def is_handover(self) -> bool:
        return bool(self.from_person and self.to_person)

    def to_data(self) -> dict[str, Any]:
        return {"role": self.role.value, "from": self.from_person, "to": self.to_person}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(Role(data["role"]), _name(data.get("from")), _name(data.get("to")))


@dataclass(frozen=True, slots=True)
class _Deployed(EntryFact):
    """A change shipped to production to fix things (see domain/deploys.py)."""

    DEPLOY: ClassVar[DeployKind]
    to_version: str
    from_version: str = ""
    what: str = ""
    note: str = ""
    by: str = ""  # "" in rows that did not say: the entry's author

    @property
    def change(self) -> DeployChange:
        return DeployChange(self.DEPLOY, self.to_version, self.from_version, self.what, self.note)

    def to_data(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "from": self.from_version,
            "to": self.to_version,
            "note": self.note,
            "by": self.by,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(
            _text(data, "to"),
            _text(data, "from"),
            _text(data, "what"),
            _text(data, "note"),
            _text(data, "by"),
        )


@dataclass(frozen=True, slots=True)
class RolledBack(_Deployed):
    KIND: ClassVar[EntryKind] = EntryKind.ROLLBACK
    DEPLOY: ClassVar[DeployKind] = DeployKind.ROLLBACK


@dataclass(frozen=True, slots=True)
class HotfixDeployed(_Deployed):
    KIND: ClassVar[EntryKind] = EntryKind.HOTFIX
    DEPLOY: ClassVar[DeployKind] = DeployKind.HOTFIX


def deployed(change: DeployChange, by: str) -> RolledBack | HotfixDeployed:
    """The fact recording ``change``."""
    fact = RolledBack if change.kind is DeployKind.ROLLBACK else HotfixDeployed
    return fact(change.to_version, change.from_version, change.what, change.note, by)


@dataclass(frozen=True, slots=True)
class DeployMarked(EntryFact):
    """A logged entry marked as a rollback or hotfix by a key in its data, the form the
    postmortem read before the rollback and hotfix commands existed. Only which
    change it was is known; the rest of the data is the writer's own."""

    KIND: ClassVar[EntryKind] = EntryKind.ACTION
    READ_UNDER: ClassVar[tuple[EntryKind, ...]] = USER_KINDS
    deploy: DeployKind

    def to_data(self) -> dict[str, Any]:
        return {self.deploy.value: True}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        for deploy in DeployKind:
            if data.get(deploy.value):
                return cls(deploy)
        return None


class ChecklistAction(StrEnum):
    ADD = "add"
    CHECK = "check"
    UNCHECK = "uncheck"
    NOT_APPLICABLE = "not_applicable"
    APPLICABLE = "applicable"


@dataclass(frozen=True, slots=True)
class ChecklistChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.CHECKLIST
    item_id: int
    action: ChecklistAction
    phase: Phase
    text: str
    reason: str = ""  # why an item does not apply

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "item": self.item_id,
            "action": self.action.value,
            "phase": self.phase.value,
            "text": self.text,
        }
        if self.reason:
            data["reason"] = self.reason
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(
            int(data["item"]),
            ChecklistAction(data["action"]),
            Phase(data["phase"]),
            _text(data, "text"),
            _text(data, "reason"),
        )


@dataclass(frozen=True, slots=True)
class RunbookAttached(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.RUNBOOK
    name: str
    title: str
    phase: Phase
    item_ids: tuple[int, ...]

    def to_data(self) -> dict[str, Any]:
        return {
            "runbook": self.name,
            "title": self.title,
            "phase": self.phase.value,
            "items": list(self.item_ids),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        name = data["runbook"]
        if not isinstance(name, str):
            return None
        items = tuple(int(item) for item in data.get("items") or ())
        return cls(name, _text(data, "title"), Phase(data["phase"]), items)


# -- communications ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageSent(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.MESSAGE
    message_id: int
    targets: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        return {"message_id": self.message_id, "targets": list(self.targets)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        return cls(int(data["message_id"]), tuple(str(t) for t in data.get("targets") or ()))


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryChanged(EntryFact):
    """A delivery's new state: an outcome of sending, a retry a person asked for, or a
    failure because its target was removed. Rows of the last two did not name the
    message, target or attempt (None)."""

    KIND: ClassVar[EntryKind] = EntryKind.DELIVERY
    delivery_id: int
    state: DeliveryState
    message_id: int | None = None
    target: str | None = None
    attempt: int | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"delivery_id": self.delivery_id}
        if self.message_id is not None:
            data["message_id"] = self.message_id
        if self.target is not None:
            data["target"] = self.target
        data["state"] = self.state.value
        if self.attempt is not None:
            data["attempt"] = self.attempt
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        message_id, attempt = data.get("message_id"), data.get("attempt")
        return cls(
            int(data["delivery_id"]),
            DeliveryState(data["state"]),
            None if message_id is None else int(message_id),
            _name(data.get("target")),
            None if attempt is None else int(attempt),
        )


@dataclass(frozen=True, slots=True)
class ChannelCreated(EntryFact):
    """The incident's Slack channel, logged as an action (a person did it)."""

    KIND: ClassVar[EntryKind] = EntryKind.ACTION
    channel_id: str
    channel_name: str
    target: str

    def to_data(self) -> dict[str, Any]:
        return {
            "channel": self.channel_id,
            "channel_name": self.channel_name,
            "target": self.target,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        channel = data["channel"]
        if not isinstance(channel, str):
            return None
        return cls(channel, _text(data, "channel_name"), _text(data, "target"))


# -- the postmortem ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostmortemSaved(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.POSTMORTEM
    revision: int
    changed: tuple[str, ...]  # the fields the save changed; ("created",) for the first

    def to_data(self) -> dict[str, Any]:
        return {"postmortem": {"revision": self.revision, "changed": list(self.changed)}}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        saved = data["postmortem"]
        return cls(int(saved["revision"]), tuple(str(name) for name in saved.get("changed") or ()))


class ActionItemChange(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class ActionItemChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.POSTMORTEM
    item_id: int
    change: ActionItemChange
    # (field, before, after) as plain JSON values, for an update.
    fields: tuple[tuple[str, Any, Any], ...] = ()

    def to_data(self) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.item_id, "change": self.change.value}
        if self.fields:
            item["fields"] = {name: [before, after] for name, before, after in self.fields}
        return {"action_item": item}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        item = data["action_item"]
        changed = item.get("fields") or {}
        return cls(
            int(item["id"]),
            ActionItemChange(item["change"]),
            tuple((str(name), pair[0], pair[1]) for name, pair in changed.items()),
        )


# -- the registry -----------------------------------------------------------------------

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
)


def _readers() -> dict[str, tuple[type[EntryFact], ...]]:
    found: dict[str, list[type[EntryFact]]] = {}
    for fact_type in FACT_TYPES:
        for kind in fact_type.READ_UNDER or (fact_type.KIND,):
            found.setdefault(kind.value, []).append(fact_type)
    return {kind: tuple(types) for kind, types in found.items()}


_READERS = _readers()
_NO_DATA: Mapping[str, Any] = {}


def encode(fact: EntryFact) -> dict[str, Any]:
    """The dict stored as the entry's ``data``."""
    return fact.to_data()


def decode(kind: str, data: Mapping[str, Any] | None) -> EntryFact | None:
    """The fact a stored entry holds; None for entries people log and shapes not known."""
    if data is None:
        data = _NO_DATA  # a rollback or hotfix row without data is still one
    elif not isinstance(data, Mapping):
        return None
    for fact_type in _READERS.get(kind, ()):
        try:
            fact = fact_type.from_data(data)
        except (KeyError, ValueError, TypeError, AttributeError, IndexError):
            continue  # not this fact, or a row damaged by hand
        if fact is not None:
            return fact
    return None


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _name(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
