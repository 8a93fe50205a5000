"""A Matrix user doing what responders do in a room (tests of the capture reader
against the real Synapse of tests/support/synapse.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

_txn = itertools.count(1)


@dataclass
class ChatUser:
    url: str
    token: str
    session: requests.Session = field(default_factory=requests.Session)

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        answer = self.session.request(
            method,
            f"{self.url}/_matrix/client/v3{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
            **kwargs,
        )
        assert answer.ok, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    @property
    def user_id(self) -> str:
        return str(self.call("GET", "/account/whoami")["user_id"])

    def create_room(
        self,
        alias_name: str | None = None,
        invite: tuple[str, ...] = (),
        moderators: tuple[str, ...] = (),
    ) -> str:
        """A private room; ``moderators`` may pin (power level 50)."""
        body: dict[str, Any] = {"preset": "private_chat", "invite": list(invite)}
        if alias_name:
            body["room_alias_name"] = alias_name
        if moderators:
            # The creator is not listed: room version 12 gives it power of its own.
            levels = {user: 50 for user in moderators}
            body["power_level_content_override"] = {"users": levels}
        return str(self.call("POST", "/createRoom", body)["room_id"])

    def join(self, room_id: str) -> None:
        self.call("POST", f"/join/{quote(room_id, safe='')}", {})

    def send(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        path = f"/rooms/{quote(room_id, safe='')}/send/{event_type}/t{next(_txn)}"
        return str(self.call("PUT", path, content)["event_id"])

    def say(self, room_id: str, body: str, *, thread: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": body}
        if thread is not None:
            content["m.relates_to"] = {
                "rel_type": "m.thread",
                "event_id": thread,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": thread},
            }
        return self.send(room_id, "m.room.message", content)

    def reply(self, room_id: str, to: str, quoted: str, body: str) -> str:
        """A rich reply the way older clients send it: the quoted message first."""
        content = {
            "msgtype": "m.text",
            "body": f"> <{self.user_id}> {quoted}\n\n{body}",
            "m.relates_to": {"m.in_reply_to": {"event_id": to}},
        }
        return self.send(room_id, "m.room.message", content)

    def send_file(self, room_id: str, name: str, data: bytes) -> tuple[str, str]:
        """Upload ``data`` and post it: (event id, mxc URL)."""
        answer = self.session.post(
            f"{self.url}/_matrix/media/v3/upload",
            params={"filename": name},
            data=data,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "text/plain"},
            timeout=30,
        )
        assert answer.ok, answer.text
        mxc = str(answer.json()["content_uri"])
        content = {"msgtype": "m.file", "body": name, "filename": name, "url": mxc}
        return self.send(room_id, "m.room.message", content), mxc

    def react(self, room_id: str, event_id: str, key: str = "\N{PUSHPIN}") -> str:
        relation = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        return self.send(room_id, "m.reaction", {"m.relates_to": relation})

    def edit(self, room_id: str, event_id: str, body: str) -> str:
        content = {
            "msgtype": "m.text",
            "body": f"* {body}",
            "m.new_content": {"msgtype": "m.text", "body": body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        return self.send(room_id, "m.room.message", content)

    def redact(self, room_id: str, event_id: str) -> str:
        path = f"/rooms/{quote(room_id, safe='')}/redact/{quote(event_id, safe='')}/t{next(_txn)}"
        return str(self.call("PUT", path, {"reason": "test"})["event_id"])

    def pin(self, room_id: str, *event_ids: str) -> None:
        path = f"/rooms/{quote(room_id, safe='')}/state/m.room.pinned_events/"
        self.call("PUT", path, {"pinned": list(event_ids)})

    def rename(self, room_id: str, name: str) -> None:
        """A display name in this room only (a new member event of the user's own)."""
        path = (
            f"/rooms/{quote(room_id, safe='')}/state/m.room.member/{quote(self.user_id, safe='')}"
        )
        self.call("PUT", path, {"membership": "join", "displayname": name})

    def event(self, room_id: str, event_id: str) -> dict[str, Any]:
        path = f"/rooms/{quote(room_id, safe='')}/event/{quote(event_id, safe='')}"
        return dict(self.call("GET", path))
