"""Mattermost API v4: the posts responders pin, or mark with the capture reaction, in
an incident's channel.

A ``mattermost`` target posts through an incoming webhook (its secret), which cannot
read. Capture reads with a second secret, the target's *capture token*: a bot
account's access token (``commander target secret NAME --capture``, kept in the
keyring beside the webhook URL, see commander/secrets.py). The target's options say
where: ``server_url`` (``https://chat.example.com``; without it the target's base
URL), ``team`` (the team's URL name, as in ``https://chat.example.com/ops``) and
``capture_reaction`` (an emoji name, default ``pushpin``). The bot must be able to
read the channel: a member of it, or ``read_public_channels`` for a public one.

Calls: ``GET /api/v4/channels/{id}`` (a remembered channel),
``GET /api/v4/teams/name/{team}/channels/name/{name}`` (the channel named for the
incident), ``GET /api/v4/channels/{id}/pinned``, ``GET /api/v4/channels/{id}/posts``,
``POST /api/v4/posts/ids``, ``POST /api/v4/users/ids`` (display names), and
``GET /api/v4/posts/{id}/reactions`` for a post whose answer left its reactions out.

**Passes.** The first pass (no cursor) reads the channel newest first,
``page``/``per_page=200``, back to the incident's start, plus the pinned list: every
post is looked at once. A post is captured when it is pinned or carries the capture
reaction, is not deleted, is no system message and was posted since the incident
began; a thread reply is captured on its own marks, with its root as ``thread_id``.

A follow-up pass asks ``?since=`` (milliseconds), which Mattermost answers with every
post of the channel whose ``update_at`` is later, deleted ones included. Editing,
deleting, pinning and un-pinning a post set its ``update_at``, and so does adding or
removing a reaction (the reaction store updates the post with it), so a change to an
old post shows up there too. The snapshot must still be the whole captured set, and
the source keeps no memory: the cursor carries the watermark and the ids captured
last time, and those posts are read again by id (``POST /posts/ids``) for their
current state, one request per 200. A follow-up pass on a quiet channel is therefore
four requests (changes, pinned, those posts, their authors) whatever the channel's
length.

Correctness comes first: the watermark is the server's own clock (its ``Date``
header at the pass's first answer) less a minute, so a change made while a pass
runs, or stamped by another app server whose clock runs a little behind, is read
again next time rather than missed (reading it twice changes nothing: the answer is
recomputed whole). ``since`` answers at most 1,000 posts and makes no promise they
are consecutive, so an answer that long, a server that sent no ``Date``, or a cursor
that cannot be read, means a full pass instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from commander.capture._mattermost_api import MattermostApi, NotFoundError, segment
from commander.capture.source import (
    DEFAULT_CAPTURE_REACTION,
    CaptureError,
    CaptureSnapshot,
    ChannelRef,
    ChatFile,
    ChatMessage,
)
from commander.connectors.slack import channel_name_for
from commander.domain.refs import channel_name

if TYPE_CHECKING:
    import requests

    from commander.connectors.base import Target

PER_PAGE = 200  # the API's maximum
IDS_PER_REQUEST = 200
SINCE_LIMIT = 1_000  # what a ?since= answer holds at most
# How far before the pass's first answer the next pass looks again (ms): changes made
# during the pass, and clocks of other app servers a little behind.
OVERLAP_MS = 60_000
CHANNEL_NAME_LIMIT = 64  # Mattermost's channel URL names
CURSOR_VERSION = 1


class MattermostSource:
    provider: ClassVar[str] = "mattermost"

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
        """The remembered channel (connector state ``channel``: its id) while the bot can
        still see it, else the team's channel named for the incident
        (``inc-12-payments-5xx``), else None."""
        api = _api(target, secret, session, timeout)
        channel_id = remembered.get("channel", "").strip()
        if channel_id:
            try:
                return _channel_ref(api.get(f"/channels/{segment(channel_id)}"))
            except NotFoundError:
                pass  # deleted since, or the bot left it: look for the named one
        name = incident_channel_name(incident_ref, incident_title)
        if not name:
            return None
        team = _team(target)
        try:
            found = api.get(f"/teams/name/{segment(team)}/channels/name/{segment(name)}")
        except NotFoundError:
            return None
        return _channel_ref(found)

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
        """Every post of ``channel`` captured now (pinned or with the capture reaction),
        posted since ``since``, oldest first; see the module docstring for the passes."""
        api = _api(target, secret, session, timeout)
        reaction = _capture_reaction(target)
        since_ms = int(since.timestamp() * 1000)
        channel_path = f"/channels/{segment(channel.channel_id)}"
        earlier = _read_cursor(cursor)
        candidates: dict[str, dict[str, Any]] = {}
        changed = None
        if earlier is not None:
            watermark, previous_ids = earlier
            changed = _posts_of(api.get(f"{channel_path}/posts", {"since": watermark}))
            if len(changed) >= SINCE_LIMIT:
                changed = None  # possibly cut short: read the whole channel
            else:
                candidates.update(changed)
                unseen = [post_id for post_id in previous_ids if post_id not in candidates]
                for post in _posts_by_ids(api, unseen):
                    candidates[str(post.get("id"))] = post
        if changed is None:
            candidates.update(_channel_back_to(api, channel_path, since_ms))
        candidates.update(_posts_of(api.get(f"{channel_path}/pinned")))

        captured = [
            post
            for post in candidates.values()
            if _is_live(post, channel.channel_id, since_ms) and _is_captured(api, post, reaction)
        ]
        names = _display_names(api, {str(post.get("user_id") or "") for post in captured})
        server, team = api.server_url, _team(target)
        messages = sorted(
            (_message(post, names, server, team) for post in captured),
            key=lambda message: (message.posted_at, message.message_id),
        )
        return CaptureSnapshot(
            messages=tuple(messages),
            cursor=_write_cursor(api.first_answer_at, [m.message_id for m in messages]),
            requests_made=api.requests_made,
        )


def incident_channel_name(incident_ref: str, incident_title: str) -> str:
    """The channel named for the incident, as a Mattermost URL name: Slack's rules
    (lowercase letters, digits, - and _), cut to Mattermost's 64 characters."""
    name = channel_name_for(channel_name(incident_ref, incident_title))
    return name[:CHANNEL_NAME_LIMIT].rstrip("-_")


