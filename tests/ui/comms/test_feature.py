"""The comms feature on its own: composer, messages tab, countdown, targets, outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commander.connectors.base import override_connector
from commander.domain import Severity
from commander.domain.changes import Aspect
from commander.views.changes import Changes
from tests.support.feature_rig import Rig, rig  # noqa: F401
from tests.support.secret_stores import stored_secret
from tests.support.webhook import KIND, JsonWebhookConnector, Reply, WebhookServer
from ui import comms
from ui.comms.feature import CommsFeature

# Offscreen Qt says this whenever a dialog is shown; it is not a problem of ours.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


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


def _add_target(rig: Rig, name: str, kind: str, url: str) -> None:  # noqa: F811
    from commander.services.targets import save_target

    save_target(rig.store, name, kind, base_url=url, secret=f"tok-{name}")


def _open_incident(rig: Rig) -> str:  # noqa: F811
    from commander.services.incidents import declare_incident

    ref = declare_incident(
        rig.store, "Checkout errors", Severity.P1, "ana", summary="Card payments fail"
    ).ref
    rig.open_incident(ref)
    return ref


def test_install_adds_the_comms_menu_the_tab_the_countdown_and_the_delivery_lines(
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    actions = [a.text() for a in rig.shell.actions["&Comms"]]
    assert actions == [
        "&Compose update…",
        "Update &cadence…",
        "Create incident c&hannel…",
        "&Targets…",
    ]
    assert rig.shell.action("Compose update…").shortcut().toString() == "Ctrl+Shift+U"
    assert rig.shell.side_panels == {}  # built with the first incident, not at start-up
    _open_incident(rig)
    assert rig.shell.side_panels["Comms"] is feature.panel
    assert rig.shell.header_widgets == [feature.header]


def test_compose_preview_send_and_watch_it_land(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
    server: WebhookServer,
    tmp_path: Path,
) -> None:
    server.queue(Reply(403, {"error": "channel_not_found"}))
    _add_target(rig, "chat", KIND, server.url)
    _add_target(rig, "pager", "pagerduty", "http://127.0.0.1:9")
    _open_incident(rig)
    cadence = feature.cadence
    assert cadence is not None
    qtbot.waitUntil(lambda: cadence.text().startswith("Next update in"), timeout=10_000)
    dialog = feature.compose()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10_000)
    assert dialog.headline_edit.text() == "[INCIDENT] Checkout errors"
    assert dialog.field_edits["Impact"].text() == "Card payments fail"
    qtbot.waitUntil(lambda: dialog.previews.count() == 2, timeout=10_000)
    assert "⚠" in dialog.previews.tabText(0)  # the double warns past 100 characters
    dialog.grab().save(str(tmp_path / "composer.png"))
    dialog.target_tree.set_checked("pager", False)
    dialog.field_edits["ETA"].setText("14:00 UTC")
    dialog.field_edits["ETA"].textEdited.emit("14:00 UTC")
    qtbot.waitUntil(lambda: "**ETA:** 14:00 UTC" in dialog.body_edit.toPlainText(), timeout=10_000)
    dialog.send()
    panel = feature.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "failed", timeout=15_000)
    assert "channel_not_found" in (panel.model.delivery_at(0).last_error or "")
    panel.view.selectRow(0)
    panel.retry_button.click()
    qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "sent", timeout=15_000)
    assert "**ETA:** 14:00 UTC" in server.posts()[-1].body["text"]
    rig.shell.widget.grab().save(str(tmp_path / "window.png"))


def test_sending_an_update_announces_it_and_does_not_reopen_the_incident(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
    server: WebhookServer,
) -> None:
    _add_target(rig, "chat", KIND, server.url)
    ref = _open_incident(rig)
    qtbot.waitUntil(lambda: feature.panel is not None and rig.idle(), timeout=10_000)
    announced: list[Changes] = []
    reloads: list[str] = []
    rig.context.changed.connect(announced.append)
    feature.reloaded.connect(reloads.append)
    dialog = feature.compose()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10_000)
    with qtbot.assertNotEmitted(rig.context.incident_requested, wait=300):
        with qtbot.waitSignal(dialog.sent, timeout=10_000):
            dialog.send()
        qtbot.waitUntil(lambda: reloads[:1] == [ref], timeout=10_000)
        qtbot.waitUntil(lambda: server.posts() != [], timeout=15_000)
        # The runner announces the delivery's outcome as this window's own write.
        qtbot.waitUntil(lambda: len(announced) == 2, timeout=10_000)
        qtbot.wait(300)  # a further reload would have come by now
    assert reloads == [ref, ref]  # once per announcement: the message, then its delivery
    sent, delivered = announced
    assert rig.context.incident is not None
    assert sent.incident_id == delivered.incident_id == rig.context.incident.id
    assert {Aspect.COMMS, Aspect.ENTRIES} <= sent.aspects
    assert [entry.kind for entry in sent.entries] == ["message"]
    # The delivery, and in the same write the app's tick of "Communicate status".
    assert [entry.kind for entry in delivered.entries] == ["checklist", "delivery"]
    assert rig.opened == []


def test_a_change_to_another_incident_or_aspect_does_not_reload_the_tab(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    _open_incident(rig)
    assert rig.context.incident is not None
    incident_id = rig.context.incident.id
    qtbot.waitUntil(rig.idle, timeout=10_000)
    reloads: list[str] = []
    feature.reloaded.connect(reloads.append)
    rig.context.changed.emit(Changes(incident_id + 1, frozenset({Aspect.COMMS})))
    rig.context.changed.emit(Changes(incident_id, frozenset({Aspect.ROLES, Aspect.ENTRIES})))
    qtbot.wait(200)
    assert reloads == []
    rig.context.changed.emit(Changes(incident_id, frozenset({Aspect.COMMS})))
    qtbot.waitUntil(lambda: len(reloads) == 1, timeout=10_000)
    # A severity or phase change moves the countdown: one reload, whatever else changed.
    rig.context.changed.emit(Changes(incident_id, frozenset({Aspect.HEADER, Aspect.COMMS})))
    qtbot.waitUntil(lambda: len(reloads) == 2, timeout=10_000)
    qtbot.wait(200)
    assert len(reloads) == 2


def test_targets_dialog_adds_a_target_with_its_secret_and_shows_the_warning(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    dialog = feature.edit_targets()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.warning.isVisible(), timeout=10_000)
    assert "readable only by your user account" in dialog.warning.text()
    dialog.name_edit.setText("status")
    dialog.kind_box.setCurrentText("statuspage")
    dialog.options_edit.setPlainText("page_id=abc123")
    dialog.secret_edit.setText("tok-98765")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.target_list.count() == 2, timeout=10_000)
    assert stored_secret(rig.store, "status") == "tok-98765"
    assert dialog.secret_edit.text() == ""
    qtbot.waitUntil(lambda: dialog.secret_state.text() == "A secret is stored.", timeout=10_000)
    dialog.base_url_edit.setText("http://status.example.com")
    dialog.save()
    qtbot.waitUntil(lambda: "https" in dialog.problem.text(), timeout=10_000)


def test_an_overdue_update_is_highlighted_and_announced(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    from datetime import timedelta

    from commander.domain.when import utc_now
    from commander.services.incidents import declare_incident

    ref = declare_incident(
        rig.store, "Database down", Severity.P0, author="bo", now=utc_now() - timedelta(minutes=20)
    ).ref
    rig.open_incident(ref)
    cadence = feature.cadence
    assert cadence is not None
    qtbot.waitUntil(lambda: cadence.is_due, timeout=10_000)
    # P0: an update every 15 min, declared 20 min ago.
    assert cadence.text().startswith("Update overdue by 5:")
    qtbot.waitUntil(lambda: any("was due" in s for s in rig.shell.status), timeout=5_000)


def test_deliveries_left_by_a_closed_app_go_out_when_the_store_opens(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    server: WebhookServer,
) -> None:
    from datetime import timedelta

    from commander.services import outbox
    from commander.services.incidents import declare_incident
    from commander.services.messages import compose, get_message, send_message

    store = rig.store
    _add_target(rig, "chat", KIND, server.url)
    ref = declare_incident(store, "Checkout errors", Severity.P1, author="bo").ref
    half_sent = send_message(store, compose(store, ref), "bo")
    # The last app claimed it and closed before recording anything; its lease has run out.
    outbox.claim_due(store, owner="closed-app", lease=timedelta(seconds=-1))
    queued = send_message(store, compose(store, ref), "bo")  # never attempted
    rig.install(comms.install)

    def states() -> set[str]:
        return {d.state for m in (half_sent, queued) for d in get_message(store, m.id).deliveries}

    qtbot.waitUntil(lambda: states() == {"sent"}, timeout=15_000)
    assert len(server.posts()) == 2


def test_a_post_a_crashed_app_may_have_made_shows_failed_with_retry(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    """Its sender died after the post to Discord went out (no idempotency key): the
    runner's next claim fails it as "may have been posted", announces it, and the tab
    offers Retry, as after a timeout; nothing is posted until the person retries."""
    from datetime import timedelta

    from commander.domain.when import utc_now
    from commander.services import deliveries, outbox
    from commander.services.messages import compose, send_message
    from commander.services.targets import save_target
    from tests.support.contracts.discord import DiscordServer

    runner = feature.runner
    assert runner is not None
    discord = DiscordServer().start()
    try:
        store = rig.store
        save_target(store, "chat", "discord", secret=discord.webhook_url)
        ref = _open_incident(rig)
        panel = feature.panel
        assert panel is not None
        runner.stop()  # another app (the one that crashes) sends it
        qtbot.waitUntil(lambda: not runner.worker.busy(), timeout=10_000)
        send_message(store, compose(store, ref), "bo")
        [claim] = outbox.claim_due(store, owner="crashed-app", lease=timedelta(seconds=-1))
        with store.write() as session:
            deliveries.start_attempt(
                session, claim.delivery_id, claim.owner, claim.attempt, utc_now()
            )
        feature.reload()
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
        assert panel.model.delivery_at(0).state == "sending"

        runner.start(store)
        qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "failed", timeout=10_000)
        assert "may have been posted" in (panel.model.delivery_at(0).last_error or "")
        assert discord.requests == []
        panel.view.selectRow(0)
        assert panel.retry_button.isEnabled()
        panel.retry_button.click()
        qtbot.waitUntil(lambda: panel.model.delivery_at(0).state == "sent", timeout=15_000)
        assert len(discord.messages) == 1
    finally:
        discord.stop()
