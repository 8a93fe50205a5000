"""Action items: what the postmortem says must change, who owns it, by when.

Each add, edit and delete writes the item and a timeline entry of the
incident in one transaction. Deletes are soft: the item stays for the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from commander.domain.action_item_choices import ItemStatus, ItemType, Priority
from commander.domain.entry_facts import ActionItemChange, ActionItemChanged
from commander.domain.refs import format_ref
from commander.domain.when import utc_now
from commander.errors import InvalidInputError, NotFoundError
from commander.services.timeline import add_entry
from commander.store.engine import Store
from commander.store.orm import Incident
from commander.store.orm_postmortem import ActionItem

DESCRIPTION_MAX = 2_000
URL_MAX = 1_000


_PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


@dataclass(frozen=True, slots=True)
class ActionItemFields:
    """What a person fills in for an action item."""

    description: str
    owner: str = ""
    type: ItemType = ItemType.PREVENT
    priority: Priority = Priority.MEDIUM
    due_on: date | None = None
    status: ItemStatus = ItemStatus.OPEN
    tracker_url: str = ""


@dataclass(frozen=True, slots=True)
class ActionItemView:
    id: int
    incident_id: int
    incident_ref: str
    description: str
    owner: str
    type: ItemType
    priority: Priority
    due_on: date | None
    status: ItemStatus
    tracker_url: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    # Only set by open_action_items, which knows what today is.
    incident_title: str = ""
    overdue: bool = False

    def fields(self) -> ActionItemFields:
        return ActionItemFields(
            self.description,
            self.owner,
            self.type,
            self.priority,
            self.due_on,
            self.status,
            self.tracker_url,
        )

    def is_overdue(self, today: date) -> bool:
        return self.status.is_open and self.due_on is not None and self.due_on < today

    @classmethod
    def of(cls, row: ActionItem) -> ActionItemView:
        return cls(
            id=row.id,
            incident_id=row.incident_id,
            incident_ref=format_ref(row.incident_id),
            description=row.description,
            owner=row.owner,
            type=ItemType(row.type),
            priority=Priority(row.priority),
            due_on=row.due_on,
            status=ItemStatus(row.status),
            tracker_url=row.tracker_url,
            created_at=row.created_at,
            created_by=row.created_by,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
            deleted_at=row.deleted_at,
            deleted_by=row.deleted_by,
        )


def check_tracker_url(url: str) -> str:
    """Empty, or an http(s) link with a host: the link ends up clickable in exports."""
    cleaned = url.strip()
    if not cleaned:
        return ""
    if len(cleaned) > URL_MAX:
        raise InvalidInputError(f"tracker link is longer than {URL_MAX} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in cleaned):
        raise InvalidInputError("a tracker link cannot contain spaces or control characters")
    parts = urlsplit(cleaned)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidInputError(
            f"tracker link {cleaned!r} must start with https:// or http:// and name a host"
        )
    return cleaned


def _checked(item: ActionItemFields) -> ActionItemFields:
    description = item.description.strip()
    if not description:
        raise InvalidInputError("an action item needs a description")
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInputError(
            f"description has {len(description)} characters; keep it under {DESCRIPTION_MAX}"
        )
    owner = " ".join(item.owner.split())
    if len(owner) > 200:
        raise InvalidInputError("owner name is too long (over 200 characters)")
    return ActionItemFields(
        description=description,
        owner=owner,
        type=ItemType(item.type),
        priority=Priority(item.priority),
        due_on=item.due_on,
        status=ItemStatus(item.status),
        tracker_url=check_tracker_url(item.tracker_url),
    )


def add_action_item(
    store: Store, ref: str, item: ActionItemFields, author: str, now: datetime | None = None
) -> ActionItemView:
    from commander.services.incidents import load_incident

    item = _checked(item)
    now = now or utc_now()
    with store.write() as session:
        incident = load_incident(session, ref)
        row = ActionItem(
            incident_id=incident.id,
            description=item.description,
            owner=item.owner,
            type=item.type.value,
            priority=item.priority.value,
            due_on=item.due_on,
            status=item.status.value,
            tracker_url=item.tracker_url,
            created_at=now,
            created_by=author,
            updated_at=now,
            updated_by=author,
        )
        session.add(row)
        session.flush()
        owner = f", owner {item.owner}" if item.owner else ""
        due = f", due {item.due_on.isoformat()}" if item.due_on else ""
        _log(
            session,
            incident,
            row,
            f"Action item #{row.id} added ({item.type.value}{owner}{due}): {item.description}",
            ActionItemChange.ADDED,
            author,
            now,
        )
        return ActionItemView.of(row)


def update_action_item(
    store: Store, item_id: int, item: ActionItemFields, author: str, now: datetime | None = None
) -> ActionItemView:
    """Replace the item's fields; the timeline entry says which changed, from what to what."""
    item = _checked(item)
    now = now or utc_now()
    with store.write() as session:
        row = _live_row(session, item_id)
        before = ActionItemView.of(row).fields()
        changes = {
            f.name: (getattr(before, f.name), getattr(item, f.name))
            for f in fields(ActionItemFields)
            if getattr(before, f.name) != getattr(item, f.name)
        }
        if not changes:
            raise InvalidInputError(f"action item #{item_id} already says that; nothing to change")
        row.description = item.description
        row.owner = item.owner
        row.type = item.type.value
        row.priority = item.priority.value
        row.due_on = item.due_on
        row.status = item.status.value
        row.tracker_url = item.tracker_url
        row.updated_at = now
        row.updated_by = author
        said = "; ".join(_change_text(name, old, new) for name, (old, new) in changes.items())
        _log(
            session,
            _incident_of(session, row),
            row,
            f"Action item #{item_id} updated: {said}",
            ActionItemChange.UPDATED,
            author,
            now,
            tuple((name, _plain(old), _plain(new)) for name, (old, new) in changes.items()),
        )
        return ActionItemView.of(row)


