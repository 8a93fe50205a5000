"""Cutting a title short at a word, so what shows reads as words and "…" says more follows.

Two titles that start alike ("Checkout API returning 5xx for card payments in
eu-west …" and "… in us-east …") would both show their shared start: for those
the shown part jumps from the first words to where they differ
(``shared_leading_words`` finds where that is).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

ELLIPSIS = "…"


def elide_at_word(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` when it fits in ``width`` pixels, else the most whole words that fit and "…".

    A first word too long to fit alone is cut inside the word (Qt's own elision).
    """
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split()
    # The most words that still fit, by bisection: a title has a few dozen words at most.
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if metrics.horizontalAdvance(" ".join(words[:middle]) + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return " ".join(words[:low]) + ELLIPSIS


def elide_title(text: str, metrics: QFontMetrics, width: int, shared_words: int) -> str:
    """Like ``elide_at_word``, but a title sharing its first ``shared_words`` words with
    another keeps in sight where it differs: "Checkout API … in eu-west after the…"."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split()
    plain = elide_at_word(text, metrics, width)
    shown_words = len(plain.removesuffix(ELLIPSIS).split())
    if shared_words == 0 or shown_words > shared_words or shared_words >= len(words):
        return plain
    # The first word or two, then from the last shared word on (it gives the
    # difference its context: "in eu-west", not "eu-west").
    head = " ".join(words[: min(2, shared_words - 1)]) if shared_words > 1 else ""
    tail = " ".join(words[max(shared_words - 1, 1) :])
    prefix = f"{head} {ELLIPSIS} " if head else ""
    room = width - metrics.horizontalAdvance(prefix)
    if room <= metrics.horizontalAdvance("M" * 6):
        return plain
    return prefix + elide_at_word(tail, metrics, room)


def shared_leading_words(titles: Sequence[str]) -> list[int]:
    """For each title, how many leading words it shares with the most alike other title
    (case and spacing ignored); 0 when no other starts with its first word."""
    keys = [tuple(title.casefold().split()) for title in titles]
    order = sorted(range(len(keys)), key=lambda index: keys[index])
    shared = [0] * len(keys)
    # Sorted, the title most alike to each is a neighbour.
    for before, after in zip(order, order[1:], strict=False):
        common = _common_prefix(keys[before], keys[after])
        shared[before] = max(shared[before], common)
        shared[after] = max(shared[after], common)
    return shared


def _common_prefix(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    count = 0
    for left, right in zip(first, second, strict=False):
        if left != right:
            break
        count += 1
    return count
