"""Block Kit shared by the Slack webhook and Web API connectors."""

from __future__ import annotations

from typing import Any

from commander.connectors._markup import markdown_to_mrkdwn, mrkdwn_as_shown, slack_escape
from commander.connectors._text import Fitter, single_line, split_chunks
from commander.connectors.base import Message

HEADER_LIMIT = 150
SECTION_LIMIT = 3_000
BLOCKS_LIMIT = 50
# Slack answers msg_blocks_too_long somewhere above 12k characters of block text in total.
BLOCK_TEXT_LIMIT = 12_000
TEXT_LIMIT = 40_000
# Slack answers a JSON post without a charset with the warning missing_charset.
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def slack_payload(message: Message, fitter: Fitter) -> tuple[dict[str, Any], str]:
    """(payload with text and blocks, human preview)."""
    header = fitter.chars("headline", single_line(message.headline), HEADER_LIMIT)
    body = fitter.chars("update", markdown_to_mrkdwn(message.body), BLOCK_TEXT_LIMIT)
    sections = split_chunks(body, SECTION_LIMIT)
    if len(sections) > BLOCKS_LIMIT - 1:
        fitter.note(f"update cut to {BLOCKS_LIMIT} blocks (Slack limit)")
        sections = sections[: BLOCKS_LIMIT - 1]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}}
    ]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
    fallback = slack_escape(single_line(message.headline))
    status = message.fields.get("Status")
    if status:
        fallback += f" — {slack_escape(single_line(status))}"
    fallback = fitter.chars("notification text", fallback, TEXT_LIMIT)
    payload: dict[str, Any] = {
        "text": fallback,
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }
    # The preview is what people will read, not the escaped text Slack is sent.
    preview = header + "\n\n" + mrkdwn_as_shown("\n".join(sections))
    return payload, preview