def _api(target: Target, secret: str, session: requests.Session, timeout: float) -> MattermostApi:
    server = (target.options.get("server_url") or target.base_url or "").strip()
    if not server:
        raise CaptureError(
            f"target {target.name} has no Mattermost server to read: set the option "
            "server_url=https://chat.example.com"
        )
    return MattermostApi(server, secret, target.name, session, timeout)


def _team(target: Target) -> str:
    team = target.options.get("team", "").strip()
    if not team:
        raise CaptureError(
            f"target {target.name} has no team: set the option team=NAME "
            "(the team's name in its URL, https://chat.example.com/NAME)"
        )
    return team


def _capture_reaction(target: Target) -> str:
    # Mattermost names emoji without colons: ":pushpin:" and "pushpin" are the same.
    chosen = target.options.get("capture_reaction", "").strip().strip(":")
    return chosen or DEFAULT_CAPTURE_REACTION


def _channel_ref(channel: Any) -> ChannelRef:
    if not isinstance(channel, dict) or not channel.get("id"):
        raise CaptureError("Mattermost answered a channel without an id")
    name = str(channel.get("display_name") or channel.get("name") or channel["id"])
    return ChannelRef(channel_id=str(channel["id"]), name=name)


def _posts_of(post_list: Any) -> dict[str, dict[str, Any]]:
    """A PostList's posts by id: ``order`` and every post in ``posts`` (which also holds
    the roots of the replies listed)."""
    posts = post_list.get("posts") if isinstance(post_list, dict) else None
    if not isinstance(posts, dict):
        return {}
    return {str(key): post for key, post in posts.items() if isinstance(post, dict)}


def _channel_back_to(
    api: MattermostApi, channel_path: str, since_ms: int
) -> dict[str, dict[str, Any]]:
    """Every post of the channel posted since ``since_ms``: pages newest first until a
    page is short or reaches posts older than that."""
    found: dict[str, dict[str, Any]] = {}
    page = 0
    while True:
        answer = api.get(f"{channel_path}/posts", {"page": page, "per_page": PER_PAGE})
        posts = _posts_of(answer)
        found.update(posts)
        order = answer.get("order") if isinstance(answer, dict) else None
        listed = [posts[i] for i in order if i in posts] if isinstance(order, list) else []
        oldest = min((_millis(post.get("create_at")) for post in listed), default=0)
        if len(order or []) < PER_PAGE or oldest < since_ms:
            return found
        page += 1


def _posts_by_ids(api: MattermostApi, post_ids: list[str]) -> Iterator[dict[str, Any]]:
    """The current state of these posts; one gone for good is simply not among them."""
    for start in range(0, len(post_ids), IDS_PER_REQUEST):
        try:
            answer = api.post("/posts/ids", post_ids[start : start + IDS_PER_REQUEST])
        except NotFoundError:
            continue  # none of them is left
        for post in answer if isinstance(answer, list) else []:
            if isinstance(post, dict):
                yield post


