"""The ``commander`` command: a subcommand runs the CLI, none opens the window.

The window path imports neither the CLI's parser nor Qt until it knows a
window is wanted and can be shown: start-up time is what a commander feels.
This module imports next to nothing itself, so that Ctrl-C is handled
(commander/interrupts.py) from the entry point's first line: during the
imports, the parsing and the command alike.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from commander.interrupts import release, run_command

PROG = "commander"


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Called with sys.argv it is the process's command; with arguments, a caller goes on.
    return run_command(PROG, lambda: _launch(arguments), process_ends=argv is None)


def _launch(argv: list[str]) -> int:
    from commander.exports.pdf_hook import use_pdf_renderer
    from ui.exports.lazy_pdf import LazyQtPdf
    from ui.window_request import WindowArgs, display_problem, window_args

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
    release()  # the window keeps Python's own Ctrl-C handling
    from ui.app import run_window

    return run_window(wanted.db, debug=wanted.debug)


if __name__ == "__main__":
    raise SystemExit(main())
