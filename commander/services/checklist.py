"""Each incident's phase checklists: fill from the template, check, add, not applicable.

An incident's items are filled in lazily from the template, the first time the
checklist is read or changed, rather than when the incident is declared: that
way incidents declared before this feature (or by an older copy of the app)
get theirs too, and raising the severity to P0/P1 adds that level's extra
items at the next look. Filling is idempotent (one row per template key and
incident) and writes no timeline entry: it records no decision. The extras of
every level the incident has reached are filled (read from its severity log),
so what a checklist holds does not depend on whether a seat happened to look
at it before the severity was lowered. Items are never removed when the
severity drops; mark them not applicable instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commander.domain import Phase, Severity
from commander.domain.checklists import ChecklistTemplate, check_item_text
from commander.domain.entry_facts import ChecklistAction, ChecklistChanged
from commander.domain.limits import refuse_nul
from commander.domain.timing import levels_reached
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.checklist_templates import load_template
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
from commander.services.severity_history import spans_of
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_response import ChecklistItem

# Hand-added and runbook items sort after the template's, in the order added.
_ADDED_POSITION_BASE = 10_000
# Ids are 32-bit integers on PostgreSQL; a bigger number typed at the CLI names no item
# (rather than overflowing SQLite's driver or failing PostgreSQL's query).
_ITEM_ID_MAX = 2**31 - 1
# An item number: ASCII digits only ("²" is a digit to str.isdigit but not to int).
_ITEM_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class ChecklistItemView:
    id: int
    phase: Phase
    position: int
    text: str
    origin: str
    checked_at: datetime | None
    checked_by: str | None
    not_applicable_reason: str | None
    not_applicable_at: datetime | None
    not_applicable_by: str | None

    @property
    def checked(self) -> bool:
        return self.checked_at is not None

    @property
    def not_applicable(self) -> bool:
        return self.not_applicable_at is not None

    @property
    def open(self) -> bool:
        """Still to do: neither checked nor set aside as not applicable."""
        return not self.checked and not self.not_applicable

    @classmethod
    def of(cls, row: ChecklistItem) -> ChecklistItemView:
        return cls(
            id=row.id,
            phase=Phase(row.phase),
            position=row.position,
            text=row.text,
            origin=row.origin,
            checked_at=row.checked_at,
            checked_by=row.checked_by,
            not_applicable_reason=row.not_applicable_reason,
            not_applicable_at=row.not_applicable_at,
            not_applicable_by=row.not_applicable_by,
        )


@dataclass(frozen=True, slots=True)
class ChecklistView:
    ref: str
    phase: Phase
    severity: Severity
    items: tuple[ChecklistItemView, ...]
    # Why the user's checklist file was ignored, if it was.
    template_problem: str | None = None

    def of_phase(self, phase: Phase) -> list[ChecklistItemView]:
        return [item for item in self.items if item.phase is phase]

    def open_items(self, phase: Phase) -> list[ChecklistItemView]:
        return [item for item in self.of_phase(phase) if item.open]

    def carried_over(self, phase: Phase | None = None) -> dict[Phase, list[ChecklistItemView]]:
        """The open items of the phases before ``phase`` (default: the current one), by
        phase in process order: left behind, still to do (an empty phase is left out)."""
        phase = phase or self.phase
        earlier = (p for p in Phase if p.order < phase.order)
        return {p: items for p in earlier if (items := self.open_items(p))}


# -- reading --------------------------------------------------------------------------


def checklist(store: Store, ref: str, template: ChecklistTemplate | None = None) -> ChecklistView:
    """The incident's items of every phase, filled from the template if some are missing."""
    load = None if template is not None else load_template()
    template = template or (load.template if load else None)
    assert template is not None
    with store.read() as session:
        missing = _missing_template_items(session, load_incident(session, ref), template)
    if missing:
        with store.write() as session:
            _fill_from_template(session, locked_incident(session, ref), template)
    with store.read() as session:
        incident = load_incident(session, ref)
        return ChecklistView(
            ref=incident.ref,
            phase=Phase(incident.phase),
            severity=Severity(incident.severity),
            items=tuple(ChecklistItemView.of(row) for row in _rows(session, incident.id)),
            template_problem=load.problem if load else None,
        )


def stored_items(session: Session, incident_id: int) -> list[ChecklistItemView]:
    """The items the incident has so far, without filling any from the template
    (a reader such as the export must not write)."""
    return [ChecklistItemView.of(row) for row in _rows(session, incident_id)]


