"""Slack's Web API as chat capture reads it: channels full of messages to pin and mark.

Methods: ``auth.test``, ``conversations.list``, ``conversations.history``,
``conversations.replies``, ``pins.list``, ``users.info``, under ``/api/``, shaped
as Slack's published spec (slackapi/slack-api-specs) and method pages describe:

- GET with query parameters, or POST with a form (or JSON) body, both as Slack takes
  them; other HTTP methods get 405.
- The token as ``Authorization: Bearer``, or ``token`` in a POST body. Not in the
  query string (Slack refuses that for apps made since 2021): ``not_authed``.
  An unknown token: ``invalid_auth``.
- Scopes per token (``tokens``): a method without its scope answers
  ``missing_scope`` with ``needed`` and ``provided``, as Slack does; history and
  replies need ``channels:history`` on a public channel, ``groups:history`` on a
  private one; ``conversations.list`` needs ``channels:read`` / ``groups:read`` for
  the types asked.
- A private channel the bot is not in does not exist for it (``channel_not_found``);
  reading a public one it is not in answers ``not_in_channel``.
- Cursor pagination: ``limit`` (default 100, at most 999, history's documented
  maximum), ``response_metadata.next_cursor`` while more remain, ``invalid_cursor``
  for a cursor it did not hand out.
- Rate limits per method (``rates``, off unless a test sets a limit) and the
  shared ``throttle_next``: HTTP 429, ``Retry-After``, ``{"ok": false, "error":
  "ratelimited"}``.

Messages carry what Slack's message objects carry: ``ts``, ``user``, ``text``,
``reactions`` (name, users, count), ``pinned_to``, ``edited`` (user, ts) after an
edit, ``files``, and on a thread root ``thread_ts``, ``reply_count``,
``reply_users``, ``latest_reply``; replies carry ``thread_ts`` and
``parent_user_id``. A deleted message disappears, except a thread root with
replies, which stays as a ``tombstone``. History answers newest first, replies
oldest first with the root leading.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

ALL_SCOPES = frozenset(
    {
        "channels:history",
        "groups:history",
        "channels:read",
        "groups:read",
        "pins:read",
        "users:read",
        "chat:write",
    }
)
METHODS = (
    "auth.test",
    "conversations.list",
    "conversations.history",
    "conversations.replies",
    "pins.list",
    "users.info",
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 999
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # when the first generated message is posted


class SlackCaptureServer(ContractServer):
    """Set up channels with ``add_channel``, ``add_user``, ``post``, ``react``, ``pin``,
    ``edit``, ``delete``; ``calls()`` counts the requests per method."""

    name = "slack-capture"

    def __init__(self, token: str = "xoxb-0000-2222-capturesecret") -> None:
        super().__init__()
        self.token = token
        self.tokens: dict[str, frozenset[str]] = {token: ALL_SCOPES}
        self.workspace_url = "https://incident-ws.slack.com/"
        self.bot_user = "UBOT0000001"
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.rates: dict[str, RateWindow] = {m: RateWindow(None, 60.0) for m in METHODS}
        # Slack may answer fewer than ``limit`` items a page; tests lower this to page often.
        self.page_cap = MAX_LIMIT
        self._next = itertools.count()
        self._data = threading.Lock()

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    # -- setting up the workspace -------------------------------------------------------
    def add_user(
        self, user_id: str, name: str, *, display_name: str = "", real_name: str = ""
    ) -> str:
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "real_name": real_name,
            "profile": {"display_name": display_name, "real_name": real_name},
        }
        return user_id

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        private: bool = False,
        bot_is_member: bool = True,
    ) -> str:
        channel_id = channel_id or f"C{len(self.channels) + 1:010d}"
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name,
            "is_private": private,
            "is_member": bot_is_member,
            "messages": {},  # ts -> message, replies included
            "order": [],  # top-level ts (and broadcast replies), oldest first
            "threads": {},  # root ts -> reply ts, oldest first
            "pins": {},  # ts -> (created, created_by)
        }
        return channel_id

    def next_ts(self) -> str:
        """A fresh, later timestamp: one second after the previous one."""
        n = next(self._next)
        return f"{int(START.timestamp()) + n}.{n % 1_000_000:06d}"

    def post(
        self,
        channel_id: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        broadcast: bool = False,
        files: list[dict[str, Any]] | None = None,
        ts: str | None = None,
    ) -> str:
        ts = ts or self.next_ts()
        with self._data:
            channel = self.channels[channel_id]
            message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
            if files:
                message["files"] = files
            if thread_ts is None:
                channel["order"].append(ts)
            else:
                root = channel["messages"][thread_ts]
                message["thread_ts"] = thread_ts
                message["parent_user_id"] = root.get("user")
                replies = channel["threads"].setdefault(thread_ts, [])
                replies.append(ts)
                root.update(
                    thread_ts=thread_ts,
                    reply_count=len(replies),
                    latest_reply=ts,
                    reply_users=sorted({*root.get("reply_users", []), user}),
                )
                root["reply_users_count"] = len(root["reply_users"])
                if broadcast:
                    message["subtype"] = "thread_broadcast"
                    channel["order"].append(ts)
            channel["messages"][ts] = message
        return ts

    def react(self, channel_id: str, ts: str, name: str, user: str) -> None:
        with self._data:
            message = self.channels[channel_id]["messages"][ts]
            reactions = message.setdefault("reactions", [])
            found = next((r for r in reactions if r["name"] == name), None)
            if found is None:
                found = {"name": name, "users": [], "count": 0}
                reactions.append(found)
            if user not in found["users"]:
                found["users"].append(user)
                found["count"] = len(found["users"])

    def unreact(self, channel_id: str, ts: str, name: str, user: str) -> None:
        with self._data:
            message = self.channels[channel_id]["messages"][ts]
            for reaction in list(message.get("reactions", [])):
                if reaction["name"] == name and user in reaction["users"]:
                    reaction["users"].remove(user)
                    reaction["count"] = len(reaction["users"])
                    if not reaction["users"]:
                        message["reactions"].remove(reaction)
            if not message.get("reactions"):
                message.pop("reactions", None)

    def pin(self, channel_id: str, ts: str, user: str) -> None:
        with self._data:
            channel = self.channels[channel_id]
            channel["pins"][ts] = (int(START.timestamp()) + next(self._next), user)
            channel["messages"][ts]["pinned_to"] = [channel_id]

    def unpin(self, channel_id: str, ts: str) -> None:
        with self._data:
            channel = self.channels[channel_id]
            channel["pins"].pop(ts, None)
            channel["messages"][ts].pop("pinned_to", None)

    def edit(self, channel_id: str, ts: str, text: str) -> None:
        with self._data:
            message = self.channels[channel_id]["messages"][ts]
            message["text"] = text
            message["edited"] = {"user": message.get("user"), "ts": self.next_ts()}

    def delete(self, channel_id: str, ts: str) -> None:
        """As Slack: gone, and its pins with it; a root with replies stays a tombstone."""
        with self._data:
            channel = self.channels[channel_id]
            message = channel["messages"][ts]
            channel["pins"].pop(ts, None)
            if channel["threads"].get(ts) and message.get("thread_ts") == ts:
                keep = ("ts", "thread_ts", "reply_count", "reply_users", "latest_reply")
                tombstone = {key: message[key] for key in keep if key in message}
                tombstone.update(
                    type="message",
                    subtype="tombstone",
                    text="This message was deleted.",
                    user="USLACKBOT",
                    hidden=True,
                )
                channel["messages"][ts] = tombstone
                return
            del channel["messages"][ts]
            if ts in channel["order"]:
                channel["order"].remove(ts)
            root = message.get("thread_ts")
            if root and root != ts and ts in channel["threads"].get(root, []):
                channel["threads"][root].remove(ts)
                parent = channel["messages"][root]
                parent["reply_count"] = len(channel["threads"][root])

    def calls(self) -> Counter[str]:
        """How many requests reached each method (faults injected included)."""
        return Counter(r.path.removeprefix("/api/") for r in self.requests)

    # -- answering ----------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if request.method not in {"GET", "POST"}:
            return Reply(405, {"ok": False, "error": "method_not_allowed"})
        method = request.path.removeprefix("/api/")
        if method not in METHODS:
            return Reply(404, {"ok": False, "error": "unknown_method"})
        args = _arguments(request)
        if args is None:
            return _error("invalid_form_data")
        token = _token(request, args)
        if not token:
            return _error("not_authed")
        scopes = self.tokens.get(token)
        if scopes is None:
            return _error("invalid_auth")
        allowed, wait = self.rates[method].allow(token)
        if not allowed:
            return self.throttle_reply(max(1, round(wait + 0.499)))
        handler = getattr(self, "_" + method.replace(".", "_"))
        with self._data:
            reply: Reply = handler(args, scopes)
        return reply

    def _auth_test(self, args: dict[str, str], scopes: frozenset[str]) -> Reply:
        return _ok(
            url=self.workspace_url,
            team="Incident Workspace",
            user="commander",
            team_id="T0000001",
            user_id=self.bot_user,
            bot_id="B0000001",
        )

    def _conversations_list(self, args: dict[str, str], scopes: frozenset[str]) -> Reply:
        types = set((args.get("types") or "public_channel").split(","))
        for kind, scope in (
            ("public_channel", "channels:read"),
            ("private_channel", "groups:read"),
        ):
            if kind in types and scope not in scopes:
                return _missing_scope(scope, scopes)
        visible = [
            c
            for c in self.channels.values()
            if ("private_channel" if c["is_private"] else "public_channel") in types
            and (c["is_member"] or not c["is_private"])
        ]
        shown = [
            {
                "id": c["id"],
                "name": c["name"],
                "is_channel": True,
                "is_private": c["is_private"],
                "is_member": c["is_member"],
                "is_archived": False,
            }
            for c in visible
        ]
        return _page(shown, args, "channels", self.page_cap)

    def _conversations_history(self, args: dict[str, str], scopes: frozenset[str]) -> Reply:
        channel, problem = self._readable_channel(args, scopes)
        if channel is None:
            return problem
        window = _window(args)
        if window is None:
            return _error("invalid_ts_oldest")
        chosen = [
            _copy(channel["messages"][ts])
            for ts in reversed(channel["order"])
            if _within(ts, *window) and ts in channel["messages"]
        ]
        reply = _page(chosen, args, "messages", self.page_cap)
        if isinstance(reply.body, dict) and reply.body.get("ok"):
            reply.body["pin_count"] = len(channel["pins"])
        return reply

    def _conversations_replies(self, args: dict[str, str], scopes: frozenset[str]) -> Reply:
        channel, problem = self._readable_channel(args, scopes)
        if channel is None:
            return problem
        root = args.get("ts", "")
        message = channel["messages"].get(root)
        if message is None:
            return _error("thread_not_found")
        window = _window(args)
        if window is None:
            return _error("invalid_ts_oldest")
        thread = [root] + [ts for ts in channel["threads"].get(root, []) if _within(ts, *window)]
        replies = [_copy(channel["messages"][ts]) for ts in thread]
        return _page(replies, args, "messages", self.page_cap)

    def _pins_list(self, args: dict[str, str], scopes: frozenset[str]) -> Reply:
        if "pins:read" not in scopes:
            return _missing_scope("pins:read", scopes)
        channel = self._visible_channel(args.get("channel", ""))
        if channel is None:
            return _error("channel_not_found")
        items = []
        for ts, (created, created_by) in sorted(channel["pins"].items(), reverse=True):
            message = _copy(channel["messages"][ts])
            message["permalink"] = (
                f"{self.workspace_url}archives/{channel['id']}/p{ts.replace('.', '')}"
            )
            items.append(
                {
                    "type": "message",
                    "channel": channel["id"],
                    "created": created,
                    "created_by": created_by,
                    "message": message,
                }
            )
        return _ok(items=items)

    def _users_info(self, args: dict[str, str], scopes: frozenset[str]) -> Reply:
        if "users:read" not in scopes:
            return _missing_scope("users:read", scopes)
        user = self.users.get(args.get("user", ""))
        if user is None:
            return _error("user_not_found")
        return _ok(user=json.loads(json.dumps(user)))

    def _visible_channel(self, channel_id: str) -> dict[str, Any] | None:
        channel = self.channels.get(channel_id)
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            return None
        return channel

    def _readable_channel(
        self, args: dict[str, str], scopes: frozenset[str]
    ) -> tuple[dict[str, Any] | None, Reply]:
        channel = self._visible_channel(args.get("channel", ""))
        if channel is None:
            # Slack checks the scope for the kind of channel; an unknown one fails first.
            return None, _error("channel_not_found")
        scope = "groups:history" if channel["is_private"] else "channels:history"
        if scope not in scopes:
            return None, _missing_scope(scope, scopes)
        if not channel["is_member"]:
            return None, _error("not_in_channel")
        return channel, Reply(200, {})

    def error_reply(self, status: int) -> Reply:
        return Reply(status, {"ok": False, "error": "internal_error"})

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(
            429, {"ok": False, "error": "ratelimited"}, {"Retry-After": header_seconds(retry_after)}
        )


def _arguments(request: Request) -> dict[str, str] | None:
    """Query parameters, plus a POST's form or JSON body (Slack takes a mix)."""
    args = {key: values[-1] for key, values in request.query.items()}
    if request.method == "POST" and request.body:
        if request.content_type == "application/x-www-form-urlencoded":
            form = parse_qs(request.text, keep_blank_values=True)
            args.update({key: values[-1] for key, values in form.items()})
        elif request.content_type == "application/json":
            try:
                body = request.json()
            except ValueError:
                return None
            if not isinstance(body, dict):
                return None
            args.update({key: str(value) for key, value in body.items()})
        else:
            return None
    return args


