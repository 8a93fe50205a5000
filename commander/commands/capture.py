"""CLI: ``capture REF [--target NAME] [--follow]``: put what responders pinned or marked in
the incident's chat channel on its timeline.

One pass per channel, one line each ("slack #inc-12-payments: added 3, revised 1,
removed 0"). ``--follow`` keeps going: a channel is read again every few seconds,
later after a failure (the provider's Retry-After, else a growing wait), one line
per failure; a later pass catches up, since each reads the whole captured set.
Ctrl-C stops it between writes (a write under way is kept whole or not at all).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from commander.capture.pacing import FOLLOW_INTERVAL, PROVIDER_INTERVALS
from commander.commands.common import Handler, argument_type, say, warn
from commander.domain.refs import parse_ref
from commander.errors import CommanderError

if TYPE_CHECKING:
    from commander.services.chat_capture import CapturePair, PassResult
    from commander.store.engine import Store

INTERRUPTED = 130
# --follow reads the incidents' targets again this often (a target added elsewhere).
RELOAD_SECONDS = 30.0


def _ref(text: str) -> str:
    parse_ref(text)
    return text.strip()


def _seconds(text: str) -> float:
    from commander.errors import InvalidInputError

    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 1 <= seconds <= 3600:
        raise InvalidInputError(f"{text!r} is not a number of seconds from 1 to 3600")
    return seconds


def register(sub: Any) -> dict[str, Handler]:
    capture = sub.add_parser(
        "capture",
        help="put messages pinned or marked in REF's chat channel on its timeline",
    )
    capture.add_argument("ref", type=argument_type(_ref))
    capture.add_argument(
        "--target", metavar="NAME", help="only this slack, matrix or mattermost target"
    )
    capture.add_argument(
        "--follow", action="store_true", help="keep capturing until Ctrl-C (one pass otherwise)"
    )
    capture.add_argument(
        "--every",
        type=argument_type(_seconds),
        default=None,
        metavar="SECONDS",
        help=(
            f"with --follow, seconds between passes over a channel (default {FOLLOW_INTERVAL:g}, "
            f"slack {PROVIDER_INTERVALS['slack']:g}: a pass reads every thread)"
        ),
    )
    return {"capture": _capture}


def _capture(store: Store, args: argparse.Namespace) -> int:
    from commander.errors import InvalidInputError
    from commander.services.chat_capture import capture_pairs

    try:
        pairs = capture_pairs(store, args.ref, args.target)
    except InvalidInputError as error:  # --target names a target that is not a chat
        print(f"commander: capture: {error}", file=sys.stderr)
        return 2
    if not pairs:
        raise CommanderError(
            "no slack, matrix or mattermost target to capture from: add one with "
            "`commander target add`"
        )
    try:
        return _follow(store, args, pairs) if args.follow else _once(store, pairs)
    except KeyboardInterrupt:
        print(f"commander: capture {args.ref.upper()} stopped", file=sys.stderr)
        return INTERRUPTED


def _once(store: Store, pairs: list[CapturePair]) -> int:
    from commander.services.chat_capture import capture_pass

    results = [capture_pass(store, pair) for pair in pairs]
    _refuse_no_channel(results)
    for result in results:
        _print(result)
    return 1 if any(result.error for result in results) else 0


def _refuse_no_channel(results: list[PassResult]) -> None:
    if all(r.channel is None and r.error is None for r in results):
        names = ", ".join(r.target_name for r in results)
        raise CommanderError(f"{results[0].ref} has no chat channel on {names}")


def _print(result: PassResult) -> None:
    if result.error is not None:
        warn(result.describe())  # the provider's words: escaped, one line
    elif result.channel is not None:
        say(result.describe())
    sys.stdout.flush()


def _follow(store: Store, args: argparse.Namespace, pairs: list[CapturePair]) -> int:
    from commander.capture.pacing import CapturePacer
    from commander.services.chat_capture import capture_pairs, capture_pass

    pacer = CapturePacer(args.every)
    first = True
    reload_at = time.monotonic() + RELOAD_SECONDS
    while True:
        results = []
        for pair in pairs:
            if not pacer.due(pair.key, time.monotonic()):
                continue
            result = capture_pass(store, pair)
            pacer.passed(
                pair.key,
                time.monotonic(),
                failed=result.error is not None,
                retry_after=result.retry_after,
                provider=result.provider,
            )
            results.append(result)
            # Quiet passes say nothing: a line when something changed or failed.
            if first or result.error is not None or result.counts.any:
                _print(result)
        if first:
            _refuse_no_channel(results)
            first = False
        if time.monotonic() >= reload_at:
            pairs = capture_pairs(store, args.ref, args.target)  # the channel may be new
            reload_at = time.monotonic() + RELOAD_SECONDS
        time.sleep(max(0.05, pacer.seconds_to_next([p.key for p in pairs], time.monotonic())))
