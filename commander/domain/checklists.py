"""Phase checklists as data: what a template says, and reading one from JSON.

A template lists items per phase, plus extra items per severity (a P0 asks
for more than a P3). Every template item has a stable ``key`` derived from its
phase and text, so an incident's checklist can be kept in step with the
template without duplicating items (services/checklist_sync.py).

An item may name a ``slot``: items sharing a slot are one duty at different
strengths (who is assigned, how often updates go out, when the review is
due), so an incident holds one of them, never a stack (``wanted_items``).
A ``{minutes}`` in an item's text is the update cadence in force.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from commander.domain.limits import refuse_nul
from commander.domain.phase import Phase
from commander.domain.severity import Severity
from commander.errors import InvalidInputError

ITEM_MAX = 500
# Replaced by the update cadence in force, in minutes ("every {minutes} minutes").
CADENCE_MINUTES = "{minutes}"
_SLOT = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One item as a template file writes it: its text and, maybe, its slot."""

    text: str
    slot: str | None = None


@dataclass(frozen=True, slots=True)
class TemplateItem:
    key: str
    phase: Phase
    text: str
    slot: str | None = None
    position: int = 0  # its place in the phase's list (base items first)


@dataclass(frozen=True, slots=True)
class ChecklistTemplate:
    phases: dict[Phase, tuple[ItemSpec, ...]]
    extras: dict[Severity, dict[Phase, tuple[ItemSpec, ...]]] = field(default_factory=dict)

    def items_for(self, phase: Phase, severity: Severity) -> list[TemplateItem]:
        """The phase's items as written for this severity, base items first (slots not
        resolved, ``{minutes}`` not filled in)."""
        specs = [*self.phases.get(phase, ()), *self.extras.get(severity, {}).get(phase, ())]
        seen: set[str] = set()
        items = []
        for position, spec in enumerate(specs):
            key = template_key(phase, spec.text)
            if key not in seen:
                seen.add(key)
                items.append(TemplateItem(key, phase, spec.text, spec.slot, position))
        return items

    def wanted_items(
        self, reached: Collection[Severity], cadence_minutes: int | None
    ) -> list[TemplateItem]:
        """What an incident that has had these severities holds now.

        Every phase's base items, and the extras of every level reached (a P0
        lowered to P3 still owes its bridge call). Of the items sharing a slot,
        only the strictest level's: lowering the severity does not undo a duty
        the incident once had (a Scribe, the 48-hour review). An item with
        ``{minutes}`` is written with the cadence in force, and is not wanted
        while there is none.
        """
        levels = sorted(set(reached), key=lambda severity: severity.rank)
        taken: set[str] = set()
        wanted: list[TemplateItem] = []
        for phase in Phase:
            base = self.phases.get(phase, ())
            found: dict[str, TemplateItem] = {}
            # The strictest level first, so it takes the slots; base items last.
            for level in [*levels, None]:
                specs = base if level is None else self.extras.get(level, {}).get(phase, ())
                first = 0 if level is None else len(base)
                for index, spec in enumerate(specs):
                    if spec.slot is not None:
                        if spec.slot in taken:
                            continue
                        taken.add(spec.slot)
                    text = _with_cadence(spec.text, cadence_minutes)
                    if text is None:
                        continue
                    key = template_key(phase, text)
                    if key not in found:
                        found[key] = TemplateItem(key, phase, text, spec.slot, first + index)
            wanted += sorted(found.values(), key=lambda item: item.position)
        return wanted

    def overridden_by(self, other: ChecklistTemplate) -> ChecklistTemplate:
        """This template with the phases and severities ``other`` names replaced."""
        extras = dict(self.extras)
        extras.update(other.extras)
        return ChecklistTemplate({**self.phases, **other.phases}, extras)


def _with_cadence(text: str, minutes: int | None) -> str | None:
    if CADENCE_MINUTES not in text:
        return text
    return text.replace(CADENCE_MINUTES, str(minutes)) if minutes else None


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
    extras: dict[Severity, dict[Phase, tuple[ItemSpec, ...]]] = {}
    for level, lists in extras_data.items():
        try:
            severity = Severity.parse(str(level))
        except InvalidInputError as error:
            raise InvalidInputError(f"{source}: severity_extras: {error}") from None
        extras[severity] = _phase_lists(lists, f"{source}: severity_extras.{severity.value}")
    return ChecklistTemplate(phases, extras)


def _phase_lists(data: Any, where: str) -> dict[Phase, tuple[ItemSpec, ...]]:
    if not isinstance(data, dict):
        raise InvalidInputError(f"{where} must be an object keyed by phase name")
    result: dict[Phase, tuple[ItemSpec, ...]] = {}
    slots: set[str] = set()
    for name, items in data.items():
        try:
            phase = Phase.parse(str(name))
        except InvalidInputError as error:
            raise InvalidInputError(f"{where}: {error}") from None
        if not isinstance(items, list):
            raise InvalidInputError(f"{where}.{phase.value} must be a list of strings")
        specs = tuple(_item_spec(item, f"{where}.{phase.value}") for item in items)
        for spec in specs:
            if spec.slot is not None and spec.slot in slots:
                raise InvalidInputError(f"{where}: two items share the slot {spec.slot!r}")
            if spec.slot is not None:
                slots.add(spec.slot)
        result[phase] = specs
    return result


def _item_spec(item: Any, where: str) -> ItemSpec:
    """A string, or an object with ``text`` and ``slot``."""
    if isinstance(item, str):
        return ItemSpec(check_item_text(item, where))
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise InvalidInputError(
            f"{where} must be a list of strings (or objects with a text and a slot)"
        )
    unknown = set(item) - {"text", "slot"}
    if unknown:
        raise InvalidInputError(f"{where}: unknown item key(s) {', '.join(sorted(unknown))}")
    slot = item.get("slot")
    if slot is not None and not (isinstance(slot, str) and _SLOT.fullmatch(slot)):
        raise InvalidInputError(
            f"{where}: a slot is a short name of lowercase letters, digits and dashes"
        )
    return ItemSpec(check_item_text(item["text"], where), slot)


def check_item_text(text: str, where: str = "checklist item") -> str:
    cleaned = " ".join(refuse_nul(text, where).split())
    if not cleaned:
        raise InvalidInputError(f"{where}: an item needs some text")
    if len(cleaned) > ITEM_MAX:
        raise InvalidInputError(
            f"{where}: an item is {len(cleaned)} characters; keep it under {ITEM_MAX}"
        )
    return cleaned
