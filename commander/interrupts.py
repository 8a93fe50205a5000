"""Ctrl-C on the command line: one line on stderr and exit status 130, wherever it lands.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread is: in an
import, in argparse, inside a transaction, in a finaliser, in an atexit hook while
the interpreter shuts down. Left alone, that prints a traceback. The command line's
entry points (``ui.launcher.main``, ``commander.cli.main``) run through
``run_command``:

- The first Ctrl-C raises ``KeyboardInterrupt`` as usual, so ``with`` blocks undo
  what they began: an open transaction rolls back, a half-written output file is
  removed. At the outermost level the process then ends at once, with one line and
  status 130, skipping the interpreter's shutdown: that would wait for outbox
  threads still blocked on the network. The deliveries those threads were sending
  keep their lease and the outbox's reclaim rules handle them, as after a crash.
- A second Ctrl-C during that clean-up ends the process at once the same way.
  SQLite commits a transaction whole or not at all, so this is as safe as the crash
  the store is built to survive.
- A ``KeyboardInterrupt`` raised inside a finaliser, which Python would swallow
  and report as "Exception ignored in ...", ends the process the same way.
- Once the command has returned, its outcome stands: a Ctrl-C while the interpreter
  shuts down is ignored, and the exit status is the command's.

A SIGINT that the parent set to be ignored (``nohup``, background jobs) stays
ignored. What runs before an entry point's first line, the interpreter's own
start-up, keeps Python's behaviour.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

# Not typing.TYPE_CHECKING: importing typing costs milliseconds before the handler is
# in place (mypy and ruff read this name the same way).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType
    from typing import NoReturn

EXIT_STATUS = 130  # 128 + SIGINT: what shells report for a command stopped by Ctrl-C

_prog: str | None = None  # the command's name while run_command is in charge
_said = False


def run_command(prog: str, main: Callable[[], int], *, process_ends: bool = True) -> int:
    """Run ``main`` as this process's command; Ctrl-C ends it as the module says.

    Nested calls (``python -m commander`` reaching ``commander.cli.main``) and calls
    outside the main thread, which cannot own signals, just run ``main``.
    ``process_ends``: the process exits when this returns (an entry point reading
    ``sys.argv``). Otherwise the caller goes on (a test, a script calling ``main`` with
    its own arguments): Ctrl-C is given back as it was, not left ignored, since
    processes started later inherit an ignored SIGINT and could not be stopped.
    """
    if _prog is not None or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return main()  # already in charge, or whoever started us asked to ignore Ctrl-C
    previous = signal.getsignal(signal.SIGINT)
    try:
        if not install(prog):  # inside the try: a Ctrl-C right after it is caught below
            return main()
        code = main()
        if not process_ends:
            _give_back(previous)
            return code
        # The command's outcome is decided and what it wrote is committed: a Ctrl-C
        # while the interpreter shuts down (atexit hooks, the log, flushing output)
        # can change neither, so it is ignored and the exit status stays the outcome's.
        # Ignored, not handled: Python puts back the default action for handled signals
        # near the very end of its shutdown, where Ctrl-C would kill the process silently.
        if signal.getsignal(signal.SIGINT) is _first_interrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except BaseException as error:
        if caused_by_interrupt(error):
            exit_interrupted()
        raise
    return code


def _give_back(previous: object) -> None:
    """Undo ``install`` for a caller that goes on after the command."""
    global _prog
    release()
    if callable(previous) or previous in (signal.SIG_DFL, signal.SIG_IGN):
        signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]
    _prog = None


def caused_by_interrupt(error: BaseException) -> bool:
    """Whether ``error`` is a KeyboardInterrupt or arose from one: Python 3.11 wraps one
    raised in ``__set_name__`` (a dataclass being built) in a RuntimeError, and clean-up
    that fails while an interrupt unwinds raises its own error in its place."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def install(prog: str) -> bool:
    """Take over Ctrl-C and swallowed interrupts for the command ``prog``; False outside
    the main thread, where Python lets no one set a signal handler."""
    global _prog
    try:
        signal.signal(signal.SIGINT, _first_interrupt)
    except ValueError:
        return False
    _prog = prog
    sys.unraisablehook = _unraisable
    return True


def release() -> None:
    """Give Ctrl-C back to Python's defaults (the window, which handles its own)."""
    if signal.getsignal(signal.SIGINT) in (_first_interrupt, _interrupted_now):
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.unraisablehook is _unraisable:
        sys.unraisablehook = sys.__unraisablehook__


def exit_interrupted() -> NoReturn:
    """Say "interrupted" in one line and end the process now, with status 130."""
    global _said
    for stream in (sys.stdout, sys.stderr):
        # What the command printed so far still goes out. The flush may fail: a closed
        # pipe, or a write to the same stream already under way (a Ctrl-C landed in it).
        with contextlib.suppress(Exception):
            stream.flush()
    if not _said:  # a second Ctrl-C while this runs must not print the line twice
        _said = True
        with contextlib.suppress(OSError):
            os.write(2, f"{_prog or 'commander'}: interrupted\n".encode())
    os._exit(EXIT_STATUS)


def _first_interrupt(signum: int, frame: FrameType | None) -> None:
    # Unwind once; a second Ctrl-C while that runs ends the process at once.
    signal.signal(signal.SIGINT, _interrupted_now)
    raise KeyboardInterrupt


def _interrupted_now(signum: int, frame: FrameType | None) -> None:
    exit_interrupted()


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    if unraisable.exc_value is not None and caused_by_interrupt(unraisable.exc_value):
        exit_interrupted()  # raised in a finaliser, which would swallow it and go on
    sys.__unraisablehook__(unraisable)
