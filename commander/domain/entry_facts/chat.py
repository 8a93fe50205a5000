"""Facts of chat capture: a message of the incident's chat channel on the timeline.

The entry holds what the message says (its text, as written, untrusted: every
renderer escapes it like any entry's), its author's display name and when it was
posted; the fact says where it came from, so a later pass finds it again and a
reader can open it in the chat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from commander.domain.entry_facts.base import EntryFact, name_of, text_of
from commander.domain.kinds import EntryKind


@dataclass(frozen=True, slots=True)
class ChatFileLink:
    """A file or image attached to the message: its name and where the chat keeps it."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class ChatCaptured(EntryFact):
    """A message pinned, or marked with the capture reaction, in the incident's channel."""

    KIND: ClassVar[EntryKind] = EntryKind.CHAT
    provider: str  # slack, matrix, mattermost
    channel_id: str
    channel_name: str
    message_id: str
    permalink: str
    thread_id: str | None = None  # the thread's first message, for a reply
    files: tuple[ChatFileLink, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "channel_id": self.channel_id,
            "channel_name": self.channel_name,
            "message_id": self.message_id,
            "permalink": self.permalink,
            "thread_id": self.thread_id,
            "files": [{"name": f.name, "url": f.url} for f in self.files],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        provider, message_id = data["provider"], data["message_id"]
        if not isinstance(provider, str) or not isinstance(message_id, str) or not message_id:
            return None
        files = tuple(
            ChatFileLink(text_of(item, "name"), text_of(item, "url"))
            for item in data.get("files") or ()
        )
        return cls(
            provider,
            text_of(data, "channel_id"),
            text_of(data, "channel_name"),
            message_id,
            text_of(data, "permalink"),
            name_of(data.get("thread_id")),
            files,
        )
