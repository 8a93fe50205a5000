"""The connector contract (connectors/base.py): what every connector declares."""

from __future__ import annotations

from commander.connectors.base import KINDS, connector_for


def test_every_connector_says_whether_its_provider_recognises_a_repeat() -> None:
    """The outbox resends a post that may have gone out only where this is True."""
    recognising = {kind for kind in KINDS if connector_for(kind).recognises_repeats}
    assert recognising == {"statuspage", "cachet", "matrix", "pagerduty", "email"}
    for kind in KINDS:
        assert isinstance(type(connector_for(kind)).recognises_repeats, bool), kind
