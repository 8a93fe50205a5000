"""Turning the composer's Markdown into each provider's markup, safely.

The input is text typed by people (and pasted from alerts), so anything that
looks like markup is escaped first; the only tags and links in the output are
the ones built here. Links are kept only for http(s) and mailto.
"""

from __future__ import annotations

import html
import re

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")


def is_safe_link(url: str) -> bool:
    return url.lower().startswith(_SAFE_SCHEMES)


def neutral_markdown(text: str) -> str:
    """Markdown for providers that render it themselves (Discord, Mattermost, Teams).

    Links with any other scheme (javascript:, data:) become their label and address as text.
    """

    def keep_safe(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        return match.group(0) if is_safe_link(url) else f"{label} ({url.replace(':', ': ', 1)})"

    return _LINK.sub(keep_safe, text)


def _inline_html(escaped: str) -> str:
    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), html.unescape(match.group(2))
        if not is_safe_link(url):
            return match.group(0)
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>'

    escaped = _CODE.sub(r"<code>\1</code>", escaped)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _LINK.sub(link, escaped)


def markdown_to_html(text: str) -> str:
    """A small, safe subset: headings, bullet lists, bold, code, links, paragraphs."""
    out: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if bullets:
            out.append("<ul>" + "".join(f"<li>{item}</li>" for item in bullets) + "</ul>")
            bullets.clear()

    for raw in text.splitlines():
        line = _inline_html(html.escape(raw.rstrip(), quote=True))
        heading = _HEADING.match(raw.strip())
        bullet = _BULLET.match(raw)
        if not raw.strip():
            flush()
        elif heading:
            flush()
            out.append(f"<h3>{_inline_html(html.escape(heading.group(1), quote=True))}</h3>")
        elif bullet:
            if paragraph:
                flush()
            bullets.append(_inline_html(html.escape(bullet.group(1), quote=True)))
        else:
            if bullets:
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(out)


def slack_escape(text: str) -> str:
    """Slack's own rule: only &, < and > are escaped (they start links and mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SLACK_ESCAPED = re.compile(r"&(amp|lt|gt);")
_SLACK_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}
_SLACK_LINK = re.compile(r"<([^|>\s]+)\|([^>]*)>")


def mrkdwn_as_shown(mrkdwn: str) -> str:
    """What Slack shows for mrkdwn made by ``markdown_to_mrkdwn``: ``&gt;`` as ``>`` (one
    pass, so a typed ``&lt;`` stays as typed), a link as its label and address. For the
    composer's preview; the payload keeps the escapes Slack needs."""
    shown = _SLACK_LINK.sub(lambda match: f"{match.group(2)} ({match.group(1)})", mrkdwn)
    return _SLACK_ESCAPED.sub(lambda match: _SLACK_UNESCAPED[match.group(1)], shown)


def markdown_to_mrkdwn(text: str) -> str:
    """Slack mrkdwn: escaped text, *bold*, bullets as •, safe links as <url|label>."""

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), html.unescape(match.group(2))
        if not is_safe_link(url) or "|" in url or ">" in url:
            return match.group(0)
        return f"<{url}|{label}>"

    lines = []
    for raw in text.splitlines():
        heading = _HEADING.match(raw.strip())
        bullet = _BULLET.match(raw)
        line = slack_escape(raw)
        if heading:
            line = f"*{slack_escape(heading.group(1))}*"
        elif bullet:
            line = f"• {slack_escape(bullet.group(1))}"
        line = _BOLD.sub(r"*\1*", line)
        lines.append(_LINK.sub(link, line))
    return "\n".join(lines)


def markdown_to_plain(text: str) -> str:
    """For providers that show text as typed (Statuspage): no ** or # marks left over."""
    lines = []
    for raw in text.splitlines():
        heading = _HEADING.match(raw.strip())
        line = heading.group(1) if heading else raw
        line = _BOLD.sub(r"\1", line)
        line = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", line)
        lines.append(_CODE.sub(r"\1", line))
    return "\n".join(lines)
