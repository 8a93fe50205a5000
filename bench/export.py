"""Export benchmark: an incident of 10,000 timeline entries to Markdown, HTML and PDF.

Run: ``.venv/bin/python bench/export.py [--runs N] [--entries N]``. Builds a
throwaway SQLite store, selects every entry for the postmortem's Timeline
section (the worst case: all 10,000 appear in the document), then times the
whole export as the CLI does it: reading the store, building the document and
rendering. Prints medians with the read/render split and PASS/FAIL against
the targets (Markdown ≤ 0.3 s, HTML ≤ 1 s, PDF ≤ 3 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def build(store: object, entries: int) -> str:
    from commander.domain import EntryKind
    from commander.services.incidents import load_incident
    from commander.services.postmortem import get_postmortem, save_postmortem
    from commander.services.timeline import next_version
    from commander.store.orm import TimelineEntry
    from tests.postmortem_sample import GENERATED_AT, T0, build_sample

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
    from tests.postmortem_sample import GENERATED_AT
    from ui.exports.pdf import QtPdfRenderer

    app = QGuiApplication(["bench"])  # noqa: F841 - the PDF renderer needs one
    use_pdf_renderer(QtPdfRenderer())  # what ui.launcher does at start
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "bench.sqlite"))
        started = time.perf_counter()
        ref = build(store, args.entries)
        print(f"built {ref} with {args.entries} entries in {time.perf_counter() - started:.1f} s")
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

    read = statistics.median(reads)
    print(f"\nread + build document (median of {len(reads)}): {read:.3f} s")
    print(f"{'format':<6} {'render':>8} {'total':>8} {'target':>8}  {'size':>10}  result")
    for fmt, target in TARGETS.items():
        rendered = statistics.median(renders[fmt])
        total = statistics.median(
            r + w
            for r, w in zip(
                reads[list(TARGETS).index(fmt) :: len(TARGETS)], renders[fmt], strict=True
            )
        )
        verdict = "PASS" if total <= target else "FAIL"
        print(
            f"{fmt:<6} {rendered:>7.3f}s {total:>7.3f}s {target:>7.1f}s"
            f"  {sizes[fmt]:>9,}B  {verdict}"
        )
    print("\ntotal = read the store + build the document + render; medians over runs")
    # The machine may be shared: a busy one makes every figure slower, so say how busy.
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
