"""The connector contract (connectors/base.py): what every connector declares, and what
a provider answers is recorded whatever it holds: a NUL (which the store refuses in every
text) becomes a stand-in, on both backends, instead of an outcome that cannot be kept
(before: stored raw on SQLite, a driver error on PostgreSQL)."""

from __future__ import annotations

from typing import Any

from commander.connectors.base import KINDS, Outcome, connector_for
from commander.domain.limits import NUL_STAND_IN
from commander.services import messages, outbox
from commander.services.incidents import get_incident
from tests.support.webhook import Reply, WebhookServer


def test_every_connector_says_whether_its_provider_recognises_a_repeat() -> None:
    """The outbox resends a post that may have gone out only where this is True."""
    recognising = {kind for kind in KINDS if connector_for(kind).recognises_repeats}
    assert recognising == {"statuspage", "cachet", "matrix", "pagerduty", "email"}
    for kind in KINDS:
        assert isinstance(type(connector_for(kind)).recognises_repeats, bool), kind


def test_an_outcome_keeps_what_the_provider_said_without_nul() -> None:
    outcome = Outcome("sent", provider_id="ts\x001", state={"thread\x00": "t\x00"}, error="a\x00b")
    assert outcome.provider_id == f"ts{NUL_STAND_IN}1"
    assert outcome.state == {f"thread{NUL_STAND_IN}": f"t{NUL_STAND_IN}"}
    assert outcome.error == f"a{NUL_STAND_IN}b"
    plain = {"thread": "1"}
    assert Outcome("sent", state=plain).state is plain


def test_a_providers_error_with_nul_is_recorded(
    store: Any, incident: str, target: str, server: WebhookServer
) -> None:
    server.queue(Reply(404, "no such\x00hook"))
    messages.send_message(store, messages.compose(store, incident), "ana")
    [result] = outbox.deliver_due(store)
    assert (result.state, result.last_error) == ("failed", f"HTTP 404: no such{NUL_STAND_IN}hook")
    assert get_incident(store, incident).timeline[-1].text.endswith(f"no such{NUL_STAND_IN}hook")
