"""One KEY=VALUE reader for the CLI's --option, a target's options and component statuses."""

from __future__ import annotations

import pytest

from commander.domain.key_values import parse_pair, parse_pairs
from commander.errors import InvalidInputError


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("page_id=abc", ("page_id", "abc")),
        ("  channel =  #ops ", ("channel", "#ops")),
        ("url=https://x.example/?a=b", ("url", "https://x.example/?a=b")),
        ("empty=", ("empty", "")),
    ],
)
def test_a_pair_splits_at_the_first_equals_sign(text: str, pair: tuple[str, str]) -> None:
    assert parse_pair(text) == pair


@pytest.mark.parametrize("text", ["novalue", "=value", "  = x", ""])
def test_a_pair_needs_a_key_and_an_equals_sign(text: str) -> None:
    with pytest.raises(InvalidInputError, match="is not KEY=VALUE"):
        parse_pair(text)


def test_lines_of_options_skip_blanks_and_name_the_bad_line() -> None:
    assert parse_pairs("page_id=abc\n\n  to = a@example.com\n", "\n") == {
        "page_id": "abc",
        "to": "a@example.com",
    }
    with pytest.raises(InvalidInputError) as caught:
        parse_pairs("page_id=abc\n\noops\n", "\n")
    assert str(caught.value) == "line 3: 'oops' is not KEY=VALUE"


def test_comma_separated_components_in_their_own_words() -> None:
    text = "Checkout=major_outage, search = operational,,"
    assert parse_pairs(text, ",", form="name=status") == {
        "Checkout": "major_outage",
        "search": "operational",
    }
    with pytest.raises(InvalidInputError) as caught:
        parse_pairs("Checkout=major_outage, search", ",", form="name=status")
    assert str(caught.value) == "item 2: 'search' is not name=status"


def test_a_key_given_twice_keeps_its_last_value() -> None:
    assert parse_pairs("a=1,a=2", ",") == {"a": "2"}
