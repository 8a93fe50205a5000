"""Writing and reading an incident's postmortem.

One postmortem per incident. A save writes the new content, a copy of it in
``postmortem_revisions`` and a timeline entry, in one transaction; a save
based on an older revision than the stored one is refused, so two seats
editing at once cannot silently overwrite each other
(``StalePostmortemError``: the editor then offers both versions to merge).

A new postmortem starts with the incident's people: ``read_postmortem_to_edit``
fills its authors and participants from who held the response roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain import EntryKind
from commander.domain.deploys import DeployKind
from commander.domain.entry_facts import (
    DeployMarked,
    EntryFact,
    HotfixDeployed,
    PostmortemSaved,
    RolledBack,
)
from commander.domain.roles import Role
from commander.domain.when import iso, utc_now
from commander.errors import InvalidInputError
from commander.services.postmortem_templates import DEFAULT_TEMPLATE, get_template
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import TimelineEntry
from commander.store.orm_postmortem import Postmortem, PostmortemRevision
from commander.views.incidents import EntryView

if TYPE_CHECKING:
    from commander.services.roles import RoleSpell

SECTION_MAX = 200_000
NAME_MAX = 200


class StalePostmortemError(InvalidInputError):
    """The draft is based on an older revision than the stored one (another seat saved)."""


# Who writes the postmortem of a new one: whoever led the response and kept its record.
AUTHOR_ROLES = (Role.COMMANDER, Role.SCRIBE)


class PostmortemStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    FINAL = "final"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "in_review": "In review", "final": "Final"}[self.value]

    @classmethod
    def parse(cls, text: str) -> PostmortemStatus:
        cleaned = text.strip().lower().replace(" ", "_").replace("-", "_")
        try:
            return cls(cleaned)
        except ValueError:
            names = ", ".join(status.value for status in cls)
            raise InvalidInputError(f"unknown postmortem status {text!r}: use {names}") from None


@dataclass(frozen=True, slots=True)
class Participant:
    name: str
    role: str = ""


@dataclass(frozen=True, slots=True)
class PostmortemView:
    """A postmortem as stored, or the empty one an incident starts with (revision 0)."""

    incident_id: int
    incident_ref: str
    template: str = DEFAULT_TEMPLATE
    status: PostmortemStatus = PostmortemStatus.DRAFT
    written_on: date | None = None
    authors: tuple[str, ...] = ()
    participants: tuple[Participant, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)
    # None: the key entries (see key_entry); else exactly these entry ids.
    entry_ids: tuple[int, ...] | None = None
    revision: int = 0
    saved_at: datetime | None = None
    saved_by: str = ""

    def section(self, key: str) -> str:
        return self.sections.get(key, "")


@dataclass(frozen=True, slots=True)
class PostmortemRevisionView:
    revision: int
    saved_at: datetime
    saved_by: str
    content: dict[str, Any]


_KEY_KINDS = (
    EntryKind.SEVERITY,
    EntryKind.PHASE,
    EntryKind.DECISION,
    EntryKind.ACTION,
    # How users were hit and how the team heard: the postmortem's Detection story.
    EntryKind.USER_REPORT,
    # What responders pinned or marked in the incident's channel: chosen as key there.
    EntryKind.CHAT,
)


def key_entry(entry: EntryView) -> bool:
    """Entries the Timeline section shows unless the author picked others."""
    if entry.pinned or entry.kind in _KEY_KINDS:
        return True
    return deployed_change(entry.fact) is not None


def deployed_change(fact: EntryFact | None) -> DeployKind | None:
    """Rollback or hotfix when an entry records a change shipped to fix things."""
    if isinstance(fact, RolledBack | HotfixDeployed):
        return fact.DEPLOY
    if isinstance(fact, DeployMarked):
        return fact.deploy
    return None


def get_postmortem(store: Store, ref: str) -> PostmortemView:
    from commander.services.incidents import load_incident

    with store.read() as session:
        return read_postmortem(session, load_incident(session, ref).id)


def list_postmortem_revisions(store: Store, ref: str) -> list[PostmortemRevisionView]:
    """Every saved revision, oldest first (the last one is what is stored now)."""
    from commander.services.incidents import load_incident

    with store.read() as session:
        return read_postmortem_revisions(session, load_incident(session, ref).id)


def read_postmortem(session: Session, incident_id: int) -> PostmortemView:
    """Inside the caller's session: the stored postmortem or the empty one."""
    from commander.domain.refs import format_ref

    row = _row(session, incident_id)
    return _view(row) if row else PostmortemView(incident_id, format_ref(incident_id))


