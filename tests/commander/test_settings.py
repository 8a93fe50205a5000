"""The author from settings.json: a NUL in it is refused where it is read, naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commander.errors import InvalidInputError
from commander.settings import checked_author, load_settings, os_user_name, settings_path
from tests.support.cli import cli_ok, run_cli


def _write_author(name: str) -> Path:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "author": name}), encoding="utf-8")
    return path


def test_an_author_with_nul_is_refused_naming_the_settings_file() -> None:
    path = _write_author("ana\x00bo")
    with pytest.raises(InvalidInputError, match=f"the author in {path} contains a NUL"):
        load_settings().author_or_default()


def test_the_author_from_settings_comes_before_the_environment() -> None:
    _write_author("ana")
    assert load_settings().author_or_default() == "ana"


def test_a_typed_name_is_trimmed_or_refused() -> None:
    assert checked_author("  ana \n") == "ana"
    with pytest.raises(InvalidInputError, match="the name contains a NUL"):
        checked_author("ana\x00")


def test_the_cli_refuses_the_setting_in_one_line_and_writes_nothing(db_path: Path) -> None:
    ref = cli_ok("declare", "Checkout errors", "--severity", "P1", db=db_path).strip()
    before = cli_ok("show", ref, "--json", db=db_path)
    path = _write_author("ana\x00bo")
    refused = run_cli("log", ref, "paged on-call", db=db_path)
    assert refused.returncode != 0
    assert refused.stderr == (
        f"commander: the author in {path} contains a NUL character; remove it and try again\n"
    )
    assert cli_ok("show", ref, "--json", db=db_path) == before


def test_commander_author_signs_when_no_name_was_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMANDER_AUTHOR", "  Cy ")
    assert load_settings().author_or_default() == "Cy"
    monkeypatch.setenv("COMMANDER_AUTHOR", "")
    assert load_settings().author_or_default() == os_user_name()
