"""Does the command line ask for the window, and can a window open here?

Kept apart from ``ui.launcher`` so that the entry point imports next to nothing
before its Ctrl-C handling is in place (commander/interrupts.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WindowArgs:
    db: str | None = None
    debug: bool = False


def window_args(argv: Sequence[str]) -> WindowArgs | None:
    """``[--db URL] [--debug]`` and nothing else means the window; else None."""
    db: str | None = None
    debug = False
    items = iter(argv)
    for item in items:
        if item == "--debug":
            debug = True
        elif item == "--db":
            db = next(items, None)
            if db is None:
                return None  # let the full parser explain the missing value
        elif item.startswith("--db="):
            db = item.removeprefix("--db=")
        else:
            return None
    return WindowArgs(db, debug)


def display_problem() -> str | None:
    """Say why a window cannot open here, instead of letting Qt abort."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, vnc…: Qt reports its own problems politely
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        import shutil

        package = "" if shutil.which("xvfb-run") else " (xvfb-run comes in the xvfb package)"
        return (
            "no display (DISPLAY is not set). On a machine without a screen run "
            f"`{headless_command()}`{package}, or use the subcommands (`commander --help`)"
        )
    if display.startswith(":") or display.startswith("unix:"):
        number = display.split(":", 1)[1].split(".", 1)[0]
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f"no X server is running for DISPLAY={display}"
    import ctypes.util  # only here: it costs start-up time on every other path

    if ctypes.util.find_library("xcb-cursor") is None:
        return "the system library libxcb-cursor0 is missing (apt-get install libxcb-cursor0)"
    return None


# In a checkout: the script that sets everything up and opens the window (README).
CHECKOUT_RUN = Path(__file__).resolve().parent.parent / "scripts" / "run"


def headless_command() -> str:
    """A command that opens the window under a virtual screen, as typed from here.

    In a checkout that is ``xvfb-run scripts/run`` (its path as seen from the current
    folder); in an installed copy the program running now, by the name the shell finds
    it under. Imported here, not above: this runs only when there is no display.
    """
    import shlex
    import shutil

    if CHECKOUT_RUN.is_file():
        words = [str(_as_typed_here(CHECKOUT_RUN))]
    elif getattr(sys, "frozen", False):  # the PyInstaller bundle
        words = [sys.executable]
    elif shutil.which("commander"):
        words = ["commander"]
    else:
        words = [sys.executable, "-m", "ui"]
    return shlex.join(["xvfb-run", *words])


def _as_typed_here(path: Path) -> Path:
    """``path`` relative to the current folder when it lies below it, else whole."""
    try:
        here = Path.cwd()
    except OSError:  # the current folder was removed
        return path
    return path.relative_to(here) if path.is_relative_to(here) else path