def read_postmortem_to_edit(session: Session, incident_id: int) -> PostmortemView:
    """Inside the caller's session: what the editor starts from. The stored postmortem,
    or a new one whose authors and participants are the incident's role holders."""
    from commander.services.roles import role_history

    view = read_postmortem(session, incident_id)
    if view.revision:
        return view
    authors, participants = people_from_roles(role_history(session, incident_id))
    return replace(view, authors=authors, participants=participants)


def people_from_roles(
    spells: list[RoleSpell],
) -> tuple[tuple[str, ...], tuple[Participant, ...]]:
    """Authors (everyone who was Incident Commander or Scribe) and participants (everyone
    who held a role, with the names of their roles), each person once, in the order they
    first took a role; a handed-over role counts for both people."""
    from commander.services.roles import person_key

    names: dict[str, str] = {}  # person key -> the name as first written
    held: dict[str, list[Role]] = {}
    for spell in spells:
        key = person_key(spell.person)
        names.setdefault(key, spell.person)
        roles = held.setdefault(key, [])
        if spell.role not in roles:
            roles.append(spell.role)
    order = list(Role)
    authors = tuple(
        names[key] for key, roles in held.items() if any(r in AUTHOR_ROLES for r in roles)
    )
    participants = tuple(
        Participant(names[key], ", ".join(r.label for r in sorted(roles, key=order.index)))
        for key, roles in held.items()
    )
    return authors, participants


def read_postmortem_revisions(session: Session, incident_id: int) -> list[PostmortemRevisionView]:
    row = _row(session, incident_id)
    if row is None:
        return []
    revisions = session.scalars(
        select(PostmortemRevision)
        .where(PostmortemRevision.postmortem_id == row.id)
        .order_by(PostmortemRevision.revision)
    )
    return [
        PostmortemRevisionView(r.revision, r.saved_at, r.saved_by, dict(r.content))
        for r in revisions
    ]


def save_postmortem(
    store: Store, draft: PostmortemView, author: str, now: datetime | None = None
) -> PostmortemView:
    """Store ``draft`` if it is based on the current revision; log the save.

    Returns the stored postmortem (unchanged, and nothing logged, when the draft
    says what is already stored).
    """
    from commander.services.incidents import load_incident

    draft = checked_draft(draft)
    now = now or utc_now()
    with store.write() as session:
        incident = load_incident(session, draft.incident_ref)
        row = _row(session, incident.id, for_update=True)
        stored = _view(row) if row else PostmortemView(incident.id, incident.ref)
        if stored.revision != draft.revision:
            raise StalePostmortemError(
                f"{incident.ref}'s postmortem was saved by {stored.saved_by} (revision "
                f"{stored.revision}) after you opened revision {draft.revision}; "
                "reopen it and apply your changes again"
            )
        _check_entries(session, incident.id, draft.entry_ids)
        changed = _changed_fields(stored, draft)
        if not changed:
            return stored
        is_new = row is None
        if row is None:
            row = Postmortem(incident_id=incident.id, revision=0)
            session.add(row)
        row.template = draft.template
        row.status = draft.status.value
        row.written_on = draft.written_on
        row.authors = list(draft.authors)
        row.participants = [{"name": p.name, "role": p.role} for p in draft.participants]
        row.sections = dict(sorted(draft.sections.items()))
        row.entry_ids = list(draft.entry_ids) if draft.entry_ids is not None else None
        row.revision += 1
        row.saved_at = now
        row.saved_by = author
        if is_new:
            _insert_first(session, incident.ref)
        else:
            session.flush()
        saved = _view(row)
        session.add(
            PostmortemRevision(
                postmortem_id=row.id,
                revision=row.revision,
                saved_at=now,
                saved_by=author,
                content=postmortem_content(saved),
            )
        )
        add_entry(
            session,
            incident,
            fact=PostmortemSaved(saved.revision, tuple(changed)),
            text=_save_text(stored, saved),
            author=author,
            occurred_at=now,
            recorded_at=now,
        )
        return saved


def _insert_first(session: Session, ref: str) -> None:
    """Two seats saving a new postmortem at once (PostgreSQL): one wins, the other is told."""
    from sqlalchemy.exc import IntegrityError

    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise StalePostmortemError(
            f"someone else saved {ref}'s first postmortem revision just now; "
            "reopen it and apply your changes again"
        ) from None


