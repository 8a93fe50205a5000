"""What the CLI prints for people cannot steer the terminal or forge a row.

Every field that can hold text holds escape sequences, bidi overrides and line
breaks; each human listing must show them escaped, one row per item, while
``--json`` keeps the exact text. In-process (``commander.cli.main``) so the
dozen commands cost milliseconds each; the subprocess contract is tested in
``test_cli.py``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from commander import clock
from commander.cli import main
from commander.domain import EntryKind, Severity
from commander.domain.deploys import DeployKind, make_change
from commander.domain.health import ProbeOutcome
from commander.domain.roles import Role
from commander.paths import data_dir
from commander.services.action_items import ActionItemFields, add_action_item
from commander.services.checklist import add_item, checklist, mark_not_applicable
from commander.services.deploys import record_deploy
from commander.services.health_checks import add_check, record_probe
from commander.services.incidents import change_severity, declare_incident
from commander.services.postmortem import get_postmortem, save_postmortem
from commander.services.roles import assign_role
from commander.services.targets import save_target
from commander.services.timeline import log_entry
from commander.services.user_reports import log_user_report
from commander.store.engine import open_store
from commander.terminal_text import one_line
from tests.commander.conftest import SECRET
from tests.support.webhook import KIND, JsonWebhookConnector, Reply, WebhookServer

# Sets the terminal's title, hides text right to left, clears the screen (C1 CSI),
# returns to the line start, and forges a row after a line break.
HOSTILE = "Pwn\x1b]0;PWNED\x07 \u202eevil \x9b2J\rover\nINC-9    P0  forged"
SHOWN = "Pwn\\x1b]0;PWNED\\x07 \\u202eevil \\x9b2J"  # its start, as a person must see it


@pytest.fixture(autouse=True)
def _no_log_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` adds a log file handler per call: fine in a process, not in the test's."""
    monkeypatch.setattr("commander.logs.configure_logging", lambda debug=False: None)


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """INC-1 with HOSTILE in every text a listing shows; INC-2, a plain look-alike.
    Made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("hostile") / "incidents.sqlite"
    store = open_store(str(path), create=True)
    try:
        ref = declare_incident(
            store, f"Checkout {HOSTILE}", Severity.P1, author=HOSTILE, summary=HOSTILE
        ).ref
        log_entry(store, ref, f"checkout PWNED {HOSTILE}", author=HOSTILE, kind=EntryKind.ACTION)
        change_severity(store, ref, Severity.P0, author=HOSTILE, reason=HOSTILE)
        add_item(store, ref, HOSTILE, author=HOSTILE)
        mark_not_applicable(store, ref, checklist(store, ref).items[0].id, HOSTILE, author="ana")
        assign_role(store, ref, Role.COMMANDER, HOSTILE, author=HOSTILE)
        hotfix = make_change(DeployKind.HOTFIX, "v2", what=HOSTILE, note=HOSTILE)
        record_deploy(store, ref, hotfix, author=HOSTILE)
        add_action_item(store, ref, ActionItemFields(HOSTILE, owner=HOSTILE), HOSTILE)
        add_action_item(store, ref, ActionItemFields("Plain follow-up", owner="bo"), "ana")
        opened = get_postmortem(store, ref)
        save_postmortem(store, replace(opened, sections={"summary": HOSTILE}), "ana")
        declare_incident(store, "Checkout PWNED errors again", Severity.P2, author="ana")
        save_target(store, f"ops{HOSTILE[3:9]}", KIND, options={"channel": HOSTILE})
        log_user_report(store, ref, HOSTILE, HOSTILE, author="ana", channel=HOSTILE)
        check = add_check(store, ref, "tcp://db.internal:5432", "ana")
        record_probe(store, check.id, ProbeOutcome(clock.now(), False, 3, HOSTILE), "ana")
    finally:
        store.close()
    assert not path.with_name(path.name + "-wal").exists()  # one file to copy
    return path


@pytest.fixture
def hostile_store(hostile_template: Path, db_path: Path) -> Path:
    db_path.parent.mkdir(parents=True)
    shutil.copyfile(hostile_template, db_path)
    runbooks = data_dir() / "runbooks"
    runbooks.mkdir(parents=True)
    (runbooks / "drain.md").write_text(f"# Drain {HOSTILE}\n## Mitigation\n1. Drain it\n")
    return db_path


def _run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


def _shown_safely(output: str) -> list[str]:
    """The output's lines, after checking none holds a character that steers a terminal."""
    lines = output.split("\n")
    for line in lines:
        assert one_line(line) == line, f"raw control or bidi character in {line!r}"
    return [line for line in lines if line]


