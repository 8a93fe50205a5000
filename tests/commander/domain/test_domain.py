import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.errors import InvalidInputError


def test_severities_carry_the_seed_definitions() -> None:
    assert [s.value for s in Severity] == ["P0", "P1", "P2", "P3", "P4"]
    assert Severity.P0.label == "Critical"
    assert Severity.P0.definition == "Complete outage, data loss"
    assert Severity.P4.definition == "Enhancement request"
    assert Severity.P0.rank < Severity.P4.rank


@pytest.mark.parametrize("text", ["p1", " P1 ", "1"])
def test_severity_parse_is_forgiving_about_case(text: str) -> None:
    assert Severity.parse(text) is Severity.P1


def test_unknown_severity_names_the_choices() -> None:
    with pytest.raises(InvalidInputError, match="P0, P1, P2, P3, P4"):
        Severity.parse("P5")


def test_phases_are_the_five_in_order() -> None:
    assert [p.label for p in Phase] == ["Detect", "Triage", "Mitigate", "Resolve", "Postmortem"]
    assert Phase.parse("MITIGATE") is Phase.MITIGATE


def test_only_user_kinds_can_be_logged_by_people() -> None:
    assert EntryKind.parse_user_kind("decision") is EntryKind.DECISION
    with pytest.raises(InvalidInputError, match="note, action, decision"):
        EntryKind.parse_user_kind("severity")