def _token(request: Request, args: dict[str, str]) -> str:
    auth = request.header("authorization")
    if auth.startswith("Bearer "):
        return auth.removeprefix("Bearer ").strip()
    if request.method == "POST" and "token" in args and "token" not in request.query:
        return args["token"]
    return ""


def _ok(**fields: Any) -> Reply:
    return Reply(200, {"ok": True, **fields})


def _error(code: str) -> Reply:
    return Reply(200, {"ok": False, "error": code})


def _missing_scope(needed: str, scopes: frozenset[str]) -> Reply:
    return Reply(
        200,
        {
            "ok": False,
            "error": "missing_scope",
            "needed": needed,
            "provided": ",".join(sorted(scopes)),
        },
    )


def _copy(message: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(message))
    return copied


def _window(args: dict[str, str]) -> tuple[Decimal, Decimal, bool] | None:
    """(oldest, latest, inclusive); timestamps compared exactly, as the strings they are."""
    try:
        oldest = Decimal(args.get("oldest") or 0)
        latest = Decimal(args.get("latest") or "9999999999.999999")
    except InvalidOperation:
        return None
    return oldest, latest, args.get("inclusive") in {"1", "true"}


def _within(ts: str, oldest: Decimal, latest: Decimal, inclusive: bool) -> bool:
    value = Decimal(ts)
    if inclusive:
        return oldest <= value <= latest
    return oldest < value < latest


def _page(items: list[dict[str, Any]], args: dict[str, str], key: str, cap: int) -> Reply:
    try:
        limit = int(args.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        return _error("invalid_limit")
    limit = max(1, min(limit, MAX_LIMIT, cap))
    start = 0
    if args.get("cursor"):
        try:
            kind, _, offset = (
                base64.b64decode(args["cursor"], validate=True).decode().partition(":")
            )
            start = int(offset)
        except ValueError:
            return _error("invalid_cursor")
        if kind != "next" or not 0 <= start <= len(items):
            return _error("invalid_cursor")
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
    return _ok(**{key: chunk}, has_more=more, response_metadata={"next_cursor": cursor})