@pytest.mark.parametrize(
    ("argv", "rows"),
    [
        (["list"], 2),  # one line per incident, whatever the title holds
        (["action-items"], 2),
        (["target", "list"], 1),
        (["roles", "INC-1"], 1),
        (["deploys", "INC-1"], 1),
        (["search", "PWNED"], None),
        (["show", "INC-1"], None),
        (["checklist", "INC-1"], None),
        (["history", "INC-1"], None),
        (["similar", "INC-2"], None),
        (["runbooks"], None),
        (["runbook-draft", "INC-1"], None),
        (["user-reports", "INC-1"], 1),
        (["health", "INC-1"], 2),  # the summary, then one row per check
    ],
)
def test_human_output_shows_stored_text_escaped_one_row_per_item(
    hostile_store: Path, capsys: pytest.CaptureFixture[str], argv: list[str], rows: int | None
) -> None:
    out, err = _run(capsys, hostile_store, *argv)
    lines = _shown_safely(out)
    _shown_safely(err)
    assert SHOWN in out
    if rows is not None:
        assert len(lines) == rows, out


def test_list_keeps_the_forged_row_inside_the_title(
    hostile_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _run(capsys, hostile_store, "list")
    first, second = out.splitlines()  # the P0 before the P2: the list's order
    assert second.startswith("INC-2 ") and first.startswith("INC-1 ")
    assert first.endswith("over\\x0aINC-9    P0  forged")


def test_show_keeps_a_summary_s_lines_and_escapes_the_rest(
    hostile_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = _run(capsys, hostile_store, "show", "INC-1")
    assert f"  {SHOWN}\\x0dover\n  INC-9    P0  forged\n" in out  # the summary, as a block
    entries = [line for line in out.splitlines() if "checkout PWNED" in line]
    assert len(entries) == 1 and entries[0].endswith("over\\x0aINC-9    P0  forged")


def test_warnings_and_errors_quote_stored_text_escaped(
    hostile_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, warned = _run(capsys, hostile_store, "phase", "INC-1", "triage")
    assert "warning: leaving" in _shown_safely(warned)[0] and len(_shown_safely(warned)) == 1
    store = open_store(str(hostile_store), create=False)
    try:  # the item added with HOSTILE as its text, so that the refusal quotes it
        number = str(next(i.id for i in checklist(store, "INC-1").items if i.origin == "added"))
    finally:
        store.close()
    assert main(["--db", str(hostile_store), "check", "INC-1", number]) == 0
    code = main(["--db", str(hostile_store), "check", "INC-1", number])  # already checked
    _, refused = capsys.readouterr()
    assert code == 1 and len(_shown_safely(refused)) == 1 and "already checked" in refused


def test_a_providers_error_is_printed_escaped(
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    server: WebhookServer,
    connector: JsonWebhookConnector,
) -> None:
    store = open_store(str(db_path), create=True)
    declare_incident(store, "Checkout errors", Severity.P1, author="ana")
    save_target(store, "ops", KIND, base_url=server.url, secret=SECRET)
    store.close()
    server.queue(Reply(404, HOSTILE))
    code = main(["--db", str(db_path), "send", "INC-1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert [line.split()[:2] for line in _shown_safely(out)[1:]] == [["ops", "failed:"]]
    [refused] = _shown_safely(err)
    assert refused.startswith("commander: not delivered to ops (HTTP 404: Pwn\\x1b]0;PWNED")


@pytest.mark.parametrize(
    ("argv", "exact"),
    [
        (["list", "--json"], lambda doc: doc[0]["title"]),
        (["show", "INC-1", "--json"], lambda doc: doc["summary"]),
        (["search", "PWNED", "--json"], lambda doc: doc[0]["title"]),
        (["action-items", "--json"], lambda doc: doc[0]["description"]),
    ],
)
def test_json_keeps_the_exact_text(
    hostile_store: Path, capsys: pytest.CaptureFixture[str], argv: list[str], exact: object
) -> None:
    out, _ = _run(capsys, hostile_store, *argv)
    assert HOSTILE in exact(json.loads(out))  # type: ignore[operator]
