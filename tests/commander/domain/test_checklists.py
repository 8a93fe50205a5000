"""Which template items an incident holds: slots resolved, the cadence written in."""

from __future__ import annotations

import pytest

from commander.domain import Phase, Severity
from commander.domain.checklists import ItemSpec, parse_template
from commander.errors import InvalidInputError

TEMPLATE = parse_template(
    {
        "phases": {
            "triage": ["Page the on-call engineer"],
            "mitigate": [{"slot": "updates", "text": "Post updates when there is news"}],
        },
        "severity_extras": {
            "P0": {
                "triage": [{"slot": "ic", "text": "Assign an IC and a Scribe"}, "Open a bridge"],
                "mitigate": [{"slot": "updates", "text": "Post every {minutes} minutes"}],
            },
            "P1": {
                "triage": [{"slot": "ic", "text": "Assign an IC"}],
                "mitigate": [{"slot": "updates", "text": "Post every {minutes} minutes"}],
            },
        },
    },
    "test.json",
)


def texts(reached: set[Severity], minutes: int | None = 30) -> list[str]:
    return [item.text for item in TEMPLATE.wanted_items(reached, minutes)]


def test_one_item_per_slot_from_the_strictest_level_reached() -> None:
    assert texts({Severity.P1}) == [
        "Page the on-call engineer",
        "Assign an IC",
        "Post every 30 minutes",
    ]
    assert texts({Severity.P1, Severity.P0}, 15) == [
        "Page the on-call engineer",
        "Assign an IC and a Scribe",
        "Open a bridge",
        "Post every 15 minutes",
    ]


def test_a_base_item_with_a_slot_is_replaced_by_a_level_that_fills_it() -> None:
    assert texts({Severity.P3}) == ["Page the on-call engineer", "Post updates when there is news"]


def test_no_cadence_in_force_means_no_cadence_item() -> None:
    assert "Post every" not in " ".join(texts({Severity.P1}, None))


def test_positions_follow_the_template() -> None:
    items = TEMPLATE.wanted_items({Severity.P0}, 15)
    triage = [(item.position, item.text) for item in items if item.phase is Phase.TRIAGE]
    assert triage == [
        (0, "Page the on-call engineer"),
        (1, "Assign an IC and a Scribe"),
        (2, "Open a bridge"),
    ]


def test_items_are_strings_or_text_and_slot() -> None:
    parsed = parse_template({"phases": {"detect": ["a", {"text": "b", "slot": "x-1"}]}}, "f")
    assert parsed.phases[Phase.DETECT] == (ItemSpec("a"), ItemSpec("b", "x-1"))


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"text": "b", "slot": "Not A Slot"}], "a slot is a short name"),
        ([{"slot": "x"}], "must be a list of strings (or objects with a text and a slot)"),
        ([{"text": "b", "when": "now"}], "unknown item key(s) when"),
        ([{"text": "a", "slot": "x"}, {"text": "b", "slot": "x"}], "share the slot 'x'"),
        ([3], "must be a list of strings"),
    ],
)
def test_a_bad_item_is_explained(items: list[object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_template({"phases": {"detect": items}}, "f.json")
