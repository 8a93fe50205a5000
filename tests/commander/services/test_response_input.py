"""Text PostgreSQL cannot store (NUL) is refused plainly on both backends, changing nothing.

Before, SQLite stored it and PostgreSQL failed the write with a driver message,
so the same command worked on one backend and not on the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from commander.domain import Severity
from commander.domain.deploys import DeployKind, make_change, parse_change
from commander.domain.roles import Role
from commander.errors import InvalidInputError
from commander.services.checklist import add_item, checklist, mark_not_applicable
from commander.services.deploys import record_deploy
from commander.services.incidents import declare_incident
from commander.services.milestones import edit_milestone
from commander.services.roles import assign_role, set_roles
from commander.services.timeline import read_timeline

BAD = "bad\x00text"

CHANGES: dict[str, Callable[[Any, str], Any]] = {
    "add item": lambda store, ref: add_item(store, ref, BAD, author="ana"),
    "n/a reason": lambda store, ref: mark_not_applicable(
        store, ref, checklist(store, ref).items[0].id, BAD, author="ana"
    ),
    "assign role": lambda store, ref: assign_role(store, ref, Role.COMMANDER, BAD, author="ana"),
    "set roles": lambda store, ref: set_roles(store, ref, {Role.SME: ["Cy", BAD]}, author="ana"),
    "deploy note": lambda store, ref: record_deploy(
        store, ref, parse_change(DeployKind.ROLLBACK, f"v2 -> v1 {BAD}"), author="ana"
    ),
    "deploy what": lambda store, ref: record_deploy(
        store, ref, make_change(DeployKind.HOTFIX, "v3", what=BAD), author="ana"
    ),
    "milestone reason": lambda store, ref: edit_milestone(
        store, ref, "detected", None, author="ana", reason=BAD
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_nul_in_text_is_refused_and_changes_nothing(store, change: str) -> None:
    ref = declare_incident(store, "Checkout down", Severity.P2, author="ana").ref
    items = checklist(store, ref).items
    entries = len(read_timeline(store, ref))
    with pytest.raises(InvalidInputError, match="NUL"):
        CHANGES[change](store, ref)
    assert checklist(store, ref).items == items
    assert len(read_timeline(store, ref)) == entries
