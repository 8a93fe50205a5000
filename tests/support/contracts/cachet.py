"""Cachet 2.4 API under ``/api/v1``: incidents, incident updates, components."""

from __future__ import annotations

import itertools
import math
import re
import threading
from typing import Any

from tests.support.contracts.server import ContractServer, Reply, Request


def _errors(status: int, title: str, detail: str, *details: str) -> Reply:
    error: dict[str, Any] = {"id": "a7f6c0b2", "status": status, "title": title, "detail": detail}
    if details:
        error["meta"] = {"details": list(details)}
    return Reply(status, {"errors": [error]})


def _invalid(*details: str) -> Reply:
    return _errors(
        400, "Bad Request", "The request cannot be fulfilled due to bad syntax.", *details
    )


class CachetServer(ContractServer):
    name = "cachet"

    def __init__(self, token: str = "CachetContractToken0123456789") -> None:
        super().__init__()
        self.token = token
        self.components: dict[int, dict[str, Any]] = {
            1: {"id": 1, "name": "API", "status": 1},
            2: {"id": 2, "name": "Checkout", "status": 1},
        }
        self.incidents: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _components_page(self, request: Request) -> Reply:
        """Cachet's list answer: ``per_page`` (default 20), ``page`` from 1, and
        ``meta.pagination`` with absolute ``links.next_page`` (null on the last page)."""
        try:
            page = max(int(request.query.get("page", ["1"])[0]), 1)
            per_page = max(int(request.query.get("per_page", ["20"])[0]), 1)
        except ValueError:
            return _errors(400, "Bad Request", "page and per_page must be numbers")
        listed = list(self.components.values())
        total_pages = max(math.ceil(len(listed) / per_page), 1)
        shown = listed[(page - 1) * per_page : page * per_page]

        def link(number: int) -> str | None:
            if not 1 <= number <= total_pages:
                return None
            return f"{self.url}/api/v1/components?per_page={per_page}&page={number}"

        pagination = {
            "total": len(listed),
            "count": len(shown),
            "per_page": per_page,
            "current_page": page,
            "total_pages": total_pages,
            "links": {"next_page": link(page + 1), "previous_page": link(page - 1)},
        }
        return Reply(200, {"meta": {"pagination": pagination}, "data": shown})

    def handle(self, request: Request) -> Reply:
        path, method = request.path, request.method
        if not path.startswith("/api/v1/"):
            return _errors(404, "Not Found", "The requested resource could not be found.")
        path = path.removeprefix("/api/v1")
        if method == "GET" and path == "/components":
            return self._components_page(request)
        if method == "GET" and path == "/incidents":
            ordered = sorted(self.incidents.values(), key=lambda i: i["id"], reverse=True)
            return Reply(200, {"meta": {}, "data": ordered})
        if request.header("x-cachet-token") != self.token:
            return _errors(401, "Unauthorized", "You are not authorized to view this content.")
        try:
            body = request.json() if request.body else {}
        except ValueError:
            return _invalid("The body must be JSON.")
        if method == "POST" and path == "/incidents":
            return self._create(body)
        if (found := re.fullmatch(r"/incidents/(\d+)/updates", path)) and method == "POST":
            return self._add_update(int(found[1]), body)
        if (found := re.fullmatch(r"/components/(\d+)", path)) and method == "PUT":
            return self._set_component(int(found[1]), body)
        return _errors(404, "Not Found", "The requested resource could not be found.")

    def _create(self, body: dict[str, Any]) -> Reply:
        details = []
        if not body.get("name"):
            details.append("The name field is required.")
        if body.get("status") not in {0, 1, 2, 3, 4}:
            details.append(
                "The status field is required."
                if "status" not in body
                else "The selected status is invalid."
            )
        if ("component_id" in body) != ("component_status" in body):
            details.append("The component id and component status fields must be present together.")
        if len(str(body.get("name", ""))) > 255:
            details.append("The name may not be greater than 255 characters.")
        if details:
            return _invalid(*details)
        with self._lock:
            incident = {
                "id": next(self._ids),
                "name": body["name"],
                "status": body["status"],
                "message": body.get("message", ""),
                "visible": body.get("visible", 1),
                "updates": [],
            }
            self.incidents[incident["id"]] = incident
        return Reply(200, {"data": incident})

    def _add_update(self, incident_id: int, body: dict[str, Any]) -> Reply:
        incident = self.incidents.get(incident_id)
        if incident is None:
            return _errors(404, "Not Found", "The requested resource could not be found.")
        details = []
        if body.get("status") not in {1, 2, 3, 4}:
            details.append("The status field is required.")
        if not body.get("message"):
            details.append("The message field is required.")
        if details:
            return _invalid(*details)
        with self._lock:
            update = {
                "id": 100 + len(incident["updates"]),
                "incident_id": incident_id,
                "status": body["status"],
                "message": body["message"],
            }
            incident["updates"].append(update)
            incident["status"] = body["status"]
        return Reply(200, {"data": update})

    def _set_component(self, component_id: int, body: dict[str, Any]) -> Reply:
        component = self.components.get(component_id)
        if component is None:
            return _errors(404, "Not Found", "The requested resource could not be found.")
        if body.get("status") not in {0, 1, 2, 3, 4}:
            return _invalid("The selected status is invalid.")
        component["status"] = body["status"]
        return Reply(200, {"data": component})

    def error_reply(self, status: int) -> Reply:
        return _errors(
            status,
            "Internal Server Error",
            "An error has occurred and this resource cannot be displayed.",
        )

    def throttle_reply(self, retry_after: float) -> Reply:
        reply = _errors(429, "Too Many Requests", "Too Many Attempts.")
        reply.headers["Retry-After"] = str(int(retry_after))
        return reply
