"""Who may read which text, and the one line that says why a send was refused."""

from __future__ import annotations

import pytest

from commander.connectors.base import KINDS
from commander.domain.audiences import (
    KIND_LABELS,
    Audience,
    audience_of_target,
    default_audience,
    may_receive,
    mismatch,
    target_label,
    text_for,
)
from commander.errors import InvalidInputError

INT, P, E = Audience.INTERNAL, Audience.PUBLIC, Audience.EXECUTIVE


@pytest.mark.parametrize(
    ("target", "readable"),
    [(P, {P}), (E, {E, P}), (INT, {INT, E, P})],
)
def test_customers_read_public_texts_only(target: Audience, readable: set[Audience]) -> None:
    assert {text for text in Audience if may_receive(target, text)} == readable


def test_a_target_gets_its_own_text_first_then_the_next_it_may_read() -> None:
    assert text_for(INT, [P, E, INT]) is INT
    assert text_for(INT, [P, E]) is E
    assert text_for(E, [INT, P]) is P
    assert text_for(P, [INT, E]) is None


def test_kind_defaults_and_the_stored_audience() -> None:
    assert {k for k in KINDS if default_audience(k) is P} == {"statuspage", "cachet"}
    assert audience_of_target("statuspage", None) is P
    assert audience_of_target("statuspage", "internal") is INT
    assert set(KIND_LABELS) == set(KINDS)
    assert target_label("status", "statuspage") == "Status page (status)"


def test_parse_and_labels() -> None:
    assert Audience.parse(" Public ") is P
    assert P.label == "Customers (public)" and INT.readers == "responders"
    with pytest.raises(InvalidInputError, match="^unknown audience 'all': use one of internal"):
        Audience.parse("all")


def test_the_refusal_names_every_target_in_one_line() -> None:
    line = mismatch(
        [("update", INT)],
        [("status", "statuspage", P), ("cachet", "cachet", P), ("board", "email", E)],
    )
    assert line == (
        "not sent: “update” is an internal text; Status page (status), Cachet status page "
        "(cachet) are targets for customers (public) and may only get a public text; "
        "E-mail (board) is a target for executives (executive) and may only get an "
        "executive or public text"
    )
    assert "\n" not in line
