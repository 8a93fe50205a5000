"""Phase checklists as data: what a template says, and reading one from JSON.

A template lists items per phase, plus extra items per severity (a P0 asks
for more than a P3). Every template item has a stable ``key`` derived from its
phase and text, so an incident's checklist can be kept in step with the
template without duplicating items (services/checklist.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from commander.domain.limits import refuse_nul
from commander.domain.phase import Phase
from commander.domain.severity import Severity
from commander.errors import InvalidInputError

ITEM_MAX = 500


@dataclass(frozen=True, slots=True)
class TemplateItem:
    key: str
    phase: Phase
    text: str


@dataclass(frozen=True, slots=True)
class ChecklistTemplate:
    phases: dict[Phase, tuple[str, ...]]
    extras: dict[Severity, dict[Phase, tuple[str, ...]]] = field(default_factory=dict)

    def items_for(self, phase: Phase, severity: Severity) -> list[TemplateItem]:
        """The phase's items for an incident of this severity, base items first."""
        texts = [*self.phases.get(phase, ()), *self.extras.get(severity, {}).get(phase, ())]
        seen: set[str] = set()
        items = []
        for text in texts:
            key = template_key(phase, text)
            if key not in seen:
                seen.add(key)
                items.append(TemplateItem(key, phase, text))
        return items

    def overridden_by(self, other: ChecklistTemplate) -> ChecklistTemplate:
        """This template with the phases and severities ``other`` names replaced."""
        extras = dict(self.extras)
        extras.update(other.extras)
        return ChecklistTemplate({**self.phases, **other.phases}, extras)


def template_key(phase: Phase, text: str) -> str:
    digest = hashlib.sha1(f"{phase.value}\n{text.strip()}".encode()).hexdigest()
    return f"{phase.value}:{digest[:16]}"


def parse_template(data: Any, source: str) -> ChecklistTemplate:
    """Read the JSON shape of ``resources/checklists/default.json`` or explain what is wrong.

    ``source`` names the file in the message, so a person knows what to fix.
    """
    if not isinstance(data, dict):
        raise InvalidInputError(f"{source}: expected a JSON object with a 'phases' key")
    unknown = set(data) - {"format", "version", "phases", "severity_extras"}
    if unknown:
        raise InvalidInputError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}")
    phases = _phase_lists(data.get("phases", {}), f"{source}: phases")
    extras_data = data.get("severity_extras", {})
    if not isinstance(extras_data, dict):
        raise InvalidInputError(f"{source}: severity_extras must be an object keyed by P0..P4")
    extras: dict[Severity, dict[Phase, tuple[str, ...]]] = {}
    for level, lists in extras_data.items():
        try:
            severity = Severity.parse(str(level))
        except InvalidInputError as error:
            raise InvalidInputError(f"{source}: severity_extras: {error}") from None
        extras[severity] = _phase_lists(lists, f"{source}: severity_extras.{severity.value}")
    return ChecklistTemplate(phases, extras)


def _phase_lists(data: Any, where: str) -> dict[Phase, tuple[str, ...]]:
    if not isinstance(data, dict):
        raise InvalidInputError(f"{where} must be an object keyed by phase name")
    result: dict[Phase, tuple[str, ...]] = {}
    for name, items in data.items():
        try:
            phase = Phase.parse(str(name))
        except InvalidInputError as error:
            raise InvalidInputError(f"{where}: {error}") from None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise InvalidInputError(f"{where}.{phase.value} must be a list of strings")
        texts = tuple(check_item_text(i, f"{where}.{phase.value}") for i in items)
        result[phase] = texts
    return result


def check_item_text(text: str, where: str = "checklist item") -> str:
    cleaned = " ".join(refuse_nul(text, where).split())
    if not cleaned:
        raise InvalidInputError(f"{where}: an item needs some text")
    if len(cleaned) > ITEM_MAX:
        raise InvalidInputError(
            f"{where}: an item is {len(cleaned)} characters; keep it under {ITEM_MAX}"
        )
    return cleaned
