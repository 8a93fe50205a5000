"""The ``commander`` command: a subcommand runs the CLI, none opens the window.

The window path imports neither the CLI's parser nor Qt until it knows a
window is wanted and can be shown: start-up time is what a commander feels.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROG = "commander"


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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from commander.exports.pdf_hook import use_pdf_renderer
    from ui.exports.lazy_pdf import LazyQtPdf

    use_pdf_renderer(LazyQtPdf())
    wanted = window_args(argv)
    if wanted is None:
        from commander.cli import parse_args, run

        args = parse_args(argv)
        if args.command is not None:
            return run(args)
        wanted = WindowArgs(args.db, args.debug)
    problem = display_problem()
    if problem:
        print(f"{PROG}: cannot open the window: {problem}", file=sys.stderr)
        return 1
    from ui.app import run_window

    return run_window(wanted.db, debug=wanted.debug)


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


if __name__ == "__main__":
    raise SystemExit(main())
