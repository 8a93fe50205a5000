"""Cachet 2.x (self-hosted status page), API under ``{base_url}/api/v1``.

The first update creates an incident; later ones add incident updates to it.
A retry first looks at the incident (by name if the create's answer was lost):
if it already shows this text (the incident's own message, or its newest
update where Cachet lists updates), the earlier attempt landed and nothing is
posted again.
Component statuses are set first with ``PUT /components/{id}`` (repeatable
without harm), so a failure there never leaves a half-posted update. Cachet
renders Markdown to HTML, so &, < and > in the text are sent as entities.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from commander.connectors._components import statuses_by_id
from commander.connectors._http import JsonApi, json_body, text_of
from commander.connectors._text import Fitter, single_line
from commander.connectors.base import Delivery, Message, Outcome, Rendered, Target

if TYPE_CHECKING:
    import requests

NAME_LIMIT = 255
PER_PAGE = 100  # components a page (Cachet answers 20 unless asked)
MAX_PAGES = 50  # 5,000 components: far beyond any page; stops a server that loops
INCIDENT_STATUS = {"investigating": 1, "identified": 2, "monitoring": 3, "resolved": 4}
# Cachet 2 has no "under maintenance" component status: performance issues is the nearest.
COMPONENT_STATUS = {
    "operational": 1,
    "degraded_performance": 2,
    "under_maintenance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}


def _api_root(base_url: str) -> str:
    base = base_url.rstrip("/")
    return base if base.endswith("/api/v1") else f"{base}/api/v1"


def _error_text(response: requests.Response) -> str:
    data = json_body(response)
    if isinstance(data, dict) and isinstance(data.get("errors"), list) and data["errors"]:
        first = data["errors"][0]
        if isinstance(first, dict):
            details = (first.get("meta") or {}).get("details") or []
            text = str(first.get("detail") or first.get("title") or "")
            return f"{text} {' '.join(str(d) for d in details)}".strip()
    return text_of(response)


def _problem(message: Message, target: Target) -> str | None:
    if not target.base_url:
        return "Cachet is self-hosted: set the target's base URL (https://status.example.com)"
    if message.status not in INCIDENT_STATUS:
        return f"status page status {message.status!r} is not one of {', '.join(INCIDENT_STATUS)}"
    bad = [s for s in message.components.values() if s not in COMPONENT_STATUS]
    if bad:
        return f"component status {bad[0]!r} is not one of {', '.join(COMPONENT_STATUS)}"
    return None


class CachetConnector:
    kind: ClassVar[str] = "cachet"
    # A retry looks for the incident and its update before posting.
    recognises_repeats: ClassVar[bool] = True

    def render(self, message: Message, target: Target) -> Rendered:
        fitter = Fitter("Cachet")
        incident = _incident(message, fitter)
        problem = _problem(message, target)
        if problem:
            fitter.note(problem)
        if "under_maintenance" in message.components.values():
            fitter.note(
                "Cachet 2 has no 'under maintenance' component status: shown as performance issues"
            )
        lines = [incident["name"], f"{message.status.capitalize()} — {message.body}"]
        lines += [
            f"{name}: {status.replace('_', ' ')}" for name, status in message.components.items()
        ]
        return Rendered(preview="\n".join(lines), payload=incident, warnings=tuple(fitter.warnings))

    def deliver(
        self,
        message: Message,
        target: Target,
        secret: str,
        delivery: Delivery,
        session: requests.Session,
        timeout: float,
    ) -> Outcome:
        """The secret is an API token (X-Cachet-Token)."""
        problem = _problem(message, target)
        if problem:
            return Outcome("failed", error=problem)
        api = _Api(_api_root(target.base_url or ""), secret, session, timeout)
        components = api.component_ids(message.components)
        if isinstance(components, Outcome):
            return components
        for component_id, status in components.items():
            done = api.call(
                "PUT",
                f"/components/{quote(component_id, safe='')}",
                {"status": COMPONENT_STATUS[status]},
            )
            if isinstance(done, Outcome):
                return done
        incident = _incident(message, Fitter("Cachet"))
        incident_id = delivery.state.get("incident_id")
        if delivery.attempt > 1:
            # The last attempt may have landed before its answer was lost: find the
            # incident (by name if it was a create) and see whether it shows this text.
            found = api.open_incident(incident_id, incident["name"])
            if isinstance(found, Outcome):
                return found
            if found is not None:
                landed = _landed(found, incident, create=not incident_id)
                incident_id = str(found.get("id"))
                if landed is not None:
                    return landed
        if incident_id:
            body = {"status": incident["status"], "message": incident["message"]}
            answer = api.call("POST", f"/incidents/{quote(incident_id, safe='')}/updates", body)
        else:
            answer = api.call("POST", "/incidents", incident)
        if isinstance(answer, Outcome):
            return answer
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict) or "id" not in data:
            return Outcome("failed", error="Cachet answered without an id")
        if incident_id:
            return Outcome(
                "sent",
                provider_id=incident_id,
                state={"incident_id": incident_id, "update_id": str(data["id"])},
            )
        new_id = str(data["id"])
        return Outcome("sent", provider_id=new_id, state={"incident_id": new_id})


def _incident(message: Message, fitter: Fitter) -> dict[str, Any]:
    return {
        "name": fitter.chars("incident name", single_line(message.incident_title), NAME_LIMIT),
        "status": INCIDENT_STATUS.get(message.status, 1),
        "message": html.escape(message.body, quote=False),
        "visible": 1,
        "notify": True,
    }


class _Api(JsonApi):
    def __init__(self, root: str, secret: str, session: requests.Session, timeout: float):
        headers = {"X-Cachet-Token": secret, "Accept": "application/json"}
        super().__init__(root, secret, headers, session, timeout, _error_text, "Cachet")

    def _list(self, path: str) -> list[dict[str, Any]] | Outcome:
        answer = self.call("GET", path)
        if isinstance(answer, Outcome):
            return answer
        return _items(answer)

    def _list_all(self, path: str) -> list[dict[str, Any]] | Outcome:
        """Every page of a list: Cachet names the next one in
        ``meta.pagination.links.next_page`` (null on the last page)."""
        listed: list[dict[str, Any]] = []
        page = 1
        for _ in range(MAX_PAGES):
            answer = self.call("GET", f"{path}&page={page}")
            if isinstance(answer, Outcome):
                return answer
            listed.extend(_items(answer))
            following = _next_page(answer)
            if following is None or following <= page:
                break
            page = following
        return listed

    def component_ids(self, components: dict[str, str]) -> dict[str, str] | Outcome:
        if not components:
            return {}
        listed = self._list_all(f"/components?per_page={PER_PAGE}")
        if isinstance(listed, Outcome):
            return listed
        return statuses_by_id(listed, components, "Cachet page")

    def open_incident(self, incident_id: str | None, name: str) -> dict[str, Any] | None | Outcome:
        """The incident with this id, or without one, the open incident of this name."""
        listed = self._list("/incidents?sort=id&order=desc&per_page=50")
        if isinstance(listed, Outcome):
            return listed
        for item in listed:
            if item.get("id") is None:
                continue
            if incident_id:
                if str(item["id"]) == incident_id:
                    return item
            elif item.get("name") == name and item.get("status") != INCIDENT_STATUS["resolved"]:
                return item
        return None


def _items(answer: Any) -> list[dict[str, Any]]:
    data = answer.get("data") if isinstance(answer, dict) else None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _next_page(answer: Any) -> int | None:
    """The page number in ``meta.pagination.links.next_page``, or None on the last page.

    Only its number is taken: the link is an absolute URL, and the token goes to the
    target's own base URL, never to a host an answer names."""
    try:
        link = answer["meta"]["pagination"]["links"]["next_page"]
    except (KeyError, TypeError):
        return None
    if not isinstance(link, str):
        return None
    pages = parse_qs(urlsplit(link).query).get("page") or []
    return int(pages[0]) if pages and pages[0].isdigit() else None


def _landed(found: dict[str, Any], incident: dict[str, Any], *, create: bool) -> Outcome | None:
    """The sent Outcome if ``found`` already shows this text, else None (send it)."""
    mine = (incident["message"], incident["status"])
    updates = found.get("updates")
    newest = updates[-1] if isinstance(updates, list) and updates else None
    incident_id = str(found["id"])
    if create and not updates and (found.get("message"), found.get("status")) == mine:
        return Outcome("sent", provider_id=incident_id, state={"incident_id": incident_id})
    if isinstance(newest, dict) and (newest.get("message"), newest.get("status")) == mine:
        state = {"incident_id": incident_id, "update_id": str(newest.get("id"))}
        return Outcome("sent", provider_id=incident_id, state=state)
    return None
