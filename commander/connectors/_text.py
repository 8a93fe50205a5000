"""Text shaping shared by the connectors: safe cutting to a provider's limit.

Limits are counted the way providers count them: characters (code points;
UTF-16 units where a JavaScript service counts, which is never fewer) or UTF-8
bytes. A cut never splits a character, a surrogate pair, or a base character
from the combining marks and joiners that follow it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable

from commander.connectors.base import Message

ELLIPSIS = "…"
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner, variation selectors


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _clean_end(text: str, rest: str) -> str:
    """Back off so the cut does not separate a character from what modifies it."""
    while text and rest and (unicodedata.combining(rest[0]) or rest[0] in _JOINERS):
        rest = text[-1] + rest
        text = text[:-1]
    while text and text[-1] in _JOINERS:
        text = text[:-1]
    return text


def _cut(text: str, limit: int, measure: Callable[[str], int]) -> tuple[str, bool]:
    if measure(text) <= limit:
        return text, False
    budget = limit - measure(ELLIPSIS)
    if budget <= 0:
        return "", True
    # Binary search the longest prefix (in code points) that fits the budget.
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= budget:
            low = middle
        else:
            high = middle - 1
    kept = _clean_end(text[:low], text[low:]).rstrip()
    return kept + ELLIPSIS, True


def cut_chars(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters, counted as UTF-16 units (never fewer than code points)."""
    return _cut(text, limit, utf16_length)


def cut_bytes(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` UTF-8 bytes."""
    return _cut(text, limit, utf8_length)


def json_string_length(text: str) -> int:
    """UTF-8 bytes of ``text`` as a JSON string value, quotes left out (escapes counted)."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8")) - 2


def cut_json_bytes(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` bytes once written as a UTF-8 JSON string (quotes not counted)."""
    return _cut(text, limit, json_string_length)


class Fitter:
    """Cuts texts to limits and remembers a warning for each cut."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.warnings: list[str] = []

    def chars(self, what: str, text: str, limit: int) -> str:
        kept, was_cut = cut_chars(text, limit)
        if was_cut:
            self.warnings.append(f"{what} cut at {limit:,} characters ({self.provider} limit)")
        return kept

    def bytes(self, what: str, text: str, limit: int) -> str:
        kept, was_cut = cut_bytes(text, limit)
        if was_cut:
            self.warnings.append(f"{what} cut at {limit:,} bytes ({self.provider} limit)")
        return kept

    def json_bytes(self, what: str, text: str, limit: int) -> str:
        kept, was_cut = cut_json_bytes(text, limit)
        if was_cut:
            self.warnings.append(
                f"{what} cut at {limit:,} bytes as sent ({self.provider} size limit)"
            )
        return kept

    def note(self, warning: str) -> None:
        self.warnings.append(warning)


def plain_text(message: Message) -> str:
    """Headline and body as one plain text, the form every provider can show."""
    return f"{message.headline}\n\n{message.body}".strip()


def single_line(text: str) -> str:
    """For headers and titles: no line breaks."""
    return " ".join(text.split())


def split_chunks(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, split at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while utf16_length(line) > limit:
            prefix = _longest_prefix(line, limit)
            head = _clean_end(prefix, line[len(prefix) :]) or prefix or line[:1]
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
            line = line[len(head) :]
        candidate = f"{current}\n{line}" if current else line
        if utf16_length(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = line
    if current:
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _longest_prefix(text: str, limit: int) -> str:
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if utf16_length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]
