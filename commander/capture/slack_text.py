"""Slack's message markup made readable: what a person saw in the channel.

Slack sends ``text`` with its special tokens in angle brackets and ``&``, ``<``
and ``>`` escaped. ``<@U123>`` becomes ``@Name``, ``<#C1|name>`` ``#name``,
``<!here>`` ``@here``, ``<https://x|label>`` ``label (https://x)`` and
``<https://x>`` ``https://x``; the escapes are undone once. The result is still
untrusted text: whoever shows it escapes it for its own medium.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_TOKEN = re.compile(r"<([^<>]*)>")
_ESCAPE = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}
_BROADCASTS = frozenset({"here", "channel", "everyone"})


def unescape(text: str) -> str:
    """Slack's three escapes undone in one pass ("&amp;lt;" stays "&lt;", as typed)."""
    return _ESCAPE.sub(lambda match: _UNESCAPED[match.group(1)], text)


def readable(
    text: str, user_name: Callable[[str], str], channel_name: Callable[[str], str | None]
) -> str:
    """``text`` with Slack's tokens rendered; ``user_name`` answers a user id's display
    name (or the id itself), ``channel_name`` a channel id's name when known."""
    pieces: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        pieces.append(unescape(text[position : match.start()]))
        pieces.append(_token(match.group(1), user_name, channel_name))
        position = match.end()
    pieces.append(unescape(text[position:]))
    return "".join(pieces)


def _token(
    inside: str, user_name: Callable[[str], str], channel_name: Callable[[str], str | None]
) -> str:
    target, _, label = inside.partition("|")
    label = unescape(label)
    if target.startswith("@"):
        user_id = target[1:]
        name = user_name(user_id)
        # An old-style <@U123|bob> label is better than the bare id a failed lookup gives.
        return f"@{label if name == user_id and label else name}"
    if target.startswith("#"):
        return f"#{label or channel_name(target[1:]) or target[1:]}"
    if target.startswith("!"):
        command = target[1:]
        if command in _BROADCASTS:
            return f"@{command}"
        if label:  # <!subteam^S1|@oncall>, <!date^…|Feb 18>: the label is what is shown
            return label
        return f"@{command.split('^')[-1]}" if command.startswith("subteam^") else f"@{command}"
    url = unescape(target)
    if not label or label in (url, url.removeprefix("mailto:")):
        return url
    return f"{label} ({url})"
