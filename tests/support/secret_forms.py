"""Checking a text for a secret in any form a scrub must catch."""

from __future__ import annotations

import base64
import contextlib
import re
from urllib.parse import quote, quote_plus

# Base64 of a blob holding the secret keeps up to 2 of its characters in the 3-byte groups
# it shares with its neighbours (unavoidable, and the scrub leaves them). Looking for 5 in
# a row stays clear of those, and of the chance that any base64-looking word in a long
# text decodes to 5 of the secret's characters (about 2^-40 per position).
WINDOW = 5


def _decodings(text: str) -> list[bytes]:
    """Every way a run of base64 characters in ``text`` decodes, from each of its offsets."""
    found = []
    for run in re.findall(r"[A-Za-z0-9+/_=-]{4,}", text):
        for start in range(4):
            piece = run[start:].rstrip("=")
            piece = piece[: len(piece) - len(piece) % 4]
            for alphabet in (b"+/", b"-_"):
                with contextlib.suppress(ValueError):  # not base64 from this offset
                    found.append(base64.b64decode(piece, altchars=alphabet))
    return found


def assert_no_form_of(secret: str, text: str) -> None:
    """Not the secret, nor an encoding of it, nor base64 of WINDOW of its characters in a row."""
    for form in (secret, quote(secret), quote(secret, safe=""), quote_plus(secret)):
        assert form not in text, form
    size = min(WINDOW, len(secret))
    windows = {secret[i : i + size].encode() for i in range(len(secret) - size + 1)}
    leaked = [d for d in _decodings(text) for w in windows if w in d]
    assert leaked == [], f"{text!r} decodes to {leaked}"
