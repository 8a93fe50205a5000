"""NUL is refused in every stored text, by every write path, the same on both backends.

Before, an author, an action item, a postmortem's names, a message's fields or a
target's name holding NUL were stored on SQLite and failed on PostgreSQL with a
driver message. The window makes these same core calls, so each is its entry point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select

from commander.domain import Phase, Severity
from commander.domain.deploys import DeployKind, make_change
from commander.domain.quick_entry import parse_quick_entry
from commander.domain.roles import Role
from commander.errors import InvalidInputError
from commander.exports.render import export_incident
from commander.services.action_items import (
    ActionItemFields,
    add_action_item,
    delete_action_item,
    update_action_item,
)
from commander.services.cadence import set_cadence
from commander.services.channels import create_incident_channel
from commander.services.checklist import check_item, checklist
from commander.services.deploys import record_deploy
from commander.services.incidents import change_severity, declare_incident, list_incidents
from commander.services.messages import compose, send_message
from commander.services.milestones import edit_milestone
from commander.services.phase_moves import move_to_phase
from commander.services.postmortem import Participant, get_postmortem, save_postmortem
from commander.services.quick_entry import carry_out
from commander.services.roles import assign_role
from commander.services.runbooks import attach_runbook, load_library
from commander.services.targets import list_targets, remove_target, save_target
from commander.services.timeline import delete_entry, edit_entry, log_entry
from commander.store.orm_comms import CommsTarget
from tests.support.secret_stores import stored_secret
from tests.support.webhook import KIND

BAD = "bad\x00text"
AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Seeded:
    ref: str
    entry_id: int
    item_id: int
    action_item_id: int


def _seed(store: Any) -> Seeded:
    ref = declare_incident(store, "Checkout errors", Severity.P1, author="ana").ref
    save_target(store, "ops", KIND)
    send_message(store, compose(store, ref), "ana")  # queued to ops, never delivered here
    return Seeded(
        ref,
        log_entry(store, ref, "paged on-call", author="ana").id,
        checklist(store, ref).items[0].id,
        add_action_item(store, ref, ActionItemFields("Add an alert"), "ana").id,
    )


def _postmortem(store: Any, ref: str, **changes: Any) -> Any:
    return replace(get_postmortem(store, ref), **changes)


WRITES: dict[str, Callable[[Any, Seeded], object]] = {
    # The name that signs a change, on every kind of write.
    "log": lambda store, s: log_entry(store, s.ref, "ok", author=BAD),
    "quick entry": lambda store, s: carry_out(store, s.ref, parse_quick_entry("ok"), BAD),
    "declare": lambda store, s: declare_incident(store, "New", Severity.P2, author=BAD),
    "edit entry": lambda store, s: edit_entry(store, s.entry_id, BAD, text="changed"),
    "delete entry": lambda store, s: delete_entry(store, s.entry_id, BAD),
    "severity": lambda store, s: change_severity(store, s.ref, Severity.P0, author=BAD),
    "phase": lambda store, s: move_to_phase(store, s.ref, Phase.TRIAGE, author=BAD),
    "check item": lambda store, s: check_item(store, s.ref, s.item_id, author=BAD),
    "role": lambda store, s: assign_role(store, s.ref, Role.SME, "Cy", author=BAD),
    "deploy": lambda store, s: record_deploy(
        store, s.ref, make_change(DeployKind.HOTFIX, "v3"), author=BAD
    ),
    "milestone": lambda store, s: edit_milestone(store, s.ref, "detected", AT, author=BAD),
    "cadence": lambda store, s: set_cadence(store, s.ref, 15, author=BAD),
    "runbook": lambda store, s: attach_runbook(
        store, s.ref, load_library().runbooks[0], author=BAD
    ),
    "send": lambda store, s: send_message(store, compose(store, s.ref), BAD),
    "remove target": lambda store, s: remove_target(store, "ops", BAD),  # fails the queued one
    # Refused before Slack is asked (ops is not even a Slack target).
    "channel": lambda store, s: create_incident_channel(store, s.ref, "ops", BAD),
    "add action item": lambda store, s: add_action_item(
        store, s.ref, ActionItemFields("Fix it"), BAD
    ),
    "delete action item": lambda store, s: delete_action_item(store, s.action_item_id, BAD),
    "save postmortem": lambda store, s: save_postmortem(
        store, _postmortem(store, s.ref, sections={"summary": "ok"}), BAD
    ),
    # The texts themselves.
    "action item description": lambda store, s: add_action_item(
        store, s.ref, ActionItemFields(BAD), "ana"
    ),
    "action item owner": lambda store, s: update_action_item(
        store, s.action_item_id, ActionItemFields("Add an alert", owner=BAD), "ana"
    ),
    "postmortem author": lambda store, s: save_postmortem(
        store, _postmortem(store, s.ref, authors=(BAD,)), "ana"
    ),
    "postmortem participant": lambda store, s: save_postmortem(
        store, _postmortem(store, s.ref, participants=(Participant(BAD, "scribe"),)), "ana"
    ),
    "message field": lambda store, s: send_message(
        store, compose(store, s.ref, overrides={"Impact": BAD}), "ana"
    ),
    "target name": lambda store, s: save_target(store, "new\x00", KIND),
    "target option": lambda store, s: save_target(store, "new", KIND, options={"channel": BAD}),
    "target secret": lambda store, s: save_target(store, "new", KIND, secret=BAD),
}


def _everything(store: Any, ref: str) -> tuple[object, ...]:
    return (
        export_incident(store, ref, "json", AT),  # with checklist, roles, messages, targets
        list_incidents(store),
        list_targets(store),
        stored_secret(store, "new"),
    )


def test_nul_is_refused_in_one_line_and_changes_nothing(store: Any) -> None:
    # One store per backend for all the writes (a PostgreSQL database each would cost a
    # minute); each write must fail alone, so every one is tried and the misses listed.
    seeded = _seed(store)
    before = _everything(store, seeded.ref)
    missed: dict[str, str] = {}
    for name, write in WRITES.items():
        try:
            write(store, seeded)
        except InvalidInputError as refused:
            if "contains a NUL character; remove it" not in str(refused) or "\n" in str(refused):
                missed[name] = f"refused as {refused}"
        except Exception as error:
            missed[name] = f"{type(error).__name__}: {error}"
        else:
            missed[name] = "written"
        if _everything(store, seeded.ref) != before:
            missed[name] = "changed the store"
            break  # the rest would compare with a store that moved
    assert missed == {}


def test_the_guard_refuses_a_write_no_service_checked(store: Any) -> None:
    named = pytest.raises(InvalidInputError, match=r"the name \(targets\) contains a NUL")
    with named, store.write() as session:
        session.add(CommsTarget(name="x\x00", kind=KIND, options={}, created_at=AT))
    nested = pytest.raises(InvalidInputError, match=r"the options \(targets\) contains a NUL")
    with nested, store.write() as session:
        session.add(CommsTarget(name="y", kind=KIND, options={"to": ["a\x00"]}, created_at=AT))
    assert list_targets(store) == []


def test_a_nul_stored_before_does_not_block_changing_the_rest_of_its_row(
    sqlite_store: Any,
) -> None:
    # Only SQLite could have stored one; a Core INSERT passes no flush, as writes once did.
    with sqlite_store.write() as session:
        session.execute(
            insert(CommsTarget).values(name="old\x00", kind=KIND, options={}, created_at=AT)
        )
    with sqlite_store.write() as session:
        row = session.scalars(select(CommsTarget)).one()
        row.base_url = "https://chat.example"
    refused = pytest.raises(InvalidInputError, match=r"the options \(targets\) contains a NUL")
    with refused, sqlite_store.write() as session:
        session.scalars(select(CommsTarget)).one().options = {"channel": "a\x00"}
    [target] = list_targets(sqlite_store)
    assert (target.base_url, target.options) == ("https://chat.example", {})
