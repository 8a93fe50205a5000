"""A mistyped ``--db`` creates nothing: every subcommand but ``declare`` needs a store
that exists, and a 0-byte file is never turned into one (issue 11, point 7).

The sweep over every subcommand runs in this process (a hundred subprocesses would
cost minutes); a few cases run as a real ``commander`` subprocess end to end.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from commander import cli
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as commander

# Every subcommand that needs an existing store, with arguments argparse accepts, so
# that the run gets as far as opening the store.
NEEDS_A_STORE: dict[str, list[str]] = {
    "log": ["log", "INC-1", "text"],
    "edit": ["edit", "1", "--text", "text"],
    "severity": ["severity", "INC-1", "P1"],
    "phase": ["phase", "INC-1", "mitigate"],
    "list": ["list"],
    "show": ["show", "INC-1"],
    "export": ["export", "INC-1", "--format", "md"],
    "checklist": ["checklist", "INC-1"],
    "check": ["check", "INC-1", "1"],
    "uncheck": ["uncheck", "INC-1", "1"],
    "applicable": ["applicable", "INC-1", "1"],
    "not-applicable": ["not-applicable", "INC-1", "1", "--reason", "no"],
    "checklist-add": ["checklist-add", "INC-1", "page the DBA"],
    "role": ["role", "INC-1", "scribe", "ana"],
    "unassign": ["unassign", "INC-1", "scribe"],
    "roles": ["roles", "INC-1"],
    "rollback": ["rollback", "INC-1", "--to", "v1"],
    "hotfix": ["hotfix", "INC-1", "--to", "v2"],
    "deploys": ["deploys", "INC-1"],
    "milestone": ["milestone", "INC-1", "mitigated", "--clear"],
    "history": ["history", "INC-1"],
    "runbooks": ["runbooks"],
    "runbook-attach": ["runbook-attach", "INC-1", "database"],
    "runbook-draft": ["runbook-draft", "INC-1"],
    "action-items": ["action-items"],
    "action-item": ["action-item", "INC-1", "add an alert"],
    "target add": ["target", "add", "ops", "slack"],
    "target list": ["target", "list"],
    "target remove": ["target", "remove", "ops"],
    "send": ["send", "INC-1"],
    "deliver": ["deliver"],
    "cadence": ["cadence", "INC-1"],
    "channel": ["channel", "INC-1", "--target", "ops"],
    "report": ["report"],
    "search": ["search", "checkout"],
    "similar": ["similar", "INC-1"],
    "target secret": ["target", "secret", "ops"],
    "target audience": ["target", "audience", "ops", "public"],
    "deliveries": ["deliveries", "INC-1"],
    "delivery-retry": ["delivery-retry", "1"],
    "delivery-sent": ["delivery-sent", "1"],
    "user-report": ["user-report", "INC-1", "checkout fails", "--reporter", "ana"],
    "user-reports": ["user-reports", "INC-1"],
    "health-add": ["health-add", "INC-1", "tcp://127.0.0.1:9"],
    "health": ["health", "INC-1"],
    "health-remove": ["health-remove", "INC-1", "1"],
    "health-run": ["health-run", "INC-1", "--once"],
    # A receiver pointed at a mistyped store would file alerts where nobody looks.
    "listen": ["listen", "--port", "0"],
    "alerts": ["alerts"],
    "alert-attach": ["alert-attach", "1", "INC-1"],
    "alert-declare": ["alert-declare", "1"],
    "alert-dismiss": ["alert-dismiss", "1"],
    "who": ["who", "INC-1"],
    "tail": ["tail", "INC-1"],
    "capture": ["capture", "INC-1"],
}
# Team mode's set-up opens no store at all, so it can make none.
OPENS_NO_STORE = {"connection save", "connection show", "connection forget", "team-sql"}
EMPTY_FILE = "{path} is an empty file, not a store; remove it or choose another path"


def _subcommands(parser: argparse.ArgumentParser) -> set[str]:
    """Every leaf subcommand, ``target add`` for nested ones."""
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                nested = _subcommands(child)
                names |= {f"{name} {leaf}" for leaf in nested} if nested else {name}
    return names


def test_every_subcommand_is_classified() -> None:
    """A new subcommand must be added here or to CREATES_STORE: no silent store creation."""
    assert {"declare"} == cli.CREATES_STORE
    assert _subcommands(cli.build_parser()) == (
        set(NEEDS_A_STORE) | cli.CREATES_STORE | OPENS_NO_STORE
    )


@pytest.mark.parametrize("argv", [["team-sql"], ["connection", "show"]])
def test_the_set_up_commands_open_no_store(
    argv: list[str], tmp_path: Path, capsys, monkeypatch
) -> None:
    missing = tmp_path / "typo" / "incidents.sqlite"
    code, _out, err = _run_here(["--db", str(missing), *argv], capsys, monkeypatch)
    assert (code, err) == (0, "")
    assert not missing.parent.exists()


def _listing(folder: Path) -> list[tuple[str, int]]:
    """Every path under ``folder`` (links not followed) with its size."""
    return sorted((str(p.relative_to(folder)), p.lstat().st_size) for p in folder.rglob("*"))


def _run_here(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``commander ARGV`` run in this process."""
    # The log file would go to the test's home folder: not what this test looks at,
    # and one handler per run would pile up on the root logger.
    monkeypatch.setattr("commander.logs.configure_logging", lambda debug=False: None)
    capsys.readouterr()
    code = cli.run(cli.parse_args(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "stores"
    made.mkdir()
    return made


@pytest.mark.parametrize("argv", NEEDS_A_STORE.values(), ids=list(NEEDS_A_STORE))
def test_a_missing_path_is_no_store_and_nothing_is_created(
    argv: list[str], folder: Path, capsys, monkeypatch
) -> None:
    missing = folder / "typo" / "incidents.sqlite"
    code, out, err = _run_here(["--db", str(missing), *argv], capsys, monkeypatch)
    assert (code, out, err) == (1, "", f"commander: no store at {missing}\n")
    assert _listing(folder) == []


@pytest.mark.parametrize("argv", NEEDS_A_STORE.values(), ids=list(NEEDS_A_STORE))
def test_a_dangling_link_is_no_store_and_nothing_is_created(
    argv: list[str], folder: Path, capsys, monkeypatch
) -> None:
    gone = folder / "gone" / "incidents.sqlite"
    (folder / "link.sqlite").symlink_to(gone)
    before = _listing(folder)
    code, out, err = _run_here(["--db", str(folder / "link.sqlite"), *argv], capsys, monkeypatch)
    assert (code, out, err) == (1, "", f"commander: no store at {gone}\n")
    assert _listing(folder) == before


@pytest.mark.parametrize(
    "argv", [*NEEDS_A_STORE.values(), ["declare", "X", "--severity", "P2"]], ids=str
)
def test_an_empty_file_is_refused_by_every_subcommand(
    argv: list[str], folder: Path, capsys, monkeypatch
) -> None:
    empty = folder / "incidents.sqlite"
    empty.touch()
    code, out, err = _run_here(["--db", str(empty), *argv], capsys, monkeypatch)
    assert (code, out, err) == (1, "", "commander: " + EMPTY_FILE.format(path=empty) + "\n")
    assert _listing(folder) == [("incidents.sqlite", 0)]


def test_a_sqlite_file_without_tables_is_no_store_for_a_reader(
    folder: Path, capsys, monkeypatch
) -> None:
    """What is left when a first open was cut short: a reader says so, declare makes it."""
    import sqlite3

    bare = folder / "incidents.sqlite"
    connection = sqlite3.connect(bare)
    connection.execute("PRAGMA user_version = 1")  # writes the header, no table
    connection.close()
    before = _listing(folder)
    code, out, err = _run_here(["--db", str(bare), "list"], capsys, monkeypatch)
    assert (code, out) == (1, "")
    assert err == f"commander: no store at {bare}: the SQLite database there has no tables\n"
    assert _listing(folder) == before
    argv = ["--db", str(bare), "declare", "X", "--severity", "P3"]
    assert _run_here(argv, capsys, monkeypatch) == (0, "INC-1\n", "")


def test_declare_through_a_dangling_link_creates_the_store_it_points_to(
    folder: Path, capsys, monkeypatch
) -> None:
    gone = folder / "gone" / "incidents.sqlite"
    (folder / "link.sqlite").symlink_to(gone)
    argv = ["--db", str(folder / "link.sqlite"), "declare", "X", "--severity", "P3"]
    assert _run_here(argv, capsys, monkeypatch) == (0, "INC-1\n", "")
    assert gone.is_file()


def test_no_store_exits_like_a_missing_incident(empty_store: Path, tmp_path: Path) -> None:
    """One exit code for "not there", whatever is missing (and one line, as a script sees it)."""
    no_incident = commander("show", "INC-9", db=empty_store)
    missing = tmp_path / "typo" / "incidents.sqlite"
    no_store = commander("list", db=missing)
    assert no_store.returncode == no_incident.returncode != 0
    assert no_store.stderr == f"commander: no store at {missing}\n"
    assert not missing.parent.exists()


def test_the_environment_variable_does_not_create_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "typo" / "incidents.sqlite"
    monkeypatch.setenv("COMMANDER_DB", str(missing))
    result = commander("search", "checkout")
    assert (result.returncode, result.stderr) == (1, f"commander: no store at {missing}\n")
    assert not missing.parent.exists()


def test_declare_creates_the_store_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "incidents.sqlite"
    assert ok("declare", "Checkout down", "--severity", "P1", db=path).strip() == "INC-1"
    assert "INC-1" in ok("list", db=path)


def test_declare_refuses_an_empty_file_end_to_end(tmp_path: Path) -> None:
    empty = tmp_path / "incidents.sqlite"
    empty.touch()
    result = commander("declare", "X", "--severity", "P2", db=empty)
    assert (result.returncode, result.stderr) == (
        1,
        "commander: " + EMPTY_FILE.format(path=empty) + "\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "incidents.sqlite"]
    assert empty.stat().st_size == 0
