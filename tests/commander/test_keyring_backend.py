"""A keyring backend named but not to be had is one line naming it and the choices,
not "internal error: ModuleNotFoundError" (commander/keyring_backend.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli


def add_target(db_path: Path, backend: str) -> tuple[int, str]:
    result = run_cli(
        "target",
        "add",
        "ops",
        "mattermost",
        "--base-url",
        "http://127.0.0.1:9",
        "--secret-stdin",
        db=db_path,
        stdin="token-1234",
        env={"PYTHON_KEYRING_BACKEND": backend},
    )
    return result.returncode, result.stderr


def test_an_unknown_backend_is_named_with_the_choices(empty_store: Path) -> None:
    db_path = empty_store
    code, errors = add_target(db_path, "nope.Nothing")
    assert code == 1 and errors.count("\n") == 1
    message, _, choices = errors.rstrip("\n").partition("; choices: ")
    assert message == "commander: no keyring backend nope.Nothing (from PYTHON_KEYRING_BACKEND)"
    # The names keyring accepts, as `keyring --list-backends` shows them.
    assert "keyring.backends.fail.Keyring" in choices.split(", ")
    # Nothing was added: the secret could not be stored with the target.
    assert run_cli("target", "list", db=db_path).stdout == ""


@pytest.mark.skipif(sys.platform == "darwin", reason="the macOS keyring works there")
def test_a_backend_that_cannot_work_here_says_why(empty_store: Path) -> None:
    db_path = empty_store
    code, errors = add_target(db_path, "keyring.backends.macOS.Keyring")
    assert code == 1 and errors.count("\n") == 1
    assert errors.startswith(
        "commander: keyring backend keyring.backends.macOS.Keyring (from PYTHON_KEYRING_BACKEND)"
        " cannot be used here: macOS required; choices: "
    )
