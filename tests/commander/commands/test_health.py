"""The health subcommands against targets on 127.0.0.1.

Most run the CLI in-process (``commander.cli.main``: the same parser and handlers,
the test's clock, no interpreter start per call); the headless runner's Ctrl-C and a
usage error run as real subprocesses.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from commander.cli import main
from commander.clock import FrozenClock
from tests.support.cli import child_env
from tests.support.cli import run_cli as commander
from tests.support.health_server import HealthServer, TcpListener

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def server() -> Iterator[HealthServer]:
    running = HealthServer()
    yield running
    running.close()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path) -> Cli:
    """``cli(*args)`` -> (exit code, stdout, stderr) of ``commander --db DB *args``."""
    # Each run would add a root log handler into this test's temporary folder.
    monkeypatch.setattr("commander.logs.configure_logging", lambda debug=False: None)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(["--db", str(db_path), *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def ref(cli: Cli) -> str:
    code, out, _ = cli("declare", "Checkout errors", "--severity", "P1")
    assert code == 0
    return out.strip()


def ok(cli: Cli, *args: str) -> str:
    code, out, err = cli(*args)
    assert code == 0, err
    return out


def _kinds(cli: Cli, ref: str) -> list[str]:
    return [e["kind"] for e in json.loads(ok(cli, "show", ref, "--json"))["timeline"]]


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("ftp://files.example.com/", "give an http:// or https:// URL, or tcp://HOST:PORT"),
        ("db.internal:5432", "give an http:// or https:// URL, or tcp://HOST:PORT"),
        ("tcp://db.internal", "tcp:// needs a port"),
        ("https://ana:s3cret-pw@api.example.com/", "no user or password"),
    ],
)
def test_bad_targets_are_usage_errors_that_change_nothing(
    cli: Cli, ref: str, target: str, says: str
) -> None:
    code, out, err = cli("health-add", ref, target)
    assert code == 2 and out == ""
    assert says in err and "Traceback" not in err and "s3cret" not in err
    assert _kinds(cli, ref) == ["declared"]


def test_a_bad_target_from_a_real_shell(db_path: Path, ref: str) -> None:
    result = commander("health-add", ref, "gopher://x", db=db_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "commander health-add: error: argument URL|tcp://HOST:PORT: health target "
        "'gopher://x': give an http:// or https:// URL, or tcp://HOST:PORT"
    )


def test_bad_interval_unknown_check_and_nothing_to_run(cli: Cli, ref: str) -> None:
    code, _, err = cli("health-add", ref, "tcp://db:1", "--every", "0")
    assert code == 2 and "a probe interval is 1 to 3600 seconds" in err
    code, _, err = cli("health-remove", ref, "7")
    assert code == 1
    assert err.splitlines() == [
        f"commander: {ref} has no health check '7' (see `commander health {ref}`)"
    ]
    code, _, err = cli("health-run", ref, "--once")
    assert code == 1 and "has no health checks" in err


def test_add_run_once_show_and_remove(cli: Cli, ref: str, server: HealthServer) -> None:
    listener = TcpListener()
    try:
        web = ok(cli, "health-add", ref, server.url, "--every", "5").strip()
        port = ok(cli, "health-add", ref, listener.target).strip()
        assert (web, port) == ("1", "2")

        first = ok(cli, "health-run", ref, "--once").splitlines()
        assert sorted(_said(first)) == sorted(
            [f"127.0.0.1:{server.port}/health is up", f"127.0.0.1:{listener.port} is up"]
        )
        assert first[2] == "2 up"
        # The same states again: nothing printed, nothing logged.
        assert ok(cli, "health-run", ref, "--once").splitlines() == ["2 up"]

        server.answer(503)
        listener.close()
        lines = ok(cli, "health-run", ref, "--once").splitlines()
        assert sorted(line.split("  ", 1)[1] for line in lines[:2]) == sorted(
            [
                f"127.0.0.1:{listener.port} is down: connection refused",
                f"127.0.0.1:{server.port}/health is down: HTTP 503 Service Unavailable",
            ]
        )
        assert lines[2] == "2 down"
    finally:
        listener.close()

    shown = json.loads(ok(cli, "health", ref, "--json"))
    assert [(c["id"], c["state"], c["every_seconds"]) for c in shown["checks"]] == [
        (1, "down", 5),
        (2, "down", 30),
    ]
    assert shown["checks"][0]["error"] == "HTTP 503 Service Unavailable"
    assert shown["all_green_since"] is None
    assert ok(cli, "health", ref).splitlines()[0] == f"{ref}  2 down"

    ok(cli, "health-remove", ref, listener.target)
    ok(cli, "health-remove", ref, web)
    assert ok(cli, "health", ref).strip() == f"{ref}  no health checks"
    kinds = _kinds(cli, ref)
    assert kinds.count("health") == 4  # two came up, two went down: once each
    assert kinds.count("health-check") == 4  # two added, two removed
    detect = json.loads(ok(cli, "checklist", ref, "--phase", "detect", "--json"))["items"]
    assert next(i for i in detect if i["text"] == "Automated checks run")["checked_at"]


def _said(lines: list[str]) -> list[str]:
    """The change lines without their time and latency: "10:00:00Z  x is up (3 ms)"."""
    return [line.split("  ", 1)[1].split(" (")[0] for line in lines if "  " in line]


def test_health_lists_states_since_when_and_the_all_green_time(
    cli: Cli, ref: str, clock: FrozenClock, server: HealthServer
) -> None:
    ok(cli, "health-add", ref, server.url, "--slow-ms", "1500")
    ok(cli, "health-run", ref, "--once")
    up_at = clock()
    clock.advance(timedelta(minutes=12, seconds=30))

    lines = ok(cli, "health", ref).splitlines()
    assert lines[0] == f"{ref}  all green for 12m"
    assert lines[1].startswith(f"   1  up       since {up_at:%Y-%m-%d %H:%M:%SZ}  127.0.0.1:")
    assert lines[1].endswith(" ms")

    document = json.loads(ok(cli, "health", ref, "--json"))
    assert (document["ref"], document["phase"]) == (ref, "detect")
    assert document["all_green_since"] == up_at.isoformat()
    assert document["all_green_seconds"] == 750
    (check,) = document["checks"]
    assert check["target"] == server.url and check["slow_ms"] == 1500
    assert check["name"] == f"127.0.0.1:{server.port}/health"
    assert check["since"] == check["probed_at"] == up_at.isoformat()
    assert check["state"] == "up" and check["error"] is None
    assert set(check) == {
        "id",
        "target",
        "name",
        "every_seconds",
        "slow_ms",
        "state",
        "since",
        "probed_at",
        "latency_ms",
        "error",
        "created_at",
        "created_by",
    }


def test_health_run_stops_when_the_incident_closes(
    cli: Cli, ref: str, server: HealthServer, db_path: Path
) -> None:
    from commander.domain import Phase
    from commander.services.incidents import change_phase
    from commander.store.engine import open_store

    ok(cli, "health-add", ref, server.url, "--every", "1")
    outcome: list[tuple[int, str, str]] = []
    runner = threading.Thread(target=lambda: outcome.append(cli("health-run", ref)))
    runner.start()
    deadline = time.monotonic() + 10
    while server.hits() == 0 and time.monotonic() < deadline:  # it is running
        time.sleep(0.01)
    store = open_store(str(db_path), create=True)
    try:
        change_phase(store, ref, Phase.POSTMORTEM, "ana")
    finally:
        store.close()
    runner.join(timeout=15)
    assert not runner.is_alive()
    ((code, out, err),) = outcome
    assert code == 0, err
    assert out.splitlines()[-1] == f"{ref} is closed: stopping"
    code, _, err = cli("health-run", ref)
    assert code == 1 and "is closed" in err


def test_health_run_probes_on_the_interval_logs_changes_and_stops_on_ctrl_c(
    cli: Cli, ref: str, db_path: Path, server: HealthServer
) -> None:
    ok(cli, "health-add", ref, server.url, "--every", "1")
    process = subprocess.Popen(
        [sys.executable, "-m", "ui", "--db", str(db_path), "health-run", ref],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert process.stdout is not None
        assert " is up (" in process.stdout.readline()
        hits = server.hits()
        server.answer(500)
        assert " is down: HTTP 500" in process.stdout.readline()
        server.answer(200)
        assert " is up again (" in process.stdout.readline()
        assert server.hits() >= hits + 2  # probed again on its interval
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert out == ""
    assert err.splitlines() == [f"commander: health-run {ref} stopped"]
    assert _kinds(cli, ref).count("health") == 3  # up, down, up again: not one per probe
