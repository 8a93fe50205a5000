"""The composer with two audiences: "Send to" grouped by who reads it, a text and a
preview for customers apart from the responders' one, and Send naming the
customers' targets before anything goes out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QPlainTextEdit

from commander.connectors.base import override_connector
from commander.domain import EntryKind, Severity
from commander.domain.audiences import Audience
from commander.services.messages import list_messages
from commander.services.targets import list_targets, save_target
from commander.services.timeline import log_entry, pin_entry
from tests.support.feature_rig import Rig, rig  # noqa: F401
from tests.support.webhook import KIND, JsonWebhookConnector
from ui import comms
from ui.comms.composer import ComposerDialog
from ui.comms.feature import CommsFeature

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

DECISION = "roll back checkout-api to v2.13.4"


@pytest.fixture
def feature(rig: Rig) -> Iterator[CommsFeature]:  # noqa: F811
    override_connector(KIND, JsonWebhookConnector())
    rig.install(comms.install)
    installed = rig.context.findChild(CommsFeature)
    assert installed is not None
    yield installed
    override_connector(KIND, None)


def _two_audiences(rig: Rig) -> str:  # noqa: F811
    """A status page (public) and a chat target (internal); nothing is reachable, so
    nothing is delivered while the test looks (the outbox records a failure at most)."""
    from commander.services.incidents import declare_incident

    save_target(rig.store, "status", "statuspage", "http://127.0.0.1:9", {"page_id": "p1"})
    save_target(rig.store, "chat", KIND, "http://127.0.0.1:9")
    ref = declare_incident(
        rig.store, "Checkout errors", Severity.P1, "ana", summary="Card payments fail"
    ).ref
    decision = log_entry(rig.store, ref, DECISION, author="ana", kind=EntryKind.DECISION)
    pin_entry(rig.store, decision.id, "ana", True)
    rig.open_incident(ref)
    return ref


def _previews(dialog: ComposerDialog) -> dict[str, tuple[str, str]]:
    """By tab title (its ⚠ aside: the double warns past 100 characters): who reads it
    (the banner) and the preview text."""
    shown = {}
    for index in range(dialog.previews.count()):
        page = dialog.previews.widget(index)
        banner, text = page.findChild(QLabel, "previewAudience"), page.findChild(QPlainTextEdit)
        assert banner is not None and text is not None
        title = dialog.previews.tabText(index).removesuffix(" ⚠")
        shown[title] = (banner.text(), text.toPlainText())
    return shown


def _ready(qtbot: Any, feature: CommsFeature) -> ComposerDialog:
    dialog = feature.compose()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.send_button.isEnabled(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.previews.count() == 2, timeout=10_000)
    return dialog


def test_send_to_is_grouped_by_audience_with_a_text_and_preview_for_each(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    ref = _two_audiences(rig)
    dialog = _ready(qtbot, feature)

    assert dialog.target_tree.groups() == {
        "Responders (internal)": ["chat (mattermost)"],
        "Customers (public)": ["status (statuspage)"],
    }
    tabs = [dialog.audience_tabs.tabText(i) for i in range(dialog.audience_tabs.count())]
    assert tabs == ["Responders (internal)", "Customers (public)"]
    public, internal = dialog.editor(Audience.PUBLIC), dialog.editor(Audience.INTERNAL)
    assert public.template == "customer" and internal.template == "update"
    assert "Title" in public.field_edits and "Title" not in internal.field_edits
    assert public.field_edits["Title"].text() == "Service disruption"

    shown = _previews(dialog)
    assert set(shown) == {"chat · responders", "status · customers"}
    banner, customers_see = shown["status · customers"]
    assert banner == "Customers read this on Status page (status)"
    for word in (ref, "P1", DECISION, "Checkout errors", "Card payments fail"):
        assert word not in customers_see, word
    for word in (ref, "P1", DECISION, "Checkout errors", "Card payments fail"):
        assert word not in public.body_edit.toPlainText(), word
    # The responders' text keeps it all (the double's preview stops at 100 characters).
    assert shown["chat · responders"][1].startswith("**[INCIDENT] Checkout errors**\n**INC-1")
    assert DECISION in internal.body_edit.toPlainText()

    # What a person types into a public field reaches the customers' preview only.
    public.field_edits["Impact"].setText("Some card payments fail")
    public.field_edits["Impact"].textEdited.emit("Some card payments fail")
    qtbot.waitUntil(
        lambda: "Some card payments fail" in _previews(dialog)["status · customers"][1],
        timeout=10_000,
    )
    assert "Some card payments fail" not in _previews(dialog)["chat · responders"][1]

    # Unticking the status page keeps the customers' tab, marked as not sent.
    dialog.target_tree.set_checked("status", False)
    qtbot.waitUntil(lambda: dialog.previews.count() == 1, timeout=10_000)
    assert dialog.audience_tabs.tabText(1) == "Customers (public) — not sent"


def test_send_names_the_public_targets_and_sends_each_its_own_text(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    ref = _two_audiences(rig)
    dialog = _ready(qtbot, feature)

    dialog.send()
    box = dialog.confirmation
    assert box is not None and box.isVisible()
    assert box.text() == "This goes to customers on: Status page (status)."
    assert box.informativeText() == (
        "Customers will read “[INCIDENT] Service disruption” (status investigating). "
        "Responders get their own text."
    )
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(200)
    assert list_messages(rig.store, ref) == [] and dialog.isVisible()

    dialog.send()
    confirm = dialog.confirmation
    assert confirm is not None
    [send] = [b for b in confirm.buttons() if b.text() == "Send"]
    with qtbot.waitSignal(dialog.sent, timeout=10_000):
        send.click()
    sent = list_messages(rig.store, ref)
    assert [(m.audience, m.template, [d.target_name for d in m.deliveries]) for m in sent] == [
        ("internal", "update", ["chat"]),
        ("public", "customer", ["status"]),
    ]
    assert DECISION in sent[0].body and DECISION not in sent[1].body


def test_only_responders_chosen_sends_without_asking(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    ref = _two_audiences(rig)
    dialog = _ready(qtbot, feature)
    dialog.target_tree.set_checked("status", False)
    with qtbot.waitSignal(dialog.sent, timeout=10_000):
        dialog.send()
    assert dialog.confirmation is None
    assert [m.audience for m in list_messages(rig.store, ref)] == ["internal"]


def test_the_targets_dialog_sets_a_targets_audience(
    qtbot: Any,
    rig: Rig,  # noqa: F811
    feature: CommsFeature,
) -> None:
    dialog = feature.edit_targets()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.target_list.count() == 1, timeout=10_000)
    dialog.name_edit.setText("status")
    dialog.kind_box.setCurrentText("statuspage")
    assert dialog.audience_box.currentData() == "public"  # the kind's default
    dialog.kind_box.setCurrentText("email")
    assert dialog.audience_box.currentData() == "internal"
    dialog.audience_box.setCurrentIndex(dialog.audience_box.findData("executive"))
    dialog.name_edit.setText("board")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.target_list.count() == 2, timeout=10_000)
    assert dialog.target_list.item(0).text() == "board (email) · executive"
    assert [(t.name, t.audience) for t in list_targets(rig.store)] == [("board", "executive")]
    # Changed later, it stays what the person chose.
    dialog.audience_box.setCurrentIndex(dialog.audience_box.findData("public"))
    dialog.save()
    qtbot.waitUntil(
        lambda: [t.audience for t in list_targets(rig.store)] == ["public"], timeout=10_000
    )
