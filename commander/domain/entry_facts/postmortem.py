"""Facts of the postmortem: saves and action item changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact
from commander.domain.kinds import EntryKind


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
