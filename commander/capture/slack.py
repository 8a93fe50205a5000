"""Slack's reader for chat capture: pinned and marked messages of the incident's channel.

Calls (Web API, GET with query parameters, bot token as ``Authorization: Bearer``):

- ``auth.test`` once a pass, for the workspace URL that permalinks are built from
  (``{url}archives/{channel}/p{ts without the dot}``, ``?thread_ts=…&cid=…`` for a
  reply): no ``chat.getPermalink`` per message.
- ``pins.list``: every pin of the channel, with the pinned message itself.
- ``conversations.history`` from the incident's start (``oldest``, ``inclusive``),
  999 a page (Slack's maximum), following ``response_metadata.next_cursor``.
- ``conversations.replies`` for each thread whose root has replies.
- ``users.info`` once per distinct author or mentioned user of a captured message,
  cached for the pass (display name, else real name, else user name).
- ``conversations.list`` (public and private, paginated) only to find a channel
  named for the incident when ``commander channel`` did not create one.

Why every pass reads the whole channel: a reaction or a pin lands on an old
message, and an edit or a deletion changes one, without changing anything Slack
lets a bot ask for by time. ``oldest``/``latest`` and the history cursor select by
*posting* time, so a cursor kept between passes would only skip the old messages
whose changes capture must see; Slack offers no "changed since" query to bots
(search is for user tokens). So a pass costs ``2 + ceil(top-level messages / 999)
+ one per thread (more past 999 replies) + one per distinct person``, and a pass
with nothing new costs the same: the floor for polling. (A pin or reaction on a
reply leaves its root untouched, so no thread can be skipped either.) Only the
Events API (Socket Mode: ``reaction_added``, ``pin_added``, ``message_changed``)
could make it cheaper; that is not built, and ``cursor`` stays None. The incident's
channel is bounded by the incident, which keeps this affordable: 10,000 messages
with 100 threads take 10 history pages and 100 thread reads (bench/capture.py).
A thread whose root was posted before the incident began is not read: its
replies count only when pinned.

Rate limits: Slack answers 429 with ``Retry-After``. A short wait (at most
``max_rate_wait`` seconds, ``rate_wait_budget`` in all per pass) is slept through
so a pass larger than a minute's allowance still completes; a longer one ends the
pass with ``CaptureError(retry_after=…)`` for the service to wait out. The
service can pass its own ``sleep`` that raises ``CaptureError`` to stop a pass.

Scopes: channels:history, groups:history, pins:read, users:read, and
channels:read + groups:read for the lookup by name. Reactions come with the
messages; reactions:read is not needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from commander.capture.slack_text import readable
from commander.capture.source import (
    DEFAULT_CAPTURE_REACTION,
    CaptureError,
    CaptureSnapshot,
    ChannelRef,
    ChatFile,
    ChatMessage,
)
from commander.connectors._http import classify, json_body, parse_retry_after, request, short
from commander.connectors._wording import rate_limited
from commander.connectors.base import Outcome
from commander.connectors.slack import DEFAULT_BASE_URL, channel_name_for
from commander.domain.refs import channel_name
from commander.secrets import scrub

if TYPE_CHECKING:
    import requests

    from commander.connectors.base import Target

PAGE_LIMIT = 999  # conversations.history's documented maximum; replies and list take it too
CHANNEL_TYPES = "public_channel,private_channel"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BAD_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
)
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class SlackRefusedError(CaptureError):
    """Slack answered ``ok: false``; ``code`` is its error code."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.code = code


