"""Atlassian Statuspage REST v1 under ``/v1``: incidents and components of one page."""

from __future__ import annotations

import itertools
import re
import threading
from datetime import UTC, datetime
from typing import Any

from tests.support.contracts.server import ContractServer, RateWindow, Reply, Request

REALTIME = {"investigating", "identified", "monitoring", "resolved"}
SCHEDULED = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "maintenance", "minor", "major", "critical"}
COMPONENT_STATUSES = {
    "operational",
    "under_maintenance",
    "degraded_performance",
    "partial_outage",
    "major_outage",
}
_PAGE = re.compile(r"^/v1/pages/(?P<page>[^/]+)(?P<rest>/.*)$")


COMPONENTS_PER_PAGE = 100


def _message(status: int, text: str) -> Reply:
    return Reply(status, {"message": text})


class StatuspageServer(ContractServer):
    name = "statuspage"

    def __init__(
        self, api_key: str = "contract-oauth-api-key-0123456789", page_id: str = "kctbh9vrtdwd"
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.page_id = page_id
        self.components: dict[str, dict[str, Any]] = {
            "8kbf7d35c070": {"id": "8kbf7d35c070", "name": "API", "status": "operational"},
            "vtmbs2xk2lcg": {"id": "vtmbs2xk2lcg", "name": "Checkout", "status": "operational"},
        }
        self.incidents: dict[str, dict[str, Any]] = {}
        # 1 request/second per token over a rolling minute: bursts up to 60 are allowed.
        self.rate = RateWindow(60, 60.0)
        self.rate_status = 429  # Statuspage also answers 420
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _components_page(self, request: Request) -> Reply:
        """``page`` (from 1) and ``per_page`` (default and maximum 100), as Statuspage
        paginates the component list since February 2023: a plain list, no total."""
        try:
            page = int(request.query.get("page", ["1"])[0])
            per_page = min(int(request.query.get("per_page", ["100"])[0]), COMPONENTS_PER_PAGE)
        except ValueError:
            return _message(400, "page and per_page must be numbers")
        if page < 1 or per_page < 1:
            return _message(400, "page and per_page must be positive")
        listed = list(self.components.values())
        return Reply(200, listed[(page - 1) * per_page : page * per_page])

    @property
    def api_url(self) -> str:
        return self.url + "/v1"

    def handle(self, request: Request) -> Reply:
        key = self._api_key(request)
        if key is None:
            return Reply(401, {"error": "Could not authenticate"})
        allowed, _ = self.rate.allow(key)
        if not allowed:
            return self.throttle_reply(0)
        match = _PAGE.match(request.path.removesuffix(".json"))
        if not match:
            return _message(404, "Not found")
        if match["page"] != self.page_id:
            return _message(404, "The page you were looking for doesn't exist")
        rest, method = match["rest"], request.method
        if method in {"POST", "PATCH", "PUT"} and request.content_type != "application/json":
            return _message(400, "Content-Type must match the body (application/json)")
        if rest == "/components" and method == "GET":
            return self._components_page(request)
        if rest == "/incidents/unresolved" and method == "GET":
            open_ = [
                i for i in self.incidents.values() if i["status"] not in {"resolved", "completed"}
            ]
            return Reply(200, open_)
        if rest == "/incidents" and method == "POST":
            return self._create(request)
        found = re.fullmatch(r"/incidents/([^/]+)", rest)
        if found and method in {"PATCH", "PUT"}:
            return self._update(found[1], request)
        return _message(404, "Not found")

    def _api_key(self, request: Request) -> str | None:
        auth = request.header("authorization")
        if auth == f"OAuth {self.api_key}":
            return self.api_key
        if request.query.get("api_key") == [self.api_key]:
            return self.api_key
        return None

    def _body(self, request: Request) -> dict[str, Any] | Reply:
        try:
            body = request.json()
        except ValueError:
            return _message(400, "Malformed JSON")
        if not isinstance(body, dict) or not isinstance(body.get("incident"), dict):
            return _message(400, "incident is missing")
        return body["incident"]

    def _validate(self, incident: dict[str, Any], *, create: bool, scheduled: bool) -> Reply | None:
        name = incident.get("name")
        if create and (not isinstance(name, str) or not name.strip()):
            return _message(422, "name can't be blank")
        if name is not None and len(name) > 255:
            return _message(422, "name is too long (maximum is 255 characters)")
        allowed = SCHEDULED if scheduled else REALTIME
        if "status" in incident and incident["status"] not in allowed:
            return _message(422, f"status is not included in the list ({incident['status']})")
        if "impact_override" in incident and incident["impact_override"] not in IMPACTS:
            return _message(422, "impact_override is not included in the list")
        if len(incident.get("body") or "") > 25_000:
            return _message(422, "body is too long (maximum is 25000 characters)")
        components = incident.get("components") or {}
        if components and incident.get("backfilled"):
            return _message(422, "components can't be set on a backfilled incident")
        for component_id, status in components.items():
            if component_id not in self.components:
                return _message(422, f"component {component_id} not found")
            if status not in COMPONENT_STATUSES:
                return _message(422, f"component status is not included in the list ({status})")
        return None

    def _create(self, request: Request) -> Reply:
        incident = self._body(request)
        if isinstance(incident, Reply):
            return incident
        problem = self._validate(incident, create=True, scheduled="scheduled_for" in incident)
        if problem:
            return problem
        with self._lock:
            incident_id = f"p31zjtct{next(self._ids):04d}"
            stored = {
                "id": incident_id,
                "page_id": self.page_id,
                "name": incident["name"],
                "status": incident.get("status", "investigating"),
                "impact": incident.get("impact_override", "none"),
                "shortlink": f"https://stspg.io/{incident_id}",
                "created_at": _now(),
                "incident_updates": [],
                "components": [],
            }
            self.incidents[incident_id] = stored
            self._apply(stored, incident)
        return Reply(201, stored)

    def _update(self, incident_id: str, request: Request) -> Reply:
        stored = self.incidents.get(incident_id)
        if stored is None:
            return _message(404, "Incident not found")
        incident = self._body(request)
        if isinstance(incident, Reply):
            return incident
        problem = self._validate(incident, create=False, scheduled=stored["status"] in SCHEDULED)
        if problem:
            return problem
        with self._lock:
            self._apply(stored, incident)
        return Reply(200, stored)

    def _apply(self, stored: dict[str, Any], incident: dict[str, Any]) -> None:
        stored["status"] = incident.get("status", stored["status"])
        stored["name"] = incident.get("name", stored["name"])
        stored["updated_at"] = _now()
        for component_id, status in (incident.get("components") or {}).items():
            self.components[component_id]["status"] = status
        affected = list((incident.get("components") or {}).keys())
        stored["components"] = [self.components[c] for c in affected] or stored["components"]
        if incident.get("body") or "status" in incident:
            stored["incident_updates"].insert(
                0,
                {
                    "id": f"upd{len(stored['incident_updates']) + 1:06d}",
                    "status": stored["status"],
                    "body": incident.get("body", ""),
                    "affected_components": affected,
                    "deliver_notifications": incident.get("deliver_notifications", True),
                    "display_at": _now(),
                },
            )

    def error_reply(self, status: int) -> Reply:
        return Reply(status, {"error": "Internal Server Error"})

    def throttle_reply(self, retry_after: float) -> Reply:
        # No Retry-After is documented for Statuspage.
        return Reply(self.rate_status, {"error": "Rate limit exceeded"})


def _now() -> str:
    return datetime.now(UTC).isoformat()
