"""The one document every export renders: incident, postmortem, timeline, timing,
action items and the audit trail, and for the JSON export the response record
(checklist, roles, rollbacks and hotfixes, communications), read in one transaction.

Renderers (markdown.py, html.py, json_doc.py, and ui/exports/pdf.py through the
HTML) only format what is here, so the formats cannot disagree. Nothing in it
depends on the clock except ``generated_at``, which the caller may fix: the
same incident then renders to the same bytes.

Only the JSON export shows the response record: the other formats ask
``load_document`` to leave it out, and then neither read it nor import the
services that read it (the CLI pays for every import; see bench/export.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from commander.domain.deploys import DeployKind
from commander.domain.entry_facts import RoleChanged
from commander.domain.when import utc_now
from commander.exports.timing import Timing, compute_timing
from commander.services.action_items import ActionItemView, read_action_items
from commander.services.postmortem import (
    PostmortemRevisionView,
    PostmortemView,
    deployed_change,
    key_entry,
    read_postmortem,
    read_postmortem_revisions,
    read_postmortem_to_edit,
)
from commander.services.postmortem_templates import GENERATED_SECTIONS, Template, get_template
from commander.store import raw_sql
from commander.store.engine import Store
from commander.store.orm import ENTRY_VIEW_COLUMNS, EntryRevision, TimelineEntry
from commander.views.incidents import EntryView, IncidentDetail, RevisionView

if TYPE_CHECKING:  # the response record's readers are imported when it is read
    from commander.services.checklist import ChecklistItemView
    from commander.services.deploys import DeployRecord
    from commander.services.roles import RoleSpell
    from commander.views.comms import MessageView, TargetView


@dataclass(frozen=True, slots=True)
class SectionBlock:
    key: str
    title: str
    text: str  # what the authors wrote ("" when nothing yet)
    prompt: str
    generated: bool  # the document adds content (timeline, action items)


@dataclass(frozen=True, slots=True)
class DeployedChange:
    entry_id: int
    occurred_at: datetime
    change: DeployKind
    text: str
    details: tuple[tuple[str, str], ...]  # the entry's other plain data, sorted by key


@dataclass(frozen=True, slots=True)
class Audit:
    entries: tuple[EntryView, ...]  # every entry, deleted ones too, in time order
    revisions: dict[int, tuple[RevisionView, ...]]  # entry id -> earlier states
    postmortem_revisions: tuple[PostmortemRevisionView, ...]
    action_items: tuple[ActionItemView, ...]  # deleted ones too


@dataclass(frozen=True, slots=True)
class Handover:
    """A role passed from one person to another, as its timeline entry recorded it."""

    entry_id: int
    occurred_at: datetime
    role: str
    from_person: str
    to_person: str
    by: str


@dataclass(frozen=True, slots=True)
class Response:
    """What the team did besides writing the timeline (the JSON export has it all)."""

    checklist: tuple[ChecklistItemView, ...] = ()  # by phase, then position
    roles: tuple[RoleSpell, ...] = ()  # every assignment, in the order made
    handovers: tuple[Handover, ...] = ()  # in time order, deleted entries left out
    deploys: tuple[DeployRecord, ...] = ()  # rollbacks and hotfixes, in time order
    messages: tuple[MessageView, ...] = ()  # oldest first, deliveries by target name
    # Targets its messages went to, with what each connector remembers of it.
    targets: tuple[tuple[TargetView, dict[str, Any] | None], ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentDocument:
    incident: IncidentDetail  # its timeline: live entries only
    generated_at: datetime
    postmortem: PostmortemView
    template: Template
    sections: tuple[SectionBlock, ...]
    timeline: tuple[EntryView, ...]  # the entries the Timeline section shows
    timing: Timing
    changes: tuple[DeployedChange, ...]
    action_items: tuple[ActionItemView, ...]  # live ones
    audit: Audit
    response: Response = Response()

    @property
    def title(self) -> str:
        return f"{self.incident.ref}: {self.incident.title}"


def load_document(
    store: Store,
    ref: str,
    generated_at: datetime | None = None,
    postmortem: PostmortemView | None = None,
    *,
    response: bool = True,
    to_edit: bool = False,
) -> IncidentDocument:
    """Read everything in one transaction; ``postmortem`` lets the editor preview unsaved text.

    ``response=False`` leaves the response record empty (``Response()``) and unread: only
    the JSON export shows it. ``to_edit``: the editor's document, whose new postmortem
    starts with the role holders as its people (``read_postmortem_to_edit``).
    """
    from commander.services.incident_labels import labels_of
    from commander.services.incidents import load_incident

    with store.read() as session:
        row = load_incident(session, ref)
        entries = _entries(session, row.id)
        revisions = _revisions(session, row.id)
        stored = (read_postmortem_to_edit if to_edit else read_postmortem)(session, row.id)
        history = tuple(read_postmortem_revisions(session, row.id))
        items = tuple(read_action_items(session, row.id, include_deleted=True))
        record = _read_response(session, row.id) if response else None
        incident = IncidentDetail.of(row, labels=labels_of(session, row.id))
    document = build_document(
        incident,
        entries,
        revisions,
        postmortem or stored,
        get_template(postmortem.template if postmortem else stored.template),
        items,
        history,
        generated_at or utc_now(),
    )
    if record is None:
        return document
    live = document.incident.timeline
    return replace(
        document,
        response=replace(record, handovers=handovers(live), deploys=deploys(live)),
    )


def _read_response(session: Any, incident_id: int) -> Response:
    """The response record's stored parts, in the caller's transaction."""
    from commander.services.checklist import stored_items
    from commander.services.messages import read_incident_targets, read_messages
    from commander.services.roles import role_history

    return Response(
        checklist=tuple(stored_items(session, incident_id)),
        roles=tuple(role_history(session, incident_id)),
        messages=tuple(read_messages(session, incident_id)),
        targets=tuple(read_incident_targets(session, incident_id)),
    )


def handovers(live: tuple[EntryView, ...]) -> tuple[Handover, ...]:
    """Role entries that name both the person before and the one after."""
    found = []
    for entry in live:
        fact = entry.fact
        if isinstance(fact, RoleChanged) and fact.from_person and fact.to_person:
            found.append(
                Handover(
                    entry.id,
                    entry.occurred_at,
                    fact.role.value,
                    fact.from_person,
                    fact.to_person,
                    entry.author,
                )
            )
    return tuple(found)


def deploys(live: tuple[EntryView, ...]) -> tuple[DeployRecord, ...]:
    from commander.services.deploys import deploy_record

    return tuple(record for record in map(deploy_record, live) if record is not None)


def build_document(
    incident: IncidentDetail,
    entries: tuple[EntryView, ...],
    revisions: dict[int, tuple[RevisionView, ...]],
    postmortem: PostmortemView,
    template: Template,
    items: tuple[ActionItemView, ...],
    history: tuple[PostmortemRevisionView, ...],
    generated_at: datetime,
) -> IncidentDocument:
    """Pure: the document from what the store holds (``entries`` in time order)."""
    live = tuple(entry for entry in entries if entry.deleted_at is None)
    return IncidentDocument(
        incident=replace(incident, timeline=live),
        generated_at=generated_at,
        postmortem=postmortem,
        template=template,
        sections=tuple(
            SectionBlock(
                spec.key,
                spec.title,
                postmortem.section(spec.key),
                spec.prompt,
                spec.key in GENERATED_SECTIONS,
            )
            for spec in template.sections
        ),
        timeline=selected_entries(live, postmortem.entry_ids),
        timing=compute_timing(incident, live, generated_at),
        changes=deployed_changes(live),
        action_items=tuple(item for item in items if item.deleted_at is None),
        audit=Audit(entries, revisions, history, items),
    )


def selected_entries(
    live: tuple[EntryView, ...], entry_ids: tuple[int, ...] | None
) -> tuple[EntryView, ...]:
    """The key entries, or the ones the authors picked; deleted entries never show."""
    if entry_ids is None:
        return tuple(entry for entry in live if key_entry(entry))
    wanted = set(entry_ids)
    return tuple(entry for entry in live if entry.id in wanted)


def deployed_changes(live: tuple[EntryView, ...]) -> tuple[DeployedChange, ...]:
    changes = []
    for entry in live:
        change = deployed_change(entry.fact)
        if change is None:
            continue
        # The entry's own words for it, as stored (the JSON export has them all).
        details = tuple(
            (str(key), _plain(value))
            for key, value in sorted((entry.data or {}).items())
            if key not in ("rollback", "hotfix") and _plain(value)
        )
        changes.append(DeployedChange(entry.id, entry.occurred_at, change, entry.text, details))
    return tuple(changes)


def _plain(value: Any) -> str:
    """Scalars as text; nested structures are left to the JSON export."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def _entries(session: Any, incident_id: int) -> tuple[EntryView, ...]:
    """Every entry, deleted ones too, in time order, as plain rows (no ORM objects:
    an export reads 10,000 or more; on SQLite straight from the driver)."""
    if session.get_bind().dialect.name == "sqlite":
        return raw_sql.read_entries(session.connection(), incident_id)
    table = TimelineEntry.__table__
    statement = (
        select(*ENTRY_VIEW_COLUMNS)
        .where(table.c.incident_id == incident_id)
        .order_by(table.c.occurred_at, table.c.id)
    )
    return tuple(EntryView.from_columns(**row) for row in session.execute(statement).mappings())


def _revisions(session: Any, incident_id: int) -> dict[int, tuple[RevisionView, ...]]:
    """Every entry's earlier states in one query (a query per entry is slow at 10,000)."""
    rows = session.scalars(
        select(EntryRevision)
        .join(TimelineEntry, TimelineEntry.id == EntryRevision.entry_id)
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(EntryRevision.entry_id, EntryRevision.id)
    )
    found: dict[int, list[RevisionView]] = {}
    for row in rows:
        found.setdefault(row.entry_id, []).append(RevisionView.of(row))
    return {entry_id: tuple(views) for entry_id, views in found.items()}
