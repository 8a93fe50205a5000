"""Stored text as the CLI shows it on a terminal: nothing in it can steer the terminal.

An entry, a title or a name can hold anything the window or a script put there:
an escape sequence (``ESC ] 0 ; … BEL`` retitles the terminal, others move the
cursor or rewrite what is on screen), a carriage return or line break that forges
a row of ``commander list``, a bidi override that shows text in another order than
it is stored. The CLI's human output passes such characters through ``one_line``
(every row of a listing) or ``block`` (a multi-line text shown as a block, which
keeps its line breaks and tabs), which write them as visible escapes:

- control characters (C0, DEL, C1): ``\\x`` and two hex digits, ``\\x1b`` for ESC;
- line and paragraph separators and the bidi embeddings, overrides and isolates
  (U+202A–U+202E, U+2066–U+2069): ``\\u`` and four hex digits, ``\\u202e``.

The escapes are for reading, not a reversible encoding (a backslash typed in the
text is shown as is); ``--json`` keeps the exact text, and exports are documents
that keep it too. The classes come from ``unicodedata``, not a hand-kept list.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Unicode's bidirectional classes of the explicit embedding, override and isolate
# controls: exactly U+202A-U+202E and U+2066-U+2069.
_BIDI_CONTROLS = frozenset({"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"})
# Control characters (C0, DEL, C1), line separator, paragraph separator.
_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
_BLOCK_KEEPS = frozenset("\n\t")


def one_line(text: str) -> str:
    """``text`` with every control character, line break and bidi control escaped."""
    return _escaped(text, frozenset())


def block(text: str) -> str:
    """Like ``one_line``, but line breaks and tabs stay: for a text shown as a block."""
    return _escaped(text, _BLOCK_KEEPS)


def _escaped(text: str, keep: frozenset[str]) -> str:
    if text.isprintable():  # the common case, checked in C: nothing to escape
        return text
    return "".join(_visible(char) if char not in keep and _steers(char) else char for char in text)


@lru_cache(maxsize=1024)
def _steers(char: str) -> bool:
    return (
        unicodedata.category(char) in _BREAKING_CATEGORIES
        or unicodedata.bidirectional(char) in _BIDI_CONTROLS
    )


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
