"""The base of every entry fact, and the readers of stored values they share."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Self

from commander.domain.kinds import EntryKind


class EntryFact:
    """One kind of recorded change. Subclasses are frozen dataclasses."""

    __slots__ = ()
    # The kind of entry the app writes this fact under.
    KIND: ClassVar[EntryKind]
    # The kinds whose stored rows may hold this fact (default: KIND alone).
    READ_UNDER: ClassVar[tuple[EntryKind, ...]] = ()
    # Whether a row of its kind with no data at all still records this fact.
    WITHOUT_DATA: ClassVar[bool] = False
    # Keys of its data holding personal data (a reporter's contact): shared documents
    # (the exports) leave them out.
    PERSONAL_KEYS: ClassVar[tuple[str, ...]] = ()

    def to_data(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        """The fact a stored dict holds; None (or KeyError/ValueError) if it is not this one."""
        raise NotImplementedError


def text_of(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def name_of(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def time_of(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