class SlackSource:
    """Reads an incident's Slack channel (see the module docstring for the calls)."""

    provider: ClassVar[str] = "slack"

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_rate_wait: float = 60.0,
        rate_wait_budget: float = 600.0,
    ) -> None:
        self.sleep = sleep
        self.max_rate_wait = max_rate_wait
        self.rate_wait_budget = rate_wait_budget

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
        """The channel ``commander channel`` created, else one named for the incident.

        A remembered ``channel`` counts only with its ``channel_name``: only channel
        creation writes that. A delivery alone remembers the target's configured
        channel (where the incident's updates thread), which is shared by every
        incident and so is never read.
        """
        if remembered.get("channel") and remembered.get("channel_name"):
            return ChannelRef(remembered["channel"], remembered["channel_name"])

        wanted = channel_name_for(channel_name(incident_ref, incident_title))
        if not wanted:
            return None
        api = _Api(target, secret, session, timeout, self)
        query = {"types": CHANNEL_TYPES}
        for page in api.pages("conversations.list", query, "channels"):
            for channel in page:
                if (
                    isinstance(channel, dict)
                    and channel.get("name") == wanted
                    and channel.get("id")
                ):
                    return ChannelRef(str(channel["id"]), wanted)
        return None

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
        """Every pinned or marked message (thread replies too) posted since ``since``.

        ``cursor`` is not used: see the module docstring for why no cursor can make
        a correct pass cheaper.
        """
        api = _Api(target, secret, session, timeout, self, channel)
        workspace = str(api.call("auth.test", {}).get("url") or "")
        if not workspace.startswith("https://"):
            raise CaptureError("Slack's auth.test gave no workspace URL to link messages to")
        wanted = _Capture(channel.channel_id, capture_reaction(target), slack_ts(since))
        pins = api.call("pins.list", {"channel": channel.channel_id}).get("items") or []
        for item in pins:
            if isinstance(item, dict) and item.get("type") == "message":
                wanted.pin(item.get("message"))
        history = {"channel": channel.channel_id, "oldest": wanted.oldest, "inclusive": "true"}
        threads: list[str] = []
        for page in api.pages("conversations.history", history, "messages"):
            for message in page:
                wanted.consider(message)
                if _has_replies(message):
                    threads.append(str(message["ts"]))
        for root in threads:
            for page in api.thread(channel.channel_id, root):
                for message in page:
                    if isinstance(message, dict) and message.get("ts") != root:
                        wanted.consider(message)
        names = _Names(api)
        messages = [_chat_message(m, channel, workspace, names) for m in wanted.messages()]
        return CaptureSnapshot(tuple(messages), cursor=None, requests_made=api.requests_made)


def capture_reaction(target: Target) -> str:
    """The reaction's name as Slack sends it: ``:pushpin:`` and ``pushpin`` alike."""
    return target.options.get("capture_reaction", "").strip().strip(":") or (
        DEFAULT_CAPTURE_REACTION
    )


def slack_ts(moment: datetime) -> str:
    """A datetime as a Slack timestamp, exactly (seconds.microseconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return f"{delta.days * 86_400 + delta.seconds}.{delta.microseconds:06d}"


def ts_time(ts: str) -> datetime | None:
    """A Slack timestamp as a UTC datetime, or None when it is not one."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or not (fraction.isdigit() or fraction == ""):
        return None
    micro = int((fraction + "000000")[:6])
    return _EPOCH + timedelta(seconds=int(seconds), microseconds=micro)


def permalink(workspace: str, channel_id: str, ts: str, thread_ts: str | None) -> str:
    """The link Slack's own "Copy link" gives, built without asking Slack."""
    link = f"{workspace.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def _has_replies(message: Any) -> bool:
    if not isinstance(message, dict) or not message.get("ts"):
        return False
    replies = message.get("reply_count")
    return isinstance(replies, int) and replies > 0 and message.get("thread_ts") == message["ts"]


def _ts_key(ts: str) -> Decimal:
    try:
        return Decimal(ts)
    except InvalidOperation:
        return Decimal(-1)


