"""Chat capture from Slack: a 10,000-message incident channel, 500 of them pinned or marked.

Run: ``.venv/bin/python bench/capture.py [--messages N] [--captured M] [--threads T]``.

The Slack capture contract server (tests/support/contracts/slack_capture.py) runs in
a child process on 127.0.0.1, so the memory figure is the reader's alone. Its channel
holds N messages: T threads of 10 replies each, the rest top-level, from 23 people;
M of them are captured (a fifth pinned, the rest carrying :pushpin:, a fifth of the
marked ones thread replies). SlackSource then makes, in this process:

- a first pass: time, requests per method, how many messages came back;
- a follow-up pass with nothing new: time and requests (Slack has no "changed since"
  for bots, so it costs what the first did: see commander/capture/slack.py);
- a pass after someone marks the channel's oldest message: it must show up;
- the peak memory (tracemalloc) of one pass;
- then the whole capture, reader and store: a pass of the capture service into a new
  SQLite store (every captured message becomes an entry, in one transaction), and a
  follow-up pass that finds nothing new and writes nothing but its cursor.

Prints figures; exits 1 if a pass did not return exactly the captured messages.
Loopback answers in well under a millisecond: against Slack each request takes a
round trip, and history and replies are Tier 3 (50+ a minute), which the last line
turns into a floor for one pass.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The store, settings and the target's token in a throwaway folder, never the user's
# own: no keyring (the secrets file goes there too).
HOME = Path(tempfile.mkdtemp(prefix="bench-capture-"))
for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[variable] = str(HOME / variable.lower())
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import requests  # noqa: E402

from commander.capture.slack import SlackSource  # noqa: E402
from commander.capture.source import CaptureSnapshot, ChannelRef  # noqa: E402
from commander.connectors.base import Target  # noqa: E402
from tests.support.contracts.slack_capture import START, SlackCaptureServer  # noqa: E402

REPLIES_PER_THREAD = 10
PEOPLE = 23  # prime, so authors and the captured messages do not fall into step
TIER3_PER_MINUTE = 50


def build(server: SlackCaptureServer, messages: int, captured: int, threads: int) -> str:
    """The channel; returns its id. Every ``messages // captured``-th message is captured."""
    users = [
        server.add_user(f"U{n:08d}", f"person{n}", display_name=f"Person {n}")
        for n in range(PEOPLE)
    ]
    channel = server.add_channel("inc-1-checkout-down")
    top_level = messages - threads * REPLIES_PER_THREAD
    every = max(1, messages // captured)
    posted = 0
    marked = 0
    thread_every = max(1, top_level // max(1, threads))
    for n in range(top_level):
        author = users[n % PEOPLE]
        text = f"update {n}: <@{users[(n + 1) % PEOPLE]}> see <https://grafana.example/d/{n}|graph>"
        ts = server.post(channel, author, text)
        marked += mark(server, channel, ts, posted, every, marked, captured)
        posted += 1
        if threads and n % thread_every == 0 and n // thread_every < threads:
            for r in range(REPLIES_PER_THREAD):
                reply = server.post(channel, users[r % PEOPLE], f"reply {r}", thread_ts=ts)
                marked += mark(server, channel, reply, posted, every, marked, captured)
                posted += 1
    return channel


def mark(
    server: SlackCaptureServer, channel: str, ts: str, n: int, every: int, marked: int, cap: int
) -> int:
    if n % every or marked >= cap:
        return 0
    if marked % 5 == 0:
        server.pin(channel, ts, "U00000000")
    else:
        server.react(channel, ts, "pushpin", "U00000001")
    return 1


def serve(pipe: Connection, messages: int, captured: int, threads: int) -> None:
    server = SlackCaptureServer()
    channel = build(server, messages, captured, threads)
    server.start()
    pipe.send((server.api_url, server.token, channel))
    while True:
        command = pipe.recv()
        if command == "stop":
            server.stop()
            return
        if command == "mark-oldest":
            by_ts = server.channels[channel]["messages"]
            oldest = next(
                ts
                for ts in server.channels[channel]["order"]
                if "reactions" not in by_ts[ts] and "pinned_to" not in by_ts[ts]
            )
            server.react(channel, oldest, "pushpin", "U00000002")
            pipe.send("ok")
        if command == "calls":
            pipe.send(dict(server.calls()))
            server.reset()


def timed_pass(
    source: SlackSource, target: Target, token: str, channel: ChannelRef
) -> tuple[CaptureSnapshot, str]:
    """The snapshot, and "wall s (reader CPU s)": the rest of the wall time is the
    server's, in the other process."""
    with requests.Session() as session:
        began, cpu = time.perf_counter(), time.process_time()
        snap = source.snapshot(
            target, token, channel, START - timedelta(hours=1), None, session, 30
        )
        wall, used = time.perf_counter() - began, time.process_time() - cpu
        return snap, f"{wall:.2f} s (reader CPU {used:.2f} s)"


def through_the_store(api_url: str, token: str, expected: int) -> int:
    """Capture passes of the service into a new store; returns the failures seen."""
    from commander.domain import Severity
    from commander.services.chat_capture import capture_pairs, capture_pass
    from commander.services.incidents import declare_incident
    from commander.services.targets import save_target
    from commander.store.engine import open_store

    store = open_store(str(HOME / "bench.sqlite"), create=True)
    failures = 0
    try:
        ref = declare_incident(
            store, "Checkout down", Severity.P1, "bench", now=START - timedelta(hours=1)
        ).ref
        save_target(store, "ops-slack", "slack", base_url=api_url, secret=token)
        for label, added in (("first", expected), ("follow-up, nothing new", 0)):
            [pair] = capture_pairs(store, ref)
            began = time.perf_counter()
            result = capture_pass(store, pair)
            took = time.perf_counter() - began
            counts = result.counts
            print(
                f"capture service {label}: {took:.2f} s, added {counts.added},"
                f" revised {counts.revised}, removed {counts.removed}"
                + (f", error: {result.error}" if result.error else "")
            )
            failures += counts.added != added or result.error is not None
    finally:
        store.close()
    return failures


def describe(calls: dict[str, int]) -> str:
    return ", ".join(f"{method} {count}" for method, count in sorted(Counter(calls).items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--captured", type=int, default=500)
    parser.add_argument("--threads", type=int, default=100)
    args = parser.parse_args()
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve, args=(theirs, args.messages, args.captured, args.threads))
    built = time.perf_counter()
    child.start()
    api_url, token, channel_id = ours.recv()
    print(
        f"channel: {args.messages:,} messages ({args.threads} threads of {REPLIES_PER_THREAD}),"
        f" {args.captured} pinned or marked; built in {time.perf_counter() - built:.1f} s"
    )
    target = Target(name="slack", kind="slack", base_url=api_url)
    channel = ChannelRef(channel_id, "inc-1-checkout-down")
    source = SlackSource()
    failures = 0
    try:
        first, first_time = timed_pass(source, target, token, channel)
        ours.send("calls")
        first_calls = ours.recv()
        print(
            f"first pass: {first_time}, {first.requests_made} requests"
            f" ({describe(first_calls)}), {len(first.messages)} messages captured"
        )
        failures += len(first.messages) != args.captured

        again, again_time = timed_pass(source, target, token, channel)
        ours.send("calls")
        again_calls = ours.recv()
        print(
            f"follow-up pass, nothing new: {again_time}, {again.requests_made} requests"
            f" ({describe(again_calls)}); same messages: {again.messages == first.messages}"
        )
        failures += again.messages != first.messages

        ours.send("mark-oldest")
        ours.recv()
        marked, marked_time = timed_pass(source, target, token, channel)
        ours.send("calls")
        ours.recv()
        one_more = len(marked.messages) == args.captured + 1
        print(
            f"after a reaction on the oldest unmarked message: {marked_time},"
            f" {len(marked.messages)} captured (one more: {one_more})"
        )
        failures += len(marked.messages) != args.captured + 1

        tracemalloc.start()
        timed_pass(source, target, token, channel)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        ours.send("calls")
        ours.recv()
        print(f"peak memory of one pass (tracemalloc): {peak / 1_048_576:.1f} MiB")

        failures += through_the_store(api_url, token, args.captured + 1)
        ours.send("calls")
        ours.recv()

        busiest = max(
            first_calls.get("conversations.history", 0),
            first_calls.get("conversations.replies", 0),
        )
        print(
            f"against Slack at its Tier 3 floor ({TIER3_PER_MINUTE} a minute per method):"
            f" {busiest} calls of one method, so a pass waits out about"
            f" {(busiest - 1) // TIER3_PER_MINUTE} min of 429s, plus a round trip per request"
        )
    finally:
        ours.send("stop")
        child.join(timeout=10)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
