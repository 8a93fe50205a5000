"""``commander edit``: a correction from the terminal, refused when someone edited first."""

from __future__ import annotations

from pathlib import Path

import pytest

from commander.cli import main
from commander.services.timeline import log_entry, read_timeline
from commander.store.engine import open_store


@pytest.fixture
def logged(empty_store: Path) -> tuple[Path, int, int]:
    from commander.domain import Severity
    from commander.services.incidents import declare_incident

    store = open_store(str(empty_store), create=False)
    try:
        ref = declare_incident(store, "Checkout errors", Severity.P1, author="ana").ref
        entry = log_entry(store, ref, "db at 95% CPU", author="ana")
    finally:
        store.close()
    return empty_store, entry.id, entry.version


def _texts(db: Path) -> list[str]:
    store = open_store(str(db), create=False)
    try:
        return [e.text for e in read_timeline(store, 1) if e.kind == "note"]
    finally:
        store.close()


def test_edit_prints_the_new_version(logged, capsys: pytest.CaptureFixture[str]) -> None:
    db, entry_id, version = logged
    args = ["--db", str(db), "edit", str(entry_id), "--text", "db at 99% CPU"]
    assert main([*args, "--expected-version", str(version)]) == 0
    assert int(capsys.readouterr().out) > version
    assert _texts(db) == ["db at 99% CPU"]


def test_a_stale_version_is_one_line_exit_1_and_changes_nothing(
    logged, capsys: pytest.CaptureFixture[str]
) -> None:
    db, entry_id, version = logged
    assert main(["--db", str(db), "edit", str(entry_id), "--text", "db at 97% CPU"]) == 0
    capsys.readouterr()
    stale = ["--db", str(db), "edit", str(entry_id), "--text", "db at 99% CPU"]
    assert main([*stale, "--expected-version", str(version)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"commander: entry {entry_id} was changed by someone else")
    assert _texts(db) == ["db at 97% CPU"]


@pytest.mark.parametrize(
    "args",
    [["1"], ["x", "--text", "a"], ["1", "--text", "a", "--expected-version", "-3"]],
)
def test_usage_errors_exit_2(logged, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    db = logged[0]
    with pytest.raises(SystemExit) as ended:
        code = main(["--db", str(db), "edit", *args])
        raise SystemExit(code)
    assert ended.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("commander")  # what was wrong
    assert _texts(db) == ["db at 95% CPU"]


def test_the_version_to_expect_is_read_from_show_json(
    logged, capsys: pytest.CaptureFixture[str]
) -> None:
    # A script reads the entry, edits it against what it read, and learns of a change meanwhile.
    import json

    db, entry_id, _version = logged
    assert main(["--db", str(db), "show", "INC-1", "--json"]) == 0
    [entry] = [e for e in json.loads(capsys.readouterr().out)["timeline"] if e["id"] == entry_id]
    edit = ["--db", str(db), "edit", str(entry_id), "--expected-version", str(entry["version"])]
    assert main([*edit, "--text", "db at 99% CPU"]) == 0
    capsys.readouterr()
    assert main([*edit, "--text", "db at 42% CPU"]) == 1  # the version read is stale now
    assert _texts(db) == ["db at 99% CPU"]