class _Capture:
    """Which messages a pass keeps: pinned or carrying the reaction, posted since ``oldest``."""

    def __init__(self, channel_id: str, reaction: str, oldest: str) -> None:
        self.channel_id = channel_id
        self.reaction = reaction
        self.oldest = oldest
        self._floor = Decimal(oldest)
        self._pinned: dict[str, dict[str, Any]] = {}
        self._kept: dict[str, dict[str, Any]] = {}

    def pin(self, message: Any) -> None:
        if self._usable(message):
            self._pinned[message["ts"]] = message

    def consider(self, message: Any) -> None:
        if self._usable(message) and self._captured(message):
            self._kept[message["ts"]] = message

    def messages(self) -> list[dict[str, Any]]:
        """Oldest first. A pin whose message no page showed (not yet seen in a thread
        read, say) is kept as pins.list gave it."""
        every = {**self._pinned, **self._kept}
        return [every[ts] for ts in sorted(every, key=_ts_key)]

    def _usable(self, message: Any) -> bool:
        if not isinstance(message, dict) or not isinstance(message.get("ts"), str):
            return False
        if ts_time(message["ts"]) is None or _ts_key(message["ts"]) < self._floor:
            return False
        # A deleted thread root stays as a tombstone for its replies: it was deleted.
        return message.get("subtype") != "tombstone" and not message.get("hidden")

    def _captured(self, message: dict[str, Any]) -> bool:
        if message["ts"] in self._pinned or self.channel_id in (message.get("pinned_to") or []):
            return True
        for reaction in message.get("reactions") or []:
            name = str(reaction.get("name", "")) if isinstance(reaction, dict) else ""
            # Skin-tone variants arrive as "name::skin-tone-2".
            if name.split("::")[0] == self.reaction:
                return True
        return False


def _chat_message(
    message: dict[str, Any], channel: ChannelRef, workspace: str, names: _Names
) -> ChatMessage:
    ts = str(message["ts"])
    thread = message.get("thread_ts")
    thread_id = str(thread) if thread and thread != ts else None
    text = str(message.get("text") or "")
    if not text:  # an app's message may carry only attachments
        fallbacks = [a.get("fallback") for a in message.get("attachments") or []]
        text = "\n".join(str(f) for f in fallbacks if f)
    known = {channel.channel_id: channel.name}
    posted_at = ts_time(ts)
    assert posted_at is not None  # _Capture keeps only messages with a valid ts
    return ChatMessage(
        message_id=ts,
        author_name=names.author(message),
        posted_at=posted_at,
        text=readable(text, names.of, known.get),
        permalink=permalink(workspace, channel.channel_id, ts, thread_id),
        thread_id=thread_id,
        files=_files(message),
    )


def _files(message: dict[str, Any]) -> tuple[ChatFile, ...]:
    files = []
    for item in message.get("files") or []:
        if not isinstance(item, dict) or item.get("mode") == "tombstone":  # deleted file
            continue
        name = item.get("name") or item.get("title") or item.get("id")
        url = item.get("permalink") or item.get("url_private")
        if name and url:
            files.append(ChatFile(str(name), str(url)))
    return tuple(files)


class _Names:
    """Display names from ``users.info``, each user asked once a pass."""

    def __init__(self, api: _Api) -> None:
        self.api = api
        self._known: dict[str, str] = {}

    def author(self, message: dict[str, Any]) -> str:
        if message.get("user"):
            return self.of(str(message["user"]))
        bot = message.get("bot_profile")
        bot_name = bot.get("name") if isinstance(bot, dict) else None
        return str(bot_name or message.get("username") or "Slack app")

    def of(self, user_id: str) -> str:
        if user_id not in self._known:
            self._known[user_id] = self._ask(user_id)
        return self._known[user_id]

    def _ask(self, user_id: str) -> str:
        try:
            user = self.api.call("users.info", {"user": user_id}).get("user") or {}
        except SlackRefusedError as refused:
            if refused.code == "user_not_found":  # another workspace's user, or gone
                return user_id
            raise
        profile = user.get("profile") or {}
        for name in (
            profile.get("display_name"),
            profile.get("real_name"),
            user.get("real_name"),
            user.get("name"),
        ):
            if isinstance(name, str) and name.strip():
                return name.strip()
        return user_id


