"""Each incident's phase checklists: read, check, add, not applicable.

An incident's items are filled in lazily from the template, the first time the
checklist is read or changed, rather than when the incident is declared: that
way incidents declared before this feature (or by an older copy of the app)
get theirs too. Filling is idempotent (one row per template key and incident);
what it adds and which items a severity or cadence change replaces is
services/checklist_sync.py. Items are never deleted: a replaced one is kept as
superseded, and one that does not apply is marked so. The items the app ticks
by itself are services/auto_checks.py; a person unticks one as any other, and
the event that ticked it does not tick it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commander.domain import Phase, Severity
from commander.domain.auto_checks import auto_mark
from commander.domain.checklists import ChecklistTemplate, check_item_text
from commander.domain.entry_facts import ChecklistAction
from commander.domain.limits import refuse_nul
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError, ReadOnlyStoreError
from commander.services.checklist_sync import log_item, needs_sync, rows_of, sync
from commander.services.checklist_templates import load_template
from commander.services.incidents import load_incident
from commander.services.locking import locked_incident
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
    slot: str | None = None
    auto_reason: str | None = None  # why the app ticked it; None if a person did
    # The event whose tick by the app a person took back ("message:12").
    auto_undone_event: str | None = None
    superseded_at: datetime | None = None
    superseded_by: int | None = None

    @property
    def checked(self) -> bool:
        return self.checked_at is not None

    @property
    def not_applicable(self) -> bool:
        return self.not_applicable_at is not None

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def open(self) -> bool:
        """Still to do: not checked, not set aside as not applicable, not replaced."""
        return not self.checked and not self.not_applicable and not self.superseded

    @property
    def checked_by_app(self) -> bool:
        return self.checked and self.auto_reason is not None

    @property
    def auto_mark(self) -> str | None:
        """``✓ (auto: rollback recorded)`` for an item the app ticked, else None: the
        marker the panel and the CLI both show."""
        return auto_mark(self.auto_reason) if self.checked_by_app and self.auto_reason else None

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
            slot=row.slot,
            auto_reason=row.auto_reason,
            auto_undone_event=row.auto_undone_event,
            superseded_at=row.superseded_at,
            superseded_by=row.superseded_by,
        )


@dataclass(frozen=True, slots=True)
class ChecklistView:
    ref: str
    phase: Phase
    severity: Severity
    items: tuple[ChecklistItemView, ...]  # what the incident holds now
    # Why the user's checklist file was ignored, if it was.
    template_problem: str | None = None
    # Items replaced when the severity or the cadence changed, kept with their history.
    superseded: tuple[ChecklistItemView, ...] = ()

    def replaced_by(self, item: ChecklistItemView) -> list[ChecklistItemView]:
        """The items ``item`` took the place of, the latest first."""
        older = [old for old in self.superseded if old.superseded_by == item.id]
        return sorted(older, key=lambda old: (old.superseded_at, old.id), reverse=True)

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
        behind = needs_sync(session, load_incident(session, ref), template)
    if behind:
        try:
            with store.write() as session:
                sync(session, locked_incident(session, ref), template, utc_now())
        except ReadOnlyStoreError:
            pass  # an observer's role reads the items as a seat last filled them in
    with store.read() as session:
        incident = load_incident(session, ref)
        views = [ChecklistItemView.of(row) for row in rows_of(session, incident.id)]
        return ChecklistView(
            ref=incident.ref,
            phase=Phase(incident.phase),
            severity=Severity(incident.severity),
            items=tuple(view for view in views if not view.superseded),
            template_problem=load.problem if load else None,
            superseded=tuple(view for view in views if view.superseded),
        )


def stored_items(session: Session, incident_id: int) -> list[ChecklistItemView]:
    """The items the incident has so far, superseded ones too, without filling any
    from the template (a reader such as the export must not write)."""
    return [ChecklistItemView.of(row) for row in rows_of(session, incident_id)]


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
        incident, row = _item_for_change(session, ref, item, now)
        if row.checked_at is not None:
            raise InvalidInputError(f"“{row.text}” is already checked (by {row.checked_by})")
        if row.not_applicable_at is not None:
            raise InvalidInputError(
                f"“{row.text}” is marked not applicable; mark it applicable before checking it"
            )
        row.checked_at, row.checked_by = at, author
        text = f"Checked “{row.text}”"
        log_item(session, incident, row, ChecklistAction.CHECK, text, author, at, recorded_at=now)
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
        incident, row = _item_for_change(session, ref, item, now)
        if row.checked_at is None:
            raise InvalidInputError(f"“{row.text}” is not checked")
        after = ""
        if row.auto_reason is not None:
            # The person's word stands: the event that ticked it will not tick it again.
            row.auto_undone_event = row.auto_event
            after = f", ticked by the app: {row.auto_reason}"
        row.checked_at, row.checked_by = None, None
        row.auto_reason = row.auto_event = None
        text = f"Unchecked “{row.text}”"
        log_item(
            session,
            incident,
            row,
            ChecklistAction.UNCHECK,
            text,
            author,
            at,
            after=after,
            recorded_at=now,
        )
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
        incident, row = _item_for_change(session, ref, item, now)
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
        log_item(session, incident, row, action, text, author, at, reason=reason, recorded_at=now)
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
        incident, row = _item_for_change(session, ref, item, now)
        if row.not_applicable_at is None:
            raise InvalidInputError(f"“{row.text}” is not marked not applicable")
        row.not_applicable_reason, row.not_applicable_at, row.not_applicable_by = None, None, None
        text = f"Marked “{row.text}” applicable again"
        action = ChecklistAction.APPLICABLE
        log_item(session, incident, row, action, text, author, at, recorded_at=now)
        return ChecklistItemView.of(row)


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
        log_item(session, incident, row, ChecklistAction.ADD, text, author, at, recorded_at=now)
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


def _item_for_change(
    session: Session, ref: str, item: int | str, now: datetime
) -> tuple[Incident, ChecklistItem]:
    incident = locked_incident(session, ref)
    sync(session, incident, load_template().template, now)
    row = find_item(session, incident, item)
    if row.superseded_at is not None:
        replaced = session.get(ChecklistItem, row.superseded_by) if row.superseded_by else None
        instead = f": see “{replaced.text}” ({replaced.id})" if replaced is not None else ""
        raise InvalidInputError(f"“{row.text}” was replaced{instead}")
    return incident, row


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
    # A replaced item is named by its number only: its text would make the live
    # item's ambiguous ("status update" would match the old cadence and the new).
    live = [row for row in rows_of(session, incident.id) if row.superseded_at is None]
    matches = [row for row in live if words in row.text.lower()]
    exact = [row for row in matches if row.text.lower() == words]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise NotFoundError(f"{incident.ref} has no checklist item matching {item!r}")
    if len(matches) > 1:
        listed = "; ".join(f"{row.id} “{row.text}”" for row in matches[:5])
        raise InvalidInputError(f"{item!r} matches {len(matches)} items ({listed}): use the number")
    return matches[0]
