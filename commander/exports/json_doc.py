"""The JSON incident document: what ``show --json`` prints and ``export`` writes."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from commander import __version__
from commander.domain.labels import grouped
from commander.domain.when import iso
from commander.views.incidents import EntryView, IncidentDetail, RevisionView

if TYPE_CHECKING:  # show --json stays light: the full export's modules load on use
    from commander.exports.document import IncidentDocument, Response
    from commander.services.action_items import ActionItemView
    from commander.views.comms import DeliveryView, MessageView

FORMAT = "incident-commander/incident"
FORMAT_VERSION = 1


def entry_document(entry: EntryView) -> dict[str, Any]:
    return {
        "id": entry.id,
        "occurred_at": iso(entry.occurred_at),
        "recorded_at": iso(entry.recorded_at),
        "author": entry.author,
        "kind": entry.kind,
        "text": entry.text,
        "pinned": entry.pinned,
        # What `commander edit ENTRY_ID --expected-version N` takes: it moves on with
        # every change of the entry, so an edit made meanwhile is not overwritten.
        "version": entry.version,
    }


def incident_document(incident: IncidentDetail) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generator": f"Incident Commander {__version__}",
        "ref": incident.ref,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity.value,
        "severity_label": incident.severity.label,
        "severity_definition": incident.severity.definition,
        "phase": incident.phase.value,
        "declared_by": incident.declared_by,
        "declared_at": iso(incident.declared_at),
        "severity_since": iso(incident.severity_since),
        "phase_since": iso(incident.phase_since),
        "impact_started_at": iso(incident.impact_started_at),
        "detected_at": iso(incident.detected_at),
        "acknowledged_at": iso(incident.acknowledged_at),
        "mitigated_at": iso(incident.mitigated_at),
        "resolved_at": iso(incident.resolved_at),
        "closed_at": iso(incident.closed_at),
        # Kept from its alerts: each label's values, e.g. {"service": ["checkout"]}.
        "labels": dict(grouped(incident.labels)),
        "timeline": [entry_document(entry) for entry in incident.timeline],
    }


def dumps(document: Any) -> str:
    # ensure_ascii=False keeps emoji and right-to-left text readable in the file.
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# -- the full export (``commander export --format json``) ------------------------------
# The show document above plus the postmortem, action items and an audit section.
# Keys are only ever added, so readers of format_version 1 keep working.


def export_document(doc: IncidentDocument) -> dict[str, Any]:
    from commander.services.postmortem import postmortem_content

    document = incident_document(doc.incident)
    document["generated_at"] = iso(doc.generated_at)
    timing = doc.timing
    document["postmortem"] = {
        **postmortem_content(doc.postmortem),
        "template_name": doc.template.name,
        "sections": [
            {"key": s.key, "title": s.title, "text": s.text, "generated": s.generated}
            for s in doc.sections
        ],
        "timeline_entry_ids": [entry.id for entry in doc.timeline],
        "timing": {
            "anchor": timing.anchor_name,
            "anchor_at": iso(timing.anchor_at),
            "anchor_note": timing.anchor_note,
            "measures": [
                {
                    "name": m.name,
                    "at": iso(m.at),
                    "seconds": int(m.value.total_seconds()) if m.value is not None else None,
                    "formula": m.formula,
                }
                for m in timing.measures
            ],
            "severity_seconds": {
                s.severity.value: int(s.duration.total_seconds()) for s in timing.spans
            },
            "severity_until": iso(timing.spans_until),
            "severity_note": timing.spans_note,
        },
        "changes_deployed": [
            {
                "entry_id": c.entry_id,
                "occurred_at": iso(c.occurred_at),
                "change": c.change,
                "text": c.text,
            }
            for c in doc.changes
        ],
    }
    document["action_items"] = [_item(item) for item in doc.action_items]
    document["audit"] = {
        "entries": [
            _audit_entry(entry, doc.audit.revisions.get(entry.id, ()))
            for entry in doc.audit.entries
        ],
        "postmortem_revisions": [
            {
                "revision": r.revision,
                "saved_at": iso(r.saved_at),
                "saved_by": r.saved_by,
                "content": r.content,
            }
            for r in doc.audit.postmortem_revisions
        ],
        "action_items": [_item(item) for item in doc.audit.action_items],
    }
    document.update(response_document(doc.response))
    return document


def response_document(response: Response) -> dict[str, Any]:
    """Checklist, roles, rollbacks and hotfixes and communications: new keys only.

    Targets are named with their base URL and what the connector remembers;
    their secrets live in commander.secrets and are never read here.
    """
    return {
        "checklist": [
            {
                "id": item.id,
                "phase": item.phase.value,
                "position": item.position,
                "text": item.text,
                "origin": item.origin,
                "checked_at": iso(item.checked_at),
                "checked_by": item.checked_by,
                "auto_reason": item.auto_reason,
                "not_applicable_reason": item.not_applicable_reason,
                "not_applicable_at": iso(item.not_applicable_at),
                "not_applicable_by": item.not_applicable_by,
                "superseded_at": iso(item.superseded_at),
                "superseded_by": item.superseded_by,
            }
            for item in response.checklist
        ],
        "roles": {
            "assignments": [
                {
                    "id": spell.id,
                    "role": spell.role.value,
                    "person": spell.person,
                    "assigned_at": iso(spell.assigned_at),
                    "assigned_by": spell.assigned_by,
                    "ended_at": iso(spell.ended_at),
                    "ended_by": spell.ended_by,
                }
                for spell in response.roles
            ],
            "handovers": [
                {
                    "entry_id": h.entry_id,
                    "occurred_at": iso(h.occurred_at),
                    "role": h.role,
                    "from": h.from_person,
                    "to": h.to_person,
                    "by": h.by,
                }
                for h in response.handovers
            ],
        },
        "rollbacks_and_hotfixes": [
            {
                "entry_id": record.entry_id,
                "occurred_at": iso(record.occurred_at),
                "kind": record.change.kind.value,
                "what": record.change.what,
                "from_version": record.change.from_version,
                "to_version": record.change.to_version,
                "note": record.change.note,
                "by": record.by,
            }
            for record in response.deploys
        ],
        "communications": {
            "messages": [_message(message) for message in response.messages],
            "targets": [
                {
                    "name": target.name,
                    "kind": target.kind,
                    "base_url": target.base_url,
                    "audience": target.audience,
                    "connector_state": dict(sorted(state.items())) if state else state,
                }
                for target, state in response.targets
            ],
        },
    }


def _message(message: MessageView) -> dict[str, Any]:
    return {
        "id": message.id,
        "created_at": iso(message.created_at),
        "author": message.author,
        "template": message.template,
        "audience": message.audience,
        "severity": message.severity,
        "phase": message.phase,
        "status": message.status,
        "page_action": message.page_action,
        "headline": message.headline,
        "body": message.body,
        "fields": dict(sorted(message.fields.items())),
        "components": dict(sorted(message.components.items())),
        "deliveries": [delivery_record(d) for d in message.deliveries],
    }


def delivery_record(d: DeliveryView) -> dict[str, Any]:
    """One delivery as the export and ``commander deliveries --json`` write it."""
    return {
        "id": d.id,
        "target": d.target_name,
        "target_kind": d.target_kind,
        "state": d.state,
        "attempts": d.attempts,
        "next_attempt_at": iso(d.next_attempt_at),
        "last_error": d.last_error,
        "provider_id": d.provider_id,
        "acknowledged_at": iso(d.acknowledged_at),
        "failing_since": iso(d.failing_since),
        "may_have_been_posted": d.unconfirmed,
        # Every attempt: the timeline names only when it started failing and how it ended.
        "attempt_history": [
            {
                "attempt": a.attempt,
                "finished_at": iso(a.finished_at),
                "outcome": a.outcome,
                "error": a.error,
                "next_attempt_at": iso(a.next_attempt_at),
            }
            for a in d.history
        ],
    }


def _item(item: ActionItemView) -> dict[str, Any]:
    return {
        "id": item.id,
        "description": item.description,
        "owner": item.owner,
        "type": item.type.value,
        "priority": item.priority.value,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "status": item.status.value,
        "tracker_url": item.tracker_url,
        "created_at": iso(item.created_at),
        "created_by": item.created_by,
        "updated_at": iso(item.updated_at),
        "updated_by": item.updated_by,
        "deleted_at": iso(item.deleted_at),
        "deleted_by": item.deleted_by,
    }


@cache  # on first use: ``show --json`` never reads a fact
def _personal_keys() -> dict[str, frozenset[str]]:
    from commander.domain.entry_facts import FACT_TYPES

    found: dict[str, set[str]] = {}
    for fact_type in FACT_TYPES:
        for kind in fact_type.READ_UNDER or (fact_type.KIND,):
            found.setdefault(kind.value, set()).update(fact_type.PERSONAL_KEYS)
    return {kind: frozenset(keys) for kind, keys in found.items() if keys}


def shared_data(entry: EntryView) -> tuple[dict[str, Any] | None, list[str]]:
    """The entry's data without its personal data (a reporter's contact), and the keys
    left out. An export is a document people share; the store keeps the whole record."""
    personal = _personal_keys().get(entry.kind)
    if not personal or not entry.data:
        return entry.data, []
    withheld = sorted(key for key in personal if entry.data.get(key) not in (None, ""))
    return {k: v for k, v in entry.data.items() if k not in personal}, withheld


def _audit_entry(entry: EntryView, revisions: tuple[RevisionView, ...]) -> dict[str, Any]:
    data, withheld = shared_data(entry)
    return {
        **entry_document(entry),
        "data": data,
        **({"withheld": withheld} if withheld else {}),
        "deleted_at": iso(entry.deleted_at),
        "deleted_by": entry.deleted_by,
        "history": [
            {
                "revised_at": iso(r.revised_at),
                "revised_by": r.revised_by,
                "occurred_at": iso(r.occurred_at),
                "kind": r.kind,
                "text": r.text,
                "pinned": r.pinned,
                "deleted_at": iso(r.deleted_at),
                "deleted_by": r.deleted_by,
            }
            for r in revisions
        ],
    }


def render_json(doc: IncidentDocument) -> str:
    return dumps(export_document(doc))
