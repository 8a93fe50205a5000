import os
import shutil
import sys
from pathlib import Path

import pytest

from ui import window_request
from ui.window_request import WindowArgs, display_problem, window_args


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], WindowArgs()),
        (["--db", "x.sqlite"], WindowArgs("x.sqlite")),
        (["--db=pg://h/db", "--debug"], WindowArgs("pg://h/db", True)),
        (["list"], None),
        (["--db", "x.sqlite", "show", "INC-1"], None),
        (["--version"], None),
        (["--db"], None),
    ],
)
def test_window_args_only_for_db_and_debug(argv: list[str], expected: WindowArgs | None) -> None:
    assert window_args(argv) == expected


def test_missing_display_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert "xvfb-run" in (display_problem() or "")
    monkeypatch.setenv("DISPLAY", ":97531")
    assert "no X server" in (display_problem() or "")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_problem() is None


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)


def test_no_display_names_scripts_run_as_typed_from_here(
    no_display: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout = Path(__file__).resolve().parents[2]
    run = checkout / "scripts" / "run"
    assert run.is_file() and os.access(run, os.X_OK)  # README's way to open the window
    monkeypatch.chdir(checkout)
    assert "run `xvfb-run scripts/run`" in (display_problem() or "")
    monkeypatch.chdir(tmp_path)  # elsewhere, a relative path would not be found
    assert f"run `xvfb-run {run}`" in (display_problem() or "")


def test_no_display_outside_a_checkout_names_the_program_running(
    no_display: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(window_request, "CHECKOUT_RUN", tmp_path / "no" / "run")
    monkeypatch.setattr(shutil, "which", lambda name: None)  # neither commander nor xvfb-run
    problem = display_problem() or ""
    assert f"`xvfb-run {sys.executable} -m ui` (xvfb-run comes in the xvfb package)" in problem
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert "`xvfb-run commander`, or" in (display_problem() or "")
