"""The labels an incident kept from its alerts: shown by `show` and the exports, counted
per service by the report, and weighed by similar incidents."""

from __future__ import annotations

import json
from pathlib import Path

from commander.clock import FrozenClock
from commander.domain import Severity
from commander.domain.labels import grouped, labels_text
from commander.exports.render import export_incident
from commander.services.alert_inbox import attach_group, declare_group
from commander.services.incidents import declare_incident, get_incident
from commander.services.memory import similar_incidents
from commander.services.reports import build_report
from commander.store.engine import Store, open_store
from tests.support.alert_groups import take, waiting_group
from tests.support.alert_payloads import alert, alertmanager
from tests.support.cli import cli_ok


def _incident_with_labels(store: Store) -> str:
    """INC-1, attached to a group of two alerts of the checkout service."""
    ref = declare_incident(store, "Checkout errors", Severity.P1, "ana").ref
    payload = alertmanager(
        alert("HighErrorRate", service="checkout", team="payments", cluster="eu-1"),
        alert("HighErrorRate", service="checkout", team="payments", cluster="eu-2"),
    )
    attach_group(store, take(store, payload).group_id, ref, "ana")
    return ref


def test_labels_read_in_the_order_people_look_for_them() -> None:
    labels = [("zone", "b"), ("alertname", "X"), ("team", "pay"), ("service", "checkout")]
    labels += [("zone", "a")]
    assert labels_text(labels) == "service=checkout team=pay alertname=X zone=a,b"
    assert grouped([]) == [] and labels_text([]) == ""


def test_the_incident_holds_the_labels_of_its_alerts(store: Store, clock: FrozenClock) -> None:
    ref = _incident_with_labels(store)
    labels = get_incident(store, ref, with_timeline=False).labels
    assert ("service", "checkout") in labels and ("cluster", "eu-2") in labels
    assert labels_text(labels) == (
        "service=checkout team=payments cluster=eu-1,eu-2 alertname=HighErrorRate severity=critical"
    )
    plain = declare_incident(store, "No alerts", Severity.P3, "ana").ref
    assert get_incident(store, plain).labels == ()


def test_exports_show_the_labels(sqlite_store: Store, clock: FrozenClock) -> None:
    ref = _incident_with_labels(sqlite_store)
    markdown = export_incident(sqlite_store, ref, "md").decode()
    assert "- **Labels:** service=checkout, team=payments, cluster=eu-1,eu-2," in markdown
    html = export_incident(sqlite_store, ref, "html").decode()
    assert "<td>Labels</td><td>service=checkout, team=payments, cluster=eu-1,eu-2," in html
    document = json.loads(export_incident(sqlite_store, ref, "json"))
    assert document["labels"]["service"] == ["checkout"]
    assert document["labels"]["cluster"] == ["eu-1", "eu-2"]


def test_label_values_are_text_in_the_exports(sqlite_store: Store, clock: FrozenClock) -> None:
    ref = declare_incident(sqlite_store, "Odd labels", Severity.P2, "ana").ref
    payload = alertmanager(alert("X", service="<b>pay</b>*now*"))
    attach_group(sqlite_store, take(sqlite_store, payload).group_id, ref, "ana")
    html = export_incident(sqlite_store, ref, "html").decode()
    assert "service=&lt;b&gt;pay&lt;/b&gt;*now*" in html and "<b>pay" not in html
    markdown = export_incident(sqlite_store, ref, "md").decode()
    assert r"service=\<b\>pay\</b\>\*now\*" in markdown


def test_show_prints_the_labels_and_its_json_has_them(db_path: Path, clock: FrozenClock) -> None:
    store = open_store(str(db_path), create=True)
    try:
        ref = _incident_with_labels(store)
    finally:
        store.close()
    shown = cli_ok("show", ref, db=db_path).splitlines()
    assert "  labels service=checkout team=payments cluster=eu-1,eu-2" in "\n".join(shown)
    document = json.loads(cli_ok("show", ref, "--json", db=db_path))
    assert document["labels"] == {
        "alertname": ["HighErrorRate"],
        "cluster": ["eu-1", "eu-2"],
        "service": ["checkout"],
        "severity": ["critical"],
        "team": ["payments"],
    }


def test_the_report_counts_incidents_per_service(store: Store, clock: FrozenClock) -> None:
    _incident_with_labels(store)  # checkout, P1
    for name, service, severity in (
        ("A", "checkout", "warning"),
        ("B", "search", "critical"),
        ("C", "search", "error"),
    ):
        group = waiting_group(store, name, severity, service=service)
        declare_group(store, group, "ana")
    both = declare_incident(store, "Two services", Severity.P2, "ana").ref
    for service in ("checkout", "search"):
        attach_group(store, waiting_group(store, f"On{service}", service=service), both, "ana")
    declare_incident(store, "Found by hand", Severity.P4, "ana")

    report = build_report(store)
    counted = {c.service: (c.total, c.by_severity) for c in report.services}
    assert list(counted) == ["checkout", "search"]  # most incidents first
    assert counted["checkout"][0] == 3 and counted["search"][0] == 3
    assert counted["checkout"][1][Severity.P1] == 1 and counted["checkout"][1][Severity.P3] == 1
    assert counted["search"][1][Severity.P1] == 1 and counted["search"][1][Severity.P2] == 2
    assert report.without_service == 1


def test_report_command_prints_the_services(db_path: Path, clock: FrozenClock) -> None:
    store = open_store(str(db_path), create=True)
    try:
        _incident_with_labels(store)
        declare_incident(store, "Found by hand", Severity.P4, "ana")
    finally:
        store.close()
    printed = cli_ok("report", db=db_path)
    assert "Incidents per service" in printed
    assert "checkout     0    1    0    0    0      1" in printed
    assert "Without a service label: 1" in printed
    document = json.loads(cli_ok("report", "--json", db=db_path))
    assert document["services"] == [
        {"service": "checkout", "P0": 0, "P1": 1, "P2": 0, "P3": 0, "P4": 0, "total": 1}
    ]
    assert document["without_service"] == 1


def test_similar_weighs_a_shared_service(store: Store, clock: FrozenClock) -> None:
    made: list[str] = []

    def declared_for(title: str, service: str) -> str:
        group = waiting_group(store, f"Alert{len(made)}", service=service)
        ref = declare_incident(store, title, Severity.P2, "ana").ref
        attach_group(store, group, ref, "ana")
        made.append(ref)
        return ref

    # The same words; only the service tells them apart.
    other = declared_for("Database connections exhausted", "search")
    same = declared_for("Database connections exhausted", "checkout")
    unrelated = declared_for("Unrelated noise", "billing")
    now = declared_for("Database connections exhausted", "checkout")
    found = similar_incidents(store, now)
    assert [item.ref for item in found][:2] == [same, other]
    assert "service=checkout" in found[0].shared_terms
    assert found[0].score > found[1].score
    # Nothing but the service shared still counts as alike.
    lonely = declared_for("Kafka lag", "billing")
    assert [item.ref for item in similar_incidents(store, lonely)] == [unrelated]
