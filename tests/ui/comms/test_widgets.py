"""Comms widgets on their own: deliveries model, countdown, outbox runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commander.clock import FrozenClock
from commander.connectors.base import override_connector
from commander.domain import Severity
from commander.services.cadence import CadenceStatus
from commander.views.comms import DeliveryView, MessageView
from tests.support.webhook import KIND, JsonWebhookConnector, Reply, WebhookServer
from ui.comms.cadence_widget import CadenceWidget, countdown
from ui.comms.messages_panel import DeliveriesModel, MessagesPanel
from ui.comms.outbox_runner import OutboxRunner

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _delivery(id_: int, state: str, error: str | None = None) -> DeliveryView:
    return DeliveryView(id_, 1, f"t{id_}", KIND, state, 1, NOW, error, None, None)


def _message(*deliveries: DeliveryView) -> MessageView:
    return MessageView(
        1, 1, "update", "[INCIDENT] x", "body", "investigating", "ana", NOW, deliveries
    )


def test_deliveries_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = DeliveriesModel()
    model.set_messages([_message(_delivery(1, "sent"), _delivery(2, "failed", "HTTP 403"))])
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_panel_offers_retry_only_for_failed_deliveries(qtbot: Any) -> None:
    panel = MessagesPanel()
    qtbot.addWidget(panel)
    panel.show_messages([_message(_delivery(1, "sent"), _delivery(2, "failed", "HTTP 403: bad"))])
    panel.view.selectRow(0)
    assert not panel.retry_button.isEnabled()
    panel.view.selectRow(1)
    assert panel.retry_button.isEnabled()
    with qtbot.waitSignal(panel.retry_requested) as asked:
        panel.retry_button.click()
    assert asked.args == [2]
    panel.update_delivery(_delivery(2, "sent"))
    assert panel.summary.text() == "2 sent"


def test_countdown_text_and_due() -> None:
    status = CadenceStatus(30, True, None, NOW + timedelta(minutes=12, seconds=30))
    assert countdown(status, NOW) == ("Next update in 12:30", False)
    assert countdown(status, NOW + timedelta(minutes=13)) == ("Update overdue by 0:30", True)
    assert countdown(CadenceStatus(None, True, None, None), NOW)[0] == "No scheduled updates"


def test_cadence_widget_highlights_and_announces_once(qtbot: Any, clock: FrozenClock) -> None:
    # The widget reads the app clock on show and on every tick: stop it just before
    # the update falls due, so the test holds whatever day it runs.
    clock.move_to(NOW - timedelta(seconds=1))
    widget = CadenceWidget()
    qtbot.addWidget(widget)
    widget.show_status(CadenceStatus(15, True, None, NOW))
    assert not widget.is_due
    clock.move_to(NOW + timedelta(seconds=5))
    with qtbot.waitSignal(widget.became_due):
        widget.refresh()
    assert widget.is_due and widget.text().startswith("Update overdue by")
    clock.move_to(NOW + timedelta(seconds=6))
    with qtbot.assertNotEmitted(widget.became_due):
        widget.refresh()
    clock.move_to(NOW)
    widget.show_status(CadenceStatus(15, True, NOW, NOW + timedelta(minutes=15)))
    assert not widget.is_due


@pytest.fixture
def outbox_setup(store: Any) -> Iterator[tuple[Any, str, WebhookServer, WebhookServer]]:
    from commander.services.incidents import declare_incident
    from commander.services.targets import save_target

    fast, slow = WebhookServer().start(), WebhookServer(Reply(200, delay=2.0)).start()
    override_connector(KIND, JsonWebhookConnector())
    save_target(store, "fast", KIND, base_url=fast.url, secret="tok-fast")
    save_target(store, "slow", KIND, base_url=slow.url, secret="tok-slow")
    ref = declare_incident(store, "Checkout errors", Severity.P1, author="ana").ref
    yield store, ref, fast, slow
    override_connector(KIND, None)
    fast.stop()
    slow.stop()


def test_runner_delivers_in_parallel_so_a_slow_target_does_not_hold_up_others(
    qtbot: Any, outbox_setup: Any
) -> None:
    from commander.services.messages import compose, get_message, send_message

    store, ref, fast, slow = outbox_setup
    runner = OutboxRunner(interval_ms=200)
    finished: list[DeliveryView] = []
    runner.delivery_finished.connect(finished.append)
    message = send_message(store, compose(store, ref), "ana")
    runner.start(store)
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=15_000)
    runner.stop()
    assert runner.wait(5_000)
    assert [d.target_name for d in finished] == ["fast", "slow"]
    assert {d.state for d in get_message(store, message.id).deliveries} == {"sent"}
    assert len(fast.posts()) == 1 and len(slow.posts()) == 1


def test_a_sent_delivery_shows_the_providers_note_in_the_panel_and_the_cli() -> None:
    from commander.commands.comms import _line
    from ui.comms.messages_panel import DETAIL

    note = "not accepted for: gone@example.com (550 5.1.1 No such user)"
    sent = DeliveryView(1, 1, "mail", "email", "sent", 1, NOW, note, "<id@example.com>", NOW)
    model = DeliveriesModel()
    model.set_messages([_message(sent)])
    assert model.index(0, DETAIL).data() == f"<id@example.com> · {note}"
    assert _line(sent).endswith(f"sent (<id@example.com>): {note}")
