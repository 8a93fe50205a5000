"""Stored text shown on a terminal: control characters and bidi controls made visible."""

from __future__ import annotations

import pytest

from commander.terminal_text import block, one_line


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("x\x1b]0;PWNED\x07", "x\\x1b]0;PWNED\\x07"),  # retitles the terminal
        ("a\nb\rc\td", "a\\x0ab\\x0dc\\x09d"),  # forged rows, overwritten lines
        ("\x00\x08\x7f", "\\x00\\x08\\x7f"),  # C0 and DEL
        ("\x9b2J \x85", "\\x9b2J \\x85"),  # C1: CSI clears the screen, NEL breaks a line
        ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),  # line and paragraph separators
        ("pay \u202egnp.exe", "pay \\u202egnp.exe"),  # right-to-left override
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),  # embeddings, pop
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),  # isolates
    ],
)
def test_control_characters_are_shown_escaped(stored: str, shown: str) -> None:
    assert one_line(stored) == shown


@pytest.mark.parametrize(
    "text",
    [
        "Checkout 5xx: 14% of card payments fail",
        "Zoë's café — naïve résumé",
        "עברית and العربية read right to left by themselves",
        "\u200e\u200f marks only, no override",
        "👩\u200d💻 on call, 🇫🇷 region",  # joiners and flags stay pictures
        "non\u00a0breaking and C:\\path\\x1b as typed",
    ],
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert one_line(text) == text
    assert block(text) == text


def test_a_block_keeps_its_lines_and_tabs_but_nothing_else() -> None:
    assert block("one\n\ttwo\r\n\x1b[2Jthree\u202e") == "one\n\ttwo\\x0d\n\\x1b[2Jthree\\u202e"
