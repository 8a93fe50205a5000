"""Titles cut at a word, and two titles that start alike told apart."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from ui.common.elide import ELLIPSIS, elide_at_word, elide_title, shared_leading_words

EU = "Checkout API returning 5xx for card payments in eu-west after the v2.14.0 deploy"
US = "Checkout API returning 5xx for card payments in us-east (3DS challenge)"


def metrics() -> QFontMetrics:
    font = QFont()
    font.setPixelSize(13)
    return QFontMetrics(font)


def test_a_title_that_fits_is_whole_and_a_long_one_ends_at_a_word(qapp) -> None:
    m = metrics()
    assert elide_at_word(EU, m, 10_000) == EU
    cut = elide_at_word(EU, m, m.horizontalAdvance("Checkout API returning 5xx f"))
    assert cut == "Checkout API returning" + ELLIPSIS
    assert m.horizontalAdvance(cut) <= m.horizontalAdvance("Checkout API returning 5xx f")
    # A first word too long for the room is cut inside it rather than shown as "…".
    assert elide_at_word("Supercalifragilistic", m, 40).endswith(ELLIPSIS)
    assert len(elide_at_word("Supercalifragilistic", m, 40)) > 1


def test_titles_sharing_their_start_show_where_they_differ(qapp) -> None:
    m = metrics()
    shared = shared_leading_words([EU, US, "Search latency over SLO", "checkout slow"])
    assert shared == [8, 8, 0, 1]
    room = m.horizontalAdvance("Checkout API returning 5xx for card pay")
    eu, us = (elide_title(title, m, room, 8) for title in (EU, US))
    assert eu != us
    assert eu.startswith("Checkout API " + ELLIPSIS + " in eu-west")
    assert us.startswith("Checkout API " + ELLIPSIS + " in us-east")
    assert max(m.horizontalAdvance(eu), m.horizontalAdvance(us)) <= room
    # Alone, or with room for the difference, a title ends at a word as usual.
    assert elide_title(EU, m, room, 0) == elide_at_word(EU, m, room)
    assert elide_title(EU, m, 10_000, 8) == EU
