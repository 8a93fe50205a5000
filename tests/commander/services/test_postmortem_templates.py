"""Templates are data: shipped ones load, user ones override, broken ones say why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commander.errors import InvalidInputError, NotFoundError
from commander.services.postmortem_templates import (
    get_template,
    load_templates,
    user_dir,
)

GOOD = {
    "format": "incident-commander/postmortem-template",
    "name": "Team",
    "sections": [{"key": "summary", "title": "Summary", "prompt": "What happened"}],
}


def test_shipped_templates_load_cleanly() -> None:
    templates, problems = load_templates()
    assert problems == []
    assert {t.id for t in templates} >= {"sre", "blameless-short", "customer-facing"}
    sre = get_template("sre")
    assert sre.section_keys() == (
        "summary",
        "impact",
        "timeline",
        "root_causes",
        "trigger",
        "detection",
        "resolution",
        "went_well",
        "went_wrong",
        "lucky",
        "action_items",
        "supporting_info",
    )


def test_a_user_template_is_found_and_replaces_a_shipped_one() -> None:
    folder = user_dir()
    folder.mkdir(parents=True)
    (folder / "team.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (folder / "sre.json").write_text(json.dumps({**GOOD, "name": "Our SRE"}), encoding="utf-8")
    templates, problems = load_templates()
    assert problems == []
    assert get_template("team").source == "user"
    assert get_template("sre").name == "Our SRE"
    assert [t.id for t in templates].count("sre") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"not valid JSON \(line 1, column 2"),
        ("[]", "must be a JSON object"),
        (json.dumps({**GOOD, "format": "x"}), '"format" must be'),
        (json.dumps({**GOOD, "name": ""}), '"name" must be a non-empty string'),
        (json.dumps({**GOOD, "sections": []}), '"sections" must be a non-empty list'),
        (json.dumps({**GOOD, "sections": ["x"]}), "section 1 must be an object"),
        (json.dumps({**GOOD, "sections": [{"key": "Bad Key", "title": "t"}]}), '"key" must be'),
        (json.dumps({**GOOD, "sections": [{"key": "a", "title": " "}]}), '"title" must be'),
        (
            json.dumps(
                {**GOOD, "sections": [{"key": "a", "title": "A"}, {"key": "a", "title": "B"}]}
            ),
            "'a' appears twice",
        ),
    ],
)
def test_a_malformed_template_is_reported_by_name(content: str, message: str) -> None:
    folder = user_dir()
    folder.mkdir(parents=True)
    path = folder / "broken.json"
    path.write_text(content, encoding="utf-8")
    templates, problems = load_templates()
    assert [p.path for p in problems] == [path]
    assert "broken" not in {t.id for t in templates}
    with pytest.raises(InvalidInputError, match=message) as caught:
        get_template("broken")
    assert str(path) in str(caught.value)


def test_not_utf8_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "latin.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(InvalidInputError, match="not UTF-8"):
        get_template("latin", folders=(tmp_path,))
    with pytest.raises(NotFoundError, match="no postmortem template 'missing'"):
        get_template("missing", folders=(tmp_path,))
