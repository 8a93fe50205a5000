"""Facts of communications: messages sent, delivery states, the incident channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact, name_of, text_of
from commander.domain.kinds import EntryKind


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
    """A delivery's new state: it started failing (pending again after a failed
    attempt; the attempts after it write no entry), it ended (sent, failed, given
    up), a person asked to send it again (pending, attempt 0) or said it was posted
    (sent, ``by_person``), or its target was removed. Rows written before the
    message, target and attempt were recorded have None there."""

    KIND: ClassVar[EntryKind] = EntryKind.DELIVERY
    delivery_id: int
    state: DeliveryState
    message_id: int | None = None
    target: str | None = None
    attempt: int | None = None
    # Sent on a person's word (they checked it was posted), not a provider's answer.
    by_person: bool = False

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"delivery_id": self.delivery_id}
        if self.message_id is not None:
            data["message_id"] = self.message_id
        if self.target is not None:
            data["target"] = self.target
        data["state"] = self.state.value
        if self.attempt is not None:
            data["attempt"] = self.attempt
        if self.by_person:
            data["by_person"] = True
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        message_id, attempt = data.get("message_id"), data.get("attempt")
        return cls(
            int(data["delivery_id"]),
            DeliveryState(data["state"]),
            None if message_id is None else int(message_id),
            name_of(data.get("target")),
            None if attempt is None else int(attempt),
            data.get("by_person") is True,
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
        return cls(channel, text_of(data, "channel_name"), text_of(data, "target"))
