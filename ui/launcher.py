"""The ``commander`` command: a subcommand runs the CLI, none opens the window.

Nothing Qt is imported until we know a window is wanted and can be shown.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from commander.cli import PROG, parse_args, run


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command is not None:
        return run(args)
    problem = display_problem()
    if problem:
        print(f"{PROG}: cannot open the window: {problem}", file=sys.stderr)
        return 1
    from ui.app import run_window

    return run_window(args.db, debug=args.debug)


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
    if ctypes.util.find_library("xcb-cursor") is None:
        return "the system library libxcb-cursor0 is missing (apt-get install libxcb-cursor0)"
    return None


if __name__ == "__main__":
    raise SystemExit(main())
