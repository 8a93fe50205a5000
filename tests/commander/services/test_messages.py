"""Composing from templates, sending (one transaction), cadence, targets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from commander.domain import EntryKind, Phase, Severity
from commander.domain.deploys import DeployKind, make_change
from commander.domain.when import utc_now
from commander.errors import InvalidInputError
from commander.services import cadence, messages, templates
from commander.services.deploys import record_deploy
from commander.services.incidents import change_phase, change_severity, get_incident
from commander.services.targets import list_targets, remove_target, save_target
from commander.services.timeline import log_entry, pin_entry
from commander.store.orm_comms import CommsDelivery, CommsMessage
from tests.commander.conftest import SECRET
from tests.support.secret_stores import stored_secret
from tests.support.webhook import KIND


def test_update_template_has_the_seed_shape(store: Any, incident: str) -> None:
    message = messages.compose(store, incident)
    assert message.headline == "[INCIDENT] Checkout errors"
    for label in (
        "**Status:** Investigating",
        "**Impact:** Card payments fail",
        "**ETA:** Unknown",
    ):
        assert label in message.body
    assert "**Next update:** by " in message.body
    assert message.status == "investigating" and message.page_action == "trigger"
    assert set(message.fields) == set(messages.FIELDS)


def test_updates_so_far_list_pinned_entries_and_earlier_messages(
    store: Any, incident: str, target: str
) -> None:
    entry = log_entry(store, incident, "Rolled back deploy 42", author="ana")
    log_entry(store, incident, "not pinned chatter", author="ana")
    pin_entry(store, entry.id, "ana", True)
    messages.send_message(store, messages.compose(store, incident), author="ana")
    body = messages.compose(store, incident).body
    assert "Rolled back deploy 42" in body and "not pinned chatter" not in body
    assert "— Investigating: Card payments fail" in body
    customer = messages.compose(store, incident, "customer").body
    assert "Rolled back deploy 42" not in customer  # internal notes stay internal
    # Customers' "updates so far" are what customers were told: nothing yet.
    assert "Card payments fail" not in customer and "- None yet" in customer


def test_internal_updates_so_far_list_severity_changes_and_deploys_unpinned(
    store: Any, incident: str
) -> None:
    change_severity(store, incident, Severity.P0, "ana", reason="all regions")
    change = make_change(DeployKind.ROLLBACK, "v2.13.4", "v2.14.0", what="checkout-api")
    record_deploy(store, incident, change, "bo")
    record_deploy(store, incident, make_change(DeployKind.HOTFIX, "v2.13.5"), "bo")
    log_entry(store, incident, "unpinned chatter", author="ana")
    body = messages.compose(store, incident).body
    updates = body.split("**Updates so far**")[1].split("**Next update:**")[0]
    lines = [line.split(" — ", 1)[1] for line in updates.strip().splitlines()]
    assert lines == [
        "Raised severity P1 → P0 (Critical): all regions",
        change.describe(),
        make_change(DeployKind.HOTFIX, "v2.13.5").describe(),
    ]
    assert "Raised severity" not in messages.compose(store, incident, "customer").body


@pytest.mark.parametrize(
    ("phase", "wording"),
    [(Phase.TRIAGE, "identified"), (Phase.MITIGATE, "monitoring"), (Phase.RESOLVE, "resolved")],
)
def test_status_wording_follows_the_phase(
    store: Any, incident: str, phase: Phase, wording: str
) -> None:
    change_phase(store, incident, phase, author="ana")
    assert messages.compose(store, incident).status == wording


def test_overrides_replace_fields_and_status(store: Any, incident: str) -> None:
    message = messages.compose(
        store,
        incident,
        overrides={"ETA": "14:00 UTC"},
        status="identified",
        components={"api": "major_outage"},
    )
    assert "**ETA:** 14:00 UTC" in message.body and "**Status:** Identified" in message.body
    assert message.status == "identified" and message.components == {"api": "major_outage"}
    with pytest.raises(InvalidInputError, match="unknown field"):
        messages.compose(store, incident, overrides={"Colour": "red"})
    with pytest.raises(InvalidInputError, match="unknown status"):
        messages.compose(store, incident, status="on fire")


def test_resolved_template_resolves(store: Any, incident: str) -> None:
    message = messages.compose(store, incident, "resolved")
    assert message.headline.startswith("[RESOLVED]")
    assert message.status == "resolved" and message.page_action == "resolve"
    assert "None planned" in message.body


def test_every_shipped_template_composes(store: Any, incident: str) -> None:
    for name in templates.SHIPPED:
        message = messages.compose(store, incident, name)
        if message.audience == "public":  # customers see the public title, not ours
            assert message.headline == "[INCIDENT] Service disruption"
        else:
            assert "Checkout errors" in message.headline


def _user_template(name: str, text: str) -> Path:
    folder = templates.user_template_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text)
    return path


def test_a_user_template_overrides_the_shipped_one(store: Any, incident: str) -> None:
    _user_template("update", "headline: UPDATE $ref\n---\nStatus $status, cost $$0\n")
    message = messages.compose(store, incident)
    assert message.headline == f"UPDATE {incident}"
    assert message.body == "Status Investigating, cost $0"
    _user_template("war-room", "headline: $title\n---\n$updates\n")
    assert "war-room" in templates.template_names()


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("no header\n---\nbody", "line 1: expected 'key: value'"),
        ("headline: x\n", "no '---' line"),
        ("description: d\n---\nbody", "needs a 'headline:'"),
        ("headline: x\n---\n$nope is here", "unknown field(s) $nope"),
        ("headline: x\n---\ncosts $5", "not followed by a field name"),
    ],
)
def test_malformed_template_is_a_clear_error(
    store: Any, incident: str, text: str, complaint: str
) -> None:
    path = _user_template("broken", text)
    with pytest.raises(InvalidInputError) as caught:
        messages.compose(store, incident, "broken")
    assert complaint in str(caught.value) and str(path) in str(caught.value)


def test_unknown_template(store: Any, incident: str) -> None:
    with pytest.raises(InvalidInputError, match="no message template 'memo'"):
        messages.compose(store, incident, "memo")
    with pytest.raises(InvalidInputError, match="template name"):
        messages.compose(store, incident, "../../etc/passwd")


def test_send_writes_message_deliveries_and_entry_together(
    store: Any, incident: str, target: str
) -> None:
    save_target(store, "status", KIND, base_url="https://status.example.com")
    sent = messages.send_message(store, messages.compose(store, incident), author="ana")
    assert [d.target_name for d in sent.deliveries] == ["ops-chat", "status"]
    assert {d.state for d in sent.deliveries} == {"pending"}
    timeline = get_incident(store, incident).timeline
    assert timeline[-1].kind == EntryKind.MESSAGE and "ops-chat, status" in timeline[-1].text
    assert messages.list_messages(store, incident)[0].deliveries == sent.deliveries


def test_send_to_an_unknown_target_changes_nothing(store: Any, incident: str, target: str) -> None:
    with pytest.raises(InvalidInputError, match="unknown target"):
        messages.send_message(store, messages.compose(store, incident), "ana", ["ops-chat", "nope"])
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(CommsMessage)) == 0
        assert session.scalar(select(func.count()).select_from(CommsDelivery)) == 0
    assert get_incident(store, incident).timeline[-1].kind == EntryKind.DECLARED


def test_send_without_targets_says_how_to_add_one(store: Any, incident: str) -> None:
    with pytest.raises(InvalidInputError, match="commander target add"):
        messages.send_message(store, messages.compose(store, incident), "ana")


def test_cadence_defaults_by_severity_and_counts_from_the_last_message(
    store: Any, incident: str, target: str
) -> None:
    declared = get_incident(store, incident).declared_at
    status = cadence.cadence_status(store, incident)
    assert status.minutes == 30 and status.is_default  # P1
    assert status.due_at == declared + timedelta(minutes=30)
    later = utc_now() + timedelta(minutes=5)
    messages.send_message(store, messages.compose(store, incident), "ana", now=later)
    assert cadence.next_update_due(store, incident) == later + timedelta(minutes=30)


def test_cadence_is_editable_with_a_timeline_entry(store: Any, incident: str) -> None:
    status = cadence.set_cadence(store, incident, 10, author="ana")
    assert status.minutes == 10 and not status.is_default
    assert get_incident(store, incident).timeline[-1].kind == EntryKind.CADENCE
    assert cadence.set_cadence(store, incident, 0, author="ana").due_at is None
    assert cadence.set_cadence(store, incident, None, author="ana").minutes == 30
    with pytest.raises(InvalidInputError):
        cadence.set_cadence(store, incident, -1, author="ana")


def test_p3_has_no_cadence(store: Any) -> None:
    from commander.domain import Severity
    from commander.services.incidents import declare_incident

    ref = declare_incident(store, "Typo on the pricing page", Severity.P3, author="ana").ref
    assert cadence.next_update_due(store, ref) is None
    assert "when there is news" in messages.compose(store, ref).body


def test_targets_keep_no_secret_in_the_database(store: Any, target: str) -> None:
    with store.read() as session:
        rows = session.execute(select(CommsDelivery.__table__.metadata.tables["targets"])).all()
    assert SECRET not in repr(rows)
    assert stored_secret(store, target) == SECRET
    assert [t.name for t in list_targets(store)] == [target]


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://status.example.com", "must use https"),
        ("ftp://x", "not an http"),
        ("https://user:pw@x.example", "credentials"),
    ],
)
def test_target_base_url_rules(store: Any, url: str, complaint: str) -> None:
    with pytest.raises(InvalidInputError, match=complaint):
        save_target(store, "x", KIND, base_url=url)
    assert list_targets(store) == []


def test_target_names_are_unique_and_kinds_known(store: Any, target: str) -> None:
    with pytest.raises(InvalidInputError, match="exists"):
        save_target(store, target, KIND, base_url="http://127.0.0.1:1")
    with pytest.raises(InvalidInputError, match="unknown target kind"):
        save_target(store, "y", "carrier-pigeon")


def test_removing_a_target_fails_its_pending_deliveries_and_forgets_the_secret(
    store: Any, incident: str, target: str
) -> None:
    sent = messages.send_message(store, messages.compose(store, incident), "ana")
    remove_target(store, target, author="ana")
    assert stored_secret(store, target) is None
    delivery = messages.get_message(store, sent.id).deliveries[0]
    assert delivery.state == "failed" and "removed" in (delivery.last_error or "")
    assert get_incident(store, incident).timeline[-1].kind == EntryKind.DELIVERY


def test_a_plain_http_webhook_url_secret_is_refused_without_quoting_it(store: Any) -> None:
    hook = "http://hooks.example.com/services/T0/B0/sekrit"
    with pytest.raises(InvalidInputError) as caught:
        save_target(store, "chat", KIND, secret=hook)
    assert "https" in str(caught.value) and "sekrit" not in str(caught.value)
    assert list_targets(store) == [] and stored_secret(store, "chat") is None
    save_target(store, "local", KIND, secret="http://127.0.0.1:8080/hook")
