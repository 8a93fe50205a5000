"""The app ticks the item an event does, once, as the app; a person's untick stands
against that event, not against the next one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from commander.domain import EntryKind, Phase, Severity
from commander.domain.auto_checks import RULES, Happening
from commander.domain.deploys import DeployChange, DeployKind
from commander.domain.roles import Role
from commander.domain.when import utc_now
from commander.services import messages, outbox
from commander.services.checklist import (
    check_item,
    checklist,
    mark_not_applicable,
    uncheck_item,
)
from commander.services.deploys import record_deploy
from commander.services.incidents import change_phase, change_severity
from commander.services.roles import assign_role, set_roles
from commander.services.targets import save_target
from commander.services.timeline import read_timeline
from tests.support.contracts.pagerduty import PagerDutyServer
from tests.support.contracts.statuspage import StatuspageServer
from tests.support.webhook import KIND, Reply, WebhookServer

SECRET = "s3cret-token-XYZ"
ROLLBACK = DeployChange(DeployKind.ROLLBACK, "v1.4.2", "v1.4.3", "payments")
HOTFIX = DeployChange(DeployKind.HOTFIX, "v1.4.4")


def item(store: Any, ref: str, happening: Happening) -> Any:
    rule = RULES[happening]
    [found] = [i for i in checklist(store, ref).of_phase(rule.phase) if i.text == rule.item]
    return found


def ticks(store: Any, ref: str, happening: Happening) -> list[str]:
    text = RULES[happening].item
    return [
        e.author
        for e in read_timeline(store, ref)
        if e.kind is EntryKind.CHECKLIST
        and e.data is not None
        and (e.data["action"], e.data["text"]) == ("check", text)
    ]


def test_every_rule_names_an_item_of_the_shipped_template() -> None:
    from commander.services.checklist_templates import load_template

    template = load_template().template
    for happening, rule in RULES.items():
        texts = {i.text for s in Severity for i in template.items_for(rule.phase, s)}
        assert rule.item in texts, happening


@pytest.mark.parametrize(
    ("change", "happening", "reason"),
    [
        (ROLLBACK, Happening.ROLLBACK_RECORDED, "rollback recorded"),
        (HOTFIX, Happening.HOTFIX_RECORDED, "hotfix recorded"),
    ],
)
def test_a_recorded_deploy_ticks_its_item_once_as_the_app(
    store: Any, incident: str, change: DeployChange, happening: Happening, reason: str
) -> None:
    entry = record_deploy(store, incident, change, author="bo")
    done = item(store, incident, happening)
    assert (done.checked_by, done.auto_reason, done.checked_at) == (
        "app",
        reason,
        entry.recorded_at,
    )
    assert done.auto_mark == f"✓ (auto: {reason})"
    record_deploy(store, incident, change, author="bo")
    assert ticks(store, incident, happening) == ["app"]
    [logged] = [e for e in read_timeline(store, incident) if e.text.startswith("Checked")]
    assert logged.text == f"Checked “{RULES[happening].item}” (Mitigate), auto: {reason}"
    assert logged.data is not None and logged.data["by_app"] is True


def test_an_undone_tick_is_not_redone_by_its_event_but_by_a_later_one(
    store: Any, incident: str
) -> None:
    assign_role(store, incident, Role.COMMANDER, "Ana", author="ana")
    assert item(store, incident, Happening.IC_ASSIGNED).checked_by == "app"
    undone = uncheck_item(store, incident, RULES[Happening.IC_ASSIGNED].item, author="ana")
    assert not undone.checked and undone.auto_reason is None
    assert read_timeline(store, incident)[-1].text == (
        "Unchecked “Assign an Incident Commander” (Triage), ticked by the app: IC assigned"
    )
    # Ana is still IC when a Scribe joins: the same event, the person's untick stands.
    assign_role(store, incident, Role.SCRIBE, "Bo", author="ana")
    change_severity(store, incident, Severity.P2, author="ana")
    assert not item(store, incident, Happening.IC_ASSIGNED).checked
    # A new IC is a new event.
    assign_role(store, incident, Role.COMMANDER, "Cy", author="ana")
    assert item(store, incident, Happening.IC_ASSIGNED).checked_by == "app"
    assert ticks(store, incident, Happening.IC_ASSIGNED) == ["app", "app"]


def test_the_roles_dialog_path_ticks_the_ic_item_too(store: Any, incident: str) -> None:
    set_roles(store, incident, {Role.COMMANDER: ["Ana"], Role.SCRIBE: ["Bo"]}, author="ana")
    assert item(store, incident, Happening.IC_ASSIGNED).auto_reason == "IC assigned"


def test_a_persons_check_or_not_applicable_is_left_alone(store: Any, incident: str) -> None:
    check_item(store, incident, RULES[Happening.ROLLBACK_RECORDED].item, author="bo")
    mark_not_applicable(
        store, incident, RULES[Happening.HOTFIX_RECORDED].item, "no hotfix path", author="bo"
    )
    record_deploy(store, incident, ROLLBACK, author="cy")
    record_deploy(store, incident, HOTFIX, author="cy")
    rolled = item(store, incident, Happening.ROLLBACK_RECORDED)
    assert (rolled.checked_by, rolled.auto_reason) == ("bo", None)
    hotfix = item(store, incident, Happening.HOTFIX_RECORDED)
    assert hotfix.not_applicable and not hotfix.checked


def test_two_seats_recording_rollbacks_at_once_tick_once(store: Any, incident: str) -> None:
    checklist(store, incident)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: record_deploy(store, incident, ROLLBACK, f"seat-{n}"), range(4)))
    assert ticks(store, incident, Happening.ROLLBACK_RECORDED) == ["app"]


# -- deliveries (the outbox, against local servers) -------------------------------------


def _send(store: Any, ref: str, targets: list[str]) -> int:
    """One update, each target its audience's text (the targets here share one)."""
    texts = messages.compose_for_targets(store, ref, targets)
    [sent] = messages.send_update(store, texts, "ana", targets)
    return sent.id


