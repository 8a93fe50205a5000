"""The contract between chat capture and each chat provider's reader.

A source is stateless, like a connector: the target, its secret, the channel and
the last cursor arrive as arguments. One pass answers with a *snapshot*: every
message of the channel that is captured now (pinned, or carrying the capture
reaction), each with its current text. The capture service compares that with
what it captured before, so a reaction or an edit on an old message, an un-pin
or a deletion all show up without the source keeping any memory of its own.
Sources never write to the store and never raise for a provider's answer except
as ``CaptureError`` with one readable line (never containing the secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Protocol

from commander.errors import CommanderError

if TYPE_CHECKING:
    import requests

    from commander.connectors.base import Target

# The reaction that captures a message unless the target's option capture_reaction
# names another: Slack's and Mattermost's name for it, the emoji itself for Matrix
# (each source maps the option to its provider's form).
DEFAULT_CAPTURE_REACTION = "pushpin"
DEFAULT_CAPTURE_EMOJI = "\N{PUSHPIN}"


class CaptureError(CommanderError):
    """The provider could not be read this pass; capture tries again later.

    ``retry_after`` is the wait in seconds the provider asked for (rate limits).
    """

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class ChatFile:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One captured message as it reads now."""

    message_id: str  # the provider's id, unchanged by edits (Slack ts, Matrix event id, post id)
    author_name: str  # the chat author's display name
    posted_at: datetime  # when it was first posted, UTC with tzinfo
    text: str  # as written, mentions and links made readable; untrusted, never escaped here
    permalink: str
    thread_id: str | None = None  # the thread's root message_id for a reply, else None
    files: tuple[ChatFile, ...] = ()


@dataclass(frozen=True, slots=True)
class ChannelRef:
    channel_id: str  # the provider's id: Slack C0123, Matrix !room:server, Mattermost channel id
    name: str  # readable, for messages and the timeline


@dataclass(frozen=True, slots=True)
class CaptureSnapshot:
    """Every message of the channel captured now, oldest first."""

    messages: tuple[ChatMessage, ...]
    # Opaque, stored per (incident, channel) and handed back next pass (a Matrix
    # sync token, a Mattermost "since" time); None when the source needs none.
    cursor: str | None
    requests_made: int = 0  # for bench/capture.py and the CLI's summary


class ChatSource(Protocol):
    provider: ClassVar[str]  # "slack", "matrix" or "mattermost": part of each message's key

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
        """The incident's channel on this target, or None when it has none.

        ``remembered`` is the connector state the outbox keeps for (incident,
        target), e.g. the channel ``commander channel`` created. Otherwise a channel
        or room named for the incident (domain.refs.channel_name) is looked up.
        """
        ...

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
        """The channel's captured messages posted since ``since`` (the incident's start).

        ``cursor`` is what the previous pass returned; a source may use it to ask
        for less (or to wait for a change), but the answer is always the whole set.
        """
        ...
