"""``commander capture``: one pass per channel with its counts, refusals in one line, and
``--follow`` catching up after failures until Ctrl-C.

One-pass runs are in-process (``commander.cli.main``, the test's in-memory chat);
``--follow`` runs as a real subprocess whose chat is a JSON file the test rewrites.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from commander.capture.source import CaptureError
from commander.cli import main
from commander.clock import FrozenClock
from tests.conftest import FROZEN_AT
from tests.support.chat_source import MemoryChatSource, chat_source, write_chat_file
from tests.support.cli import ROOT, child_env

Cli = Callable[..., tuple[int, str, str]]
SECRET = "xoxb-cli-secret-0815"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_path: Path) -> Cli:
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


def add_target(db_path: Path, name: str, kind: str, **options: str) -> None:
    from commander.services.targets import save_target
    from commander.store.engine import open_store

    store = open_store(str(db_path), create=False)
    try:
        save_target(store, name, kind, options=options, secret=SECRET)
    finally:
        store.close()


@pytest.fixture
def chat(db_path: Path, ref: str, clock: FrozenClock) -> Iterator[MemoryChatSource]:
    add_target(db_path, "ops-chat", "slack")
    with chat_source("slack") as source:
        yield source


def test_one_pass_prints_the_counts_per_channel(cli: Cli, ref: str, chat: MemoryChatSource) -> None:
    channel = chat.channel_for(ref, "Checkout errors")
    chat.post(channel, "1", "rollback started", FROZEN_AT - timedelta(minutes=3), "Bo")
    chat.post(channel, "2", "db at 100%", FROZEN_AT - timedelta(minutes=2), "Cy")

    assert cli("capture", ref) == (
        0,
        "slack #inc-1-checkout-errors: added 2, revised 0, removed 0\n",
        "",
    )
    chat.edit(channel, "1", "rollback done")
    chat.mark(channel, "2", False)
    code, out, _ = cli("capture", ref.lower(), "--target", "ops-chat")
    assert (code, out) == (0, "slack #inc-1-checkout-errors: added 0, revised 1, removed 1\n")
    code, out, _ = cli("show", ref)
    assert "Bo           chat        rollback done" in out


def test_no_channel_no_chat_target_and_bad_input_each_say_so_in_one_line(
    cli: Cli, ref: str, chat: MemoryChatSource, db_path: Path
) -> None:
    code, out, err = cli("capture", ref)
    assert (code, out, err) == (1, "", f"commander: {ref} has no chat channel on ops-chat\n")
    code, _, err = cli("capture", "INC-x")
    assert code == 2 and err.splitlines()[-1].endswith("is not an incident reference (like INC-7)")
    add_target(db_path, "status", "statuspage", page_id="p")
    code, _, err = cli("capture", ref, "--target", "status")
    assert code == 2 and err.count("\n") == 1 and "status is statuspage" in err
    code, _, err = cli("capture", ref, "--follow", "--every", "0")
    assert code == 2 and "from 1 to 3600" in err
    code, _, err = cli("capture", "INC-9")
    assert (code, err) == (1, "commander: no incident INC-9\n")


def test_a_failing_pass_is_one_line_without_the_secret_and_exit_1(
    cli: Cli, ref: str, chat: MemoryChatSource
) -> None:
    chat.channel_for(ref, "Checkout errors")
    chat.fail_with(CaptureError(f"invalid_auth for {SECRET}"))
    code, out, err = cli("capture", ref)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "invalid_auth" in err and SECRET not in err


def test_with_no_chat_target_it_says_how_to_add_one(cli: Cli, ref: str) -> None:
    code, _, err = cli("capture", ref)
    assert code == 1 and "no slack, matrix or mattermost target" in err


def test_follow_keeps_capturing_catches_up_after_failures_and_stops_on_ctrl_c(
    cli: Cli, ref: str, db_path: Path, tmp_path: Path
) -> None:
    add_target(db_path, "ops-chat", "slack")
    chat_file = tmp_path / "chat.json"
    write_chat_file(chat_file, [("1", "Bo", "first")])
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "support" / "capture_driver.py"),
            "--db",
            str(db_path),
            "capture",
            ref,
            "--follow",
            "--every",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env({"COMMANDER_TEST_CHAT_FILE": str(chat_file)}),
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        line = "slack #inc-1-checkout-errors: added {}, revised 0, removed 0"
        assert process.stdout.readline().strip() == line.format(1)
        write_chat_file(chat_file, [], error="cannot connect to slack.com: connection refused")
        assert process.stderr.readline().strip() == (
            "commander: warning: slack (ops-chat): cannot connect to slack.com: connection refused"
        )
        write_chat_file(chat_file, [("1", "Bo", "first"), ("2", "Cy", "second")])
        assert process.stdout.readline().strip() == line.format(1)  # caught up
        time.sleep(1.5)  # quiet passes print nothing
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert out == ""
    assert err.splitlines() == [f"commander: capture {ref} stopped"]
    code, shown, _ = cli("show", ref)
    assert [line.split()[-1] for line in shown.splitlines() if " chat " in line] == [
        "first",
        "second",
    ]
