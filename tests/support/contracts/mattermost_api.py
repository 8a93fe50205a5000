"""Mattermost API v4 as chat capture reads it: teams, channels, posts, reactions, users.

Checked as Mattermost checks (api4, its published OpenAPI): the method and path,
``Authorization: Bearer`` (401 otherwise), the bot's right to read the channel
(403 ``api.context.permissions.app_error`` when it is not a member), ``page`` /
``per_page`` (at most 200) and ``since``, which may not come with ``page`` or
``per_page`` (400). Answers are shaped as Mattermost's: a PostList (``order``
newest first, ``posts`` by id also holding the roots of replies, ``metadata`` with
``reactions`` and ``files``), and under ``?since=`` every post whose ``update_at``
is later, deleted ones included, at most 1,000. Each change to a post (edit, delete,
pin, reaction) moves its ``update_at`` to the server's clock (``now()``, which a
test moves on with ``clock_offset``), as the real server does. Rate limiting
answers 429 with ``X-Ratelimit-*`` headers.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.support.contracts.server import (
    ContractServer,
    RateWindow,
    Reply,
    Request,
    header_seconds,
)

PER_PAGE_DEFAULT = 60
PER_PAGE_MAX = 200
SINCE_LIMIT = 1_000
BOT_ID = "botuser0000000000000000001"


def _app_error(status: int, error_id: str, message: str) -> Reply:
    return Reply(
        status,
        {
            "id": error_id,
            "message": message,
            "detailed_error": "",
            "request_id": uuid.uuid4().hex[:26],
            "status_code": status,
        },
    )


def _forbidden() -> Reply:
    return _app_error(
        403,
        "api.context.permissions.app_error",
        "You do not have the appropriate permissions.",
    )


def _not_found(what: str) -> Reply:
    return _app_error(404, "app.channel.get.existing.app_error", f"Unable to find the {what}.")


@dataclass
class Channel:
    id: str
    name: str
    display_name: str
    team_id: str
    members: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "team_id": self.team_id,
            "type": "O",
        }


class MattermostApiServer(ContractServer):
    """One team ``ops`` with users alice, bob and the bot; ``add_channel`` makes a
    channel the bot may read (``readable=False``: it is not a member)."""

    name = "mattermost-api"

    def __init__(self, token: str = "mmbottoken0123456789abcdef") -> None:
        super().__init__()
        self.token = token
        self.team = {"id": "team0000000000000000000001", "name": "ops"}
        self.users: dict[str, dict[str, Any]] = {
            "alice00000000000000000000a": {
                "id": "alice00000000000000000000a",
                "username": "alice",
                "first_name": "Alice",
                "last_name": "Ng",
                "nickname": "",
            },
            "bob0000000000000000000000b": {
                "id": "bob0000000000000000000000b",
                "username": "bob",
                "first_name": "",
                "last_name": "",
                "nickname": "",
            },
            BOT_ID: {"id": BOT_ID, "username": "capture-bot", "is_bot": True},
        }
        self.channels: dict[str, Channel] = {}
        self.posts: dict[str, dict[str, Any]] = {}
        self.rate = RateWindow(None, 1.0)  # the server's per-token limit; off unless set
        # False: posts are listed without metadata.reactions (has_reactions still says so),
        # as a server trimming metadata does; a client then asks /posts/{id}/reactions.
        self.metadata_reactions = True
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._last_stamp = 0

    # -- what tests set up ----------------------------------------------------------------
    def stamp(self) -> int:
        """The server's clock in ms, strictly later than the last stamp."""
        with self._lock:
            self._last_stamp = max(self._last_stamp + 1, int(self.now() * 1000))
            return self._last_stamp

    def add_channel(self, name: str, display_name: str = "", *, readable: bool = True) -> str:
        channel_id = f"chan{next(self._ids):022d}"
        members = {"alice00000000000000000000a", "bob0000000000000000000000b"}
        if readable:
            members.add(BOT_ID)
        self.channels[channel_id] = Channel(
            channel_id, name, display_name or name, self.team["id"], members
        )
        return channel_id

    def post(
        self,
        channel_id: str,
        message: str,
        user: str = "alice",
        *,
        root_id: str = "",
        files: tuple[str, ...] = (),
        at: int | None = None,
        props: dict[str, Any] | None = None,
    ) -> str:
        post_id = f"post{next(self._ids):022d}"
        stamp = self.stamp() if at is None else at
        file_infos = [
            {"id": f"file{next(self._ids):022d}", "name": name, "post_id": post_id}
            for name in files
        ]
        self.posts[post_id] = {
            "id": post_id,
            "create_at": stamp,
            "update_at": stamp,
            "edit_at": 0,
            "delete_at": 0,
            "is_pinned": False,
            "user_id": self._user_id(user),
            "channel_id": channel_id,
            "root_id": root_id,
            "message": message,
            "type": "",
            "props": props or {},
            "file_ids": [info["id"] for info in file_infos],
            "has_reactions": False,
            "reactions": [],
            "files": file_infos,
        }
        return post_id

    def edit(self, post_id: str, message: str) -> None:
        stamp = self.stamp()
        self.posts[post_id].update(message=message, edit_at=stamp, update_at=stamp)

    def delete(self, post_id: str) -> None:
        stamp = self.stamp()
        self.posts[post_id].update(delete_at=stamp, update_at=stamp)

    def pin(self, post_id: str, pinned: bool = True) -> None:
        self.posts[post_id].update(is_pinned=pinned, update_at=self.stamp())

    def react(self, post_id: str, emoji: str, user: str = "bob") -> None:
        post = self.posts[post_id]
        stamp = self.stamp()
        post["reactions"].append(
            {
                "user_id": self._user_id(user),
                "post_id": post_id,
                "emoji_name": emoji,
                "create_at": stamp,
            }
        )
        post.update(has_reactions=True, update_at=stamp)

    def unreact(self, post_id: str, emoji: str, user: str = "bob") -> None:
        post = self.posts[post_id]
        user_id = self._user_id(user)
        post["reactions"] = [
            r for r in post["reactions"] if (r["user_id"], r["emoji_name"]) != (user_id, emoji)
        ]
        post.update(has_reactions=bool(post["reactions"]), update_at=self.stamp())

    def _user_id(self, username: str) -> str:
        return next(u["id"] for u in self.users.values() if u["username"] == username)

    # -- the API ----------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if not request.path.startswith("/api/v4/"):
            return _app_error(
                404, "api.context.404.app_error", "Sorry, we could not find the page."
            )
        if request.header("authorization") != f"Bearer {self.token}":
            return _app_error(
                401,
                "api.context.session_expired.app_error",
                "Invalid or expired session, please login again.",
            )
        allowed, wait = self.rate.allow(self.token)
        if not allowed:
            return self.throttle_reply(max(1, round(wait)))
        parts = request.path.removeprefix("/api/v4/").split("/")
        method = request.method
        if method == "GET" and len(parts) == 2 and parts[0] == "channels":
            return self._channel(parts[1])
        if method == "GET" and len(parts) == 3 and parts[0] == "channels" and parts[2] == "posts":
            return self._channel_posts(parts[1], request)
        if method == "GET" and len(parts) == 3 and parts[0] == "channels" and parts[2] == "pinned":
            return self._pinned(parts[1])
        if (
            method == "GET"
            and len(parts) == 6
            and parts[:2] == ["teams", "name"]
            and parts[3:5] == ["channels", "name"]
        ):
            return self._channel_by_name(parts[2], parts[5])
        if method == "GET" and len(parts) == 3 and parts[0] == "posts" and parts[2] == "reactions":
            post = self.posts.get(parts[1])
            if post is None or not self._readable(post["channel_id"]):
                return _forbidden()
            return Reply(200, list(post["reactions"]))
        if method == "POST" and parts == ["posts", "ids"]:
            return self._posts_by_ids(request)
        if method == "POST" and parts == ["users", "ids"]:
            return self._users_by_ids(request)
        return _app_error(404, "api.context.404.app_error", "Sorry, we could not find the page.")

    def _readable(self, channel_id: str) -> bool:
        channel = self.channels.get(channel_id)
        return channel is not None and BOT_ID in channel.members

    def _channel(self, channel_id: str) -> Reply:
        channel = self.channels.get(channel_id)
        if channel is None:
            return _not_found("existing channel")
        if BOT_ID not in channel.members:
            return _forbidden()
        return Reply(200, channel.as_json())

    def _channel_by_name(self, team_name: str, name: str) -> Reply:
        if team_name != self.team["name"]:
            return _app_error(
                404, "app.team.get_by_name.missing.app_error", "Unable to find the existing team."
            )
        channel = next((c for c in self.channels.values() if c.name == name), None)
        if channel is None:
            return _not_found("existing channel")
        if BOT_ID not in channel.members:
            return _forbidden()
        return Reply(200, channel.as_json())

    def _channel_posts(self, channel_id: str, request: Request) -> Reply:
        if channel_id not in self.channels:
            return _not_found("existing channel")
        if not self._readable(channel_id):
            return _forbidden()
        query = {key: values[0] for key, values in request.query.items()}
        if "since" in query and ({"page", "per_page", "before", "after"} & set(query)):
            return _app_error(
                400,
                "api.context.invalid_url_param.app_error",
                "Invalid or missing parameters in URL: since may not come with page or per_page.",
            )
        try:
            since = int(query.get("since", "0"))
            page = int(query.get("page", "0"))
            per_page = min(int(query.get("per_page", str(PER_PAGE_DEFAULT))), PER_PAGE_MAX)
        except ValueError:
            return _app_error(
                400,
                "api.context.invalid_url_param.app_error",
                "Invalid or missing parameters in URL.",
            )
        in_channel = [p for p in self.posts.values() if p["channel_id"] == channel_id]
        newest_first = sorted(in_channel, key=lambda p: p["create_at"], reverse=True)
        if since > 0:
            shown = [p for p in newest_first if p["update_at"] > since][:SINCE_LIMIT]
        else:
            live = [p for p in newest_first if not p["delete_at"]]
            shown = live[page * per_page : (page + 1) * per_page]
        return Reply(200, self._post_list(shown))

    def _pinned(self, channel_id: str) -> Reply:
        if channel_id not in self.channels:
            return _not_found("existing channel")
        if not self._readable(channel_id):
            return _forbidden()
        pinned = [
            p
            for p in self.posts.values()
            if p["channel_id"] == channel_id and p["is_pinned"] and not p["delete_at"]
        ]
        return Reply(
            200, self._post_list(sorted(pinned, key=lambda p: p["create_at"], reverse=True))
        )

    def _post_list(self, shown: list[dict[str, Any]]) -> dict[str, Any]:
        posts = {p["id"]: self._post_json(p) for p in shown}
        for post in shown:  # the roots of the replies listed come along, as Mattermost does
            root = self.posts.get(post["root_id"]) if post["root_id"] else None
            if root is not None and root["id"] not in posts:
                posts[root["id"]] = self._post_json(root)
        return {
            "order": [p["id"] for p in shown],
            "posts": posts,
            "next_post_id": "",
            "prev_post_id": "",
            "has_next": False,
        }

    def _post_json(self, post: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in post.items() if k not in {"reactions", "files"}}
        metadata: dict[str, Any] = {}
        if post["reactions"] and self.metadata_reactions:
            metadata["reactions"] = list(post["reactions"])
        if post["files"]:
            metadata["files"] = list(post["files"])
        if post["delete_at"]:  # a deleted post is listed under since with no content
            shown.update(message="", file_ids=[], props={})
            metadata = {}
        shown["metadata"] = metadata
        return shown

    def _json_ids(self, request: Request) -> list[str] | None:
        if request.content_type != "application/json":
            return None
        try:
            ids = json.loads(request.body)
        except ValueError:
            return None
        return ids if isinstance(ids, list) and all(isinstance(i, str) for i in ids) else None

    def _posts_by_ids(self, request: Request) -> Reply:
        ids = self._json_ids(request)
        if ids is None:
            return _app_error(
                400,
                "api.context.invalid_body_param.app_error",
                "Invalid or missing post_ids in request body.",
            )
        found = [self.posts[i] for i in ids if i in self.posts and not self.posts[i]["delete_at"]]
        if any(not self._readable(p["channel_id"]) for p in found):
            return _forbidden()
        if not found:
            return _app_error(404, "app.post.get.app_error", "Unable to get the post.")
        return Reply(200, [self._post_json(p) for p in found])

    def _users_by_ids(self, request: Request) -> Reply:
        ids = self._json_ids(request)
        if ids is None:
            return _app_error(
                400,
                "api.context.invalid_body_param.app_error",
                "Invalid or missing user_ids in request body.",
            )
        return Reply(200, [self.users[i] for i in ids if i in self.users])

    # -- provider-shaped errors -------------------------------------------------------------
    def error_reply(self, status: int) -> Reply:
        return _app_error(status, "app.post.get.app_error", "Unable to get the posts.")

    def throttle_reply(self, retry_after: float) -> Reply:
        return Reply(
            429,
            "limit exceeded",
            {
                "X-Ratelimit-Limit": "10",
                "X-Ratelimit-Remaining": "0",
                "X-Ratelimit-Reset": header_seconds(retry_after),
            },
        )
