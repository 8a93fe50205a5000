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
        return (
            "no display (DISPLAY is not set). On a machine without a screen run "
            "`xvfb-run commander`, or use the subcommands (`commander --help`)"
        )
    if display.startswith(":") or display.startswith("unix:"):
        number = display.split(":", 1)[1].split(".", 1)[0]
        if not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f"no X server is running for DISPLAY={display}"
    import ctypes.util  # only here: it costs start-up time on every other path

    if ctypes.util.find_library("xcb-cursor") is None:
        return "the system library libxcb-cursor0 is missing (apt-get install libxcb-cursor0)"
    return None
