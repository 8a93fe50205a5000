"""Audiences in the core: each target gets the text its readers may see, a public text
is made of what a person wrote for customers, and the core refuses the rest."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import func, select, update

from commander.domain import EntryKind, Severity
from commander.domain.audiences import AudienceMismatchError
from commander.errors import InvalidInputError
from commander.services import messages, outbox, templates
from commander.services.incidents import change_severity, get_incident
from commander.services.targets import list_targets, save_target, set_audience
from commander.services.timeline import log_entry, pin_entry
from commander.store.orm_comms import CommsDelivery, CommsMessage, CommsTarget
from tests.support.contracts.statuspage import StatuspageServer
from tests.support.webhook import KIND, WebhookServer

DECISION = "roll back checkout-api to v2.13.4"
ALERT = "ALERT HighErrorRate firing: checkout-api-7d9f on db-eu-3 5xx at 42%"
# Nothing of these may reach customers unless a person types it into a public field.
INTERNAL_WORDS = (
    "INC-",
    "P0",
    "P1",
    "Critical",
    "High",
    "checkout-api",
    "v2.13.4",
    "HighErrorRate",
    "db-eu-3",
    "Decision",
    "roll back",
    "Checkout errors",  # the internal title
    "Card payments fail",  # the internal summary
    "Pool exhausted",  # a hypothesis
)


def _status_target(store: Any, name: str = "status", **server: str) -> None:
    save_target(
        store,
        name,
        "statuspage",
        base_url=server.get("url", "https://api.statuspage.io"),
        options={"page_id": server.get("page_id", "page1")},
        secret=server.get("key", "key-1"),
    )


def _seed_internal_entries(store: Any, ref: str) -> None:
    """A busy incident as responders wrote it: decision, alert, hypothesis, severity."""
    decision = log_entry(store, ref, DECISION, author="ana", kind=EntryKind.DECISION)
    alert = log_entry(store, ref, ALERT, author="alertmanager")
    log_entry(store, ref, "Pool exhausted on db-eu-3?", author="bo", kind=EntryKind.HYPOTHESIS)
    log_entry(store, ref, "Paged the DBA on-call", author="bo", kind=EntryKind.ACTION)
    for entry in (decision, alert):
        pin_entry(store, entry.id, "ana", True)
    change_severity(store, ref, Severity.P0, author="ana", reason="all regions down")


def _count(store: Any, table: Any) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_statuspage_and_cachet_are_public_by_default_others_internal(store: Any) -> None:
    save_target(store, "cachet", "cachet", base_url="https://status.example.com")
    _status_target(store)
    save_target(store, "ops", "slack", options={"channel": "C1"})
    save_target(store, "mail", "email", options={"to": "ops@example.com"})
    save_target(store, "board", "email", audience="executive")
    audiences = {t.name: t.audience for t in list_targets(store)}
    assert audiences == {
        "board": "executive",
        "cachet": "public",
        "mail": "internal",
        "ops": "internal",
        "status": "public",
    }
    with pytest.raises(InvalidInputError, match="unknown audience 'press'"):
        save_target(store, "press", "email", audience="press")


def test_the_core_refuses_an_internal_text_to_a_public_target(
    store: Any, incident: str, target: str
) -> None:
    _status_target(store)
    entries = len(get_incident(store, incident).timeline)
    for template, audience in (
        ("update", "internal"),
        ("executive", "executive"),
        ("resolved", "internal"),
    ):
        with pytest.raises(AudienceMismatchError) as refused:
            messages.send_message(store, messages.compose(store, incident, template), "ana")
        assert str(refused.value) == (
            f"not sent: “{template}” is an {audience} text; Status page (status) is a "
            "target for customers (public) and may only get a public text"
        )
    # Refused whole: not even the internal target got it, and nothing was written.
    assert _count(store, CommsMessage) == 0 and _count(store, CommsDelivery) == 0
    assert len(get_incident(store, incident).timeline) == entries
    # A public text may go to anyone.
    sent = messages.send_message(store, messages.compose(store, incident, "customer"), "ana")
    assert sent.audience == "public"
    assert {d.target_name for d in sent.deliveries} == {"ops-chat", "status"}


def test_a_message_cannot_claim_another_audience_than_its_template(
    store: Any, incident: str
) -> None:
    from dataclasses import replace

    _status_target(store)
    disguised = replace(messages.compose(store, incident), audience="public")
    with pytest.raises(InvalidInputError, match="template update is written for responders"):
        messages.send_message(store, disguised, "ana", ["status"])
    assert _count(store, CommsMessage) == 0


def test_one_send_gives_each_target_its_own_audiences_text(
    store: Any, incident: str, target: str
) -> None:
    _status_target(store)
    save_target(store, "board", KIND, base_url="http://127.0.0.1:9", audience="executive")
    texts = messages.compose_for_targets(store, incident)
    assert [(t.template, t.audience) for t in texts] == [
        ("update", "internal"),
        ("customer", "public"),
        ("executive", "executive"),
    ]
    sent = messages.send_update(store, texts, "ana")
    routed = {m.audience: [d.target_name for d in m.deliveries] for m in sent}
    assert routed == {"internal": ["ops-chat"], "public": ["status"], "executive": ["board"]}
    kinds = [e.kind for e in get_incident(store, incident).timeline]
    assert kinds.count("message") == 3

    # Without an executive text, the executive target gets the public one, never ours.
    internal, public, _executive = messages.compose_for_targets(store, incident)
    [to_board] = messages.send_update(store, [internal, public], "ana", ["board"])
    assert to_board.audience == "public"
    with pytest.raises(AudienceMismatchError, match="for executives"):
        messages.send_update(store, [internal], "ana", ["board", "ops-chat"])


def test_a_public_text_holds_no_ref_severity_or_internal_entry(
    store: Any, incident: str, target: str
) -> None:
    _status_target(store)
    _seed_internal_entries(store, incident)
    messages.send_message(store, messages.compose(store, incident), "ana", ["ops-chat"])

    internal, public = messages.compose_for_targets(store, incident)
    assert public.audience == "public" and public.template == "customer"
    shown = "\n".join(
        [public.headline, public.body, public.incident_title, *public.fields.values()]
    )
    for word in INTERNAL_WORDS:
        assert word not in shown, word
    assert public.incident_title == messages.DEFAULT_PUBLIC_TITLE
    assert "- None yet" in public.body  # customers were told nothing yet
    # Responders' text keeps everything (the same send, the other audience).
    assert DECISION in internal.body and "INC-1" in internal.body and ALERT in internal.body


def test_public_updates_so_far_list_only_what_customers_were_told(
    store: Any, incident: str, target: str
) -> None:
    _status_target(store)
    _seed_internal_entries(store, incident)
    typed = {"Title": "Checkout is failing", "Impact": "Some card payments fail"}
    texts = messages.compose_for_targets(store, incident, overrides=typed)
    messages.send_update(store, texts, "ana")
    messages.send_message(store, messages.compose(store, incident), "ana", [target])

    again = messages.compose(store, incident, "customer")
    # What a person typed for customers stays as the next public update's default.
    assert again.fields["Title"] == "Checkout is failing"
    assert again.incident_title == "Checkout is failing"
    assert again.fields["Impact"] == "Some card payments fail"
    listed = again.body.split("**Updates so far**")[1].split("**Next update:**")[0]
    [line] = listed.strip().splitlines()  # the one public update, not the internal ones
    assert line.endswith("— Investigating: Some card payments fail")
    for word in INTERNAL_WORDS:
        assert word not in again.body, word
    # Responders see what customers were told, marked as such.
    assert "Customers told: Investigating: Some card payments fail" in (
        messages.compose(store, incident).body
    )


def test_statuspage_receives_only_the_public_text(
    store: Any, incident: str, target: str, server: WebhookServer, statuspage_server: Any
) -> None:
    status: StatuspageServer = statuspage_server
    _status_target(store, url=status.api_url, page_id=status.page_id, key=status.api_key)
    _seed_internal_entries(store, incident)
    typed = {"Impact": "Card payments may fail for some customers"}
    texts = messages.compose_for_targets(store, incident, overrides=typed)
    sent = messages.send_update(store, texts, "ana")
    left = outbox.drain(store, time.monotonic() + 10, [m.id for m in sent], timeout=5)
    assert left == []

    [created] = status.incidents.values()
    received = "\n".join(request.text for request in status.requests)
    for word in INTERNAL_WORDS:
        assert word not in received, word
    assert created["name"] == messages.DEFAULT_PUBLIC_TITLE
    assert "Card payments may fail for some customers" in created["incident_updates"][0]["body"]
    # The chat target, in the same send, got the responders' text.
    [post] = server.posts()
    assert DECISION in post.body["text"] and "INC-1" in post.body["text"]


def test_changing_a_targets_audience_fails_what_its_new_readers_may_not_see(
    store: Any, incident: str, target: str
) -> None:
    internal = messages.send_message(store, messages.compose(store, incident), "ana")
    public = messages.send_message(store, messages.compose(store, incident, "customer"), "ana")
    set_audience(store, target, "public", author="ana")

    states = {m.audience: m.deliveries[0] for m in messages.list_messages(store, incident)}
    assert states["public"].state == "pending"  # customers may read this one
    assert states["internal"].state == "failed"
    assert states["internal"].last_error == (
        "not sent: ops-chat is now a target for customers (public) and this text was "
        "written for responders"
    )
    last = get_incident(store, incident).timeline[-1]
    assert last.kind == EntryKind.DELIVERY and last.text.startswith("Not delivered to ops-chat")
    assert public.id != internal.id
    with pytest.raises(InvalidInputError, match="unknown audience"):
        set_audience(store, target, "everyone", author="ana")


def test_the_outbox_never_posts_a_text_its_target_may_not_read(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    """Whatever wrote the row (here: an edit below the services), the last guard holds."""
    sent = messages.send_message(store, messages.compose(store, incident), "ana")
    with store.write() as session:
        session.execute(update(CommsTarget).values(audience="public"))
    [view] = outbox.deliver_due(store, message_ids=[sent.id])
    assert view.state == "failed" and "is an internal text" in (view.last_error or "")
    assert server.posts() == []


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("audience: public\nheadline: $ref down\n---\n$status", "cannot use $ref in the headline"),
        (
            "audience: public\nheadline: $title\n---\n$updates and $severity",
            "cannot use $severity, $updates in the body",
        ),
        ("audience: press\nheadline: x\n---\nbody", "line 1: audience 'press' is not one of"),
    ],
)
def test_a_public_template_may_use_only_public_fields(
    store: Any, incident: str, text: str, complaint: str
) -> None:
    folder = templates.user_template_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leaky.md").write_text(text)
    with pytest.raises(InvalidInputError) as caught:
        messages.compose(store, incident, "leaky")
    assert complaint in str(caught.value) and "leaky.md" in str(caught.value)


def test_a_public_text_needs_a_title(store: Any, incident: str) -> None:
    with pytest.raises(InvalidInputError, match="a public update needs a title"):
        messages.compose(store, incident, "customer", {"Title": "  "})
    with pytest.raises(InvalidInputError, match="unknown field"):
        messages.compose(store, incident, "update", {"Title": "x"})