def delete_action_item(
    store: Store, item_id: int, author: str, now: datetime | None = None
) -> ActionItemView:
    now = now or utc_now()
    with store.write() as session:
        row = _live_row(session, item_id)
        row.deleted_at = now
        row.deleted_by = author
        _log(
            session,
            _incident_of(session, row),
            row,
            f"Action item #{item_id} deleted: {row.description}",
            ActionItemChange.DELETED,
            author,
            now,
        )
        return ActionItemView.of(row)


def list_action_items(
    store: Store, ref: str, include_deleted: bool = False
) -> list[ActionItemView]:
    """One incident's items in the order they were added."""
    from commander.services.incidents import load_incident

    with store.read() as session:
        return read_action_items(session, load_incident(session, ref).id, include_deleted)


def read_action_items(
    session: Session, incident_id: int, include_deleted: bool = False
) -> list[ActionItemView]:
    """Inside the caller's session, in the order they were added."""
    statement = select(ActionItem).where(ActionItem.incident_id == incident_id)
    if not include_deleted:
        statement = statement.where(ActionItem.deleted_at.is_(None))
    rows = session.scalars(statement.order_by(ActionItem.id))
    return [ActionItemView.of(row) for row in rows]


def open_action_items(store: Store, now: datetime | None = None) -> list[ActionItemView]:
    """Open items across every incident: overdue first, then by due date and priority.

    An item is overdue when its due date is before today (UTC).
    """
    today = (now or utc_now()).date()
    open_values = [status.value for status in ItemStatus if status.is_open]
    with store.read() as session:
        rows = session.execute(
            select(ActionItem, Incident.title)
            .join(Incident, Incident.id == ActionItem.incident_id)
            .where(ActionItem.deleted_at.is_(None), ActionItem.status.in_(open_values))
        ).all()
        items = []
        for row, title in rows:
            view = ActionItemView.of(row)
            items.append(_with(view, incident_title=title, overdue=view.is_overdue(today)))
    return sorted(items, key=_open_order)


def _open_order(item: ActionItemView) -> tuple[Any, ...]:
    return (
        not item.overdue,
        item.due_on is None,
        item.due_on or date.min,
        _PRIORITY_ORDER[item.priority],
        item.id,
    )


def _with(view: ActionItemView, **changes: Any) -> ActionItemView:
    from dataclasses import replace

    return replace(view, **changes)


def _incident_of(session: Session, row: ActionItem) -> Incident:
    incident = session.get(Incident, row.incident_id)
    assert incident is not None  # the foreign key guarantees it
    return incident


def _live_row(session: Session, item_id: int) -> ActionItem:
    row = session.get(ActionItem, item_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no action item #{item_id}")
    if row.deleted_at is not None:
        raise InvalidInputError(f"action item #{item_id} is deleted")
    return row


def _log(
    session: Session,
    incident: Incident,
    row: ActionItem,
    text: str,
    change: ActionItemChange,
    author: str,
    now: datetime,
    changes: tuple[tuple[str, Any, Any], ...] = (),
) -> None:
    add_entry(
        session,
        incident,
        fact=ActionItemChanged(row.id, change, changes),
        text=text,
        author=author,
        occurred_at=now,
        recorded_at=now,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, StrEnum) else value


def _change_text(name: str, old: Any, new: Any) -> str:
    label = {"due_on": "due", "tracker_url": "tracker link"}.get(name, name)
    if name == "description":
        return f"description now {new!r}"
    return f"{label} {_shown(old)} → {_shown(new)}"


def _shown(value: Any) -> str:
    if isinstance(value, ItemStatus | ItemType | Priority):
        return value.label.lower()
    return str(_plain(value) or "-")
