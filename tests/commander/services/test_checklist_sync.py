"""Checklists follow the severity and the cadence: one item per duty, replaced items kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.roles import Role
from commander.errors import InvalidInputError
from commander.services.cadence import set_cadence
from commander.services.checklist import check_item, checklist, phase_warnings
from commander.services.incidents import change_phase, change_severity, declare_incident
from commander.services.roles import assign_role
from commander.services.timeline import read_timeline

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
M = timedelta(minutes=1)
CADENCE = "Post a status update at least every"
REVIEW = "Schedule the postmortem review"
IC = "Assign an Incident Commander"


def declare(store, severity: Severity) -> str:
    return declare_incident(store, "Checkout down", severity, author="ana", now=T0).ref


def texts(store, ref: str, start: str) -> list[str]:
    return [item.text for item in checklist(store, ref).items if item.text.startswith(start)]


def checklist_entries(store, ref: str) -> list[str]:
    return [e.text for e in read_timeline(store, ref) if e.kind is EntryKind.CHECKLIST]


def test_p1_to_p0_leaves_one_cadence_item_one_review_and_one_ic_item(store) -> None:
    ref = declare(store, Severity.P1)
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 30 minutes"]  # P1's cadence
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + M)
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 15 minutes"]  # P0's cadence
    assert texts(store, ref, REVIEW) == [f"{REVIEW} within 48 hours"]
    assert texts(store, ref, IC) == [f"{IC} and a Scribe"]
    # Extras without a slot still come with P0.
    assert any("bridge call" in text for text in texts(store, ref, ""))


def test_a_replaced_item_that_was_checked_keeps_its_history(store) -> None:
    ref = declare(store, Severity.P1)
    old = check_item(store, ref, IC, author="bo", now=T0 + M)
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + 2 * M)
    view = checklist(store, ref)
    [kept] = [item for item in view.superseded if item.id == old.id]
    assert (kept.checked_by, kept.checked_at) == ("bo", T0 + M)  # not deleted, not unchecked
    assert kept.superseded_at == T0 + 2 * M and not kept.open
    [new] = [item for item in view.items if item.text.startswith(IC)]
    assert kept.superseded_by == new.id and new.open
    assert view.replaced_by(new) == [kept]
    [entry] = [e for e in read_timeline(store, ref) if e.text.startswith(f"Replaced “{IC}”")]
    assert entry.author == "app" and entry.occurred_at == T0 + 2 * M
    assert entry.text == (
        f"Replaced “{IC}” (checked by bo) with “{IC} and a Scribe” (Triage): severity P1 → P0"
    )
    assert entry.data is not None
    assert (entry.data["action"], entry.data["replaced_by"]) == ("supersede", new.id)


def test_the_replacing_happens_in_the_severity_change_itself(store) -> None:
    # Nobody reads the checklist in between: the severity change's own write replaces.
    ref = declare(store, Severity.P1)
    checklist(store, ref)
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + M)
    entries = [e for e in read_timeline(store, ref) if e.occurred_at == T0 + M]
    assert [e.kind for e in entries].count(EntryKind.CHECKLIST) == 3  # IC, cadence, review
    assert entries[0].kind is EntryKind.SEVERITY


def test_lowering_keeps_the_stricter_duties_and_the_cadence_follows(store) -> None:
    # Decided: the Scribe and the 48-hour review a P0 asked for stay when it is
    # lowered (as the reports keep its peak); the update item says the cadence the
    # countdown uses, which follows the current severity.
    ref = declare(store, Severity.P1)
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + M)
    change_severity(store, ref, Severity.P1, author="ana", now=T0 + 2 * M)
    assert texts(store, ref, IC) == [f"{IC} and a Scribe"]
    assert texts(store, ref, REVIEW) == [f"{REVIEW} within 48 hours"]
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 30 minutes"]
    change_severity(store, ref, Severity.P3, author="ana", now=T0 + 3 * M)
    assert texts(store, ref, CADENCE) == []  # no scheduled updates at P3
    assert checklist_entries(store, ref)[-1] == (
        f"Set aside “{CADENCE} 30 minutes” (Mitigate): severity P1 → P3"
    )


def test_the_cadence_set_by_hand_is_the_one_the_item_says(store) -> None:
    ref = declare(store, Severity.P1)
    set_cadence(store, ref, 10, author="ana", now=T0 + M)
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 10 minutes"]
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + 2 * M)
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 10 minutes"]  # the cadence in force
    set_cadence(store, ref, None, author="ana", now=T0 + 3 * M)
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 15 minutes"]


def test_a_cadence_set_back_brings_back_a_new_item_to_do(store) -> None:
    ref = declare(store, Severity.P1)
    first = check_item(store, ref, CADENCE, author="bo", now=T0 + M)
    set_cadence(store, ref, 10, author="ana", now=T0 + 2 * M)
    set_cadence(store, ref, 30, author="ana", now=T0 + 3 * M)
    view = checklist(store, ref)
    [current] = [item for item in view.items if item.text.startswith(CADENCE)]
    assert current.text == first.text and current.id != first.id and current.open
    assert [item.id for item in view.superseded][:1] == [first.id]


def test_an_ic_and_scribe_already_held_tick_the_p0_item_on_escalation(store) -> None:
    ref = declare(store, Severity.P1)
    assign_role(store, ref, Role.COMMANDER, "Ana", author="ana", now=T0 + M)
    assign_role(store, ref, Role.SCRIBE, "Bo", author="ana", now=T0 + 2 * M)
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + 3 * M)
    [item] = [item for item in checklist(store, ref).items if item.text.startswith(IC)]
    assert item.text == f"{IC} and a Scribe"
    assert (item.checked_by, item.auto_reason) == ("app", "IC and Scribe assigned")


def test_older_stacked_items_are_shed_at_the_next_look(store) -> None:
    # A store an older version wrote: an incident that reached P1 then P0 held both
    # IC items (the migration gave them their slot); today's read keeps one.
    from sqlalchemy import update

    from commander.domain.checklists import template_key
    from commander.store.orm_response import ChecklistItem

    ref = declare(store, Severity.P0)
    checklist(store, ref)
    old_text = "Post a status update at least every 30 minutes"  # the old P0 text
    with store.write() as session:
        session.execute(
            update(ChecklistItem)
            .where(ChecklistItem.text == f"{CADENCE} 15 minutes")
            .values(text=old_text, template_key=template_key(Phase.MITIGATE, old_text))
        )
    assert texts(store, ref, CADENCE) == [f"{CADENCE} 15 minutes"]
    assert [item.text for item in checklist(store, ref).superseded] == [old_text]


def test_a_replaced_item_is_not_one_to_do_and_cannot_be_changed(store) -> None:
    ref = declare(store, Severity.P1)
    [old] = [item for item in checklist(store, ref).items if item.text == IC]
    change_severity(store, ref, Severity.P0, author="ana", now=T0 + M)
    change_phase(store, ref, Phase.TRIAGE, author="ana", now=T0 + 2 * M)
    assert IC not in [item.text for item in phase_warnings(store, ref)]
    with pytest.raises(InvalidInputError, match=f"was replaced: see “{IC} and a Scribe”"):
        check_item(store, ref, old.id, author="bo")
    # Named by its text, the live item is the one meant.
    assert check_item(store, ref, IC, author="bo").text == f"{IC} and a Scribe"