def _is_live(post: dict[str, Any], channel_id: str, since_ms: int) -> bool:
    return (
        not _millis(post.get("delete_at"))
        and str(post.get("channel_id") or channel_id) == channel_id
        and _millis(post.get("create_at")) >= since_ms
        and not str(post.get("type") or "").startswith("system_")
    )


def _is_captured(api: MattermostApi, post: dict[str, Any], reaction: str) -> bool:
    if post.get("is_pinned"):
        return True
    if not post.get("has_reactions"):
        return False
    metadata = post.get("metadata")
    reactions = metadata.get("reactions") if isinstance(metadata, dict) else None
    if not isinstance(reactions, list):
        # Left out of this answer (a server trims metadata on long lists): ask for them.
        reactions = api.get(f"/posts/{segment(str(post.get('id')))}/reactions")
    return any(
        isinstance(item, dict) and item.get("emoji_name") == reaction for item in reactions or []
    )


def _display_names(api: MattermostApi, user_ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(user_id for user_id in user_ids if user_id)
    names: dict[str, str] = {}
    for start in range(0, len(wanted), IDS_PER_REQUEST):
        answer = api.post("/users/ids", wanted[start : start + IDS_PER_REQUEST])
        for user in answer if isinstance(answer, list) else []:
            if isinstance(user, dict) and user.get("id"):
                names[str(user["id"])] = _display_name(user)
    return names


def _display_name(user: dict[str, Any]) -> str:
    full = " ".join(str(user.get(k) or "").strip() for k in ("first_name", "last_name")).strip()
    return full or str(user.get("nickname") or "").strip() or str(user.get("username") or "")


def _message(post: dict[str, Any], names: Mapping[str, str], server: str, team: str) -> ChatMessage:
    post_id = str(post["id"])
    props = post.get("props") if isinstance(post.get("props"), dict) else {}
    user_id = str(post.get("user_id") or "")
    author = names.get(user_id) or user_id or "unknown"
    if props and str(props.get("from_webhook")) == "true" and props.get("override_username"):
        author = str(props["override_username"])  # a webhook posts under a name it picks
    return ChatMessage(
        message_id=post_id,
        author_name=author,
        posted_at=datetime.fromtimestamp(_millis(post.get("create_at")) / 1000, tz=UTC),
        text=_text(post, props or {}),
        permalink=f"{server}/{segment(team)}/pl/{segment(post_id)}",
        thread_id=str(post["root_id"]) if post.get("root_id") else None,
        files=_files(post, server),
    )


def _text(post: dict[str, Any], props: dict[str, Any]) -> str:
    """The message as written (Markdown, @mentions and ~channels as typed); a bot's
    message attachments add their fallback text."""
    pieces = [str(post.get("message") or "")]
    attachments = props.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, dict):
            pieces.append(str(attachment.get("fallback") or attachment.get("text") or ""))
    return "\n\n".join(piece for piece in pieces if piece.strip())


def _files(post: dict[str, Any], server: str) -> tuple[ChatFile, ...]:
    metadata = post.get("metadata")
    infos = metadata.get("files") if isinstance(metadata, dict) else None
    by_id = {str(i.get("id")): i for i in infos or [] if isinstance(i, dict) and i.get("id")}
    file_ids = [str(i) for i in post.get("file_ids") or []] or list(by_id)
    return tuple(
        ChatFile(
            name=str(by_id.get(file_id, {}).get("name") or file_id),
            url=f"{server}/api/v4/files/{segment(file_id)}",
        )
        for file_id in file_ids
    )


def _millis(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _read_cursor(cursor: str | None) -> tuple[int, list[str]] | None:
    """(watermark in ms, post ids captured last pass), or None: read the whole channel."""
    if not cursor:
        return None
    try:
        data = json.loads(cursor)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION:
        return None
    watermark, ids = data.get("since"), data.get("ids")
    if not isinstance(watermark, int) or watermark <= 0 or not isinstance(ids, list):
        return None
    return watermark, [str(post_id) for post_id in ids]


def _write_cursor(first_answer_at: int | None, captured_ids: list[str]) -> str | None:
    if first_answer_at is None:
        return None  # no server clock to trust: the next pass reads the whole channel
    watermark = max(first_answer_at - OVERLAP_MS, 1)
    return json.dumps(
        {"v": CURSOR_VERSION, "since": watermark, "ids": captured_ids}, separators=(",", ":")
    )
