"""A fixed incident with a postmortem, built through the services at fixed times.

Golden-file tests, the XSS tests and bench/export.py all use it, so what they
check is what the services really store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from commander.domain import EntryKind, Phase, Severity

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
GENERATED_AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def build_sample(store: Any, text: dict[str, str] | None = None, extra_entries: int = 0) -> str:
    """Declare INC-1 and write its whole story; ``text`` overrides any written text."""
    from commander.services.action_items import (
        ActionItemFields,
        ItemStatus,
        ItemType,
        Priority,
        add_action_item,
        delete_action_item,
        update_action_item,
    )
    from commander.services.incidents import change_phase, change_severity, declare_incident
    from commander.services.postmortem import (
        Participant,
        PostmortemStatus,
        get_postmortem,
        save_postmortem,
    )
    from commander.services.timeline import delete_entry, edit_entry, log_entry

    said = {
        "title": "Checkout failing for EU customers",
        "summary": "Card payments time out in eu-west",
        "entry": "Rolled back *payments* to v1.4.2 & watched [graphs]",
        "section": "Payments in **eu-west** failed for 42 minutes.\n\n- 1,200 orders lost",
        "item": "Alert on payment error rate above 2%",
        "owner": "bo",
        "author": "ana",
        "role": "incident commander",
        "tracker": "https://tracker.example/PAY-17",
    }
    said.update(text or {})
    ref = declare_incident(
        store,
        said["title"],
        Severity.P2,
        author="ana",
        summary=said["summary"],
        impact_started_at=at(-12),
        now=at(0),
    ).ref
    log_entry(store, ref, "Paged payments on-call", "ana", EntryKind.ACTION, now=at(2))
    log_entry(store, ref, "Error rate 38% on /pay", "bo", EntryKind.OBSERVATION, now=at(3))
    change_severity(store, ref, Severity.P1, "ana", reason="revenue impact", now=at(5))
    change_phase(store, ref, Phase.TRIAGE, "ana", now=at(6))
    hypothesis = log_entry(store, ref, "Maybe the DB", "bo", EntryKind.HYPOTHESIS, now=at(8))
    delete_entry(store, hypothesis.id, "bo", now=at(9))
    decision = log_entry(store, ref, "Roll back payments", "ana", EntryKind.DECISION, now=at(10))
    edit_entry(store, decision.id, "ana", text="Roll back payments to v1.4.2", now=at(11))
    _log_rollback(store, ref, said["entry"], at(14))
    log_entry(store, ref, said["entry"], "cy", EntryKind.NOTE, now=at(15), pinned=True)
    for number in range(extra_entries):
        log_entry(store, ref, f"Bulk entry {number} {said['entry']}", "cy", now=at(16))
    change_phase(store, ref, Phase.MITIGATE, "ana", now=at(20))
    change_severity(store, ref, Severity.P2, "ana", reason="recovering", now=at(25))
    change_phase(store, ref, Phase.RESOLVE, "ana", now=at(30))
    change_phase(store, ref, Phase.POSTMORTEM, "ana", now=at(60))

    item = add_action_item(
        store,
        ref,
        ActionItemFields(
            said["item"],
            said["owner"],
            ItemType.DETECT,
            Priority.HIGH,
            date(2026, 11, 24),
            ItemStatus.OPEN,
            said["tracker"],
        ),
        "ana",
        now=at(70),
    )
    update_action_item(
        store,
        item.id,
        ActionItemFields(
            said["item"],
            said["owner"],
            ItemType.DETECT,
            Priority.HIGH,
            date(2026, 11, 24),
            ItemStatus.IN_PROGRESS,
            said["tracker"],
        ),
        "bo",
        now=at(71),
    )
    gone = add_action_item(store, ref, ActionItemFields("Duplicate"), "ana", now=at(72))
    delete_action_item(store, gone.id, "ana", now=at(73))
    add_action_item(
        store,
        ref,
        ActionItemFields("Write the rollback runbook", "", ItemType.PROCESS, Priority.LOW),
        "ana",
        now=at(74),
    )

    draft = get_postmortem(store, ref)
    first = save_postmortem(
        store,
        _replace(
            draft,
            sections={"summary": said["section"]},
            authors=(said["author"],),
        ),
        "ana",
        now=at(80),
    )
    save_postmortem(
        store,
        _replace(
            first,
            status=PostmortemStatus.IN_REVIEW,
            written_on=date(2026, 11, 21),
            authors=(said["author"], "bo"),
            participants=(Participant("ana", said["role"]), Participant("bo", "scribe")),
            sections={
                "summary": said["section"],
                "impact": "EU card payments, 42 minutes, about 1,200 orders.",
                "root_causes": said["section"],
                "action_items": said["section"],
                "lucky": "It happened outside the sales peak.",
            },
        ),
        "ana",
        now=at(90),
    )
    return ref


def _replace(view: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(view, **changes)


def _log_rollback(store: Any, ref: str, text: str, when: datetime) -> None:
    """What the rollback feature (another issue) writes: a marker in the entry's data."""
    from commander.services.incidents import load_incident
    from commander.services.timeline import add_entry

    with store.write() as session:
        entry = add_entry(
            session,
            load_incident(session, ref),
            kind=EntryKind.ACTION,
            text=text,
            author="cy",
            occurred_at=when,
            recorded_at=when,
        )
        # Not a shape the app writes (it has no fact for it): stored as such.
        entry.data = {"rollback": True, "service": "payments", "to_version": "v1.4.2"}
