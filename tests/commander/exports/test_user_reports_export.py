"""User reports in the exports: reporter and channel shown, the reporter's contact left out."""

from __future__ import annotations

import json
from typing import Any

from commander.exports.render import export_incident
from commander.services.user_reports import log_user_report
from tests.support.postmortem_sample import GENERATED_AT

CONTACT = "ana.lima@example.com"


def test_exports_show_reporter_and_channel_and_never_the_contact(store: Any, incident: str) -> None:
    log_user_report(
        store,
        incident,
        "checkout fails with 500",
        "Ana Lima",
        author="bo",
        channel="support ticket",
        contact=CONTACT,
    )
    log_user_report(store, incident, "cannot pay", "Cy", author="bo")
    said = "Reported by Ana Lima via support ticket: checkout fails with 500"

    for fmt in ("md", "html"):
        document = export_incident(store, incident, fmt, GENERATED_AT).decode()
        assert said in document, fmt  # a key entry of the postmortem's Timeline
        assert "user-report" in document and "Reported by Cy: cannot pay" in document
        assert CONTACT not in document, fmt

    raw = export_incident(store, incident, "json", GENERATED_AT)
    assert CONTACT.encode() not in raw
    document = json.loads(raw)
    reports = [e for e in document["audit"]["entries"] if e["kind"] == "user-report"]
    assert [(e["text"], e["data"], e.get("withheld")) for e in reports] == [
        (said, {"reporter": "Ana Lima", "channel": "support ticket"}, ["contact"]),
        ("Reported by Cy: cannot pay", {"reporter": "Cy", "channel": ""}, None),
    ]
    timeline_ids = document["postmortem"]["timeline_entry_ids"]
    assert {e["id"] for e in reports} <= set(timeline_ids)
