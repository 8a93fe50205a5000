"""Export benchmark: an incident of 10,000 timeline entries to Markdown, HTML and PDF.

Run: ``.venv/bin/python bench/export.py [--runs N] [--entries N]``. Builds a
throwaway SQLite store and selects every entry for the postmortem's Timeline
section (the worst case: all 10,000 appear in the document). Then, per format:

1. the CLI as a person runs it: a fresh ``commander --db DB export REF --format F
   -o FILE`` process, timed end to end, beside a floor in the same run: a process
   that does everything that command does except the export (start the
   interpreter, import the launcher, build the parser, open the store, exit).
   The judged figure is what the export adds above the floor, against the
   targets (Markdown ≤ 0.3 s, HTML ≤ 1 s, PDF ≤ 3 s). Floor and export runs
   alternate, so a machine that gets busier slows both alike.
2. in-process and warm (imports done, Qt fonts loaded): the read/render split,
   for finding where the time goes; not what a person waits for.

Prints medians of each and PASS/FAIL for the process figures; exits 1 only if a
process fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_HASH_SEED", "0")

TARGETS = {"md": 0.3, "html": 1.0, "pdf": 3.0}
# What ``commander`` (ui.launcher:main) runs for a subcommand, stopped where the
# handler would start: the same imports, parser, logging set-up and store opening.
FLOOR = """
import sys
from commander.exports.pdf_hook import use_pdf_renderer
from ui.exports.lazy_pdf import LazyQtPdf
use_pdf_renderer(LazyQtPdf())
from commander.cli import parse_args
from commander.logs import configure_logging
from commander.store.engine import open_store
args = parse_args(sys.argv[1:])
configure_logging(args.debug)
open_store(args.db, create=True).close()
"""
COMMANDER = "import sys\nfrom ui.launcher import main\nsys.exit(main())\n"


def build(store: object, entries: int) -> str:
    from commander.domain import EntryKind
    from commander.services.incidents import load_incident
    from commander.services.postmortem import get_postmortem, save_postmortem
    from commander.services.timeline import next_version
    from commander.store.orm import TimelineEntry
    from tests.support.postmortem_sample import GENERATED_AT, T0, build_sample

    ref = build_sample(store)
    kinds = [EntryKind.NOTE, EntryKind.ACTION, EntryKind.OBSERVATION, EntryKind.DECISION]
    with store.write() as session:  # type: ignore[attr-defined]
        incident = load_incident(session, ref)
        version = next_version(session)
        have = len(incident.entries)
        for number in range(entries - have):
            moment = T0 + timedelta(seconds=number)
            session.add(
                TimelineEntry(
                    incident_id=incident.id,
                    occurred_at=moment,
                    recorded_at=moment,
                    author=("ana", "bo", "cy")[number % 3],
                    kind=kinds[number % 4].value,
                    text=f"Entry {number}: checked <pods> & queues in eu-west, latency p99 "
                    f"{number % 900} ms, error rate {number % 37}% *still* high",
                    pinned=number % 50 == 0,
                    version=version + number,
                )
            )
    with store.read() as session:  # type: ignore[attr-defined]
        ids = tuple(e.id for e in load_incident(session, ref).entries if e.deleted_at is None)
    save_postmortem(store, replace(get_postmortem(store, ref), entry_ids=ids), "bench")
    assert GENERATED_AT
    return ref


def timed_process(code: str, argv: list[str]) -> float:
    """Seconds from starting ``python -c code argv`` to its exit; it must succeed."""
    # This checkout's code first (an editable install may point at another), and bytecode
    # written on the warm-up run as an installed app has it: with PYTHONDONTWRITEBYTECODE
    # inherited, every run would compile the modules it imports from source again.
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], env=env, cwd=ROOT, capture_output=True, timeout=300
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv} failed: {done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def cli_figures(db: Path, ref: str, runs: int, folder: Path) -> dict[str, tuple[float, float]]:
    """Per format: (median export process, median floor process), alternating runs."""
    from tests.support.postmortem_sample import GENERATED_AT

    figures: dict[str, tuple[float, float]] = {}
    for fmt in TARGETS:
        out = folder / f"out.{fmt}"
        argv = ["--db", str(db), "export", ref, "--format", fmt, "-o", str(out)]
        argv += ["--generated-at", GENERATED_AT.isoformat()]
        timed_process(COMMANDER, argv)  # warm the OS file cache and the bytecode once
        exports, floors = [], []
        for _ in range(runs):
            floors.append(timed_process(FLOOR, argv))
            exports.append(timed_process(COMMANDER, argv))
        assert out.stat().st_size > 0
        figures[fmt] = (statistics.median(exports), statistics.median(floors))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()

    from PySide6.QtGui import QGuiApplication

    from commander.exports.document import load_document
    from commander.exports.pdf_hook import use_pdf_renderer
    from commander.exports.render import render
    from commander.store.engine import open_store
    from tests.support.postmortem_sample import GENERATED_AT
    from ui.exports.pdf import QtPdfRenderer

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "bench.sqlite"
        store = open_store(str(db), create=True)
        started = time.perf_counter()
        ref = build(store, args.entries)
        print(f"built {ref} with {args.entries} entries in {time.perf_counter() - started:.1f} s")
        store.close()
        cli = cli_figures(db, ref, args.runs, folder)

        app = QGuiApplication(["bench"])  # noqa: F841 - the PDF renderer needs one
        use_pdf_renderer(QtPdfRenderer())  # what ui.launcher does at start
        store = open_store(str(db), create=True)
        doc = load_document(store, ref, GENERATED_AT)
        print(f"document: {len(doc.audit.entries)} entries, {len(doc.timeline)} in the timeline")
        render(doc, "pdf")  # warm up: Qt loads fonts once per process
        reads: list[float] = []
        renders: dict[str, list[float]] = {fmt: [] for fmt in TARGETS}
        sizes: dict[str, int] = {}
        for _ in range(args.runs):
            for fmt in TARGETS:
                started = time.perf_counter()
                doc = load_document(store, ref, GENERATED_AT)
                loaded = time.perf_counter()
                data = render(doc, fmt)
                done = time.perf_counter()
                reads.append(loaded - started)
                renders[fmt].append(done - loaded)
                sizes[fmt] = len(data)
        store.close()

    print(f"\n1. the CLI process, end to end (median of {args.runs} each, alternating):")
    print(f"{'format':<6} {'export':>8} {'floor':>8} {'added':>8} {'target':>8}  result")
    for fmt, target in TARGETS.items():
        export, floor = cli[fmt]
        added = export - floor
        verdict = "PASS" if added <= target else "FAIL"
        print(f"{fmt:<6} {export:>7.3f}s {floor:>7.3f}s {added:>7.3f}s {target:>7.1f}s  {verdict}")
    print(
        "export = `commander --db DB export REF --format F -o FILE` from start to exit;"
        "\nfloor = the same process stopped after opening the store; added = export − floor"
    )

    read = statistics.median(reads)
    print(f"\n2. in-process, warm (not judged): read + build document {read:.3f} s (median)")
    print(f"{'format':<6} {'render':>8} {'total':>8}  {'size':>10}")
    for fmt in TARGETS:
        rendered = statistics.median(renders[fmt])
        total = statistics.median(
            r + w
            for r, w in zip(
                reads[list(TARGETS).index(fmt) :: len(TARGETS)], renders[fmt], strict=True
            )
        )
        print(f"{fmt:<6} {rendered:>7.3f}s {total:>7.3f}s  {sizes[fmt]:>9,}B")
    # The machine may be shared: a busy one makes every figure slower, so say how busy.
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nload average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
