"""A chat source over in-memory channels: the capture service's test double.

It implements ``commander.capture.source.ChatSource`` for one provider against
channels a test fills (post, edit, pin, unpin, delete), answering each snapshot
with the messages captured now, as a provider's reader would. ``fail_with``
makes the next passes raise a ``CaptureError``; ``hold`` lets a test stop a
snapshot midway (two seats, a restart between reading and writing).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from commander.capture.source import (
    CaptureError,
    CaptureSnapshot,
    ChannelRef,
    ChatFile,
    ChatMessage,
)
from commander.capture.sources import override_source
from commander.domain.refs import channel_name

if TYPE_CHECKING:
    import requests

    from commander.connectors.base import Target


@dataclass
class _Posted:
    message: ChatMessage
    captured: bool = False


@dataclass
class MemoryChannel:
    ref: ChannelRef
    posted: dict[str, _Posted] = field(default_factory=dict)


class MemoryChatSource:
    provider: ClassVar[str] = "slack"

    def __init__(self, provider: str = "slack") -> None:
        self.provider = provider  # type: ignore[misc]  # one double per provider
        self.channels: dict[str, MemoryChannel] = {}  # by the incident's channel name
        self.snapshots = 0
        self.cursors_seen: list[str | None] = []
        self.secrets_seen: list[str] = []
        self.threads: set[int] = set()  # the threads snapshots were taken on
        self._failure: CaptureError | None = None
        self._lock = threading.Lock()
        self._hold: threading.Event | None = None
        self._to_hold = 0
        self.holding = threading.Event()  # set while a snapshot waits on ``hold``

    # -- what a test does in the chat --------------------------------------------------
    def channel_for(self, ref: str, title: str, channel_id: str = "C0001") -> MemoryChannel:
        name = _slug(channel_name(ref, title))
        channel = MemoryChannel(ChannelRef(channel_id, name))
        self.channels[name] = channel
        return channel

    def post(
        self,
        channel: MemoryChannel,
        message_id: str,
        text: str,
        at: datetime,
        author: str = "Ana Lima",
        *,
        captured: bool = True,
        thread_id: str | None = None,
        files: tuple[tuple[str, str], ...] = (),
    ) -> None:
        permalink = f"https://chat.example/{channel.ref.channel_id}/{message_id}"
        message = ChatMessage(
            message_id,
            author,
            at,
            text,
            permalink,
            thread_id,
            tuple(ChatFile(name, url) for name, url in files),
        )
        with self._lock:
            channel.posted[message_id] = _Posted(message, captured)

    def edit(self, channel: MemoryChannel, message_id: str, text: str) -> None:
        with self._lock:
            posted = channel.posted[message_id]
            posted.message = replace(posted.message, text=text)

    def mark(self, channel: MemoryChannel, message_id: str, captured: bool) -> None:
        """Pin or react (True), or un-pin and take the reaction away (False)."""
        with self._lock:
            channel.posted[message_id].captured = captured

    def delete(self, channel: MemoryChannel, message_id: str) -> None:
        with self._lock:
            del channel.posted[message_id]

    def fail_with(self, error: CaptureError | None) -> None:
        self._failure = error

    @contextmanager
    def hold(self, snapshots: int) -> Iterator[threading.Event]:
        """The next ``snapshots`` snapshots taken inside the block wait, having read the
        channel, until the event yielded is set (at the latest when the block ends)."""
        release = threading.Event()
        self._hold, self._to_hold = release, snapshots
        try:
            yield release
        finally:
            release.set()
            self._hold = None

    # -- the ChatSource protocol -------------------------------------------------------
    def locate_channel(
        self,
        target: Target,
        secret: str,
        incident_ref: str,
        incident_title: str,
        remembered: Mapping[str, str],
        session: requests.Session,
        timeout: float,
    ) -> ChannelRef | None:
        self.secrets_seen.append(secret)
        if self._failure is not None:
            raise self._failure
        if "channel" in remembered:
            found = [c for c in self.channels.values() if c.ref.channel_id == remembered["channel"]]
            return found[0].ref if found else None
        channel = self.channels.get(_slug(channel_name(incident_ref, incident_title)))
        return None if channel is None else channel.ref

    def snapshot(
        self,
        target: Target,
        secret: str,
        channel: ChannelRef,
        since: datetime,
        cursor: str | None,
        session: requests.Session,
        timeout: float,
    ) -> CaptureSnapshot:
        if self._failure is not None:
            raise self._failure
        self.threads.add(threading.get_ident())
        held = next(c for c in self.channels.values() if c.ref == channel)
        with self._lock:
            self.snapshots += 1
            self.cursors_seen.append(cursor)
            messages = tuple(
                sorted(
                    (p.message for p in held.posted.values() if p.captured),
                    key=lambda m: (m.posted_at, m.message_id),
                )
            )
            number = self.snapshots
            release = self._hold if self._to_hold > 0 else None
            self._to_hold -= 1
        if release is not None:
            self.holding.set()
            release.wait(10)
        return CaptureSnapshot(messages, f"cursor-{number}", requests_made=1)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@contextmanager
def chat_source(provider: str = "slack") -> Iterator[MemoryChatSource]:
    """``provider``'s targets read from a fresh in-memory source inside the block."""
    source = MemoryChatSource(provider)
    override_source(provider, source)
    try:
        yield source
    finally:
        override_source(provider, None)


class FileChatSource:
    """A source reading its one channel from a JSON file on every call, so a test can
    change the chat under a ``commander capture --follow`` running in a subprocess:
    ``{"channel": {"id", "name"} | null, "error": str | null, "retry_after": float |
    null, "messages": [{"id", "author", "at", "text"}]}`` (the captured messages)."""

    provider: ClassVar[str] = "slack"

    def __init__(self, path: str) -> None:
        self.path = path

    def _read(self) -> dict[str, object]:
        import json

        with open(self.path, encoding="utf-8") as file:
            data: dict[str, object] = json.load(file)
        if data.get("error"):
            retry = data.get("retry_after")
            raise CaptureError(str(data["error"]), retry_after=float(retry) if retry else None)  # type: ignore[arg-type]
        return data

    def locate_channel(self, *args: object) -> ChannelRef | None:
        channel = self._read().get("channel")
        if not isinstance(channel, dict):
            return None
        return ChannelRef(str(channel["id"]), str(channel["name"]))

    def snapshot(
        self, target: object, secret: str, channel: ChannelRef, *args: object
    ) -> CaptureSnapshot:
        items = self._read().get("messages") or []
        assert isinstance(items, list)
        messages = tuple(
            ChatMessage(
                str(item["id"]),
                str(item["author"]),
                datetime.fromisoformat(str(item["at"])),
                str(item["text"]),
                f"https://chat.example/{channel.channel_id}/{item['id']}",
            )
            for item in items
        )
        return CaptureSnapshot(messages, None, requests_made=1)


def write_chat_file(
    path: object,
    messages: list[tuple[str, str, str]],
    *,
    channel: tuple[str, str] | None = ("C0001", "inc-1-checkout-errors"),
    error: str | None = None,
    at: str = "2026-11-27T09:55:00+00:00",
) -> None:
    """The chat ``FileChatSource`` reads: (id, author, text) messages posted ``at``."""
    import json
    from pathlib import Path

    data = {
        "channel": None if channel is None else {"id": channel[0], "name": channel[1]},
        "error": error,
        "messages": [{"id": i, "author": a, "at": at, "text": t} for i, a, t in messages],
    }
    target = Path(str(path))
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(target)  # whole, never half-written under the reader