def test_an_update_delivered_ticks_communicate_status_and_undo_holds_for_that_update(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    backup = WebhookServer(Reply(503, {"error": "busy"})).start()
    try:
        save_target(store, "backup", KIND, base_url=backup.url, secret=SECRET)
        _send(store, incident, [target, "backup"])
        outbox.deliver_due(store)  # ops-chat takes it, backup is busy
        status = item(store, incident, Happening.UPDATE_DELIVERED)
        assert (status.checked_by, status.auto_mark) == ("app", "✓ (auto: update delivered)")
        assert not item(store, incident, Happening.PUBLIC_UPDATE_DELIVERED).checked
        assert not item(store, incident, Happening.PAGE_SENT).checked
        uncheck_item(store, incident, status.id, author="ana")

        backup.default = Reply(200, {"id": "post-9"})
        later = utc_now() + timedelta(hours=1)
        [view] = outbox.deliver_due(store, later)  # the same update reaches backup
        assert view.state == "sent"
        assert not item(store, incident, Happening.UPDATE_DELIVERED).checked
    finally:
        backup.stop()
    _send(store, incident, [target])  # a new update is a new event
    outbox.deliver_due(store, later + timedelta(minutes=1))
    assert item(store, incident, Happening.UPDATE_DELIVERED).checked_by == "app"


def test_a_public_update_ticks_the_status_page_item_from_resolve_on(
    store: Any, incident: str, statuspage_server: StatuspageServer
) -> None:
    server = statuspage_server
    options = {"page_id": server.page_id}
    save_target(
        store,
        "status",
        "statuspage",
        base_url=server.api_url,
        options=options,
        secret=server.api_key,
    )
    first = _send(store, incident, ["status"])
    outbox.drain(store, _seconds(10), [first])
    # An "investigating" post is not the resolution notice the Resolve item asks for.
    assert item(store, incident, Happening.UPDATE_DELIVERED).checked_by == "app"
    assert not item(store, incident, Happening.PUBLIC_UPDATE_DELIVERED).checked
    change_phase(store, incident, Phase.RESOLVE, author="ana")
    second = _send(store, incident, ["status"])
    outbox.drain(store, _seconds(10), [second])
    page = item(store, incident, Happening.PUBLIC_UPDATE_DELIVERED)
    assert page.auto_mark == "✓ (auto: public update delivered)"


def test_a_pagerduty_delivery_ticks_page_the_on_call_engineer(
    store: Any, incident: str, pagerduty_server: PagerDutyServer
) -> None:
    server = pagerduty_server
    save_target(store, "pd", "pagerduty", base_url=server.url, secret=server.routing_key)
    sent = _send(store, incident, ["pd"])
    outbox.drain(store, _seconds(10), [sent])
    assert len(server.alerts) == 1
    paged = item(store, incident, Happening.PAGE_SENT)
    assert (paged.checked_by, paged.auto_reason) == ("app", "PagerDuty page sent")


def _seconds(seconds: float) -> float:
    import time

    return time.monotonic() + seconds