def phase_warnings(store: Store, ref: str, phase: Phase | None = None) -> list[ChecklistItemView]:
    """Open items of ``phase`` (default: the current one): what leaving it would skip.

    Leaving a phase with open items is allowed; the window and the CLI warn.
    """
    view = checklist(store, ref)
    return view.open_items(phase or view.phase)


# -- changing -------------------------------------------------------------------------


def check_item(
    store: Store,
    ref: str,
    item: int | str,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> ChecklistItemView:
    """``occurred_at`` dates the check (a backfilled incident); it is recorded ``now``."""
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident, row = _item_for_change(session, ref, item)
        if row.checked_at is not None:
            raise InvalidInputError(f"“{row.text}” is already checked (by {row.checked_by})")
        if row.not_applicable_at is not None:
            raise InvalidInputError(
                f"“{row.text}” is marked not applicable; mark it applicable before checking it"
            )
        row.checked_at, row.checked_by = at, author
        text = f"Checked “{row.text}”"
        _log(session, incident, row, ChecklistAction.CHECK, text, author, at, recorded_at=now)
        return ChecklistItemView.of(row)


def uncheck_item(
    store: Store,
    ref: str,
    item: int | str,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> ChecklistItemView:
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident, row = _item_for_change(session, ref, item)
        if row.checked_at is None:
            raise InvalidInputError(f"“{row.text}” is not checked")
        row.checked_at, row.checked_by = None, None
        text = f"Unchecked “{row.text}”"
        _log(session, incident, row, ChecklistAction.UNCHECK, text, author, at, recorded_at=now)
        return ChecklistItemView.of(row)


def mark_not_applicable(
    store: Store,
    ref: str,
    item: int | str,
    reason: str,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> ChecklistItemView:
    reason = " ".join(refuse_nul(reason, "the reason").split())
    if not reason:
        raise InvalidInputError("say why the item does not apply")
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident, row = _item_for_change(session, ref, item)
        if row.not_applicable_at is not None:
            raise InvalidInputError(f"“{row.text}” is already marked not applicable")
        if row.checked_at is not None:
            raise InvalidInputError(f"“{row.text}” is checked; uncheck it first")
        row.not_applicable_reason, row.not_applicable_at, row.not_applicable_by = (
            reason,
            at,
            author,
        )
        text = f"Marked “{row.text}” not applicable: {reason}"
        action = ChecklistAction.NOT_APPLICABLE
        _log(session, incident, row, action, text, author, at, reason, recorded_at=now)
        return ChecklistItemView.of(row)


def mark_applicable(
    store: Store,
    ref: str,
    item: int | str,
    author: str,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> ChecklistItemView:
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident, row = _item_for_change(session, ref, item)
        if row.not_applicable_at is None:
            raise InvalidInputError(f"“{row.text}” is not marked not applicable")
        row.not_applicable_reason, row.not_applicable_at, row.not_applicable_by = None, None, None
        text = f"Marked “{row.text}” applicable again"
        _log(session, incident, row, ChecklistAction.APPLICABLE, text, author, at, recorded_at=now)
        return ChecklistItemView.of(row)


def check_open_item_named(
    session: Session, incident: Incident, phase: Phase, text: str, author: str, now: datetime
) -> ChecklistItemView | None:
    """Check the open ``phase`` item whose text is ``text`` (any case) inside the caller's
    transaction, with its timeline entry; None if there is no such open item. For actions
    that do what an item asks (creating the incident channel)."""
    _fill_from_template(session, incident, load_template().template)
    wanted = text.strip().lower()
    for row in _rows(session, incident.id):
        if row.phase != phase.value or row.text.strip().lower() != wanted:
            continue
        if row.checked_at is None and row.not_applicable_at is None:
            row.checked_at, row.checked_by = now, author
            _log(
                session, incident, row, ChecklistAction.CHECK, f"Checked “{row.text}”", author, now
            )
            return ChecklistItemView.of(row)
    return None


def add_item(
    store: Store,
    ref: str,
    text: str,
    author: str,
    phase: Phase | None = None,
    now: datetime | None = None,
    occurred_at: datetime | None = None,
) -> ChecklistItemView:
    """Add an item to this incident only (the template is unchanged)."""
    text = check_item_text(text)
    now = now or utc_now()
    at = occurred_at or now
    with store.write() as session:
        incident = locked_incident(session, ref)
        row = add_items(
            session, incident, [text], phase or Phase(incident.phase), "added", author, at
        )[0]
        text = f"Added checklist item “{row.text}”"
        _log(session, incident, row, ChecklistAction.ADD, text, author, at, recorded_at=now)
        return ChecklistItemView.of(row)


def add_items(
    session: Session,
    incident: Incident,
    texts: list[str],
    phase: Phase,
    origin: str,
    author: str,
    now: datetime,
) -> list[ChecklistItem]:
    """Append items to a phase inside the caller's transaction (runbooks use it too)."""
    last = session.scalar(
        select(func.max(ChecklistItem.position)).where(
            ChecklistItem.incident_id == incident.id, ChecklistItem.phase == phase.value
        )
    )
    position = max(last if last is not None else 0, _ADDED_POSITION_BASE)
    rows = []
    for text in texts:
        position += 1
        rows.append(
            ChecklistItem(
                incident_id=incident.id,
                phase=phase.value,
                position=position,
                text=text,
                origin=origin,
                added_at=now,
                added_by=author,
            )
        )
    session.add_all(rows)
    session.flush()
    return rows


# -- internals ------------------------------------------------------------------------


def _rows(session: Session, incident_id: int) -> list[ChecklistItem]:
    order = {phase.value: phase.order for phase in Phase}
    rows = session.scalars(
        select(ChecklistItem)
        .where(ChecklistItem.incident_id == incident_id)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    return sorted(rows, key=lambda row: order.get(row.phase, len(order)))


def _wanted(
    session: Session, incident: Incident, template: ChecklistTemplate
) -> list[tuple[int, str, Phase, str]]:
    """The template's items for the current level, then the extras of earlier levels."""
    current = Severity(incident.severity)
    levels = levels_reached(spans_of(session, incident), current)
    reached = [current, *sorted(levels - {current})]
    wanted: dict[str, tuple[int, str, Phase, str]] = {}
    for severity in reached:
        for phase in Phase:
            for position, item in enumerate(template.items_for(phase, severity)):
                wanted.setdefault(item.key, (position, item.key, phase, item.text))
    return list(wanted.values())


def _existing_keys(session: Session, incident_id: int) -> set[str]:
    keys = session.scalars(
        select(ChecklistItem.template_key).where(
            ChecklistItem.incident_id == incident_id, ChecklistItem.template_key.is_not(None)
        )
    )
    return {key for key in keys if key is not None}


def _missing_template_items(
    session: Session, incident: Incident, template: ChecklistTemplate
) -> bool:
    existing = _existing_keys(session, incident.id)
    return any(key not in existing for _, key, _, _ in _wanted(session, incident, template))


def _fill_from_template(session: Session, incident: Incident, template: ChecklistTemplate) -> None:
    existing = _existing_keys(session, incident.id)
    for position, key, phase, text in _wanted(session, incident, template):
        if key in existing:
            continue
        session.add(
            ChecklistItem(
                incident_id=incident.id,
                phase=phase.value,
                position=position,
                text=text,
                origin="template",
                template_key=key,
                added_at=incident.declared_at,
                added_by="template",
            )
        )
    session.flush()


def _item_for_change(session: Session, ref: str, item: int | str) -> tuple[Incident, ChecklistItem]:
    incident = locked_incident(session, ref)
    _fill_from_template(session, incident, load_template().template)
    return incident, find_item(session, incident, item)


def find_item(session: Session, incident: Incident, item: int | str) -> ChecklistItem:
    """By id, or by a piece of its text that names one item of the incident."""
    if isinstance(item, int) or _ITEM_NUMBER.fullmatch(item.strip()):
        number = int(item)
        row = session.get(ChecklistItem, number) if 0 < number <= _ITEM_ID_MAX else None
        if row is None or row.incident_id != incident.id:
            raise NotFoundError(f"{incident.ref} has no checklist item {item}")
        return row
    words = item.strip().lower()
    if not words:
        raise InvalidInputError("name a checklist item by its number or a piece of its text")
    matches = [row for row in _rows(session, incident.id) if words in row.text.lower()]
    exact = [row for row in matches if row.text.lower() == words]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise NotFoundError(f"{incident.ref} has no checklist item matching {item!r}")
    if len(matches) > 1:
        listed = "; ".join(f"{row.id} “{row.text}”" for row in matches[:5])
        raise InvalidInputError(f"{item!r} matches {len(matches)} items ({listed}): use the number")
    return matches[0]


def _log(
    session: Session,
    incident: Incident,
    row: ChecklistItem,
    action: ChecklistAction,
    text: str,
    author: str,
    now: datetime,
    reason: str = "",
    recorded_at: datetime | None = None,
) -> None:
    """The change's entry, at ``now``; ``recorded_at`` when it was typed later (``--at``)."""
    phase = Phase(row.phase)
    add_entry(
        session,
        incident,
        fact=ChecklistChanged(row.id, action, phase, row.text, reason),
        text=f"{text} ({phase.label})",
        author=author,
        occurred_at=now,
        recorded_at=recorded_at or now,
    )
