"""Matrix capture: the messages pinned or marked with the capture reaction in an
incident's room, read with the bot's access token (client-server API v3).

The room: the one the outbox remembered for this incident when it is not the
target's own (shared) room, else the room whose alias is named for the incident,
``#inc-12-checkout-errors:<the bot's server>`` (``GET /directory/room/{alias}``).

A pass, and why it always answers the whole set yet costs one request when
nothing happened:

- **First pass** (no cursor, or one this reader cannot use): ``GET /sync`` with a
  filter for this room only, then ``GET /rooms/{room}/messages`` backwards from
  the sync's ``prev_batch`` until the incident's start. Every message since then,
  every capture reaction and every redaction is seen; the pins and display names
  are the sync's (its state plus its timeline: the newest). Captured ids the read
  did not reach (a pin of an older message) are fetched once with
  ``GET /rooms/{room}/event/{id}``, authors without a name with
  ``GET /rooms/{room}/state/m.room.member/{user}``.
- **The cursor** carries the sync's ``next_batch`` token *and* what the pass
  learned (capture/matrix_room.py): the captured messages with their text, the
  capture reactions by id, the pins, the authors' names. So the next pass starts
  from the old answer and applies only what happened since.
- **A later pass** is one ``GET /sync?since=<token>&timeout=0``. A reaction or an
  edit on an old message, a redaction of a message, of a reaction or of an edit,
  an un-pin or a new display name all arrive there as events; a reaction on a
  message this reader did not keep is answered by fetching that one message
  (with its newest edit, which the server bundles). When more happened than one
  sync timeline holds (``limited``), the gap is paged with ``/messages`` from
  ``prev_batch`` back to the old token. Nothing new: the one request, the same set.

A cursor of another room, incident start or capture reaction, or a token the
server refuses (HTTP 400), starts a first pass again. The cursor grows with the
captured set (text included; compressed): about 100 bytes a captured message
plus its text. Synapse answers a /sync repeated with the same token and filter
from a 2-minute cache: such a pass reads that older (consistent) answer and the
next one catches up from its token. Encrypted rooms are not read (the bot has
no keys): their messages never appear.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from commander.capture.matrix_room import (
    HISTORY_TYPES,
    SYNC_TYPES,
    Room,
    StoredMessage,
    capture_key,
    decode,
)
from commander.capture.source import (
    CaptureError,
    CaptureSnapshot,
    ChannelRef,
    ChatFile,
    ChatMessage,
)
from commander.connectors._http import classify, json_body, request
from commander.connectors.base import Outcome
from commander.connectors.matrix import DEFAULT_BASE_URL, body_retry_after, error_text
from commander.connectors.slack import channel_name_for
from commander.domain.refs import channel_name

if TYPE_CHECKING:
    import requests

    from commander.connectors.base import Target

API = "/_matrix/client/v3"
SYNC_TIMELINE_LIMIT = 100
HISTORY_PAGE = 500  # events per /messages page (Synapse allows up to 1,000)


def _sync_filter(room_id: str) -> str:
    """This room only, the event types capture reads, members only for senders."""
    nothing = {"not_types": ["*"]}
    return json.dumps(
        {
            "presence": nothing,
            "account_data": nothing,
            "room": {
                "rooms": [room_id],
                "include_leave": True,
                "timeline": {"limit": SYNC_TIMELINE_LIMIT, "types": list(SYNC_TYPES)},
                "state": {"types": list(SYNC_TYPES), "lazy_load_members": True},
                "ephemeral": nothing,
                "account_data": nothing,
            },
        },
        separators=(",", ":"),
    )


_HISTORY_FILTER = json.dumps({"types": list(HISTORY_TYPES)}, separators=(",", ":"))


@dataclass
class _Homeserver:
    """GETs with the bot's token; every answer but a 2xx becomes a CaptureError."""

    base: str
    secret: str
    session: requests.Session
    timeout: float
    requests: int = field(default=0)

    def get(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        absent: tuple[int, ...] = (),
    ) -> dict[str, Any] | None:
        """The JSON answer, or None when the status is one of ``absent``."""
        self.requests += 1
        answer = request(
            self.session,
            "GET",
            f"{self.base}{API}{path}",
            secrets=[self.secret],
            timeout=self.timeout,
            params=params,
            headers={"Authorization": f"Bearer {self.secret}"},
        )
        if isinstance(answer, Outcome):
            raise CaptureError(answer.error or "Matrix could not be reached")
        if answer.status_code in absent:
            return None
        problem = classify(
            answer,
            provider="Matrix",
            secrets=[self.secret],
            error_text=error_text,
            body_retry_after=body_retry_after,
        )
        if problem is not None:
            raise CaptureError(problem.error or "Matrix refused", retry_after=problem.retry_after)
        data = json_body(answer)
        if not isinstance(data, dict):
            raise CaptureError("Matrix answered with something other than a JSON object")
        return data

    def need(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        data = self.get(path, params)
        if data is None:  # cannot happen: no status counts as absent here
            raise CaptureError(f"Matrix gave no answer to {path}")
        return data


def _homeserver(
    target: Target, secret: str, session: requests.Session, timeout: float
) -> _Homeserver:
    return _Homeserver((target.base_url or DEFAULT_BASE_URL).rstrip("/"), secret, session, timeout)


def _room_path(room_id: str) -> str:
    return f"/rooms/{quote(room_id, safe='')}"


class MatrixSource:
    provider: ClassVar[str] = "matrix"

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
        """The room remembered for the incident (not the target's own room, which the
        connector also remembers once it resolved its alias), else the room with the
        alias named for the incident on the bot's server; None when neither exists."""
        server = _homeserver(target, secret, session, timeout)
        remembered_room = remembered.get("room_id", "")
        if remembered_room.startswith("!") and not _is_targets_own_room(
            server, target, remembered_room
        ):
            return ChannelRef(remembered_room, remembered_room)
        # Imported here: a reader sits below the services; this is their naming rule.

        name = channel_name_for(channel_name(incident_ref, incident_title))
        if not name:
            return None
        user = server.need("/account/whoami").get("user_id")
        if not isinstance(user, str) or ":" not in user:
            raise CaptureError("Matrix did not say which user the access token belongs to")
        alias = f"#{name}:{user.split(':', 1)[1]}"
        room_id = _resolve(server, alias)
        return ChannelRef(room_id, alias) if room_id else None

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
        """The room's captured messages since ``since`` (see the module docstring)."""
        server = _homeserver(target, secret, session, timeout)
        room_id = channel.channel_id
        since_ms = _milliseconds(since)
        key = capture_key(target.options.get("capture_reaction"))
        kept = decode(cursor, room_id, since_ms, key) if cursor else None
        room, token = kept if kept is not None else (None, None)
        if room is not None and token is not None:
            token = _catch_up(server, room, token, channel.name)
        if room is None or token is None:
            room = Room(room_id, since_ms, key)
            token = _read_from_start(server, room, channel.name)
        _complete(server, room)
        messages = tuple(
            _chat_message(server.base, room_id, i, m, room.names) for i, m in room.captured()
        )
        return CaptureSnapshot(messages, room.encode(token), server.requests)


def _milliseconds(moment: datetime) -> int:
    """Milliseconds since the epoch, rounded up (exact: no float on the way)."""
    microseconds = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return -(-microseconds // 1000)


def _is_targets_own_room(server: _Homeserver, target: Target, room_id: str) -> bool:
    configured = target.options.get("room_id", "").strip()
    if configured.startswith("#"):
        # The connector remembers a room only as its alias's answer: when the alias
        # no longer answers, the remembered room is still taken for the shared one.
        resolved = _resolve(server, configured)
        return resolved is None or resolved == room_id
    return configured == room_id


def _resolve(server: _Homeserver, alias: str) -> str | None:
    found = server.get(f"/directory/room/{quote(alias, safe='')}", absent=(404,))
    room_id = found.get("room_id") if found is not None else None
    return room_id if isinstance(room_id, str) and room_id.startswith("!") else None


def _read_from_start(server: _Homeserver, room: Room, room_name: str) -> str:
    """A first pass: /sync for the newest events and state, then history back to
    the incident's start. Answers the sync token."""
    data = server.need("/sync", {"filter": _sync_filter(room.room_id), "timeout": "0"})
    rooms = data.get("rooms") or {}
    joined = (rooms.get("join") or {}).get(room.room_id)
    if not isinstance(joined, dict):
        if room.room_id in (rooms.get("invite") or {}):
            raise CaptureError(
                f"the bot is invited to the Matrix room {room_name} but has not joined it"
            )
        raise CaptureError(f"the bot is not in the Matrix room {room_name}: invite it and join")
    _apply_sync(server, room, joined, None)
    return _token_of(data)


def _catch_up(server: _Homeserver, room: Room, token: str, room_name: str) -> str | None:
    """A later pass: what happened since ``token``. None when the server no longer
    takes the token (a first pass follows)."""
    params = {"filter": _sync_filter(room.room_id), "timeout": "0", "since": token}
    data = server.get("/sync", params, absent=(400,))
    if data is None:
        return None
    rooms = data.get("rooms") or {}
    if room.room_id in (rooms.get("leave") or {}):
        raise CaptureError(f"the bot is no longer in the Matrix room {room_name}")
    joined = (rooms.get("join") or {}).get(room.room_id)
    if isinstance(joined, dict):
        _apply_sync(server, room, joined, token)
    return _token_of(data)


def _apply_sync(server: _Homeserver, room: Room, joined: dict[str, Any], since: str | None) -> None:
    for event in (joined.get("state") or {}).get("events") or []:
        room.apply_state(event)
    timeline = joined.get("timeline") or {}
    for event in timeline.get("events") or []:
        room.apply(event)
    prev_batch = timeline.get("prev_batch")
    if timeline.get("limited") and isinstance(prev_batch, str):
        _read_history(server, room, prev_batch, since)


def _read_history(server: _Homeserver, room: Room, start: str, stop: str | None) -> None:
    """``/messages`` backwards from ``start``: to the token ``stop``, or (None) to
    the first page reaching before the incident's start."""
    page_from = start
    while True:
        params = {"dir": "b", "from": page_from, "limit": str(HISTORY_PAGE)}
        params["filter"] = _HISTORY_FILTER
        if stop is not None:
            params["to"] = stop
        page = server.need(f"{_room_path(room.room_id)}/messages", params)
        chunk = page.get("chunk") or []
        for event in chunk:
            room.apply(event)
        end = page.get("end")
        if not chunk or not isinstance(end, str) or end == page_from:
            return
        if stop is None and any(_posted_before(e, room.since_ms) for e in chunk):
            return
        page_from = end


def _posted_before(event: Any, since_ms: int) -> bool:
    posted = event.get("origin_server_ts") if isinstance(event, dict) else None
    return isinstance(posted, int) and posted < since_ms


def _complete(server: _Homeserver, room: Room) -> None:
    """Fetch captured messages the events did not bring, then the authors' names."""
    path = _room_path(room.room_id)
    for event_id in room.to_fetch():
        room.add_fetched(
            event_id, server.get(f"{path}/event/{quote(event_id, safe='')}", absent=(404,))
        )
    room.finish()
    for user in room.unnamed_authors():
        member = server.get(f"{path}/state/m.room.member/{quote(user, safe='')}", absent=(404,))
        name = member.get("displayname") if member is not None else None
        room.names[user] = name if isinstance(name, str) and name.strip() else user


def _token_of(data: dict[str, Any]) -> str:
    token = data.get("next_batch")
    if not isinstance(token, str) or not token:
        raise CaptureError("Matrix answered /sync without a next_batch token")
    return token


def _chat_message(
    base: str, room_id: str, event_id: str, message: StoredMessage, names: Mapping[str, str]
) -> ChatMessage:
    return ChatMessage(
        message_id=event_id,
        author_name=names.get(message.sender, message.sender),
        posted_at=datetime.fromtimestamp(message.posted_ms / 1000, tz=UTC),
        text=message.body,
        permalink=permalink(room_id, event_id, message.sender),
        thread_id=message.thread,
        files=tuple(ChatFile(name, download_url(base, url, name)) for name, url in message.files),
    )


def permalink(room_id: str, event_id: str, sender: str) -> str:
    """``https://matrix.to/#/<room>/<event>?via=<server>``: clients join a room through
    a server in it (the sender's), and room ids of version 12 name no server."""
    link = f"https://matrix.to/#/{quote(room_id, safe='!')}/{quote(event_id, safe='')}"
    server = sender.split(":", 1)[1] if ":" in sender else ""
    return f"{link}?via={quote(server, safe='')}" if server else link


def download_url(base: str, mxc: str, name: str) -> str:
    """The authenticated media download (a Matrix access token is needed to follow it)."""
    server_and_id = mxc.removeprefix("mxc://")
    server, _, media_id = server_and_id.partition("/")
    return (
        f"{base}/_matrix/client/v1/media/download/{quote(server, safe='')}/"
        f"{quote(media_id, safe='')}/{quote(name, safe='')}"
    )