def postmortem_content(view: PostmortemView) -> dict[str, Any]:
    """The saved fields as plain JSON (revisions and the JSON export use it)."""
    return {
        "template": view.template,
        "status": view.status.value,
        "written_on": view.written_on.isoformat() if view.written_on else None,
        "authors": list(view.authors),
        "participants": [{"name": p.name, "role": p.role} for p in view.participants],
        "sections": dict(sorted(view.sections.items())),
        "entry_ids": list(view.entry_ids) if view.entry_ids is not None else None,
        "revision": view.revision,
        "saved_at": iso(view.saved_at),
        "saved_by": view.saved_by,
    }


def _save_text(before: PostmortemView, after: PostmortemView) -> str:
    text = f"Postmortem saved (revision {after.revision}, {after.status.label})"
    if before.revision and before.status != after.status:
        text = f"Postmortem moved from {before.status.label} to {after.status.label}"
        text += f" (revision {after.revision})"
    return text


_COMPARED = (
    "template",
    "status",
    "written_on",
    "authors",
    "participants",
    "sections",
    "entry_ids",
)


def _changed_fields(stored: PostmortemView, draft: PostmortemView) -> list[str]:
    changed = [name for name in _COMPARED if getattr(stored, name) != getattr(draft, name)]
    if stored.revision == 0:
        return changed or ["created"]  # the first save creates the postmortem
    return changed


def checked_draft(draft: PostmortemView) -> PostmortemView:
    """Validate and normalise what the user wrote; raises before anything is written."""
    get_template(draft.template)  # unknown or malformed: the template's own message
    authors = tuple(_name(author, "author") for author in draft.authors if author.strip())
    if len(set(authors)) != len(authors):
        raise InvalidInputError("an author is listed twice")
    participants = tuple(
        Participant(_name(p.name, "participant"), p.role.strip()[:NAME_MAX])
        for p in draft.participants
        if p.name.strip() or p.role.strip()
    )
    sections: dict[str, str] = {}
    for key, text in draft.sections.items():
        if len(text) > SECTION_MAX:
            raise InvalidInputError(
                f"section {key!r} has {len(text)} characters; keep it under {SECTION_MAX}"
            )
        if "\x00" in text:
            raise InvalidInputError(f"section {key!r} contains a NUL character")
        if text.strip():
            sections[key] = text.rstrip()
    entry_ids = tuple(sorted(set(draft.entry_ids))) if draft.entry_ids is not None else None
    return replace(
        draft,
        status=PostmortemStatus(draft.status),
        authors=authors,
        participants=participants,
        sections=sections,
        entry_ids=entry_ids,
    )


def _name(text: str, what: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInputError(f"a {what} needs a name")
    if len(cleaned) > NAME_MAX:
        raise InvalidInputError(f"{what} name is too long (over {NAME_MAX} characters)")
    return cleaned


def _check_entries(session: Session, incident_id: int, entry_ids: tuple[int, ...] | None) -> None:
    if not entry_ids:
        return
    found = set(
        session.scalars(
            select(TimelineEntry.id).where(
                TimelineEntry.incident_id == incident_id, TimelineEntry.id.in_(entry_ids)
            )
        )
    )
    missing = [entry_id for entry_id in entry_ids if entry_id not in found]
    if missing:
        raise InvalidInputError(f"entry {missing[0]} is not in this incident's timeline")


def _row(session: Session, incident_id: int, for_update: bool = False) -> Postmortem | None:
    statement = select(Postmortem).where(Postmortem.incident_id == incident_id)
    if for_update:
        statement = statement.with_for_update()
    return session.scalars(statement).one_or_none()


def _view(row: Postmortem) -> PostmortemView:
    from commander.domain.refs import format_ref

    return PostmortemView(
        incident_id=row.incident_id,
        incident_ref=format_ref(row.incident_id),
        template=row.template,
        status=PostmortemStatus(row.status),
        written_on=row.written_on,
        authors=tuple(row.authors),
        participants=tuple(Participant(p["name"], p.get("role", "")) for p in row.participants),
        sections=dict(row.sections),
        entry_ids=tuple(row.entry_ids) if row.entry_ids is not None else None,
        revision=row.revision,
        saved_at=row.saved_at,
        saved_by=row.saved_by,
    )