class _Api:
    """One pass's Web API calls: counted, rate limits waited out or raised, errors in words."""

    def __init__(
        self,
        target: Target,
        secret: str,
        session: requests.Session,
        timeout: float,
        source: SlackSource,
        channel: ChannelRef | None = None,
    ) -> None:
        self.root = (target.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.secret = secret
        self.session = session
        self.timeout = timeout
        self.source = source
        self.channel = channel
        self.requests_made = 0
        self.waited = 0.0

    def call(self, method: str, query: dict[str, str]) -> dict[str, Any]:
        while True:
            answer = request(
                self.session,
                "GET",
                f"{self.root}/{method}",
                secrets=[self.secret],
                timeout=self.timeout,
                params=query,
                headers={"Authorization": f"Bearer {self.secret}"},
            )
            self.requests_made += 1
            if isinstance(answer, Outcome):
                raise CaptureError(self._scrub(answer.error or "Slack did not answer"))
            if answer.status_code == 429:
                wait = parse_retry_after(answer.headers.get("Retry-After"))
                if self._may_wait(wait):
                    assert wait is not None
                    self.waited += wait
                    self.source.sleep(wait)
                    continue
                raise CaptureError(f"{rate_limited('Slack', wait)} ({method})", retry_after=wait)
            problem = classify(
                answer, provider="Slack", secrets=[self.secret], error_text=_error_code
            )
            if problem is not None:
                raise CaptureError(
                    self._scrub(problem.error or "Slack refused"), retry_after=problem.retry_after
                )
            data = json_body(answer)
            if not isinstance(data, dict):
                raise CaptureError(f"Slack {method} answered something that is not JSON")
            if data.get("ok") is True:
                return data
            raise self._refusal(method, data)

    def pages(self, method: str, query: dict[str, str], key: str) -> Iterator[list[dict[str, Any]]]:
        """Each page's ``key`` list, following ``response_metadata.next_cursor``."""
        cursor = ""
        while True:
            page_query = {**query, "limit": str(PAGE_LIMIT)}
            if cursor:
                page_query["cursor"] = cursor
            data = self.call(method, page_query)
            items = data.get(key)
            yield items if isinstance(items, list) else []
            metadata = data.get("response_metadata")
            cursor = str(metadata.get("next_cursor") or "") if isinstance(metadata, dict) else ""
            if not cursor:
                return

    def thread(self, channel_id: str, root: str) -> Iterator[list[dict[str, Any]]]:
        """A thread's pages; a thread deleted since the history read has none."""
        try:
            yield from self.pages(
                "conversations.replies", {"channel": channel_id, "ts": root}, "messages"
            )
        except SlackRefusedError as refused:
            if refused.code != "thread_not_found":
                raise

    def _may_wait(self, wait: float | None) -> bool:
        return (
            wait is not None
            and wait <= self.source.max_rate_wait
            and self.waited + wait <= self.source.rate_wait_budget
        )

    def _refusal(self, method: str, data: dict[str, Any]) -> SlackRefusedError:
        code = short(str(data.get("error") or "unknown_error"))
        where = f"#{self.channel.name}" if self.channel else "the channel"
        if code == "missing_scope":
            needed = str(data.get("needed") or "").replace(",", ", ") or "(not named)"
            reason = (
                f"the Slack bot token lacks the scope {needed} that {method} needs: add it "
                "under OAuth & Permissions in the Slack app and reinstall the app"
            )
        elif code == "not_in_channel":
            reason = f"the Slack bot is not a member of {where}: invite it to the channel"
        elif code == "channel_not_found":
            shown = f"{where} ({self.channel.channel_id})" if self.channel else "the channel"
            reason = (
                f"Slack has no channel {shown} this bot can see: it was deleted, or it is "
                "private and the bot is not in it"
            )
        elif code in _BAD_TOKEN:
            reason = f"Slack did not accept the bot token ({code}): check the target's secret"
        elif code in _TRANSIENT:
            reason = f"Slack {method} failed for now: {code}"
        else:
            reason = f"refused by Slack ({method}): {code}"
        return SlackRefusedError(self._scrub(reason), code)

    def _scrub(self, text: str) -> str:
        return short(scrub(text, [self.secret]))


def _error_code(response: requests.Response) -> str:
    data = json_body(response)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return response.text or ""
