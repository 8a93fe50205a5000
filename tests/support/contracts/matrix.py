"""Matrix client-server API: ``PUT /_matrix/client/v3/rooms/{roomId}/send/{type}/{txnId}``."""

from __future__ import annotations

import itertools
import json
import re
import threading
from typing import Any
from urllib.parse import unquote

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

EVENT_LIMIT = 65_536
_ALIAS = re.compile(r"^/_matrix/client/v3/directory/room/(?P<alias>[^/]+)$")
_SEND = re.compile(
    r"^/_matrix/client/v3/rooms/(?P<room>[^/]+)/send/(?P<type>[^/]+)/(?P<txn>[^/]+)$"
)


def _error(status: int, errcode: str, error: str) -> Reply:
    return Reply(status, {"errcode": errcode, "error": error})


class MatrixServer(ContractServer):
    name = "matrix"

    def __init__(
        self,
        access_token: str = "syt_Y29tbWFuZGVy_contractAccessToken_0001",
        room_id: str = "!incidents:localhost",
    ) -> None:
        super().__init__()
        self.access_token = access_token
        self.user_id = "@commander:localhost"
        self.rooms: dict[str, list[dict[str, Any]]] = {room_id: []}
        self.room_id = room_id
        self.aliases: dict[str, str] = {"#incidents:localhost": room_id}
        self.rate = RateWindow(None, 1.0)
        self._transactions: dict[tuple[str, str], Reply] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.rooms[self.room_id]

    def handle(self, request: Request) -> Reply:
        alias = _ALIAS.match(request.path)
        if alias and request.method == "GET":
            name = unquote(alias["alias"])
            if name not in self.aliases:
                return _error(404, "M_NOT_FOUND", f"Room alias {name} not found")
            return Reply(200, {"room_id": self.aliases[name], "servers": ["localhost"]})
        match = _SEND.match(request.path)
        if not match:
            return _error(404, "M_UNRECOGNIZED", "Unrecognized request")
        if request.method != "PUT":
            return _error(405, "M_UNRECOGNIZED", "Unrecognized request")
        auth = request.header("authorization")
        if not auth.startswith("Bearer "):
            return _error(401, "M_MISSING_TOKEN", "Missing access token")
        if auth != f"Bearer {self.access_token}":
            return _error(401, "M_UNKNOWN_TOKEN", "Unknown access token")
        room, txn = unquote(match["room"]), unquote(match["txn"])
        with self._lock:
            earlier = self._transactions.get((self.access_token, txn))
        if earlier is not None:
            return earlier  # a retransmission: same status, same body
        allowed, wait = self.rate.allow(self.access_token)
        if not allowed:
            return self.throttle_reply(wait)
        if room not in self.rooms:
            return _error(403, "M_FORBIDDEN", f"User {self.user_id} not in room {room}")
        try:
            content = json.loads(request.body)
        except ValueError:
            return _error(400, "M_NOT_JSON", "Content not JSON.")
        if not isinstance(content, dict):
            return _error(400, "M_BAD_JSON", "Content must be a JSON object.")
        if "formatted_body" in content and not content.get("format"):
            return _error(400, "M_BAD_JSON", "'formatted_body' requires 'format'")
        if not isinstance(content.get("body"), str) or not isinstance(content.get("msgtype"), str):
            return _error(400, "M_BAD_JSON", "m.room.message needs 'msgtype' and 'body'")
        canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        if len(canonical.encode()) + 1_000 > EVENT_LIMIT:  # plus the envelope around it
            return _error(413, "M_TOO_LARGE", "event too large")
        with self._lock:
            event_id = f"$event{next(self._ids):08d}"
            self.rooms[room].append(
                {"event_id": event_id, "type": match["type"], "txn_id": txn, "content": content}
            )
            reply = Reply(200, {"event_id": event_id})
            self._transactions[(self.access_token, txn)] = reply
        return reply

    def error_reply(self, status: int) -> Reply:
        return _error(status, "M_UNKNOWN", "Internal server error")

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(
            429,
            {
                "errcode": "M_LIMIT_EXCEEDED",
                "error": "Too Many Requests",
                "retry_after_ms": int(retry_after * 1000),
            },
            {"Retry-After": header_seconds(max(1, round(retry_after)))},
        )
