"""Status-page components named by id or by name: the lookup Statuspage and Cachet share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from commander.connectors.base import Outcome


def statuses_by_id(
    listed: Iterable[Any], wanted: Mapping[str, str], page: str
) -> dict[str, str] | Outcome:
    """``wanted`` (component id or name, any case -> status) keyed by component id.

    ``listed`` is the page's component list as its API answers it; an id wins over a
    name, and of two components with one name the first listed is taken. A name the
    page does not have fails the delivery before anything is posted.
    """
    by_key: dict[str, str] = {}
    for item in listed:
        if not isinstance(item, dict):
            continue
        component_id = str(item.get("id"))
        by_key[component_id] = component_id
        by_key.setdefault(str(item.get("name", "")).casefold(), component_id)
    resolved: dict[str, str] = {}
    for key, status in wanted.items():
        found = by_key.get(key) or by_key.get(key.casefold())
        if found is None:
            return Outcome("failed", error=f"no component {key!r} on this {page}")
        resolved[found] = status
    return resolved
