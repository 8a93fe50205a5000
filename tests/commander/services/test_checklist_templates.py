"""The checklist files: the shipped defaults, user overrides, broken user files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commander.domain import Phase, Severity
from commander.domain.checklists import parse_template
from commander.errors import InvalidInputError
from commander.services.checklist_templates import (
    default_template_file,
    load_template,
    user_template_file,
)

SEED = {
    Phase.DETECT: ["Monitoring alerts", "User reports", "Automated checks"],
    Phase.TRIAGE: ["severity", "on-call", "channel"],
    Phase.MITIGATE: ["Roll back", "Scale resources", "hotfix", "Communicate status"],
    Phase.RESOLVE: ["Verify the fix", "Monitor metrics", "status page", "Close the incident"],
    Phase.POSTMORTEM: ["timeline of events", "Root cause", "action items", "follow-up tasks"],
}


@pytest.mark.parametrize("phase", list(Phase))
def test_shipped_defaults_carry_the_seed_items_of_each_phase(phase: Phase) -> None:
    texts = [item.text for item in load_template().template.items_for(phase, Severity.P3)]
    assert len(texts) == len(SEED[phase])
    for words, text in zip(SEED[phase], texts, strict=True):
        assert words.lower() in text.lower()


@pytest.mark.parametrize(
    ("severity", "more"),
    [(Severity.P0, True), (Severity.P1, True), (Severity.P2, False), (Severity.P4, False)],
)
def test_p0_and_p1_ask_for_more_in_triage(severity: Severity, more: bool) -> None:
    template = load_template().template
    base = len(template.items_for(Phase.TRIAGE, Severity.P3))
    assert (len(template.items_for(Phase.TRIAGE, severity)) > base) is more


def test_a_p0_asks_for_more_than_a_p1() -> None:
    template = load_template().template
    total = {s: sum(len(template.items_for(p, s)) for p in Phase) for s in Severity}
    assert total[Severity.P0] > total[Severity.P1] > total[Severity.P2]


def test_keys_are_stable_and_distinct() -> None:
    template = load_template().template
    keys = [i.key for p in Phase for i in template.items_for(p, Severity.P0)]
    assert len(keys) == len(set(keys))
    assert keys == [
        i.key for p in Phase for i in load_template().template.items_for(p, Severity.P0)
    ]


def test_user_file_replaces_only_the_phases_it_names() -> None:
    path = user_template_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"phases": {"triage": ["Ring the gong"]}}), encoding="utf-8")
    load = load_template()
    assert load.problem is None
    assert [i.text for i in load.template.items_for(Phase.TRIAGE, Severity.P3)] == ["Ring the gong"]
    assert len(load.template.items_for(Phase.DETECT, Severity.P3)) == 3


BROKEN = [
    ("{not json", "not valid JSON (line 1"),
    ('["a list"]', "expected a JSON object"),
    ('{"phases": {"fixing": ["x"]}}', "unknown phase 'fixing'"),
    ('{"phases": {"detect": "look"}}', "phases.detect must be a list of strings"),
    ('{"phases": {"detect": [""]}}', "an item needs some text"),
    ('{"severity_extras": {"P9": {}}}', "unknown severity 'P9'"),
    ('{"phase": {}}', "unknown key(s) phase"),
    ("\udcff", "not UTF-8"),
]


@pytest.mark.parametrize(("content", "message"), BROKEN)
def test_a_broken_user_file_is_explained_and_the_defaults_still_load(
    content: str, message: str
) -> None:
    path = user_template_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    load = load_template()
    assert load.problem is not None
    assert message in load.problem
    assert str(path) in load.problem
    assert "using the shipped checklists" in load.problem
    assert (
        load.template
        == load_template(
            default_file=default_template_file(), user_file=Path("/nonexistent")
        ).template
    )


def test_parse_template_rejects_overlong_items() -> None:
    with pytest.raises(InvalidInputError, match="keep it under"):
        parse_template({"phases": {"detect": ["x" * 600]}}, "f.json")
