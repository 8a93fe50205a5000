"""Labels an incident kept from its alerts (``service=checkout``), as people read them.

An incident may hold several values of one label (two alerts from two clusters);
they are shown together, ``cluster=eu-1,eu-2``. The labels that say where an
incident is come first, in the order people look for them, then the rest by name.
"""

from __future__ import annotations

from collections.abc import Iterable

# The labels that say whose and where (Prometheus' usual names), in this order.
LEADING = ("service", "team", "cluster", "namespace", "environment", "env", "region", "job")
SERVICE = "service"

Label = tuple[str, str]


def grouped(labels: Iterable[Label]) -> list[tuple[str, list[str]]]:
    """Each label name with its values (sorted), leading names first, then by name."""
    values: dict[str, set[str]] = {}
    for name, value in labels:
        values.setdefault(name, set()).add(value)
    rank = {name: index for index, name in enumerate(LEADING)}
    names = sorted(values, key=lambda name: (rank.get(name, len(rank)), name))
    return [(name, sorted(values[name])) for name in names]


def labels_text(labels: Iterable[Label], separator: str = " ") -> str:
    """``service=checkout team=payments cluster=eu-1,eu-2``; "" when there are none."""
    return separator.join(f"{name}={','.join(values)}" for name, values in grouped(labels))


def values_of(labels: Iterable[Label], name: str) -> list[str]:
    return sorted({value for label, value in labels if label == name})
