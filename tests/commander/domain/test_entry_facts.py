"""Typed entry facts: every kind round-trips, and every row shape already stored decodes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.entry_facts import (
    FACT_TYPES,
    ActionItemChange,
    ActionItemChanged,
    AlertNote,
    AlertReceived,
    AlertResolved,
    CadenceSet,
    ChannelCreated,
    ChatCaptured,
    ChatFileLink,
    ChecklistAction,
    ChecklistChanged,
    Declared,
    DeliveryChanged,
    DeliveryState,
    DeployMarked,
    EntryFact,
    HealthChanged,
    HealthCheckAction,
    HealthCheckChanged,
    HotfixDeployed,
    MessageSent,
    MilestoneCorrected,
    PhaseChanged,
    PostmortemSaved,
    RoleChanged,
    RolledBack,
    RunbookAttached,
    SeverityChanged,
    UserReported,
    decode,
    deployed,
    encode,
)
from commander.domain.health import HealthState
from commander.domain.kinds import entry_kind
from commander.domain.roles import Role
from commander.views.incidents import EntryView

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

ONE_OF_EACH: tuple[EntryFact, ...] = (
    Declared(Severity.P2),
    SeverityChanged(Severity.P2, Severity.P0, "revenue impact"),
    PhaseChanged(Phase.RESOLVE, Phase.MITIGATE, (("resolved_at", T0),)),
    MilestoneCorrected("mitigated_at", None, T0, "from the graphs"),
    CadenceSet(15),
    RoleChanged(Role.COMMANDER, "ana", "bo"),
    RolledBack("v1.4.2", "v1.4.3", "payments-api", "5xx", "cy"),
    HotfixDeployed("v1.4.4", by="cy"),
    ChecklistChanged(7, ChecklistAction.NOT_APPLICABLE, Phase.TRIAGE, "Page", "no pager"),
    RunbookAttached("kafka-lag", "Kafka lag", Phase.MITIGATE, (3, 4)),
    MessageSent(2, ("status", "slack")),
    DeliveryChanged(5, DeliveryState.SENT, 2, "slack", 1),
    DeliveryChanged(5, DeliveryState.SENT, 2, "status", 3, by_person=True),
    ChannelCreated("C123", "inc-1-payments", "slack"),
    DeployMarked(DeployKind.HOTFIX),
    PostmortemSaved(3, ("status", "sections")),
    ActionItemChanged(9, ActionItemChange.UPDATED, (("owner", "bo", "cy"),)),
    UserReported("Ana Lima", "support ticket", "ana@example.com"),
    HealthCheckChanged(4, HealthCheckAction.ADDED, "https://api.example.com/healthz", 30, 2000),
    HealthChanged(4, "tcp://db:5432", HealthState.UP, HealthState.DOWN, 3, "connection refused"),
    AlertReceived(
        4,
        "alertmanager",
        (AlertNote("HighErrorRate", "dd8d", (("service", "checkout"),), "5xx above 5%", T0),),
    ),
    AlertResolved(4, "grafana", (AlertNote("Disk", "5b0d", (), "", T0, T0.replace(hour=10)),)),
    ChatCaptured(
        "slack",
        "C0123",
        "inc-1-checkout",
        "1700000000.000100",
        "https://example.slack.com/archives/C0123/p1700000000000100",
        "1700000000.000050",
        (ChatFileLink("graph.png", "https://files.example/graph.png"),),
    ),
)


def test_the_sample_covers_every_fact_type() -> None:
    assert {type(fact) for fact in ONE_OF_EACH} == set(FACT_TYPES)


@pytest.mark.parametrize("fact", ONE_OF_EACH, ids=lambda fact: type(fact).__name__)
def test_every_fact_round_trips(fact: EntryFact) -> None:
    assert decode(fact.KIND, encode(fact)) == fact


# Each shape as the current writers store it (and earlier copies of the app did).
STORED_SHAPES: list[tuple[str, dict[str, object] | None, EntryFact | None]] = [
    # services/incidents.py
    ("declared", {"severity": "P2"}, Declared(Severity.P2)),
    ("declared", None, None),  # a store written before severities were logged with data
    (
        "severity",
        {"from": "P2", "to": "P1", "reason": ""},
        SeverityChanged(Severity.P2, Severity.P1),
    ),
    ("severity", {"from": "P1", "to": "P0"}, SeverityChanged(Severity.P1, Severity.P0)),
    ("phase", {"from": "detect", "to": "triage"}, PhaseChanged(Phase.DETECT, Phase.TRIAGE)),
    (
        "phase",
        {
            "from": "postmortem",
            "to": "mitigate",
            "cleared": {
                "resolved_at": "2026-11-20T09:00:00+00:00",
                "closed_at": "2026-11-20T10:00:00+00:00",
            },
        },
        PhaseChanged(
            Phase.POSTMORTEM,
            Phase.MITIGATE,
            (("resolved_at", T0), ("closed_at", T0.replace(hour=10))),
        ),
    ),
    ("phase", None, None),  # a store whose phase entries carry no data
    # services/milestones.py
    (
        "milestone",
        {"field": "mitigated_at", "from": None, "to": "2026-11-20T09:00:00+00:00", "reason": ""},
        MilestoneCorrected("mitigated_at", None, T0),
    ),
    # services/cadence.py
    ("cadence", {"minutes": None}, CadenceSet(None)),
    ("cadence", {"minutes": 0}, CadenceSet(0)),
    # services/roles.py: assigned, handed over, released
    ("role", {"role": "ic", "from": None, "to": "ana"}, RoleChanged(Role.COMMANDER, None, "ana")),
    ("role", {"role": "ic", "from": "ana", "to": "bo"}, RoleChanged(Role.COMMANDER, "ana", "bo")),
    ("role", {"role": "sme", "from": "cy", "to": None}, RoleChanged(Role.SME, "cy", None)),
    # services/deploys.py
    (
        "rollback",
        {"what": "api", "from": "v1.4.3", "to": "v1.4.2", "note": "5xx", "by": "cy"},
        RolledBack("v1.4.2", "v1.4.3", "api", "5xx", "cy"),
    ),
    ("hotfix", {"what": "", "from": "", "to": "v2", "note": ""}, HotfixDeployed("v2")),
    ("rollback", None, RolledBack("")),  # a rollback without data is still one
    # tests/postmortem_sample.py: a marker in a logged entry's data
    (
        "action",
        {"rollback": True, "service": "payments", "to_version": "v1.4.2"},
        DeployMarked(DeployKind.ROLLBACK),
    ),
    ("note", {"hotfix": {"version": "1.2.4"}}, DeployMarked(DeployKind.HOTFIX)),
    ("action", {"rollback": False}, None),
    # services/checklist.py
    (
        "checklist",
        {"item": 4, "action": "check", "phase": "triage", "text": "Page on-call"},
        ChecklistChanged(4, ChecklistAction.CHECK, Phase.TRIAGE, "Page on-call"),
    ),
    (
        "checklist",
        {"item": 4, "action": "not_applicable", "phase": "triage", "text": "P", "reason": "none"},
        ChecklistChanged(4, ChecklistAction.NOT_APPLICABLE, Phase.TRIAGE, "P", "none"),
    ),
    (
        "checklist",
        {
            "item": 4,
            "action": "check",
            "phase": "mitigate",
            "text": "Roll back",
            "reason": "rollback recorded",
            "by_app": True,
        },
        ChecklistChanged(
            4, ChecklistAction.CHECK, Phase.MITIGATE, "Roll back", "rollback recorded", by_app=True
        ),
    ),
    (
        "checklist",
        {
            "item": 4,
            "action": "supersede",
            "phase": "triage",
            "text": "Assign an IC",
            "reason": "severity P1 → P0",
            "replaced_by": 9,
            "by_app": True,
        },
        ChecklistChanged(
            4, ChecklistAction.SUPERSEDE, Phase.TRIAGE, "Assign an IC", "severity P1 → P0", 9, True
        ),
    ),
    # services/runbooks.py
    (
        "runbook",
        {"runbook": "db-failover", "title": "DB failover", "phase": "mitigate", "items": [8, 9]},
        RunbookAttached("db-failover", "DB failover", Phase.MITIGATE, (8, 9)),
    ),
    # services/messages.py, services/outbox.py, services/targets.py
    ("message", {"message_id": 3, "targets": ["slack"]}, MessageSent(3, ("slack",))),
    (
        "delivery",
        {"delivery_id": 6, "message_id": 3, "target": "slack", "state": "pending", "attempt": 1},
        DeliveryChanged(6, DeliveryState.PENDING, 3, "slack", 1),
    ),
    ("delivery", {"delivery_id": 6, "state": "pending"}, DeliveryChanged(6, DeliveryState.PENDING)),
    ("delivery", {"delivery_id": 6, "state": "failed"}, DeliveryChanged(6, DeliveryState.FAILED)),
    # services/channels.py
    (
        "action",
        {"channel": "C1", "channel_name": "inc-1", "target": "slack"},
        ChannelCreated("C1", "inc-1", "slack"),
    ),
    # services/postmortem.py, services/action_items.py
    (
        "postmortem",
        {"postmortem": {"revision": 1, "changed": ["created"]}},
        PostmortemSaved(1, ("created",)),
    ),
    (
        "postmortem",
        {"action_item": {"id": 2, "change": "added"}},
        ActionItemChanged(2, ActionItemChange.ADDED),
    ),
    (
        "postmortem",
        {"action_item": {"id": 2, "change": "updated", "fields": {"status": ["open", "done"]}}},
        ActionItemChanged(2, ActionItemChange.UPDATED, (("status", "open", "done"),)),
    ),
    # services/user_reports.py
    (
        "user-report",
        {"reporter": "Ana", "channel": "chat", "contact": "+49 30 1234"},
        UserReported("Ana", "chat", "+49 30 1234"),
    ),
    ("user-report", {"reporter": "Ana", "channel": "", "contact": ""}, UserReported("Ana")),
    ("user-report", {"reporter": ""}, None),  # a report names its reporter
    ("user-report", None, None),
    # services/alert_inbox.py
    (
        "alert",
        {
            "status": "firing",
            "group": 4,
            "source": "alertmanager",
            "alerts": [
                {
                    "name": "HighErrorRate",
                    "fingerprint": "dd8d",
                    "labels": {"service": "checkout", "severity": "critical"},
                    "summary": "5xx above 5%",
                    "starts_at": "2026-11-20T09:00:00+00:00",
                    "ends_at": None,
                }
            ],
        },
        AlertReceived(
            4,
            "alertmanager",
            (
                AlertNote(
                    "HighErrorRate",
                    "dd8d",
                    (("service", "checkout"), ("severity", "critical")),
                    "5xx above 5%",
                    T0,
                ),
            ),
        ),
    ),
    (
        "alert",
        {
            "status": "resolved",
            "group": 4,
            "source": "grafana",
            "alerts": [
                {
                    "name": "Disk",
                    "fingerprint": "5b0d",
                    "labels": {},
                    "summary": "",
                    "starts_at": "2026-11-20T09:00:00+00:00",
                    "ends_at": "2026-11-20T10:00:00+00:00",
                }
            ],
        },
        AlertResolved(4, "grafana", (AlertNote("Disk", "5b0d", (), "", T0, T0.replace(hour=10)),)),
    ),
    # what people log, and rows this copy cannot read
    ("note", None, None),
    ("action", {"runbook": {"title": "Kafka lag"}}, None),
    ("severity", {"from": "P9", "to": "P1"}, None),
    ("alert", {"source": "grafana"}, None),
    # services/health_checks.py
    (
        "health-check",
        {
            "check_id": 4,
            "action": "added",
            "target": "tcp://db:5432",
            "every_seconds": 30,
            "slow_ms": 2000,
        },
        HealthCheckChanged(4, HealthCheckAction.ADDED, "tcp://db:5432", 30, 2000),
    ),
    (
        "health-check",
        {"check_id": 4, "action": "removed", "target": "tcp://db:5432"},
        HealthCheckChanged(4, HealthCheckAction.REMOVED, "tcp://db:5432"),
    ),
    (
        "health",
        {
            "check_id": 4,
            "target": "tcp://db:5432",
            "from": "down",
            "to": "up",
            "latency_ms": 2,
            "error": None,
        },
        HealthChanged(4, "tcp://db:5432", HealthState.DOWN, HealthState.UP, 2),
    ),
    ("health", {"check_id": 4, "target": "x", "from": "down", "to": "sideways"}, None),
    ("alert", {"status": "pending", "group": 1, "source": "grafana", "alerts": []}, None),
    ("forecast", {"source": "grafana"}, None),
    # services/chat_capture.py
    (
        "chat",
        {
            "provider": "matrix",
            "channel_id": "!room:example.org",
            "channel_name": "#inc-1",
            "message_id": "$event",
            "permalink": "https://matrix.to/#/!room:example.org/$event",
            "thread_id": None,
            "files": [],
        },
        ChatCaptured(
            "matrix",
            "!room:example.org",
            "#inc-1",
            "$event",
            "https://matrix.to/#/!room:example.org/$event",
        ),
    ),
    ("chat", {"provider": "slack", "message_id": ""}, None),
]


@pytest.mark.parametrize(("kind", "data", "fact"), STORED_SHAPES)
def test_every_stored_shape_decodes(
    kind: str, data: dict[str, object] | None, fact: EntryFact | None
) -> None:
    assert decode(kind, data) == fact


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (kind, data)
        for kind, data, fact in STORED_SHAPES
        if data and fact is not None and kind == fact.KIND and type(fact) is not DeployMarked
    ],
)
def test_new_rows_keep_the_keys_stored_rows_have(kind: str, data: dict[str, object]) -> None:
    """Readers of the raw data (the JSON export, older copies) see what they saw before."""
    fact = decode(kind, data)
    assert fact is not None
    assert encode(fact).keys() >= {k for k, v in data.items() if v not in ("", None)}


def test_deployed_builds_the_fact_of_a_change() -> None:
    change = DeployChange(DeployKind.ROLLBACK, "v1", "v2", "api", "why")
    fact = deployed(change, "ana")
    assert isinstance(fact, RolledBack) and fact.change == change and fact.by == "ana"


def _entry(kind: str, data: dict[str, object] | None) -> EntryView:
    return EntryView(1, 1, T0, T0, "ana", entry_kind(kind), "text", False, data)


def test_entry_view_kind_is_the_enum_and_its_fact_is_decoded_from_its_data() -> None:
    entry = _entry("severity", {"from": "P2", "to": "P1", "reason": ""})
    assert entry.kind is EntryKind.SEVERITY and entry.kind == "severity"
    assert entry.fact == SeverityChanged(Severity.P2, Severity.P1)
    assert _entry("note", None).fact is None
    assert entry == _entry("severity", {"from": "P2", "to": "P1", "reason": ""})


def test_a_kind_from_a_newer_copy_is_kept_as_stored() -> None:
    entry = _entry("forecast", {"source": "grafana"})
    assert entry.kind == "forecast" and isinstance(entry.kind, EntryKind)
    assert entry_kind("forecast") is entry.kind
    assert entry.fact is None
    assert "forecast" not in {kind.value for kind in EntryKind}  # not a member
    with pytest.raises(Exception, match="unknown entry kind"):
        EntryKind.parse_user_kind("forecast")


def test_every_entry_the_app_writes_reads_back_as_its_fact(store) -> None:
    """Through the services: what each writer stores decodes to the fact it meant."""
    from commander.domain import USER_KINDS
    from commander.domain.deploys import parse_change
    from commander.domain.runbooks import parse_runbook
    from commander.services.cadence import set_cadence
    from commander.services.checklist import check_item, checklist
    from commander.services.deploys import record_deploy
    from commander.services.incidents import change_phase, get_incident
    from commander.services.milestones import edit_milestone
    from commander.services.roles import assign_role
    from commander.services.runbooks import attach_runbook
    from commander.services.user_reports import log_user_report
    from tests.support.postmortem_sample import build_sample

    ref = build_sample(store)
    change_phase(store, ref, Phase.MITIGATE, "ana", now=T0.replace(hour=11))  # a reopen
    assign_role(store, ref, Role.COMMANDER, "ana", "ana")
    assign_role(store, ref, Role.COMMANDER, "bo", "ana")
    record_deploy(store, ref, parse_change(DeployKind.HOTFIX, "api v1 -> v2 fix"), "cy")
    check_item(store, ref, checklist(store, ref).open_items(Phase.MITIGATE)[0].id, "ana")
    runbook = parse_runbook("db", "# DB failover\n\n1. Promote the replica\n")
    attach_runbook(store, ref, runbook, "ana")
    set_cadence(store, ref, 20, "ana")
    edit_milestone(store, ref, "mitigated", T0, "ana")
    log_user_report(store, ref, "cannot pay", "Ana", author="bo", channel="chat", contact="a@b")
    facts = {
        (entry.kind, type(entry.fact))
        for entry in get_incident(store, ref).timeline
        if entry.kind not in USER_KINDS
    }
    assert facts == {
        (EntryKind.DECLARED, Declared),
        (EntryKind.SEVERITY, SeverityChanged),
        (EntryKind.PHASE, PhaseChanged),
        (EntryKind.POSTMORTEM, PostmortemSaved),
        (EntryKind.POSTMORTEM, ActionItemChanged),
        (EntryKind.ROLE, RoleChanged),
        (EntryKind.HOTFIX, HotfixDeployed),
        (EntryKind.CHECKLIST, ChecklistChanged),
        (EntryKind.RUNBOOK, RunbookAttached),
        (EntryKind.CADENCE, CadenceSet),
        (EntryKind.MILESTONE, MilestoneCorrected),
        (EntryKind.USER_REPORT, UserReported),
    }
    reopen = [e.fact for e in get_incident(store, ref).timeline if e.kind == "phase"][-1]
    assert isinstance(reopen, PhaseChanged) and dict(reopen.cleared).keys() == {
        "resolved_at",
        "closed_at",
    }


def test_an_entry_of_a_kind_this_copy_does_not_know_still_reads_and_exports(store) -> None:
    """A newer copy on a shared store logged a kind this one does not know: this copy
    shows and exports it."""
    import json

    from commander.exports.render import export_incident
    from commander.services.incidents import declare_incident, load_incident
    from commander.services.timeline import add_entry, read_timeline

    ref = declare_incident(store, "Disk full", Severity.P2, author="ana", now=T0).ref
    with store.write() as session:
        entry = add_entry(
            session,
            load_incident(session, ref),
            kind=EntryKind.NOTE,
            text="disk 95% on db-1",
            author="grafana",
            occurred_at=T0,
            recorded_at=T0,
        )
        entry.kind, entry.data = "forecast", {"source": "grafana"}
    [forecast] = [e for e in read_timeline(store, ref) if e.author == "grafana"]
    assert forecast.kind == "forecast" and forecast.fact is None
    document = json.loads(export_incident(store, ref, "json", T0))
    assert {"kind": "forecast", "data": {"source": "grafana"}}.items() <= next(
        e for e in document["audit"]["entries"] if e["author"] == "grafana"
    ).items()
    for fmt in ("md", "html"):  # the other renderers take it too
        assert export_incident(store, ref, fmt, T0).startswith(b"#" if fmt == "md" else b"<!")
