"""Who holds which role: assign, hand over, release; every change logged."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain.backdating import refuse_before_start
from commander.domain.entry_facts import RoleChanged
from commander.domain.limits import refuse_nul
from commander.domain.roles import Role
from commander.domain.when import utc_now
from commander.errors import InvalidInputError
from commander.services.auto_checks import tick_for_roles
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_response import RoleAssignment

NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class RoleHolder:
    role: Role
    person: str
    since: datetime
    assigned_by: str


@dataclass(frozen=True, slots=True)
class RolesView:
    holders: tuple[RoleHolder, ...]

    def people(self, role: Role) -> list[str]:
        return [holder.person for holder in self.holders if holder.role is role]

    def summary(self) -> str:
        """``IC: Ana · Scribe: Bo · SME: Cy, Di`` (roles nobody holds are left out)."""
        parts = [
            f"{role.short}: {', '.join(self.people(role))}" for role in Role if self.people(role)
        ]
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class RoleSpell:
    """One person holding one role from ``assigned_at`` until ``ended_at`` (None: still)."""

    id: int
    role: Role
    person: str
    assigned_at: datetime
    assigned_by: str
    ended_at: datetime | None
    ended_by: str | None


def role_history(session: Session, incident_id: int) -> list[RoleSpell]:
    """Every assignment, ended ones too, in the order they were made."""
    rows = session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.incident_id == incident_id)
        .order_by(RoleAssignment.assigned_at, RoleAssignment.id)
    )
    return [
        RoleSpell(
            row.id,
            Role(row.role),
            row.person,
            row.assigned_at,
            row.assigned_by,
            row.ended_at,
            row.ended_by,
        )
        for row in rows
    ]


def current_roles(store: Store, ref: str) -> RolesView:
    with store.read() as session:
        return _roles_of(session, load_incident(session, ref))


def assign_role(
    store: Store,
    ref: str,
    role: Role,
    person: str,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> RolesView:
    """Give ``person`` the role; for a one-holder role this hands it over from whoever had it.

    ``occurred_at`` dates it; a handover is refused before the spell it ends began."""
    person = _clean_name(person)
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident = locked_incident(session, ref)
        held = _open_rows(session, incident.id, role)
        if any(person_key(row.person) == person_key(person) for row in held):
            raise InvalidInputError(f"{person} is already {role.short} on {incident.ref}")
        previous = None if role.several or not held else held[0]
        if previous is not None:
            _refuse_before_spell(previous, role, at, "the handover")
        _assign(session, incident, role, person, previous, author, at, recorded_at=now)
        session.flush()
        tick_for_roles(session, incident, now)
        return _roles_of(session, incident)


def release_role(
    store: Store,
    ref: str,
    role: Role,
    author: str,
    person: str | None = None,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> RolesView:
    """Nobody (or, for experts, not ``person``) holds the role any more; ``occurred_at``
    dates it, not before the spell it ends began."""
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident = locked_incident(session, ref)
        held = _open_rows(session, incident.id, role)
        if person is not None:
            held = [row for row in held if person_key(row.person) == person_key(person)]
        if not held:
            who = f"{person.strip()} is not" if person else "nobody is"
            raise InvalidInputError(f"{who} {role.short} on {incident.ref}")
        if len(held) > 1:
            raise InvalidInputError(f"{len(held)} people are {role.short}: name the one to release")
        row = held[0]
        _refuse_before_spell(row, role, at, "the release")
        row.ended_at, row.ended_by = at, author
        text = f"{row.person} is no longer {role.short}"
        _log(session, incident, text, author, at, role, row.person, None, recorded_at=now)
        return _roles_of(session, incident)


def _refuse_before_spell(row: RoleAssignment, role: Role, at: datetime, change: str) -> None:
    state = f"{row.person} has been {role.short}"
    refuse_before_start(at, since=row.assigned_at, state=state, change=change)


def set_roles(
    store: Store,
    ref: str,
    wanted: dict[Role, list[str]],
    author: str,
    now: datetime | None = None,
) -> RolesView:
    """Make the named roles held by exactly these people, in one transaction.

    What the roles dialog submits: a changed holder is a handover, an emptied
    role is released, experts are added and released one by one; each change
    gets its own timeline entry. Roles not in ``wanted`` are left alone.
    """
    now = now or utc_now()
    with store.write() as session:
        incident = locked_incident(session, ref)
        for role, people in wanted.items():
            names = _unique_names(people)
            if len(names) > 1 and not role.several:
                raise InvalidInputError(f"{role.short} has one holder, not {', '.join(names)}")
            held = _open_rows(session, incident.id, role)
            kept = {person_key(row.person) for row in held}
            wanted_keys = {person_key(name) for name in names}
            handover = not role.several and held and names
            for row in held:
                if person_key(row.person) not in wanted_keys and not handover:
                    row.ended_at, row.ended_by = now, author
                    text = f"{row.person} is no longer {role.short}"
                    _log(session, incident, text, author, now, role, row.person, None)
            for name in names:
                if person_key(name) in kept:
                    continue
                previous = held[0] if handover else None
                _assign(session, incident, role, name, previous, author, now)
        session.flush()
        tick_for_roles(session, incident, now)
        return _roles_of(session, incident)


def _assign(
    session: Session,
    incident: Incident,
    role: Role,
    person: str,
    previous: RoleAssignment | None,
    author: str,
    now: datetime,
    recorded_at: datetime | None = None,
) -> None:
    """Give ``person`` the role at ``now``, ending ``previous``'s spell (a handover), and
    log it (``recorded_at``: when it was typed, if later)."""
    if previous is not None:
        previous.ended_at, previous.ended_by = now, author
        text = f"{role.short} handed from {previous.person} to {person}"
    else:
        text = f"{person} is {role.short} ({role.label})"
    session.add(
        RoleAssignment(
            incident_id=incident.id,
            role=role.value,
            person=person,
            assigned_at=now,
            assigned_by=author,
        )
    )
    from_person = previous.person if previous is not None else None
    _log(session, incident, text, author, now, role, from_person, person, recorded_at=recorded_at)


def _unique_names(people: list[str]) -> list[str]:
    names: list[str] = []
    for person in people:
        if not person.strip():
            continue
        name = _clean_name(person)
        if person_key(name) not in {person_key(n) for n in names}:
            names.append(name)
    return names


def _clean_name(person: str) -> str:
    cleaned = unicodedata.normalize("NFC", " ".join(refuse_nul(person, "the name").split()))
    if not cleaned:
        raise InvalidInputError("a role needs a person's name")
    if len(cleaned) > NAME_MAX:
        raise InvalidInputError(f"a name is at most {NAME_MAX} characters")
    return cleaned


def person_key(person: str) -> str:
    """One person however the name was typed: case, spacing, composed or combining accents."""
    return unicodedata.normalize("NFC", " ".join(person.split())).casefold()


def _open_rows(
    session: Session, incident_id: int, role: Role | None = None
) -> list[RoleAssignment]:
    statement = select(RoleAssignment).where(
        RoleAssignment.incident_id == incident_id, RoleAssignment.ended_at.is_(None)
    )
    if role is not None:
        statement = statement.where(RoleAssignment.role == role.value)
    return list(session.scalars(statement.order_by(RoleAssignment.assigned_at, RoleAssignment.id)))


def _roles_of(session: Session, incident: Incident) -> RolesView:
    session.flush()
    rows = _open_rows(session, incident.id)
    order = list(Role)
    holders = sorted(
        (RoleHolder(Role(row.role), row.person, row.assigned_at, row.assigned_by) for row in rows),
        key=lambda holder: order.index(holder.role),
    )
    return RolesView(tuple(holders))


def _log(
    session: Session,
    incident: Incident,
    text: str,
    author: str,
    now: datetime,
    role: Role,
    from_person: str | None,
    to_person: str | None,
    recorded_at: datetime | None = None,
) -> None:
    add_entry(
        session,
        incident,
        fact=RoleChanged(role, from_person, to_person),
        text=text,
        author=author,
        occurred_at=now,
        recorded_at=recorded_at or now,
    )
