"""What the Matrix reader knows of one room: the captured messages and why they are.

The reader (capture/matrix.py) feeds events in; this module decides what they
mean, without any network. Messages, capture reactions, edits and redactions may
arrive in any order (a first pass reads history backwards), so each rule here
holds whatever the order: a reaction is kept by its own id, an edit counts when it
is the newest of the original's sender, a redaction removes what it names. Pins
and display names need the newest value, so they come only from /sync's state
and timeline, in order (``apply_state``), never from paged history.

Between passes the whole of it travels in the cursor (``encode``/``decode``):
the sync token plus the captured messages, the capture reactions, the pins and
the authors' names, so a pass with nothing new needs no request beyond /sync.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from commander.capture.source import DEFAULT_CAPTURE_EMOJI, DEFAULT_CAPTURE_REACTION

MESSAGE = "m.room.message"
REACTION = "m.reaction"
REDACTION = "m.room.redaction"
PINNED = "m.room.pinned_events"
MEMBER = "m.room.member"
# What paged history is read for (pins and names come from /sync only).
HISTORY_TYPES = (MESSAGE, REACTION, REDACTION)
SYNC_TYPES = (*HISTORY_TYPES, PINNED, MEMBER)
FILE_MSGTYPES = frozenset({"m.file", "m.image", "m.video", "m.audio"})
# Clients send 📌 with and without the emoji presentation selector.
_VARIATION_SELECTOR = "\N{VARIATION SELECTOR-16}"
_CURSOR_PREFIX = "mx1."


def capture_key(option: str | None) -> str:
    """The reaction key that captures: the target's ``capture_reaction`` or 📌
    ("pushpin" and ":pushpin:" name 📌, as on Slack and Mattermost)."""
    value = (option or "").strip() or DEFAULT_CAPTURE_EMOJI
    if value.strip(":") == DEFAULT_CAPTURE_REACTION:
        value = DEFAULT_CAPTURE_EMOJI
    return value.replace(_VARIATION_SELECTOR, "")


@dataclass
class StoredMessage:
    sender: str
    posted_ms: int
    body: str
    thread: str | None
    files: list[tuple[str, str]]  # (name, mxc:// URL)
    edit: tuple[int, str] | None = None  # the edit shown: (its time in ms, its event id)


@dataclass(frozen=True)
class _Edit:
    posted_ms: int
    event_id: str
    body: str
    files: list[tuple[str, str]]


@dataclass
class Room:
    room_id: str
    since_ms: int
    key: str
    pinned: list[str] = field(default_factory=list)
    reactions: dict[str, str] = field(default_factory=dict)  # capture reaction -> its message
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name
    # Ids a pin or reaction names that are no captured message (redacted, older
    # than the incident, not a message): never fetched again.
    skip: set[str] = field(default_factory=set)
    # Captured messages whose shown edit was redacted: read again from the server.
    stale: set[str] = field(default_factory=set)
    # This pass's edits: original -> sender -> the newest (only the sender's own count).
    _edits: dict[str, dict[str, _Edit]] = field(default_factory=dict)

    # -- events ---------------------------------------------------------------------

    def apply_state(self, event: Any) -> None:
        """A pin list or a member event from /sync, applied in timeline order."""
        if not isinstance(event, dict) or not isinstance(event.get("content"), dict):
            return
        content = event["content"]
        if event.get("type") == PINNED and event.get("state_key") == "":
            pinned = content.get("pinned")
            self.pinned = (
                [i for i in pinned if isinstance(i, str)] if isinstance(pinned, list) else []
            )
        elif event.get("type") == MEMBER and isinstance(event.get("state_key"), str):
            user = event["state_key"]
            name = content.get("displayname")
            if isinstance(name, str) and name.strip():
                self.names[user] = name
            elif content.get("membership") == "join":
                self.names[user] = user  # no display name: clients show the user id

    def apply(self, event: Any) -> None:
        """A message, reaction or redaction, from /sync or paged history, in any order."""
        if not isinstance(event, dict):
            return
        if event.get("type") in (PINNED, MEMBER):
            self.apply_state(event)
            return
        event_id, content = event.get("event_id"), event.get("content")
        if not isinstance(event_id, str) or not isinstance(content, dict):
            return
        if event.get("type") == REDACTION:
            # Room versions up to 10 put it at the top, 11 in the content.
            redacts = event.get("redacts") or content.get("redacts")
            if isinstance(redacts, str):
                self._redact(redacts)
        elif event.get("type") == REACTION:
            relation = content.get("m.relates_to")
            if (
                isinstance(relation, dict)
                and relation.get("rel_type") == "m.annotation"
                and isinstance(relation.get("key"), str)
                and relation["key"].replace(_VARIATION_SELECTOR, "") == self.key
                and isinstance(relation.get("event_id"), str)
            ):
                self.reactions[event_id] = relation["event_id"]
        elif event.get("type") == MESSAGE:
            self._message(event, event_id, content)

    def _message(self, event: dict[str, Any], event_id: str, content: dict[str, Any]) -> None:
        relation = content.get("m.relates_to")
        relation = relation if isinstance(relation, dict) else {}
        sender, posted = event.get("sender"), event.get("origin_server_ts")
        if not isinstance(sender, str) or not isinstance(posted, int):
            return
        if relation.get("rel_type") == "m.replace":
            self._note_edit(relation.get("event_id"), sender, posted, event_id, content)
            return
        readable = _readable(content)
        if readable is None or "redacted_because" in (event.get("unsigned") or {}):
            self._redact(event_id)  # served already redacted
            return
        if posted < self.since_ms or event_id in self.messages:
            return
        thread = relation.get("event_id") if relation.get("rel_type") == "m.thread" else None
        body, files = readable
        self.messages[event_id] = StoredMessage(
            sender, posted, body, thread if isinstance(thread, str) else None, files
        )

    def _note_edit(
        self, original: Any, sender: str, posted: int, event_id: str, content: dict[str, Any]
    ) -> None:
        readable = _readable(content.get("m.new_content"))
        if not isinstance(original, str) or readable is None:
            return
        body, files = readable
        edit = _Edit(posted, event_id, body, files)
        by_sender = self._edits.setdefault(original, {})
        known = by_sender.get(sender)
        if known is None or (posted, event_id) > (known.posted_ms, known.event_id):
            by_sender[sender] = edit

    def _redact(self, event_id: str) -> None:
        self.reactions.pop(event_id, None)
        self.messages.pop(event_id, None)
        self.skip.add(event_id)
        for by_sender in self._edits.values():
            for sender, edit in list(by_sender.items()):
                if edit.event_id == event_id:
                    del by_sender[sender]
        for message_id, message in self.messages.items():
            if message.edit is not None and message.edit[1] == event_id:
                self.stale.add(message_id)

    # -- after the events -----------------------------------------------------------

    def wanted(self) -> set[str]:
        """The ids captured now: pinned or carrying the capture reaction."""
        return set(self.pinned) | set(self.reactions.values())

    def to_fetch(self) -> list[str]:
        """Captured ids whose message this pass did not see (or must read again)."""
        wanted = self.wanted()
        unseen = wanted - self.messages.keys() - self.skip
        return sorted(unseen | (self.stale & wanted))

    def add_fetched(self, event_id: str, event: Any) -> None:
        """The event as ``GET /rooms/{room}/event/{id}`` gave it (None: not found)."""
        self.messages.pop(event_id, None)
        self.stale.discard(event_id)
        if isinstance(event, dict) and event.get("type") == MESSAGE:
            self.apply(event)
            relations = (event.get("unsigned") or {}).get("m.relations")
            # The server bundles the newest edit with the original.
            if isinstance(relations, dict) and isinstance(relations.get("m.replace"), dict):
                self.apply(relations["m.replace"])
        if event_id not in self.messages:
            self.skip.add(event_id)

    def finish(self) -> None:
        """Apply this pass's edits, then keep only what is captured."""
        for original, by_sender in self._edits.items():
            message = self.messages.get(original)
            edit = by_sender.get(message.sender) if message is not None else None
            if message is None or edit is None:
                continue
            if message.edit is None or (edit.posted_ms, edit.event_id) > message.edit:
                message.body, message.files = edit.body, edit.files
                message.edit = (edit.posted_ms, edit.event_id)
        self._edits.clear()
        wanted = self.wanted()
        self.messages = {i: m for i, m in self.messages.items() if i in wanted}
        self.skip &= wanted
        self.stale &= wanted
        self.reactions = {r: m for r, m in self.reactions.items() if m not in self.skip}
        authors = {m.sender for m in self.messages.values()}
        self.names = {user: name for user, name in self.names.items() if user in authors}

    def unnamed_authors(self) -> list[str]:
        return sorted({m.sender for m in self.messages.values()} - self.names.keys())

    def captured(self) -> list[tuple[str, StoredMessage]]:
        """Captured messages, oldest first."""
        return sorted(self.messages.items(), key=lambda item: (item[1].posted_ms, item[0]))

    # -- the cursor -----------------------------------------------------------------

    def encode(self, token: str) -> str:
        data = {
            "room": self.room_id,
            "since": self.since_ms,
            "key": self.key,
            "token": token,
            "pinned": self.pinned,
            "reactions": self.reactions,
            "messages": {
                i: [m.sender, m.posted_ms, m.body, m.thread, m.files, m.edit]
                for i, m in self.messages.items()
            },
            "names": self.names,
            "skip": sorted(self.skip),
        }
        packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9)
        return _CURSOR_PREFIX + base64.urlsafe_b64encode(packed).decode("ascii")


