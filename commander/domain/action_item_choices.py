"""The fixed choices of an action item: type, priority, status (no database here,
so the CLI parser can offer them without loading SQLAlchemy)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from commander.errors import InvalidInputError


class _Choice(StrEnum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def parse(cls, text: str) -> Any:
        cleaned = text.strip().lower().replace(" ", "_").replace("-", "_")
        try:
            return cls(cleaned)
        except ValueError:
            names = ", ".join(choice.value for choice in cls)
            what = {"ItemType": "type", "ItemStatus": "status"}.get(cls.__name__, "priority")
            raise InvalidInputError(f"unknown action item {what} {text!r}: use {names}") from None


class ItemType(_Choice):
    PREVENT = "prevent"
    MITIGATE = "mitigate"
    DETECT = "detect"
    PROCESS = "process"


class Priority(_Choice):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ItemStatus(_Choice):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def is_open(self) -> bool:
        return self in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)
