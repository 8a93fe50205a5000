"""Roles: assign, hand over, several experts, release; each logged."""

from __future__ import annotations

import pytest

from commander.domain.roles import Role
from commander.errors import InvalidInputError
from commander.services.roles import assign_role, current_roles, release_role, set_roles
from commander.services.timeline import read_timeline


def test_assigning_a_role_logs_who_holds_it(store, incident: str) -> None:
    roles = assign_role(store, incident, Role.COMMANDER, "Ana", author="ana")
    assert roles.people(Role.COMMANDER) == ["Ana"]
    # The P1 item "Assign an Incident Commander" is ticked after it, in the same write.
    entry = read_timeline(store, incident)[-2]
    assert (entry.kind, entry.text) == ("role", "Ana is IC (Incident Commander)")


def test_handover_replaces_the_holder_and_says_from_whom(store, incident: str) -> None:
    assign_role(store, incident, Role.COMMANDER, "Ana", author="ana")
    roles = assign_role(store, incident, Role.COMMANDER, "Bo", author="ana")
    assert roles.people(Role.COMMANDER) == ["Bo"]
    entry = read_timeline(store, incident)[-1]
    assert entry.text == "IC handed from Ana to Bo"
    assert entry.data == {"role": "ic", "from": "Ana", "to": "Bo"}


def test_experts_come_in_numbers(store, incident: str) -> None:
    assign_role(store, incident, Role.SME, "Cy", author="ana")
    assign_role(store, incident, Role.SME, "Di", author="ana")
    assign_role(store, incident, Role.SCRIBE, "Bo", author="ana")
    roles = current_roles(store, incident)
    assert roles.people(Role.SME) == ["Cy", "Di"]
    assert roles.summary() == "Scribe: Bo · SME: Cy, Di"
    release_role(store, incident, Role.SME, author="ana", person="cy")
    assert current_roles(store, incident).people(Role.SME) == ["Di"]
    assert read_timeline(store, incident)[-1].text == "Cy is no longer SME"


def test_assigning_the_holder_again_is_refused(store, incident: str) -> None:
    assign_role(store, incident, Role.SCRIBE, "Bo", author="ana")
    with pytest.raises(InvalidInputError, match="already Scribe"):
        assign_role(store, incident, Role.SCRIBE, "bo", author="ana")
    with pytest.raises(InvalidInputError, match="name"):
        assign_role(store, incident, Role.OPS, "  ", author="ana")


def test_releasing_a_role_nobody_holds_is_refused(store, incident: str) -> None:
    with pytest.raises(InvalidInputError, match="nobody is Comms"):
        release_role(store, incident, Role.COMMS, author="ana")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("IC", Role.COMMANDER),
        ("incident commander", Role.COMMANDER),
        ("Comms", Role.COMMS),
        ("operations-lead", Role.OPS),
        ("sme", Role.SME),
        ("Scribe", Role.SCRIBE),
    ],
)
def test_role_names_people_type(text: str, role: Role) -> None:
    assert Role.parse(text) is role


def test_unknown_role_is_explained() -> None:
    with pytest.raises(InvalidInputError, match="use one of ic, scribe"):
        Role.parse("captain")


def test_set_roles_hands_over_releases_and_adds_in_one_go(store, incident: str) -> None:
    assign_role(store, incident, Role.COMMANDER, "Ana", author="ana")
    assign_role(store, incident, Role.SCRIBE, "Bo", author="ana")
    assign_role(store, incident, Role.SME, "Cy", author="ana")
    count = len(read_timeline(store, incident))
    roles = set_roles(
        store,
        incident,
        {Role.COMMANDER: ["Di"], Role.SCRIBE: [], Role.SME: ["Cy", "Ed", " ed "], Role.OPS: ["Bo"]},
        author="ana",
    )
    assert roles.summary() == "IC: Di · Ops: Bo · SME: Cy, Ed"
    texts = [e.text for e in read_timeline(store, incident)[count:]]
    assert texts == [
        "IC handed from Ana to Di",
        "Bo is no longer Scribe",
        "Ed is SME (Subject Matter Expert)",
        "Bo is Ops (Operations Lead)",
    ]


def test_set_roles_refuses_two_commanders_and_changes_nothing(store, incident: str) -> None:
    assign_role(store, incident, Role.COMMANDER, "Ana", author="ana")
    with pytest.raises(InvalidInputError, match="one holder"):
        set_roles(
            store, incident, {Role.SCRIBE: ["Bo"], Role.COMMANDER: ["Bo", "Cy"]}, author="ana"
        )
    assert current_roles(store, incident).summary() == "IC: Ana"


def test_the_same_name_typed_with_a_combining_accent_is_the_same_person(
    store, incident: str
) -> None:
    # "Zoë" from one keyboard is one character, from another "e" + a combining
    # diaeresis: handing IC "to" the same person logged a handover to herself.
    assign_role(store, incident, Role.COMMANDER, "Zo\u00eb", author="ana")
    count = len(read_timeline(store, incident))
    set_roles(store, incident, {Role.COMMANDER: ["Zoe\u0308"]}, author="ana")
    assert len(read_timeline(store, incident)) == count
    with pytest.raises(InvalidInputError, match="already IC"):
        assign_role(store, incident, Role.COMMANDER, "ZOE\u0308", author="ana")
