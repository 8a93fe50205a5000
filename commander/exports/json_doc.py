"""The JSON incident document: what ``show --json`` prints and ``export`` writes."""

from __future__ import annotations

import json
from typing import Any

from commander import __version__
from commander.domain.when import iso
from commander.services.views import EntryView, IncidentDetail

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
        "timeline": [entry_document(entry) for entry in incident.timeline],
    }


def dumps(document: Any) -> str:
    # ensure_ascii=False keeps emoji and right-to-left text readable in the file.
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
