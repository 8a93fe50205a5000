"""The header's delivery lines and the Comms tab's failing deliveries, in the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commander.clock import FrozenClock
from commander.connectors.base import override_connector, unconfirmed_failure
from commander.domain import Severity
from commander.views.comms import Standing, TargetStanding
from tests.support.feature_rig import Rig, rig  # noqa: F401
from tests.support.webhook import KIND, JsonWebhookConnector, Reply, WebhookServer
from ui import comms
from ui.comms.delivery_status import DeliveryStatus
from ui.comms.feature import CommsFeature

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_the_lines_say_failing_sent_and_given_up_and_the_failures_are_red(
    qtbot: Any, clock: FrozenClock
) -> None:
    widget = DeliveryStatus()
    qtbot.addWidget(widget)
    assert widget.isHidden()  # no update sent yet
    cannot = "cannot connect to status.example.com: connection refused"
    widget.show_standings(
        (
            TargetStanding("Status page", "Status page", Standing.FAILING, T0, cannot, T0, 1),
            TargetStanding(
                "Slack", "Slack", Standing.SENT, T0 + timedelta(minutes=3), None, None, 2
            ),
            TargetStanding(
                "Mail", "Mail", Standing.FAILED, T0, "gave up after 10 attempts", None, 3
            ),
        )
    )
    clock.move_to(T0 + timedelta(minutes=8, seconds=5))
    widget.refresh()
    assert widget.texts == [
        f"Status page: failing for 8 min — {cannot}",
        "Slack: sent 10:03Z",
        "Mail: not delivered — gave up after 10 attempts",
    ]
    assert [line.property("alarming") for line in widget.lines] == [True, False, True]
    assert widget.lines[0].toolTip().startswith(f"Status page: failing for 8 min — {cannot}")
    widget.show_standings(())
    assert widget.isHidden() and widget.lines == []


@pytest.fixture
def server() -> Iterator[WebhookServer]:
    running = WebhookServer().start()
    override_connector(KIND, JsonWebhookConnector())
    yield running
    override_connector(KIND, None)
    running.stop()


@pytest.fixture
def feature(rig: Rig) -> CommsFeature:  # noqa: F811
    rig.install(comms.install)
    installed = rig.context.findChild(CommsFeature)
    assert installed is not None
    return installed


def _incident_with_target(rig: Rig, url: str) -> str:  # noqa: F811
    from commander.services.incidents import declare_incident
    from commander.services.targets import save_target

    save_target(rig.store, "status", KIND, base_url=url, secret="tok-status")
    ref = declare_incident(rig.store, "Checkout errors", Severity.P1, "ana").ref
    rig.open_incident(ref)
    return ref


def _delivery_entries(rig: Rig, ref: str) -> list[Any]:  # noqa: F811
    from commander.services.incidents import get_incident

    return [e for e in get_incident(rig.store, ref).timeline if e.kind == "delivery"]


def test_a_failing_delivery_turns_the_header_red_and_a_silent_retry_still_updates_it(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
    server: WebhookServer,
) -> None:
    from commander.services.messages import compose, send_message

    server.default = Reply(503, headers={"Retry-After": "0"})  # due again at once
    ref = _incident_with_target(rig, server.url)
    assert rig.shell.header_widgets == [feature.header]
    status, panel, runner = feature.status, feature.panel, feature.runner
    assert status is not None and panel is not None and runner is not None
    runner.stop()  # the test makes each attempt happen
    qtbot.waitUntil(lambda: not runner.worker.busy(), timeout=10_000)
    send_message(rig.store, compose(rig.store, ref), "ana")
    reads: list[str] = []
    feature.status_reloaded.connect(reads.append)

    runner.start(rig.store)  # attempt 1: starts failing, with its entry
    qtbot.waitUntil(lambda: len(server.posts()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: bool(status.lines) and status.texts[0].startswith("status: failing"))
    assert status.lines[0].property("alarming") is True
    runner.stop()
    qtbot.waitUntil(lambda: not runner.worker.busy(), timeout=10_000)
    reads.clear()
    runner.start(rig.store)  # attempt 2: no entry, yet the header and the tab read again
    qtbot.waitUntil(lambda: len(server.posts()) == 2, timeout=10_000)
    runner.stop()
    qtbot.waitUntil(lambda: reads != [] and panel.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: panel.model.delivery_at(0).attempts == 2, timeout=10_000)
    assert len(_delivery_entries(rig, ref)) == 1
    assert status.texts[0].startswith("status: failing for ")
    assert status.texts[0].endswith("HTTP 503")
    assert panel.model.index(0, 1).data() == "failing ×2"


def test_may_have_been_posted_offers_mark_sent_and_send_again(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
    server: WebhookServer,
) -> None:
    from commander.clock import now
    from commander.services import outbox
    from commander.services.messages import compose, send_message

    ref = _incident_with_target(rig, server.url)
    status, panel, runner = feature.status, feature.panel, feature.runner
    assert status is not None and panel is not None and runner is not None
    runner.stop()
    qtbot.waitUntil(lambda: not runner.worker.busy(), timeout=10_000)
    for _ in range(2):  # two updates whose posts timed out after sending
        send_message(rig.store, compose(rig.store, ref), "ana")
        [claim] = outbox.claim_due(rig.store)
        timed_out = unconfirmed_failure("timed out: hooks.example.com did not answer within 15 s")
        outbox.record_outcome(rig.store, claim, timed_out, now())
    feature.reload()
    feature.reload_status()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(lambda: "may have been posted" in " ".join(status.texts), timeout=10_000)
    assert panel.model.index(0, 1).data() == "may have been posted"
    panel.view.selectRow(0)
    assert panel.retry_button.text() == "Send again" and panel.retry_button.isEnabled()
    assert panel.mark_sent_button.text() == "It was posted: mark sent"
    assert panel.mark_sent_button.isEnabled()
    assert panel.hint.text().startswith("This update may have been posted to status")

    panel.mark_sent_button.click()  # the newest: a person saw it on the page
    qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "sent", timeout=10_000)
    qtbot.waitUntil(lambda: status.texts[0].startswith("status: sent "), timeout=10_000)
    assert status.lines[0].property("alarming") is False
    assert server.posts() == []
    last = _delivery_entries(rig, ref)[-1]
    assert last.text.endswith("reached status: marked sent") and last.author == rig.context.author()

    runner.start(rig.store)
    panel.view.selectRow(1)
    panel.retry_button.click()  # the older one was not there: send it again
    qtbot.waitUntil(lambda: panel.model.delivery_at(1).state == "sent", timeout=15_000)
    assert len(server.posts()) == 1
