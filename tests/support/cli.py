"""The one way tests run ``commander`` as a script would: a real subprocess."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# An ``entry`` for ``commander`` with the test webhook connector standing in for one kind.
COMMS_DRIVER = (str(ROOT / "tests" / "support" / "cli_driver.py"),)
INTERRUPT_DRIVER = ROOT / "tests" / "support" / "interrupt_driver.py"
# interrupt_driver.py writes a byte to these descriptors: Ctrl-C is handled; shutting down.
READY_FD = "COMMANDER_TEST_READY_FD"
EXITING_FD = "COMMANDER_TEST_EXITING_FD"


def run_cli(
    *args: str,
    db: Path | None = None,
    stdin: str | None = None,
    entry: tuple[str, ...] = ("-m", "ui"),
    env: Mapping[str, str | None] | None = None,
    binary: bool = False,
    timeout: float = 90,
) -> subprocess.CompletedProcess[Any]:
    """Run the CLI (``python -m ui`` unless ``entry`` says otherwise) on ``db``.

    ``env`` adds variables to the test's environment, or removes those set to None.
    """
    command = [sys.executable, *entry]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=not binary,
        input=stdin,
        timeout=timeout,
        env=child_env(env),
    )


def child_env(changes: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The test's environment for a child process, with ``changes`` (None removes).

    The checkout goes in front of PYTHONPATH, keeping what was there: a script run
    by path would otherwise import the installed ``commander``/``ui`` instead of the
    code under test, and the faketime run of scripts/test-future needs its entry.
    """
    result = dict(os.environ)
    # As from a person's shell: a developer's PYTHONUNBUFFERED would hide what a buffered
    # stdout does (a reader going away left output that Python's exit flush choked on).
    result.pop("PYTHONUNBUFFERED", None)
    result["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT), os.environ.get("PYTHONPATH")) if part
    )
    for name, value in (changes or {}).items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def cli_ok(*args: str, db: Path | None = None, **options: Any) -> Any:
    """What the CLI printed, after checking it exited 0 (its stderr explains if not)."""
    result = run_cli(*args, db=db, **options)
    error = result.stderr.decode() if isinstance(result.stderr, bytes) else result.stderr
    assert result.returncode == 0, error
    return result.stdout


def start_interruptible(
    *args: str, db: Path, entry: str = "launcher", exiting: int | None = None
) -> subprocess.Popen[str]:
    """Start ``commander`` (``entry``: ``launcher``, the console script's way, or ``cli``,
    ``commander.cli.main``) and return once it handles Ctrl-C itself, so that a test's
    delays before SIGINT count from there. ``exiting``: a pipe's write end that hears
    when the interpreter is shutting down (see interrupt_driver.py)."""
    read_end, write_end = os.pipe()
    descriptors = {READY_FD: write_end} | ({EXITING_FD: exiting} if exiting is not None else {})
    try:
        process = subprocess.Popen(
            [sys.executable, str(INTERRUPT_DRIVER), entry, "--db", str(db), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env({name: str(fd) for name, fd in descriptors.items()}),
            pass_fds=tuple(descriptors.values()),
        )
    finally:
        os.close(write_end)
    try:
        announced = wait_for_byte(read_end)
    finally:
        os.close(read_end)
    if not announced:
        process.kill()
        _out, errors = process.communicate()
        raise AssertionError(f"commander never took over Ctrl-C: {errors}")
    return process


def wait_for_byte(descriptor: int, timeout: float = 60) -> bool:
    """True once a byte arrived on ``descriptor``; False at end of file or timeout."""
    readable, _, _ = select.select([descriptor], [], [], timeout)
    return bool(readable) and os.read(descriptor, 1) != b""
