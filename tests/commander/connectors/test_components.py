"""The component lookup and the status vocabulary Statuspage and Cachet share."""

from __future__ import annotations

from commander.connectors import cachet
from commander.connectors._components import statuses_by_id
from commander.connectors.base import COMPONENT_STATUSES, STATUSES, Outcome

LISTED = [
    {"id": "c1", "name": "Checkout"},
    {"id": "c2", "name": "checkout"},  # same name, other case: the first listed wins
    {"id": 7, "name": "Search"},
    "not a component",
]


def test_components_are_found_by_id_or_by_name_in_any_case() -> None:
    wanted = {"CHECKOUT": "major_outage", "7": "operational", "c2": "partial_outage"}
    assert statuses_by_id(LISTED, wanted, "status page") == {
        "c1": "major_outage",
        "7": "operational",
        "c2": "partial_outage",
    }


def test_an_unknown_component_fails_and_names_the_page() -> None:
    outcome = statuses_by_id(LISTED, {"Payments": "major_outage"}, "Cachet page")
    assert outcome == Outcome("failed", error="no component 'Payments' on this Cachet page")


def test_cachet_maps_every_status_of_the_shared_vocabulary() -> None:
    assert set(cachet.INCIDENT_STATUS) == set(STATUSES)
    assert set(cachet.COMPONENT_STATUS) == set(COMPONENT_STATUSES)