def decode(cursor: str, room_id: str, since_ms: int, key: str) -> tuple[Room, str] | None:
    """The room and sync token a cursor carries; None when it is of another room,
    incident start or capture reaction, or not one this reader wrote."""
    if not cursor.startswith(_CURSOR_PREFIX):
        return None
    try:
        packed = base64.urlsafe_b64decode(cursor[len(_CURSOR_PREFIX) :])
        data = json.loads(zlib.decompress(packed))
        if (data["room"], data["since"], data["key"]) != (room_id, since_ms, key):
            return None
        room = Room(room_id, since_ms, key)
        room.pinned = [str(i) for i in data["pinned"]]
        room.reactions = {str(r): str(m) for r, m in data["reactions"].items()}
        for event_id, (sender, posted, body, thread, files, edit) in data["messages"].items():
            room.messages[str(event_id)] = StoredMessage(
                str(sender),
                int(posted),
                str(body),
                None if thread is None else str(thread),
                [(str(name), str(url)) for name, url in files],
                None if edit is None else (int(edit[0]), str(edit[1])),
            )
        room.names = {str(u): str(n) for u, n in data["names"].items()}
        room.skip = {str(i) for i in data["skip"]}
        token = data["token"]
    except (binascii.Error, zlib.error, ValueError, KeyError, TypeError, AttributeError):
        return None
    return (room, token) if isinstance(token, str) and token else None


def _readable(content: Any) -> tuple[str, list[tuple[str, str]]] | None:
    """A message content's text and files; None for a redacted (empty) one."""
    if not isinstance(content, dict) or not isinstance(content.get("body"), str):
        return None
    body: str = content["body"]
    files: list[tuple[str, str]] = []
    url = content.get("url")
    if (
        content.get("msgtype") in FILE_MSGTYPES
        and isinstance(url, str)
        and url.startswith("mxc://")
    ):
        filename = content.get("filename")
        files.append((filename if isinstance(filename, str) and filename else body, url))
    relation = content.get("m.relates_to")
    if isinstance(relation, dict) and isinstance(relation.get("m.in_reply_to"), dict):
        body = _without_reply_fallback(body)
    return body, files


def _without_reply_fallback(body: str) -> str:
    """A rich reply's body without the quoted message older clients put first."""
    lines = body.split("\n")
    quoted = 0
    while quoted < len(lines) and lines[quoted].startswith(">"):
        quoted += 1
    if quoted == 0:
        return body
    if quoted < len(lines) and lines[quoted] == "":
        quoted += 1
    return "\n".join(lines[quoted:])
