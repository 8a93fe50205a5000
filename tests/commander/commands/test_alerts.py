"""`commander listen`, `commander alerts` and the alert-* commands as a script runs
them: real subprocesses, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from commander.store.engine import open_store
from tests.support.alert_payloads import alert, alertmanager, body
from tests.support.cli import child_env
from tests.support.cli import cli_ok as ok
from tests.support.cli import run_cli as run

TOKEN = "cli-test-token-0123456789"


class Listener:
    """``commander listen`` running in the foreground, read line by line."""

    def __init__(
        self, db: Path, *args: str, stdin: str | None = TOKEN, env: dict[str, str] | None = None
    ) -> None:
        command = [sys.executable, "-m", "ui", "--db", str(db), "listen", "--port", "0", *args]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(env),
        )
        assert self.process.stdin is not None
        if stdin is not None:
            self.process.stdin.write(stdin + "\n")
        self.process.stdin.close()
        self.process.stdin = None  # communicate() must not flush it again
        first = self.line()
        assert first.startswith("listening on http://127.0.0.1:"), first + self._stderr()
        self.url = first.split()[2]

    def line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().rstrip("\n")

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return ""
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def post(self, path: str, data: bytes, token: str = TOKEN) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.post(self.url + path, data=data, headers=headers, timeout=10).status_code

    def stop(self, how: signal.Signals = signal.SIGINT) -> tuple[int, str]:
        self.process.send_signal(how)
        _, stderr = self.process.communicate(timeout=20)
        return self.process.returncode, stderr


@pytest.fixture(autouse=True)
def _a_store(db_path: Path) -> None:
    """Every command here needs an existing store: none of them creates one."""
    open_store(str(db_path), create=True).close()


@pytest.fixture
def listener(empty_store: Path) -> Iterator[Listener]:
    running = Listener(empty_store, "--token-stdin", "--declare-at", "P1")
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.communicate()


def test_listen_prints_a_line_per_notification_and_stops_cleanly_on_ctrl_c(
    listener: Listener, db_path: Path
) -> None:
    assert listener.post("/alertmanager", body(alertmanager(alert("HighErrorRate")))) == 200
    assert listener.line().endswith("alertmanager firing group 1 P1 HighErrorRate: declared INC-1")
    assert listener.post("/alertmanager", b"{}", token="wrong-token-0123456789") == 401
    assert listener.line().endswith(
        "refused POST /alertmanager from 127.0.0.1: 401 missing or wrong token"
    )
    forged = alert("Disk\nfake line \x1b[2J", severity="warning")
    assert listener.post("/alertmanager", body(alertmanager(forged, group_key="{}:x"))) == 200
    assert listener.line().endswith("group 2 P3 Disk\\x0afake line \\x1b[2J: waiting in the inbox")
    code, stderr = listener.stop()
    assert (code, stderr) == (130, "commander: stopped listening\n")
    assert [g["state"] for g in json.loads(ok("alerts", "--json", db=db_path))] == [
        "waiting",
        "declared",
    ]


def test_listen_takes_the_token_from_the_environment_and_stops_on_sigterm(
    empty_store: Path,
) -> None:
    listening = Listener(empty_store, stdin=None, env={"COMMANDER_LISTEN_TOKEN": TOKEN})
    assert listening.post("/grafana", b"{}") == 400
    assert "400 version: missing" in listening.line()
    assert listening.stop(signal.SIGTERM) == (143, "commander: stopped listening\n")


def _keep_token(db: Path, token: str) -> None:
    """What the window's receiver settings do: keep the token with the store's secrets."""
    from commander.services.receiver_config import save_token
    from commander.store.engine import open_store

    store = open_store(str(db), create=False)
    try:
        save_token(store, token)
    finally:
        store.close()


@pytest.mark.parametrize("args", [["--token-from-store"], []])
def test_listen_reads_the_token_the_window_kept_for_the_store(
    empty_store: Path, args: list[str]
) -> None:
    _keep_token(empty_store, TOKEN)
    listening = Listener(empty_store, *args, stdin=None, env={"COMMANDER_LISTEN_TOKEN": None})
    assert listening.post("/grafana", b"{}", token="another-token-0123456789") == 401
    assert "401 missing or wrong token" in listening.line()
    assert listening.post("/grafana", b"{}") == 400  # past the token: the body is checked
    assert "400 version: missing" in listening.line()
    assert listening.stop(signal.SIGTERM) == (143, "commander: stopped listening\n")


def test_a_token_given_wins_over_the_kept_one(empty_store: Path) -> None:
    _keep_token(empty_store, "kept-token-0123456789")
    listening = Listener(empty_store, stdin=None, env={"COMMANDER_LISTEN_TOKEN": TOKEN})
    assert listening.post("/grafana", b"{}", token="kept-token-0123456789") == 401
    assert listening.post("/grafana", b"{}") == 400
    listening.stop(signal.SIGTERM)


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--token-from-store"], "no token is kept for this store: in the window, Alerts"),
        (["--token-from-store", "--token-stdin"], "--token-stdin and --token-from-store: give one"),
    ],
)
def test_listen_without_a_kept_token_says_where_to_keep_one(
    empty_store: Path, args: list[str], complaint: str
) -> None:
    result = run("listen", "--port", "0", *args, db=empty_store, stdin=TOKEN, timeout=30)
    assert result.returncode == 2
    assert complaint in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "env", "complaint"),
    [
        ([], "", {"COMMANDER_LISTEN_TOKEN": None}, "no token given: pass it with --token-stdin or"),
        (["--token-stdin"], "short\n", {}, "the token has 5 characters; use at least 16"),
        (["--token", TOKEN], "", {}, "the token is never taken from the command line"),
        (["--port", "70000"], "", {}, "a number from 1 to 65535"),
    ],
)
def test_listen_refuses_bad_input_with_one_line_and_exit_2(
    empty_store: Path,
    args: list[str],
    stdin: str,
    env: dict[str, str | None],
    complaint: str,
) -> None:
    port = [] if "--port" in args else ["--port", "0"]
    result = run("listen", *port, *args, db=empty_store, stdin=stdin, env=env, timeout=30)
    assert result.returncode == 2
    assert complaint in result.stderr and "Traceback" not in result.stderr
    assert TOKEN not in result.stderr


def test_the_inbox_from_the_command_line(db_path: Path, cli_incident: str) -> None:
    from commander.domain.alerts import AlertSource, parse_notification
    from commander.services.alert_inbox import InboxPolicy, take_in
    from commander.store.engine import open_store

    store = open_store(str(db_path), create=True)
    try:
        for name, severity in (("LatencyHigh", "warning"), ("Odd", None), ("Noisy", "info")):
            payload = alertmanager(alert(name, severity=severity), group_key=f"{{}}:{name}")
            notification = parse_notification(AlertSource.ALERTMANAGER, payload)
            take_in(
                store,
                notification,
                json.dumps(payload),
                InboxPolicy(),
                notification.alerts[0].starts_at,
            )
    finally:
        store.close()

    listed = ok("alerts", db=db_path).splitlines()
    assert [line.split()[:2] for line in listed] == [
        ["3", "waiting"],
        ["2", "waiting"],
        ["1", "waiting"],
    ]
    assert (
        ok("alert-attach", "1", cli_incident, db=db_path)
        == f"alert group 1 attached to {cli_incident}\n"
    )
    declared = run("alert-declare", "2", db=db_path)
    assert declared.returncode == 1 and "has no severity its labels tell" in declared.stderr
    assert ok("alert-declare", "2", "--severity", "P2", db=db_path) == "INC-2\n"
    ok("alert-dismiss", "3", db=db_path)
    groups = {g["id"]: g for g in json.loads(ok("alerts", "--json", db=db_path))}
    assert {i: (g["state"], g["incident"]) for i, g in groups.items()} == {
        1: ("attached", cli_incident),
        2: ("declared", "INC-2"),
        3: ("dismissed", None),
    }
    assert groups[1]["alerts"][0]["labels"] == {"alertname": "LatencyHigh", "severity": "warning"}
    assert [
        g["id"] for g in json.loads(ok("alerts", "--json", "--state", "dismissed", db=db_path))
    ] == [3]
    from commander.services.incidents import get_incident

    store = open_store(str(db_path), create=True)
    try:
        texts = [entry.text for entry in get_incident(store, cli_incident).timeline]
    finally:
        store.close()
    assert "Alert firing (Alertmanager): LatencyHigh" in texts


@pytest.mark.parametrize(
    ("args", "code", "complaint"),
    [
        (["alert-attach", "one", "INC-1"], 2, "'one' is not an alert group number"),
        (["alert-attach", "99", "INC-1"], 1, "no alert group 99"),
    ],
)
def test_acting_on_groups_refuses_bad_input(
    empty_store: Path, args: list[str], code: int, complaint: str
) -> None:
    result = run(*args, db=empty_store)
    assert result.returncode == code
    assert complaint in result.stderr and "Traceback" not in result.stderr
