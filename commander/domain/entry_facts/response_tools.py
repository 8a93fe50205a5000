"""Facts of the response tools: roles, rollbacks and hotfixes, checklist, runbooks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.entry_facts.base import EntryFact, name_of, text_of
from commander.domain.kinds import USER_KINDS, EntryKind
from commander.domain.phase import Phase
from commander.domain.roles import Role


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
        return cls(Role(data["role"]), name_of(data.get("from")), name_of(data.get("to")))


@dataclass(frozen=True, slots=True)
class _Deployed(EntryFact):
    """A change shipped to production to fix things (see domain/deploys.py)."""

    DEPLOY: ClassVar[DeployKind]
    WITHOUT_DATA: ClassVar[bool] = True  # the kind alone says it was rolled back or fixed
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
            text_of(data, "to"),
            text_of(data, "from"),
            text_of(data, "what"),
            text_of(data, "note"),
            text_of(data, "by"),
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
    # Replaced by a stricter or newer item of the same duty (severity or cadence changed).
    SUPERSEDE = "supersede"


@dataclass(frozen=True, slots=True)
class ChecklistChanged(EntryFact):
    KIND: ClassVar[EntryKind] = EntryKind.CHECKLIST
    item_id: int
    action: ChecklistAction
    phase: Phase
    text: str
    # Why: the item does not apply (not_applicable); what the app saw happen
    # (a check by the app); what changed (supersede).
    reason: str = ""
    replaced_by: int | None = None  # supersede: the item that took its place
    by_app: bool = False  # a check the app made, or an undo of one

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "item": self.item_id,
            "action": self.action.value,
            "phase": self.phase.value,
            "text": self.text,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.replaced_by is not None:
            data["replaced_by"] = self.replaced_by
        if self.by_app:
            data["by_app"] = True
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        replaced_by = data.get("replaced_by")
        return cls(
            int(data["item"]),
            ChecklistAction(data["action"]),
            Phase(data["phase"]),
            text_of(data, "text"),
            text_of(data, "reason"),
            None if replaced_by is None else int(replaced_by),
            data.get("by_app") is True,
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
        return cls(name, text_of(data, "title"), Phase(data["phase"]), items)
