"""Atlassian Statuspage: the first update creates the incident, later ones update it.

The incident id comes back in the Outcome's state. Statuspage has no
idempotency key, so a retry first looks at the open incidents: without an
incident id yet (the create may have landed before a timeout) it takes the one
of the same name instead of opening a second one, and if that incident's newest
update is already this one, the earlier attempt landed and nothing is posted
again. (A retry of an update identical to the previous one is taken as landed.)
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from commander.connectors._components import statuses_by_id
from commander.connectors._http import JsonApi, json_body, text_of
from commander.connectors._markup import markdown_to_plain
from commander.connectors._text import Fitter, single_line
from commander.connectors.base import (
    COMPONENT_STATUSES,
    STATUSES,
    Delivery,
    Message,
    Outcome,
    Rendered,
    Target,
)

if TYPE_CHECKING:
    import requests

DEFAULT_BASE_URL = "https://api.statuspage.io/v1"
COMPONENTS_PER_PAGE = 100  # the API's default and maximum
MAX_COMPONENT_PAGES = 50  # 5,000 components: far beyond any page; stops a server that loops
NAME_LIMIT = 255
BODY_LIMIT = 25_000
IMPACT = {"P0": "critical", "P1": "major", "P2": "minor", "P3": "none", "P4": "none"}


def _error_text(response: requests.Response) -> str:
    data = json_body(response)
    if isinstance(data, dict):
        for key in ("message", "error"):
            value = data.get(key)
            if isinstance(value, list):
                return "; ".join(str(item) for item in value)
            if value:
                return str(value)
    return text_of(response)


def _incident(message: Message, fitter: Fitter, *, create: bool) -> dict[str, Any]:
    incident: dict[str, Any] = {
        "status": message.status,
        "body": fitter.chars("update", markdown_to_plain(message.body), BODY_LIMIT),
        "deliver_notifications": True,
    }
    if create:
        incident["name"] = fitter.chars(
            "incident name", single_line(message.incident_title), NAME_LIMIT
        )
        incident["impact_override"] = IMPACT.get(message.severity, "none")
    if message.components:
        incident["components"] = dict(message.components)
        incident["component_ids"] = list(message.components)
    return incident


def _problem(message: Message, target: Target) -> str | None:
    if message.status not in STATUSES:
        return f"status page status {message.status!r} is not one of {', '.join(STATUSES)}"
    bad = [s for s in message.components.values() if s not in COMPONENT_STATUSES]
    if bad:
        return f"component status {bad[0]!r} is not one of {', '.join(COMPONENT_STATUSES)}"
    if not target.options.get("page_id"):
        return "Statuspage target has no page_id option"
    return None


class StatuspageConnector:
    kind: ClassVar[str] = "statuspage"
    # A retry looks for the incident and its update before posting.
    recognises_repeats: ClassVar[bool] = True

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Statuspage")
        incident = _incident(message, fitter, create=True)
        problem = _problem(message, target)
        if problem:
            fitter.note(problem)
        lines = [incident["name"], f"{message.status.capitalize()} — {incident['body']}"]
        lines += [
            f"{name}: {status.replace('_', ' ')}" for name, status in message.components.items()
        ]
        preview = "\n".join(lines)
        return Rendered(
            preview=preview, payload={"incident": incident}, warnings=tuple(fitter.warnings)
        )

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        """The secret is the API key; option ``page_id`` names the page."""
        problem = _problem(message, target)
        if problem:
            return Outcome("failed", error=problem)
        api = _Api(target, secret, session, timeout)
        resolved = api.component_ids(message.components)
        if isinstance(resolved, Outcome):
            return resolved
        message = _with_components(message, resolved)
        incident_id = delivery.state.get("incident_id")
        fitter = Fitter("Statuspage")
        if delivery.attempt > 1:
            # The last attempt may have landed before its answer was lost: find the
            # incident (by name if it was a create) and see whether it shows our update.
            name = single_line(message.incident_title)[:NAME_LIMIT]
            found = api.unresolved(incident_id, name)
            if isinstance(found, Outcome):
                return found
            if found is not None:
                incident_id = str(found["id"])
                mine = _incident(message, Fitter("Statuspage"), create=False)
                if _shows_update(found, mine):
                    return _sent(found)
        if incident_id:
            body = {"incident": _incident(message, fitter, create=False)}
            answer = api.call("PATCH", f"/incidents/{quote(incident_id, safe='')}", body)
        else:
            answer = api.call(
                "POST", "/incidents", {"incident": _incident(message, fitter, create=True)}
            )
        if isinstance(answer, Outcome):
            return answer
        if not isinstance(answer, dict) or not answer.get("id"):
            return Outcome("failed", error="Statuspage answered without an incident id")
        return _sent(answer)


def _with_components(message: Message, ids: dict[str, str]) -> Message:
    return replace(message, components=ids)


class _Api(JsonApi):
    """Calls under /pages/{page_id} with the API key."""

    def __init__(self, target: Target, secret: str, session: requests.Session, timeout: float):
        base = (target.base_url or DEFAULT_BASE_URL).rstrip("/")
        root = f"{base}/pages/{quote(target.options['page_id'], safe='')}"
        headers = {"Authorization": f"OAuth {secret}"}
        super().__init__(root, secret, headers, session, timeout, _error_text, "Statuspage")

    def component_ids(self, components: dict[str, str]) -> dict[str, str] | Outcome:
        """Component statuses keyed by id, whether the user named them by id or by name."""
        if not components:
            return {}
        listed: list[Any] = []
        # Statuspage answers a plain list per page (page from 1, at most 100 a page) and
        # no total: a short page is the last.
        for page in range(1, MAX_COMPONENT_PAGES + 1):
            found = self.call("GET", f"/components?page={page}&per_page={COMPONENTS_PER_PAGE}")
            if isinstance(found, Outcome):
                return found
            batch = found if isinstance(found, list) else []
            listed.extend(batch)
            if len(batch) < COMPONENTS_PER_PAGE:
                break
        return statuses_by_id(listed, components, "status page")

    def unresolved(self, incident_id: str | None, name: str) -> dict[str, Any] | None | Outcome:
        """The open incident with this id, or without one, the open incident of this name."""
        listed = self.call("GET", "/incidents/unresolved")
        if isinstance(listed, Outcome):
            return listed
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            if str(item["id"]) == incident_id or (not incident_id and item.get("name") == name):
                return item
        return None


def _shows_update(incident: dict[str, Any], update: dict[str, Any]) -> bool:
    """Whether the incident's newest update (Statuspage lists them newest first) is ours."""
    updates = incident.get("incident_updates") or []
    newest = updates[0] if updates and isinstance(updates[0], dict) else {}
    return bool(newest) and (newest.get("body"), newest.get("status")) == (
        update["body"],
        update["status"],
    )


def _sent(incident: dict[str, Any]) -> Outcome:
    state = {"incident_id": str(incident["id"])}
    if incident.get("shortlink"):
        state["shortlink"] = str(incident["shortlink"])
    return Outcome("sent", provider_id=state["incident_id"], state=state)
